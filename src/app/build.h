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
#include "print/style.h"

/* Creates the output folder (and its parents).  Returns 0, or -1 after a
 * DIAG_FATAL naming it. */
int build_make_dir(const char *dir, struct diag_list *d);

/*
 * Finishes a loaded and resolved book for its editions: reads the print
 * style once (the style file, or data_dir/styles/print.ini, with --paper
 * over it) into *st, takes from it how links are marked, and makes the
 * generated pages (generate.h).  With report, the style's problems go to
 * run->diags; without (an EPUB alone, which uses only the style's titles
 * and link marks) they are kept apart.  Returns 0, or -1 when the style
 * cannot be used: *why then says why, and the defaults are in force.
 */
int build_prepare(struct run *run, struct book *book, struct print_style *st,
		  bool report, const char **why);

/* folio build: the PDF and/or the EPUB of book into out_dir, then
 * SHA256SUMS and build.json.  st is the print style, NULL when it could
 * not be read (style_why says why; only an EPUB can then be written,
 * without print page numbers).  What was written goes to summary ("PATH
 * (N pages, SIZE) and PATH (SIZE)").  Problems go to run->diags. */
void build_book(struct run *run, const struct book *book, const struct print_style *st,
		const char *style_why, const char *out_dir, bool pdf, bool epub,
		struct buf *summary);

/* folio check: lays the print edition out, writing nothing, so that
 * what only the layout finds (characters no font has, missing
 * hyphenation patterns, figures it cannot use) is reported as a build
 * would report it. */
void build_check(struct run *run, const struct book *book, const struct print_style *st);

/* folio handouts: one PDF per module into out_dir/handouts, with their
 * own SHA256SUMS and build.json beside them. */
void build_handouts(struct run *run, const struct book *book, const struct print_style *st,
		    const char *out_dir, struct buf *summary);

#endif
