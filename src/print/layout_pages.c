/*
 * layout_pages.c - the page builder: fills pages from a chapter's
 * vertical list, breaking at the last legal breakpoint that fits,
 * setting the footnotes first cited on a page at its foot, repeating a
 * table's header after a break inside it and counting widows, orphans
 * and headings at a page foot.
 */
#include "print/layout_int.h"

#include <stdlib.h>
#include <string.h>

void lay_new_page(struct pager *P, bool chapter_start)
{
	struct layout *lo = P->L->lo;
	const struct print_style *st = P->L->st;
	if (lo->npages == lo->cap) {
		lo->cap = lo->cap ? lo->cap * 2 : 16;
		lo->pages = xrealloc(lo->pages, (size_t)lo->cap * sizeof *lo->pages);
	}
	struct lo_page *pg = &lo->pages[lo->npages];
	/* The item array of the same page of the pass before, emptied. */
	struct lo_item *items = NULL;
	size_t cap = 0;
	if (lo->npages < P->L->spare_pages) {
		items = pg->items;
		cap = pg->cap;
	}
	memset(pg, 0, sizeof *pg);
	pg->items = items;
	pg->cap = cap;
	pg->chapter = P->ch;
	pg->chapter_start = chapter_start;
	/* Page 1 is a right-hand page: its inner margin is on the left. */
	bool verso = P->L->duplex && lo->npages % 2 == 1;
	pg->left = (float)(verso ? st->margin_outer : st->margin_inner);
	pg->right = pg->left + P->L->W;
	P->page = lo->npages++;
	P->used = 0;
}

void lay_page_push(struct lo_page *pg, const struct lo_item *it)
{
	if (pg->nitems == pg->cap) {
		/* A page of text holds some 500 items: start big enough to
		 * grow a few times, and by half, since up to a third of the
		 * array stays unused while the layout runs (the slack is
		 * trimmed at the end). */
		pg->cap = pg->cap ? pg->cap + pg->cap / 2 : 256;
		pg->items = xrealloc(pg->items, pg->cap * sizeof *pg->items);
	}
	pg->items[pg->nitems++] = *it;
}

/* Draws v's items with its top edge at PDF y top. */
static void place_items(struct pager *P, const struct vitem *v, float top,
			bool record)
{
	struct layout *lo = P->L->lo;
	struct lo_page *pg = &lo->pages[P->page];
	for (int i = 0; i < v->nitems; i++) {
		struct lo_item it = v->items[i];
		it.x += pg->left;
		it.y = top - it.y;
		if (it.land) {
			if (it.land->page < 0)
				*it.land = (struct lo_anchor){P->page, top};
			it.land = NULL;
		}
		lay_page_push(pg, &it);
	}
	if (v->kind != V_BOX || !record)
		return;
	if (lo->nboxes == lo->boxcap) {
		lo->boxcap = lo->boxcap ? lo->boxcap * 2 : 256;
		lo->boxes = xrealloc(lo->boxes, lo->boxcap * sizeof *lo->boxes);
	}
	lo->boxes[lo->nboxes++] = (struct lo_box){v->box, P->page, top, v->height,
						  v->block, v->line, v->nlines};
	if (v->anchor && v->anchor->page < 0)
		*v->anchor = (struct lo_anchor){P->page, top};
	if (v->heading && P->ch && v->heading->number >= 0 &&
	    v->heading->number < P->ch->nheadings)
		lo->headings[P->ch->index][v->heading->number] =
			(struct lo_anchor){P->page, top};
}

/* The first words set on a page open it (pagination.h); a repeated
 * table header is no new text and does not count. */
static void page_mark(struct pager *P, const struct vitem *v)
{
	struct lo_page *pg = &P->L->lo->pages[P->page];
	if (!pg->mark && v->kind == V_BOX && v->src) {
		pg->mark = v->src;
		pg->mark_word = v->word;
	}
}

static float notes_height(const struct vitem *v)
{
	float h = 0;
	if (v->notes)
		for (size_t k = 0; k < v->notes->n; k++)
			h += v->notes->v[k].height;
	return h;
}

/* Places items [i, stop) of V on the current page. */
static void commit(struct pager *P, const struct vlist *V, size_t i,
		   size_t stop)
{
	struct layout *lo = P->L->lo;
	for (size_t k = i; k < stop; k++) {
		const struct vitem *v = &V->v[k];
		if (v->kind == V_PENALTY)
			continue;
		place_items(P, v, lo->top - P->used, true);
		page_mark(P, v);
		P->used += v->height;
		if (v->kind == V_BOX && v->notes) {
			for (size_t q = 0; q < v->notes->n; q++) {
				GROW(P->fn, P->nfn, P->fncap);
				P->fn[P->nfn++] = &v->notes->v[q];
				P->fnh += v->notes->v[q].height;
			}
		}
	}
}

/* Sets the waiting footnotes at the foot of the page, as many as fit;
 * the rest wait for the next page. */
static void finish_page(struct pager *P)
{
	struct lay *L = P->L;
	struct layout *lo = L->lo;
	if (!P->nfn)
		return;
	float gap = (float)L->st->footnote_space;
	float avail = L->H - P->used - gap, sum = 0;
	size_t m = 0;
	while (m < P->nfn && sum + P->fn[m]->height <= avail + 0.01f)
		sum += P->fn[m++]->height;
	if (m == 0)
		return;
	struct lo_page *pg = &lo->pages[P->page];
	float top = lo->bottom + sum;
	struct lo_item rule = {0};
	rule.kind = LO_LINE;
	rule.x = pg->left;
	rule.y = top + gap / 2;
	rule.w = (float)L->st->footnote_rule_width;
	rule.size = 0.5f;
	rule.color = L->st->footnote.color;
	lay_page_push(pg, &rule);
	for (size_t k = 0; k < m; k++) {
		place_items(P, P->fn[k], top, true);
		page_mark(P, P->fn[k]);
		top -= P->fn[k]->height;
	}
	memmove(P->fn, P->fn + m, (P->nfn - m) * sizeof *P->fn);
	P->nfn -= m;
	P->fnh -= sum;
}

