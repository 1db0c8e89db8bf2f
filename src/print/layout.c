/*
 * layout.c - blocks -> lines -> pages: the entry points (layout_book,
 * layout_part), the page-reference passes and the front matter's move
 * before the body, layout_free, layout_keep_links and layout_dump.
 *
 * Two stages, as in TeX:
 *
 *  1. Each chapter becomes a vertical list: boxes (a paragraph line, a
 *     code line, a table row slice, an image), glue (space between blocks,
 *     dropped at a page break) and penalties (the cost of breaking the
 *     page there: +INF forbids it, which is how widows, orphans, headings
 *     at a page foot and split figures are prevented).  Paragraph lines
 *     come from the Knuth-Plass breaker in linebreak.c.
 *
 *  2. The page builder fills pages from the list, breaking at the last
 *     legal breakpoint that fits, setting the footnotes first cited on a
 *     page at its foot and repeating a table's header after a break
 *     inside the table.
 *
 * Each box carries its own drawing (text, shading, quote bars, rules) in
 * box-relative coordinates, so splitting a code block or a quote across
 * pages needs no special case.  Every stage is linear in the input.
 *
 * The stages' pieces, which share struct lay (layout_int.h):
 *   layout_text.c      inline text -> boxes, glue and penalties
 *   layout_lines.c     line breaking, set lines, boxes into the list
 *   layout_blocks.c    paragraphs, headings, figures, lists, quotes,
 *                      rules, block dispatch
 *   layout_notes.c     footnotes and footnoted URLs; URLs as lines
 *   layout_code.c      code blocks
 *   layout_table.c     tables
 *   layout_pages.c     the page builder
 *   layout_front.c     title page, contents, running heads and folios
 *   layout_appendix.c  the Resources appendix
 */
#include "print/layout_int.h"

#include <stdlib.h>
#include <string.h>

/* Lays out and places every chapter. */
static void layout_body(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	struct layout *lo = L->lo;
	for (int e = 0; L->ref_at && e < book->nextrefs; e++)
		L->ref_at[e].page = -1;
	for (int ci = L->first; ci < L->end; ci++) {
		const struct chapter *ch = book->chapters[ci];
		L->ch = ch;
		P->ch = ch;
		lo->chapter_start[ci].page = -1;
		lo->headings[ci] = arena_calloc(L->a, (size_t)ch->nheadings + 1,
						sizeof **lo->headings);
		for (int h = 0; h < ch->nheadings; h++)
			lo->headings[ci][h].page = -1;
		if (ch->part && *ch->part)
			layout_part_page(L, P, ch);
		struct vlist V = {0};
		lay_start_list(L, &V);
		layout_notes(L, ch);
		L->out = &V;
		struct bctx c = lay_body_ctx(L);
		layout_blocks(L, &c, ch->blocks);
		layout_uncited_notes(L, ch);
		lay_place_chapter(P, &V);
		lay_vlist_free(&V);
		lay_scratch_reset(L, P);
	}
}

/* Forgets the pages of an earlier pass (the arena keeps its anchors, which
 * the next pass reads for its page references).  Their item arrays are
 * kept, empty, for the next pass's pages (lay_new_page), which saves
 * growing them again. */
static void reset_pages(struct lay *L)
{
	struct layout *lo = L->lo;
	for (int i = 0; i < lo->npages; i++)
		lo->pages[i].nitems = 0;
	if (lo->npages > L->spare_pages)
		L->spare_pages = lo->npages;
	lo->npages = 0;
	lo->nboxes = 0;
	lo->nnotes = 0;
	lo->nwidows = lo->norphans = lo->nheading_foot = 0;
}

/* True if every chapter and heading landed where the references of the
 * pass before said. */
static bool refs_stable(const struct lay *L)
{
	const struct layout *lo = L->lo;
	for (int ci = L->first; ci < L->end; ci++) {
		if (lo->chapter_start[ci].page != L->ref_starts[ci].page)
			return false;
		for (int h = 0; h < L->book->chapters[ci]->nheadings; h++)
			if (lo->headings[ci][h].page != L->ref_heads[ci][h].page)
				return false;
	}
	return true;
}

/* ---- The book --------------------------------------------------------- */

/* The body's passes, then the Resources appendix, into lo->pages (pages
 * counted from the first chapter's). */
