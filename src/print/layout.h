/*
 * layout.h - print layout: the book's blocks -> lines -> pages, as a
 * display list that pdf.c draws.  No libharu here: text is measured with
 * fonts.h.
 *
 * Coordinates are PDF points with the origin at the bottom-left corner of
 * the page (y grows upwards), already including the page's margins.
 */
#ifndef FOLIO_LAYOUT_H
#define FOLIO_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/run.h"
#include "print/fonts.h"
#include "resolve/handouts.h"
#include "model/model.h"
#include "print/style.h"

/* Where a heading (or a chapter start) landed. */
struct lo_anchor {
	int page; /* 0-based; -1 if never placed */
	float y;  /* top of the heading line */
};

enum lo_kind {
	LO_TEXT,  /* text at baseline (x, y) in font/size; w = advance width */
	LO_FILL,  /* filled rectangle (x, y) lower-left, w x h */
	LO_LINE,  /* stroked line from (x, y) to (x + w, y + h), width size */
	LO_IMAGE, /* book->images[image] into rectangle (x, y, w, h) */
	LO_LINK   /* link area (x, y, w, h) for link */
};

/* One thing drawn on a page. */
struct lo_item {
	enum lo_kind kind;
	int font;      /* LO_TEXT: enum font_role */
	int image;     /* LO_IMAGE: index into book->images */
	float x, y, w, h;
	float size;    /* LO_TEXT: font size; LO_LINE: line width */
	uint32_t color;
	const char *text; /* LO_TEXT: UTF-8, len bytes (not NUL-terminated) */
	size_t len;
	const struct link *link; /* LO_LINK, or LO_TEXT inside a link */
	/* LO_LINK (and LO_TEXT of a footnote mark): where it leads when
	 * link is NULL - the footnote's text; filled in by placement. */
	const struct lo_anchor *dest;
	/* Filled with where the item is first placed (the citing places of
	 * external links, for the Resources appendix), or NULL. */
	struct lo_anchor *land;
};

/* What a placed box is, for the layout dump and the page tests. */
enum lo_box_kind {
	BOX_LINE,     /* line of a paragraph (or list item / quote paragraph) */
	BOX_HEADING,  /* a heading line */
	BOX_CODE,     /* a code block line (or padding) */
	BOX_ROW,      /* a table row slice */
	BOX_FIGURE,   /* image or its caption */
	BOX_RULE,     /* thematic break */
	BOX_NOTE      /* a footnote line at the foot of the page */
};

/* One placed box: a line or another unsplittable vertical piece. */
struct lo_box {
	enum lo_box_kind kind;
	int page;
	float top, height;   /* top edge (PDF y) and height */
	int block;           /* serial number of the block it comes from */
	int line, nlines;    /* 1-based line within that block, of nlines */
};

struct lo_page {
	struct lo_item *items;
	size_t nitems, cap;
	const struct chapter *chapter; /* NULL for front matter */
	bool chapter_start; /* first page of its chapter */
	bool front;         /* title page or contents */
	bool roman;         /* numbered in roman (the book's front matter) */
	bool blank;         /* left empty so a chapter opens on a right page */
	int folio;          /* printed page number (roman if front) */
	float left, right;  /* text block edges on this page */
	/* The first source words set on the page (pagination.h): the leaf
	 * block and the index of its word; NULL if the page sets none. */
	const struct block *mark;
	int mark_word;
};

/* A contents entry, for the dump and the tests. */
struct lo_toc {
	int page;          /* 0-based page of its target */
	int level;         /* 0 chapter, 1 section */
	const char *title;
};

/* The laid-out book.  Everything is owned by the layout's arena and the
 * page item arrays; layout_free() releases it all. */
