/*
 * pdf.h - the PDF writer (layout + libharu).
 */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include "model.h"
#include "options.h"

/* Lays the book out and writes it as a PDF file at path.  Content problems
 * go to book->diags as warnings; returns 0, or -1 if the file could not be
 * written (also recorded as a DIAG_FATAL naming the path).  *npages gets
 * the page count when not NULL. */
int pdf_write(const struct book *book, const struct build_opts *opts,
	      const char *path, int *npages);

#endif