static void lay_body(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	struct layout *lo = L->lo;
	L->draft = L->st->page_refs;
	layout_body(L, P);
	L->draft = false;
	/* "(p. N)" after cross-references: lay out again with the pages the
	 * pass before found, until no target moves (or three passes). */
	for (int pass = 0; L->st->page_refs && pass < 3; pass++) {
		int n = book->nchapters;
		struct lo_anchor *starts = arena_calloc(L->a, (size_t)n + 1, sizeof *starts);
		struct lo_anchor **heads = arena_calloc(L->a, (size_t)n + 1, sizeof *heads);
		memcpy(starts, lo->chapter_start, (size_t)n * sizeof *starts);
		memcpy(heads, lo->headings, (size_t)n * sizeof *heads);
		if (pass > 0 && refs_stable(L))
			break;
		L->ref_starts = starts;
		L->ref_heads = heads;
		reset_pages(L);
		layout_body(L, P);
	}
	/* The Resources appendix follows: it moves no page before it, and
	 * its "cited on" pages are those of the final pass. */
	layout_appendix(L, P);
}

/* Lays out the front matter and puts it before the body's pages, moving
 * every anchor along.  Returns the number of front pages. */
static int lay_front(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	struct layout *lo = L->lo;
	struct lo_page *body = lo->pages;
	int nbody = lo->npages;
	/* The front matter's pages are a new array, with no spare items. */
	for (int i = nbody; i < L->spare_pages; i++)
		free(body[i].items);
	L->spare_pages = 0;
	struct lo_box *bboxes = lo->boxes;
	size_t nbboxes = lo->nboxes;
	lo->pages = NULL;
	lo->npages = lo->cap = 0;
	lo->boxes = NULL;
	lo->nboxes = lo->boxcap = 0;
	L->ch = NULL;
	P->ch = NULL;
	L->nnotes = 0;
	L->note_at = NULL;
	struct vlist F = {0};
	if (L->part)
		layout_part_front(L, &F);
	else
		layout_front(L, &F);
	lay_place_chapter(P, &F);
	lay_vlist_free(&F);
	lay_scratch_reset(L, P);
	if (L->duplex && lo->npages % 2 == 1) {
		lay_new_page(P, false);
		lo->pages[P->page].blank = true;
	}
	int nfront = lo->npages;
	lo->nfront = nfront;
	for (int i = 0; i < nfront; i++) {
		lo->pages[i].front = true;
		lo->pages[i].roman = !L->part;
		lo->pages[i].folio = i + 1;
	}
	lo->cap = nfront + nbody;
	lo->pages = xrealloc(lo->pages, (size_t)(lo->cap ? lo->cap : 1) * sizeof *lo->pages);
	memcpy(lo->pages + nfront, body, (size_t)nbody * sizeof *body);
	free(body);
	lo->npages = nfront + nbody;
	for (int i = 0; i < nbody; i++)
		lo->pages[nfront + i].folio = i + 1 + L->page_offset;
	lo->boxcap = lo->nboxes + nbboxes;
	lo->boxes = xrealloc(lo->boxes, (lo->boxcap ? lo->boxcap : 1) * sizeof *lo->boxes);
	for (size_t i = 0; i < nbboxes; i++) {
		lo->boxes[lo->nboxes] = bboxes[i];
		lo->boxes[lo->nboxes++].page += nfront;
	}
	free(bboxes);
	if (lo->appendix && lo->chapter_start[book->nchapters].page >= 0)
		lo->chapter_start[book->nchapters].page += nfront;
	for (int i = 0; i < L->nres; i++)
		if (L->res_at[i].page >= 0)
			L->res_at[i].page += nfront;
	for (int e = 0; L->ref_at && e < book->nextrefs; e++)
		if (L->ref_at[e].page >= 0)
			L->ref_at[e].page += nfront;
	lo->entries = L->res_at;
	lo->entry_res = L->res;
	lo->nentries = L->nres;
	lo->cites = L->ref_at;
	lo->ncites = L->ref_at ? book->nextrefs : 0;
	for (int ci = L->first; ci < L->end; ci++) {
		if (lo->chapter_start[ci].page >= 0)
			lo->chapter_start[ci].page += nfront;
		for (int h = 0; h < book->chapters[ci]->nheadings; h++)
			if (lo->headings[ci][h].page >= 0)
				lo->headings[ci][h].page += nfront;
	}
	for (int i = 0; i < lo->ntoc; i++)
		lo->toc[i].page += nfront;
	for (size_t i = 0; i < lo->nnotes; i++)
		if (lo->notes[i]->page >= 0)
			lo->notes[i]->page += nfront;
	return nfront;
}

