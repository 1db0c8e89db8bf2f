/*
 * pagination.h - where each printed page begins: made by the print
 * edition (print/typeset.h, layout_pagination()), read by the EPUB (issue 12: the EPUB's page-list follows the print edition).
 *
 * The layout records, for every page, the first piece of source text set
 * on it: a leaf block (paragraph, heading, code block, table cell, HTML
 * block) and the index of its first word on that page.  The EPUB writer
 * puts a page-break marker right before that word.
 *
 * Words are counted by the one rule of model/words.h, which the layout
 * and the XHTML writer both use.
 */
#ifndef FOLIO_PAGINATION_H
#define FOLIO_PAGINATION_H

#include "model/model.h"

struct page_mark {
	int page;                      /* 0-based page index in the PDF */
	char label[16];                /* printed page label ("iii", "42") */
	bool front;                    /* front matter (title, contents) */
	const struct chapter *chapter; /* NULL for front matter */
	const struct block *block;     /* leaf block opening the page, or NULL
					  (a page opening on a figure, rule,
					  or a blank verso) */
	int word;                      /* first word of block on this page */
	int resource;                  /* a page of the print Resources
					  appendix: the 0-based index into
					  book->resources of the first entry
					  that opens on it (or, if none does,
					  of the entry it continues); -1 on
					  other pages and appendix pages
					  before the first entry */
};

struct pagination {
	struct page_mark *marks; /* one per PDF page, in order (heap) */
	int nmarks;
	const char *edition;     /* the print edition paginated: "a4",
				    "letter-duplex", ...; NULL = "a4" (not owned) */
};

/* Frees p's marks (p itself is the caller's). */
void pagination_free(struct pagination *p);

#endif
