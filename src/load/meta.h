/*
 * meta.h - the book's metadata file.
 *
 * folio.ini (INI, parsed by libinih):
 *   [book]     title, subtitle, authors (comma-separated), language,
 *              identifier, version, date (YYYY-MM-DD), description, keywords,
 *              epub_fonts, cover (an image for the EPUB's cover)
 *   [external] PATH = NOTE   - links to PATH (as written, relative to the
 *              book folder) are known to lie outside this book: they are
 *              shown as text with NOTE and do not warn.
 *   [handouts] modules = PATH, PATH, ...  - the chapters that open the
 *              instructor handouts' modules (default: derived, handouts.h)
 * For mdBook books (no folio.ini), book.toml is read with a small TOML
 * reader: [book] title, authors (array, may span lines), description,
 * language, src; [output.html] site-url (an absolute URL: links to the
 * book's own pages become chapter links); [output.html.code.hidelines].  Other tables are skipped;
 * a [preprocessor.X] folio does not run is a note.
 */
#ifndef FOLIO_META_H
#define FOLIO_META_H

#include "base/run.h"
#include "model/model.h"

/* Reads the metadata file of book->realdir into book->meta, if any.
 * *src_dir gets book.toml's src (default "src") for mdBook books, else
 * NULL.  Bad lines are warnings naming file:line. */
void meta_load(struct run *run, struct book *book, const char **src_dir);

/* Fills what is still missing with defaults (title from the root page's
 * first heading), warning once per missing field that matters. */
void meta_defaults(struct run *run, struct book *book);

#endif
