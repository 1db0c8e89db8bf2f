/*
 * build.h - what the commands do, stage by stage: build (the print
 * edition, the PDF and the EPUB, their companions) and handouts.  main.c
 * parses the command line and prints; this runs the pipeline
 *
 *   typeset (print/) --> pdf_write (pdf/)
 *            \--------> epub_write (epub/), on a second thread
 *
 * for a book that load/ and resolve/ have made.
 */
#ifndef FOLIO_BUILD_H
#define FOLIO_BUILD_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/run.h"
#include "model/model.h"

/* Creates the output folder (and its parents).  Returns 0, or -1 after a
 * DIAG_FATAL naming it. */
int build_make_dir(const char *dir, struct diag_list *d);

/* folio build: the PDF and/or the EPUB of book into out_dir, then
 * SHA256SUMS and build.json.  What was written goes to summary ("PATH (N
 * pages, SIZE) and PATH (SIZE)").  Problems go to run->diags. */
void build_book(struct run *run, const struct book *book, const char *out_dir,
		bool pdf, bool epub, struct buf *summary);

/* folio handouts: one PDF per module into out_dir/handouts, with their
 * own SHA256SUMS and build.json beside them. */
void build_handouts(struct run *run, const struct book *book, const char *out_dir,
		    struct buf *summary);

#endif