struct layout *layout_book(struct run *run, const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex)
{
	return layout_part(run, book, st, fonts, images, duplex, NULL);
}

struct layout *layout_part(struct run *run, const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex,
			   const struct lo_part *part)
{
	struct layout *lo = xcalloc(1, sizeof *lo);
	arena_init(&lo->arena);
	struct lay L = {0};
	arena_init(&L.tmp);
	arena_init(&L.keep);
	/* Kept lines pay off only if the body is laid out more than once. */
	L.memo_on = st->page_refs || part;
	L.diags = run->diags;
	L.book = book;
	L.st = st;
	L.fonts = fonts;
	L.images = images;
	L.lo = lo;
	L.a = &lo->arena;
	L.duplex = duplex;
	L.part = part;
	L.first = part ? part->module->first : 0;
	L.end = part ? part->module->end : book->nchapters;
	lo->module = part ? part->module->number : 0;
	lo->first_chapter = L.first;
	lo->end_chapter = L.end;
	L.W = (float)(st->page_width - st->margin_inner - st->margin_outer);
	L.H = (float)(st->page_height - st->margin_top - st->margin_bottom);
	lo->page_width = (float)st->page_width;
	lo->page_height = (float)st->page_height;
	lo->top = (float)(st->page_height - st->margin_top);
	lo->bottom = (float)st->margin_bottom;
	L.warned = xcalloc(0x110000 / 8, 1);
	const char *lang = book->meta.language ? book->meta.language : "en";
	L.hyph = hyph_load(lang);
	if (!L.hyph)
		diag_warn(run->diags, book_meta_display(L.a, book), 0, 0,
			  "no hyphenation patterns for language '%s': the PDF "
			  "is set without hyphenation", lang);
	if (fonts_lookup(fonts, FONT_FALLBACK, 0xFFFD) >= 0) {
		L.repl_font = FONT_FALLBACK;
		L.repl_text = FONTS_REPLACEMENT;
	} else {
		L.repl_font = -1;
		L.repl_text = "?";
	}
	lo->chapter_start = arena_calloc(L.a, (size_t)book->nchapters + 1,
					 sizeof *lo->chapter_start);
	L.note_at_of = arena_calloc(L.a, (size_t)book->nchapters + 1,
				    sizeof *L.note_at_of);
	lo->headings = arena_calloc(L.a, (size_t)book->nchapters + 1,
				    sizeof *lo->headings);
	L.part_page = arena_calloc(L.a, (size_t)book->nchapters + 1, sizeof *L.part_page);
	for (int ci = 0; ci <= book->nchapters; ci++) {
		lo->chapter_start[ci].page = -1;
		L.part_page[ci] = -1;
	}
	lay_res_setup(&L);
	struct pager P = {0};
	P.L = &L;
	/* A book numbers its front matter apart (roman), so the body's page
	 * numbers do not depend on it.  A handout numbers all its pages
	 * from 1: the body's numbers follow its front matter, guessed at one
	 * page and laid out again if the contents need more. */
	int guess = part ? 1 : 0;
	for (int round = 0;; round++) {
		L.page_offset = guess;
		lay_body(&L, &P);
		int nfront = lay_front(&L, &P);
		if (!part || nfront == guess || round == 2)
			break;
		guess = nfront;
		for (int i = 0; i < lo->npages; i++)
			free(lo->pages[i].items);
		lo->npages = 0;
		lo->nboxes = 0;
		lo->ntoc = 0;
		lo->nnotes = 0;
	}
	arena_free(&L.keep);
	free(L.refs);
	free(L.memo);
	L.memo = NULL;
	L.nmemo = L.memocap = 0;
	L.memo_on = false;
	lo->frame_top = lo->top + (float)(st->header_gap + st->header.size);
	lo->frame_bottom = lo->bottom - (float)(st->footer_gap + st->folio.size * 0.5);
	lay_add_furniture(&L);
	/* The item arrays grew by doubling (a third of them unused, on
	 * average); the layout stays alive while the PDF is drawn, so give
	 * the slack back for the drawing to use. */
	for (int i = 0; i < lo->npages; i++) {
		struct lo_page *pg = &lo->pages[i];
		if (pg->cap > pg->nitems) {
			pg->items = xrealloc(pg->items, pg->nitems * sizeof *pg->items);
			pg->cap = pg->nitems;
		}
	}

	free(P.fn);
	free(L.w);
	free(L.opp);
	free(L.styles);
	lay_toks_free(&L.para);
	free(L.line_fill.v);
	free(L.line_text.v);
	free(L.line_over.v);
	free(L.box_items.v);
	free(L.row_items.v);
	lb_work_free(&L.lbw);
	arena_free(&L.tmp);
	free(L.warned);
	hyph_free(L.hyph);
	return lo;
}