struct layout {
	struct arena arena;
	float page_width, page_height;
	float top, bottom; /* text block: top and bottom edges (PDF y) */
	float frame_top, frame_bottom; /* with the running head and folio */
	int nfront;        /* pages of front matter (before page 1 in a book) */
	int module;        /* a handout: its module's number; 0 for the book */
	int first_chapter, end_chapter; /* the chapters laid out: [first, end) */
	struct lo_page *pages;
	int npages, cap;
	struct lo_box *boxes; /* every placed box, in order */
	size_t nboxes, boxcap;
	struct lo_anchor *chapter_start; /* per chapter */
	struct lo_anchor **headings;     /* [chapter][heading number] */
	int nwidows, norphans, nheading_foot; /* counted while placing */
	struct lo_toc *toc;
	int ntoc;
	struct lo_anchor **notes; /* footnote anchors (for the shift) */
	size_t nnotes;
	/* The Resources appendix (issue 7), after the last chapter; NULL if
	 * the book has no external links.  Its pages' chapter is this
	 * stand-in, whose index is book->nchapters (so chapter_start and
	 * headings have a slot for it); it is in no book's chapter list. */
	const struct chapter *appendix;
	struct lo_anchor *entries; /* where each entry landed, in order */
	const struct resource *const *entry_res; /* each entry's resource */
	int nentries;
	struct lo_anchor *cites;   /* where each book->extrefs[i] landed */
	int ncites;
};

/* Image facts the PDF side found; layout needs the pixel size. */
struct lo_image_info {
	int width, height; /* pixels; 0 if the image cannot be drawn */
};

/*
 * Lays the book out.  images has book->nimages entries.  duplex mirrors
 * the inner and outer margins on left-hand pages.  Warnings (characters no
 * font has, images that cannot be shown) go to run->diags.  Returns a new
 * layout (caller frees with layout_free).
 */
struct layout *layout_book(struct run *run, const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex);

/* One instructor handout (issue 8): a module of the book on its own. */
struct lo_part {
	const struct module *module;   /* the module laid out */
	const struct module *modules;  /* all of them, to name the module a
					  link out of this one leads to */
	int nmodules;
};

/*
 * Lays out one module as a handout: a title block naming the book and the
 * module with its own contents, its chapters, and a Resources list of the
 * links they cite.  Pages are numbered from 1 ("Module 3 · page 4");
 * links to chapters outside the module print "(see Module 2, Title)".
 * As layout_book() otherwise.
 */
struct layout *layout_part(struct run *run, const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex,
			   const struct lo_part *part);
void layout_free(struct layout *lo);

/* Once the pages are drawn: frees every page's items but its link areas
 * (LO_LINK), which the PDF's annotations still need; the layout dump
 * and the boxes are no longer right afterwards. */
void layout_keep_links(struct layout *lo);

/* Formats a printed page number ("xii" or "12") into out[16]. */
void layout_folio(const struct lo_page *pg, char out[16]);

/* Writes a text dump of the chapters ("chapter INDEX PATH", and
 * "appendix PAGE" where the Resources appendix opens), the pages
 * ("page N chapter C start S textblock L B R T frame L B R T folio F"),
 * the contents entries ("toc PAGE FOLIO TITLE"), the placed boxes
 * ("box PAGE KIND BLOCK LINE NLINES TOP HEIGHT"), where each Resources
 * entry and each citing external link landed ("entry NUMBER PAGE Y",
 * "cite EXTREF PAGE Y") and the counts of widows, orphans and headings
 * at a page foot.  Pages are 1-based. */
void layout_dump(const struct layout *lo, FILE *out);

/* ---- Pagination (pagination.c) ----------------------------------------
 * Fills *out with one page_mark per page of lo (caller frees with
 * pagination_free).  Returns 0, or -1 if out of memory. */
struct pagination;
int layout_pagination(const struct layout *lo, const struct book *book,
		      struct pagination *out);
/* Writes "mark PAGE LABEL front|body CHAPTER KIND LINE:COL WORD TEXT" per
 * page (KIND the leaf block's type, TEXT its word WORD taken from the
 * model; " -" instead when the page opens no block), for the tests. */
void pagination_dump(const struct pagination *p, FILE *out);

#endif
