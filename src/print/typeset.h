/*
 * typeset.h - the print edition: the book (or one module of it, a
 * handout) laid out into pages once, with no PDF library involved.
 *
 *   style    the print style (app/ reads it once per run: style.h)
 *   fonts    metrics read from the font files themselves (fonts.h)
 *   images   every figure decoded once, its size from its own bytes
 *            (images.h)
 *   layout   pages of positioned text, rules, fills, images and links
 *            (layout.h)
 *   pages    where each printed page begins in the source (pagination.h),
 *            which the EPUB's page-list follows
 *
 * The PDF writer only draws an edition (pdf.h); the EPUB writer reads
 * only its pagination.  A build typesets once, whichever formats it
 * writes, so both always agree.
 *
 * Test hooks (build_opts): layout_dump writes layout_dump()'s text,
 * handout_dump a folder of one such dump per handout, pagination_dump
 * pagination_dump()'s text.
 */
#ifndef FOLIO_TYPESET_H
#define FOLIO_TYPESET_H

#include <stdbool.h>

#include "base/run.h"
#include "model/model.h"
#include "print/fonts.h"
#include "print/images.h"
#include "print/layout.h"
#include "model/pagination.h"
#include "print/style.h"
#include "resolve/handouts.h"

struct edition {
	struct print_style style;
	struct fonts *fonts;
	struct print_images *images;
	struct layout *layout;
	struct pagination pages;
	const struct module *module; /* a handout's module, or NULL */
};

/* What the edition is for. */
enum typeset_use {
	TYPESET_PAGES, /* only its pagination is read (an EPUB-only build):
			  the figures' pixels are not compressed */
	TYPESET_DRAW   /* a PDF will be drawn from it */
};

/*
 * Typesets the whole book in style.  Problems of the print edition
 * (characters no font has, figures it cannot draw) go to run->diags.
 * Returns 0 and *out (free it with edition_free()), or -1 after a
 * DIAG_FATAL (a font file that cannot be used).
 */
int typeset_book(struct edition **out, struct run *run, const struct book *book,
		 const struct print_style *style, enum typeset_use use);

/* Typesets one module as a handout (layout_part()): modules are all of
 * the book's, m the one laid out. */
int typeset_module(struct edition **out, struct run *run, const struct book *book,
		   const struct print_style *style, const struct module *modules,
		   int nmodules, const struct module *m);

void edition_free(struct edition *ed);

#endif