void layout_keep_links(struct layout *lo)
{
	for (int p = 0; p < lo->npages; p++) {
		struct lo_page *pg = &lo->pages[p];
		size_t n = 0;
		for (size_t i = 0; i < pg->nitems; i++)
			if (pg->items[i].kind == LO_LINK)
				pg->items[n++] = pg->items[i];
		if (n == 0) {
			free(pg->items);
			pg->items = NULL;
		} else if (n < pg->nitems) {
			pg->items = xrealloc(pg->items, n * sizeof *pg->items);
		}
		pg->nitems = pg->cap = n;
	}
}

void layout_free(struct layout *lo)
{
	if (!lo)
		return;
	for (int i = 0; i < lo->npages; i++)
		free(lo->pages[i].items);
	free(lo->pages);
	free(lo->boxes);
	free(lo->toc);
	free(lo->notes);
	arena_free(&lo->arena);
	free(lo);
}

static const char *box_name(enum lo_box_kind k)
{
	static const char *const names[] = {"line", "heading", "code", "row",
				      "figure", "rule", "note"};
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

void layout_dump(const struct layout *lo, FILE *out)
{
	fprintf(out, "folio-layout 1\n");
	fprintf(out, "pagesize %.2f %.2f\n", lo->page_width, lo->page_height);
	for (int i = 0; i < lo->npages; i++) {
		const struct lo_page *pg = &lo->pages[i];
		if (pg->chapter_start && pg->chapter && pg->chapter == lo->appendix)
			fprintf(out, "appendix %d\n", i + 1);
		else if (pg->chapter_start && pg->chapter)
			fprintf(out, "chapter %d %s\n", pg->chapter->index,
				pg->chapter->path);
		char num[16];
		layout_folio(pg, num);
		fprintf(out, "page %d chapter %d start %d textblock %.2f %.2f %.2f %.2f "
			"frame %.2f %.2f %.2f %.2f folio %s%s\n",
			i + 1, pg->chapter ? pg->chapter->index : -1,
			pg->chapter_start ? 1 : 0, pg->left, lo->bottom,
			pg->right, lo->top, pg->left, lo->frame_bottom, pg->right,
			lo->frame_top, pg->blank ? "-" : num,
			pg->front ? " front" : "");
	}
	for (int i = 0; i < lo->ntoc; i++)
		fprintf(out, "toc %d %d %d %s\n", lo->toc[i].page + 1,
			lo->pages[lo->toc[i].page].folio, lo->toc[i].level,
			lo->toc[i].title);
	for (size_t i = 0; i < lo->nboxes; i++) {
		const struct lo_box *b = &lo->boxes[i];
		fprintf(out, "box %d %s %d %d %d %.2f %.2f\n", b->page + 1,
			box_name(b->kind), b->block, b->line, b->nlines,
			b->top, b->height);
	}
	for (int i = 0; i < lo->nentries; i++)
		fprintf(out, "entry %d %d %.2f\n", i + 1, lo->entries[i].page + 1,
			lo->entries[i].y);
	for (int i = 0; i < lo->ncites; i++)
		if (lo->cites[i].page >= 0)
			fprintf(out, "cite %d %d %.2f\n", i, lo->cites[i].page + 1,
				lo->cites[i].y);
	fprintf(out, "counts widows %d orphans %d heading-foot %d\n",
		lo->nwidows, lo->norphans, lo->nheading_foot);
}