static const struct vitem *box_before(const struct vlist *V, size_t i,
				      size_t from)
{
	while (i > from) {
		i--;
		if (V->v[i].kind == V_BOX)
			return &V->v[i];
	}
	return NULL;
}

static const struct vitem *box_after(const struct vlist *V, size_t i)
{
	for (; i < V->n; i++)
		if (V->v[i].kind == V_BOX)
			return &V->v[i];
	return NULL;
}

/* Counts what a page break between a and b does to the text. */
static void count_break(struct layout *lo, const struct vitem *a,
			const struct vitem *b)
{
	if (!a)
		return;
	if (a->box == BOX_HEADING)
		lo->nheading_foot++;
	if (!b || b->block != a->block || a->box != BOX_LINE)
		return;
	if (a->line == 1 && a->nlines > 1)
		lo->norphans++;
	if (b->line == b->nlines && b->nlines > 1)
		lo->nwidows++;
}

void lay_place_chapter(struct pager *P, const struct vlist *V)
{
	struct lay *L = P->L;
	struct layout *lo = L->lo;
	/* In duplex a chapter opens on a right-hand (odd) page. */
	if (L->duplex && lo->npages % 2 == 1) {
		lay_new_page(P, false);
		lo->pages[P->page].blank = true;
	}
	lay_new_page(P, P->ch != NULL);
	if (P->ch)
		lo->chapter_start[P->ch->index] = (struct lo_anchor){P->page, lo->top};
	size_t i = 0, n = V->n;
	const struct vlist *repeat = NULL;
	const float gap = (float)L->st->footnote_space;
	while (i < n) {
		while (i < n && V->v[i].kind != V_BOX)
			i++;
		if (i >= n)
			break;
		if (repeat) {
			for (size_t k = 0; k < repeat->n; k++) {
				if (repeat->v[k].kind != V_BOX)
					continue;
				place_items(P, &repeat->v[k], lo->top - P->used, true);
				P->used += repeat->v[k].height;
			}
			repeat = NULL;
		}
		float h = P->used, fn = P->fnh;
		size_t best = SIZE_MAX, j;
		bool overflow = false, forced = false;
		for (j = i; j < n; j++) {
			const struct vitem *v = &V->v[j];
			if (v->kind == V_PENALTY) {
				if (v->penalty <= -INF) {
					forced = true;
					break;
				}
				if (v->penalty < INF)
					best = j;
				continue;
			}
			if (v->kind == V_GLUE) {
				if (j > i && V->v[j - 1].kind == V_BOX)
					best = j;
				h += v->height;
				continue;
			}
			float nh = notes_height(v);
			float need = h + v->height + (fn + nh > 0 ? gap + fn + nh : 0);
			if (need > L->H + 0.01f && j > i) {
				overflow = true;
				break;
			}
			h += v->height;
			fn += nh;
		}
		size_t stop, next;
		if (!overflow && !forced) {
			stop = next = n;
		} else if (forced) {
			stop = j;
			next = j + 1;
		} else if (best != SIZE_MAX) {
			stop = next = best;
		} else {
			stop = next = j; /* nothing better: break before j */
		}
		commit(P, V, i, stop);
		if (stop >= n)
			break;
		if (!forced)
			count_break(lo, box_before(V, stop, i), box_after(V, next));
		if (V->v[stop].kind == V_PENALTY)
			repeat = V->v[stop].repeat;
		finish_page(P);
		lay_new_page(P, false);
		i = next;
	}
	finish_page(P);
	/* Footnotes that did not fit continue on pages of their own. */
	int guard = 0;
	while (P->nfn && guard++ < 1000) {
		lay_new_page(P, false);
		size_t before = P->nfn;
		finish_page(P);
		if (P->nfn == before) {
			/* A note line taller than a page: place it anyway. */
			place_items(P, P->fn[0], lo->top, true);
			page_mark(P, P->fn[0]);
			memmove(P->fn, P->fn + 1, (P->nfn - 1) * sizeof *P->fn);
			P->nfn--;
		}
	}
	P->fnh = 0;
}

/* Empties the scratch arena once a chapter is placed: its pages hold
 * copies of the items, and nothing left in L points into it any more
 * (the footnote lists are forgotten here; L->unote's lists are read
 * only in the chapter run that made them).  Footnote lines still
 * waiting for a page (P->fn, only if more than lay_place_chapter's guard
 * allows) point into it, so then it is kept until the next chapter. */
void lay_start_list(struct lay *L, struct vlist *V)
{
	L->out = V;
	L->pending_space = 0;
	L->last_nbars = 0;
	L->after_para = false;
	L->nmarker = 0;
}

void lay_scratch_reset(struct lay *L, const struct pager *P)
{
	if (P->nfn)
		return;
	arena_free(&L->tmp);
	arena_init(&L->tmp);
	L->notes = NULL;
	L->note_cited = NULL;
	L->nnotes = 0;
	L->marker = NULL;
	L->nmarker = 0;
}
