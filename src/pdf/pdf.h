/*
 * pdf.h - the PDF writer: draws a print edition with libharu.  The only
 * folder that includes libharu's headers.
 */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include "base/run.h"
#include "model/model.h"
#include "print/typeset.h"

/* Draws ed (the whole book, or the handout of ed->module) and writes it as
 * a PDF file at path, atomically.  Drawing takes the pages' items from the
 * edition (only their link areas are kept), so an edition is drawn once.
 * Returns 0, or -1 after a DIAG_FATAL naming path.  *npages (if not NULL)
 * gets the page count. */
int pdf_write(struct run *run, const struct book *book, struct edition *ed,
	      const char *path, int *npages);

#endif
