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

#include "model/model.h"

/* Loads and parses the book in dir.  On success returns 0 and *out (in
 * the arena).  Returns -1 when the folder or its root page cannot be read
 * (a DIAG_FATAL is recorded).  Content problems are warnings. */
int book_load(struct book **out, const char *dir, struct arena *arena,
	      struct diag_list *diags);

/* Why a local link target was refused or not found. */
enum target_status {
	TARGET_OK,        /* *path is a readable regular file in the book */
	TARGET_MISSING,   /* no such file */
	TARGET_OUTSIDE,   /* climbs out of the book folder, absolute, or a
			     symlink leading out */
	TARGET_NOT_FILE,  /* a directory or special file */
	TARGET_BAD        /* malformed (bad percent-encoding, NUL) */
};

/*
 * Resolves a relative link destination (no scheme, fragment already cut
 * off, still percent-encoded) written in the file from_path (relative to
 * the book folder) to a path relative to the book folder.  For ".html"
 * destinations the ".md" source is tried first (for "index.html" then
 * README.md, as mdBook publishes it); a folder tries its index.md then
 * README.md.  *path is set for TARGET_OK and TARGET_MISSING
 * (the normalised path that was looked for).
 */
enum target_status book_target(const struct book *book, const char *from_path,
			       const char *dest, const char **path);

/* The chapter whose path is path, or NULL. */
struct chapter *book_chapter(const struct book *book, const char *path);

/* A known out-of-book target declared in the metadata matching dest as
 * written in from_path, or NULL. */
const struct known_target *book_known(const struct book *book, const char *from_path,
				      const char *dest);

/* Reads a file of the book (path relative to the book folder) after the
 * same confinement checks.  Returns 0, or -1 (errno set; EACCES for paths
 * leaving the book).  The caller frees *data. */
int book_read_file(const struct book *book, const char *path, char **data, size_t *len);

#endif
