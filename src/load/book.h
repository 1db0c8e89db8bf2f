/*
 * book.h - loading a book: metadata, chapter files, reading order.
 *
 * A book is a folder.  Its root page is index.md, else README.md.  The
 * reading order is depth-first over local Markdown links in document
 * order, starting at the root page; each file appears once.
 *
 * A folder with book.toml or src/SUMMARY.md is an mdBook book: the chapters
 * and book->toc come from SUMMARY.md (summary.h), in the folder book.toml's
 * src names; each chapter's {{#include}} family is expanded before it is
 * parsed and rustdoc's hidden lines leave its rust code blocks
 * (preproc.h); links to the book's own site-url become chapter links.
 *
 * Metadata comes from folio.ini (see README.md), or book.toml's [book]
 * table for mdBook books; missing fields get defaults and a warning (a
 * note for mdBook books, which need none).
 *
 * No file outside the book folder is ever read: every path is checked
 * after resolving symlinks.
 */
#ifndef FOLIO_BOOK_H
#define FOLIO_BOOK_H

#include "base/run.h"
#include "model/model.h"

/* Loads and parses the book in dir.  On success returns 0 and *out (in
 * run->arena).  Returns -1 when the folder or its root page cannot be read
 * (a DIAG_FATAL is recorded).  Content problems are warnings. */
int book_load(struct book **out, struct run *run, const char *dir);

struct summary;

/* Loads the mdBook book in dir from an outline made elsewhere (mdBook's
 * RenderContext, renderctx.h) instead of its SUMMARY.md: the chapters'
 * texts are the items' content where given (already through mdBook's
 * {{#include}} expansion when expanded), and paths stay relative to dir,
 * confined to it.  src_dir is the book's src folder.  The metadata file
 * (book.toml) is read from dir as book_load reads it; then adjust, when
 * not NULL, may change the metadata before the chapters are loaded.
 * Returns 0 and *out, or -1 (a DIAG_FATAL recorded) when dir cannot be
 * read or no chapter can be. */
int book_load_outline(struct book **out, struct run *run, const char *dir,
		      const char *src_dir, const struct summary *sum, bool expanded,
		      void (*adjust)(void *ctx, struct book *b), void *ctx);

#endif
