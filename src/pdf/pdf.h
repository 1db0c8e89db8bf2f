/*
 * pdf.h - the PDF writer (layout + libharu).
 */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include "app/manifest.h"
#include "model/model.h"
#include "base/options.h"
#include "print/pagination.h"

/* Lays the book out and writes it as a PDF file at path.  Content problems
 * go to book->diags as warnings; returns 0, or -1 if the file could not be
 * written (also recorded as a DIAG_FATAL naming the path).  *npages gets
 * the page count when not NULL. */
int pdf_write(const struct book *book, const struct build_opts *opts,
	      const char *path, int *npages);

/* pdf_write(), and as soon as the book is laid out (before libharu draws
 * and saves it) on_paginated(ctx, pages) is called, on the calling thread,
 * with the print edition's pagination (what pdf_paginate() would return;
 * valid only during the call: copy what you keep).  It is not called when
 * the book could not be laid out or paginated.  After it returns, pdf.c
 * touches no state that pdf_paginate() shares until pdf_write_ex returns,
 * and writes only through book->diags: the caller may run the EPUB writer
 * on another thread meanwhile (with its own diag list, main.c). */
typedef void (*pdf_paginated_fn)(void *ctx, const struct pagination *pages);
int pdf_write_ex(const struct book *book, const struct build_opts *opts,
		 const char *path, int *npages,
		 pdf_paginated_fn on_paginated, void *ctx);

/* Writes one handout per module of the book (handouts.h) into the folder
 * dir, named after the module ("module3-compiler-internals.pdf").  *arts
 * (the book's arena) gets what was written, *nart their count; a book
 * without modules writes none and warns.  Returns 0, or -1 if a file could
 * not be written (a DIAG_FATAL).  FOLIO_HANDOUT_DUMP=DIR writes each
 * handout's layout dump (layout_dump()) to DIR/moduleN-....dump. */
int pdf_write_handouts(const struct book *book, const struct build_opts *opts,
		       const char *dir, struct artifact **arts, int *nart);

#endif
