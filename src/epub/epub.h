/*
 * epub.h - the EPUB 3 writer.
 */
#ifndef FOLIO_EPUB_H
#define FOLIO_EPUB_H

#include "model/model.h"
#include "base/run.h"
#include "model/pagination.h"

/* Writes the book as an EPUB 3 file at path.  Content problems go to
 * run->diags as warnings; returns 0, or -1 if the file could not be
 * written (also recorded as a DIAG_FATAL naming the path).
 *
 * pages, when not NULL, is the print edition's pagination (print/typeset.h):
 * each printed page gets a page-break marker where its text begins, the
 * contents a page-list (and toc.ncx a pageList), and the package names
 * the PDF as the source of the page numbers.  The EPUB depends only on
 * pages, not on whether the PDF was written in the same build. */
int epub_write(struct run *run, const struct book *book,
	       const struct pagination *pages, const char *path);

#endif
