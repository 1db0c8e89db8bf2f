/*
 * epub.h - the EPUB 3 writer.
 */
#ifndef FOLIO_EPUB_H
#define FOLIO_EPUB_H

#include "model.h"
#include "options.h"

/* Writes the book as an EPUB 3 file at path.  Content problems go to
 * book->diags as warnings; returns 0, or -1 if the file could not be
 * written (also recorded as a DIAG_FATAL naming the path). */
int epub_write(const struct book *book, const struct build_opts *opts,
	       const char *path);

#endif
