/*
 * layout_front.c - front matter and page furniture: the book's title page
 * and contents (a handout's title block and module contents instead),
 * running heads and folios.
 */
#include "print/layout_int.h"
#include "resolve/generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void layout_folio(const struct lo_page *pg, char out[16])
{
	int n = pg->folio;
	if (!pg->roman) {
		snprintf(out, 16, "%d", n);
		return;
	}
	static const char *const r[] = {"m", "cm", "d", "cd", "c", "xc", "l",
					"xl", "x", "ix", "v", "iv", "i"};
	static const int v[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < 13 && n > 0 && n < 4000; i++) {
		while (n >= v[i] && len + strlen(r[i]) < 15) {
			memcpy(out + len, r[i], strlen(r[i]) + 1);
			len += strlen(r[i]);
			n -= v[i];
		}
	}
}

/* Sets text on one line (shrunk to fit maxw) and returns its items,
 * relative to the start of the baseline. */
static struct pline *set_phrase(struct lay *L, const char *text,
				struct istyle s, float maxw)
{
	for (int pass = 0; pass < 2; pass++) {
		struct toks *t = &L->para;
		lay_toks_reset(t);
		L->nstyles = 0;
		lay_tok_text(L, t, lay_push_style(L, &s), text, strlen(text));
		lay_tok_finish(L, t);
		struct pline *pl;
		int font = lay_role_of(s.family, s.bold, s.italic);
		int n = lay_break_lines(L, t, 1e6f, false, ALIGN_LEFT, font, s.size, &pl);
		if (n < 1)
			return NULL;
		if (pl[0].width <= maxw || pass == 1)
			return pl;
		s.size *= maxw / pl[0].width * 0.999f;
	}
	return NULL;
}

static void put_phrase(struct lo_page *pg, const struct pline *pl, float x,
		       float y)
{
	for (int i = 0; i < pl->nitems; i++) {
		struct lo_item it = pl->items[i];
		if (it.kind == LO_LINK)
			continue;
		it.x += x;
		it.y = y - it.y;
		lay_page_push(pg, &it);
	}
}

/* Running heads (the chapter title, not on a chapter's first page) and
 * folios (page numbers; none on the title page or blank pages). */
void lay_add_furniture(struct lay *L)
{
	struct layout *lo = L->lo;
	const struct print_style *st = L->st;
	for (int p = 0; p < lo->npages; p++) {
		struct lo_page *pg = &lo->pages[p];
		if (pg->blank || pg->nitems == 0) {
			pg->blank = true;
			continue;
		}
		if (pg->front && pg->folio == 1)
			continue; /* the title page */
		char num[16];
		layout_folio(pg, num);
		struct istyle s = {0};
		s.family = FAM_SERIF;
		s.size = (float)st->folio.size;
		s.color = st->folio.color;
		const char *folio = L->part ? arena_printf(L->a, "Module %d \xc2\xb7 page %s",
							   L->part->module->number, num)
					    : arena_strdup(L->a, num);
		struct pline *pl = set_phrase(L, folio, s, L->W);
		if (pl)
			put_phrase(pg, pl, pg->left + (L->W - pl->width) / 2,
				   lo->bottom - (float)st->footer_gap);
		if (pg->chapter && !pg->chapter_start && pg->chapter->title) {
			s.size = (float)st->header.size;
			s.color = st->header.color;
			s.italic = true;
			pl = set_phrase(L, pg->chapter->title, s, L->W);
			if (pl)
				put_phrase(pg, pl, pg->left + (L->W - pl->width) / 2,
					   lo->top + (float)st->header_gap);
		}
	}
}

/* One contents line: the title (wrapped), dot leaders and the page
 * number, all one link to the target. */
static void toc_line(struct lay *L, const struct bctx *c, const char *title,
		     int level, bool bold, int page, struct link *link)
{
	const struct print_style *st = L->st;
	struct bctx cc = *c;
	float indent = (float)level * cc.size * 1.6f;
	cc.x += indent;
	cc.w -= indent;
	char num[16] = "";
	if (page >= 0)
		snprintf(num, sizeof num, "%d", page + 1 + L->page_offset);
	struct istyle s = lay_base_style(&cc);
	s.bold = bold;
	float numw = lay_text_width(L, FONT_SERIF, cc.size, num, strlen(num));
	struct toks *t = &L->para;
	lay_toks_reset(t);
	L->nstyles = 0;
	lay_tok_text(L, t, lay_push_style(L, &s), title, strlen(title));
	lay_tok_finish(L, t);
	struct pline *pl;
	int font = lay_role_of(s.family, s.bold, s.italic);
	int n = lay_break_lines(L, t, cc.w - numw - cc.size * 3, false, ALIGN_LEFT,
				font, cc.size, &pl);
	for (int k = 0; k < n; k++) {
		bool last = k == n - 1;
		int extra = 1 + (last && page >= 0 ? 2 : 0);
		struct lo_item *items = arena_alloc(&L->tmp, (size_t)(pl[k].nitems + extra) * sizeof *items);
		memcpy(items, pl[k].items, (size_t)pl[k].nitems * sizeof *items);
		int ni = pl[k].nitems;
		if (last && page >= 0) {
			float pairw = lay_text_width(L, FONT_SERIF, cc.size, " .", 2);
			/* Leaders end at one edge for all lines, so their
			 * dots line up down the page. */
			float from = pl[k].width + cc.size * 0.3f;
			float to = cc.w - lay_text_width(L, FONT_SERIF, cc.size, "0000", 4);
			int dots = pairw > 0 && to > from ? (int)((to - from) / pairw) : 0;
			struct lo_item *it = &items[ni++];
			memset(it, 0, sizeof *it);
			char *lead = arena_alloc(L->a, (size_t)dots * 2 + 1);
			for (int d = 0; d < dots; d++)
				memcpy(lead + 2 * d, " .", 2);
			lead[2 * dots] = 0;
			it->kind = LO_TEXT;
			it->font = FONT_SERIF;
			it->size = cc.size;
			it->color = st->contents.color;
			it->x = to - (float)dots * pairw;
			it->w = (float)dots * pairw;
			it->text = lead;
			it->len = (size_t)dots * 2;
			it = &items[ni++];
			memset(it, 0, sizeof *it);
			it->kind = LO_TEXT;
			it->font = FONT_SERIF;
			it->size = cc.size;
			it->color = st->contents.color;
			it->x = cc.w - numw;
			it->w = numw;
			it->text = arena_strdup(L->a, num);
			it->len = strlen(num);
		}
		if (link) {
			struct lo_item *it = &items[ni++];
			memset(it, 0, sizeof *it);
			it->kind = LO_LINK;
			it->x = 0;
			it->w = cc.w;
			it->y = pl[k].desc;
			it->h = pl[k].asc + pl[k].desc;
			it->link = link;
		}
		pl[k].items = items;
		pl[k].nitems = ni;
	}
	lay_emit_lines(L, &cc, pl, n, BOX_LINE, cc.leading, font, cc.size, true);
	if (page >= 0) {
		struct layout *lo = L->lo;
		lo->toc = xrealloc(lo->toc, (size_t)(lo->ntoc + 1) * sizeof *lo->toc);
		lo->toc[lo->ntoc++] = (struct lo_toc){page, level, title};
	}
}

static struct link *internal_link(struct lay *L, struct chapter *ch,
				  struct block *heading)
{
	struct link *l = arena_calloc(L->a, 1, sizeof *l);
	l->kind = LINK_INTERNAL;
	l->chapter = ch;
	l->heading = heading;
	l->anchor = heading ? heading->slug : NULL;
	l->ext_index = -1;
	return l;
}

static void toc_chapter(struct lay *L, const struct bctx *c, struct chapter *ch,
			const char *title, const char *number, int depth)
{
	struct layout *lo = L->lo;
	const char *t = title ? title : ch->title ? ch->title : ch->path;
	if (number)
		t = arena_printf(L->a, "%s %s", number, t);
	lay_want_space(L, depth == 0 ? 3 : 0);
	toc_line(L, c, t, depth, depth == 0, lo->chapter_start[ch->index].page,
		 internal_link(L, ch, NULL));
	if (L->st->contents_depth < 2)
		return;
	for (int h = 0; h < ch->nheadings; h++) {
		struct block *hb = ch->headings[h];
		if (hb->level != 2 || !hb->plain)
			continue;
		toc_line(L, c, hb->plain, depth + 1, false,
			 lo->headings[ch->index][h].page,
			 internal_link(L, ch, hb));
	}
}

/* The column of the contents' entries. */
static struct bctx contents_ctx(const struct lay *L)
{
	struct bctx tc = lay_body_ctx(L);
	tc.size = (float)L->st->contents.size;
	tc.leading = (float)L->st->contents.leading;
	tc.color = L->st->contents.color;
	return tc;
}

/* The contents entry of the Resources appendix, if there is one. */
static void toc_appendix(struct lay *L, const struct bctx *tc)
{
	if (!L->appendix)
		return;
	lay_want_space(L, 3);
	toc_line(L, tc, L->appendix->title, 0, true,
		 L->lo->chapter_start[L->appendix->index].page,
		 internal_link(L, L->appendix, NULL));
}

/* One line of the title page (a generated block, generate.h), in s as
 * the lines before it left it: the title, then the subtitle, the authors
 * and the edition, each with its space above. */
static void title_line(struct lay *L, const struct bctx *c, const struct block *b,
		       struct istyle *s)
{
	const struct print_style *st = L->st;
	const struct inline_node *text = lay_plain_inline(L, generate_text(b));
	switch (b->role) {
	case ROLE_TITLE:
		layout_text(L, c, text, NULL, *s, s->size * 1.2f, false,
			    ALIGN_CENTER, BOX_HEADING, 0, true);
		break;
	case ROLE_SUBTITLE:
		lay_want_space(L, s->size * 0.6f);
		s->bold = false;
		s->size = (float)st->subtitle_size;
		layout_text(L, c, text, NULL, *s, s->size * 1.25f, false,
			    ALIGN_CENTER, BOX_LINE, 0, true);
		break;
	case ROLE_AUTHORS:
		lay_want_space(L, (float)st->title_size * 1.5f);
		s->family = FAM_SERIF;
		s->bold = false;
		s->size = (float)st->author_size;
		s->color = st->body.color;
		layout_text(L, c, text, NULL, *s, s->size * 1.3f, false,
			    ALIGN_CENTER, BOX_LINE, 0, true);
		break;
	case ROLE_EDITION:
		lay_want_space(L, (float)st->author_size);
		s->family = FAM_SERIF;
		s->italic = true;
		s->size = (float)st->body.size;
		s->color = st->body.color;
		layout_text(L, c, text, NULL, *s, c->leading, false,
			    ALIGN_CENTER, BOX_LINE, 0, true);
		break;
	default:
		break;
	}
}

/* The book's title page (book->gen.title_page), then (duplex) its blank
 * back. */
static void title_page(struct lay *L, const struct bctx *c)
{
	const struct print_style *st = L->st;
	struct vitem *v = lay_emit_box(L, c, BOX_RULE, L->H * 0.22f, -1, NULL, 0);
	v->block = ++L->serial;
	struct istyle s = {0};
	s.family = FAM_SANS;
	s.bold = true;
	s.size = (float)st->title_size;
	s.color = st->title_color;
	for (const struct block *b = L->book->gen.title_page->blocks; b; b = b->next)
		title_line(L, c, b, &s);
	lay_add_penalty(L, -INF);
	if (L->duplex) {
		/* The title page's back stays blank. */
		v = lay_emit_box(L, c, BOX_RULE, 0, -1, NULL, 0);
		v->block = ++L->serial;
		lay_add_penalty(L, -INF);
	}
}

/* The page of part title e (layout_part_page): the part page before the
 * first chapter that follows it, or -1. */
static int part_page(const struct lay *L, const struct toc_entry *e)
{
	const struct book *book = L->book;
	for (long k = e - book->toc + 1; k >= 1 && k < book->ntoc; k++) {
		const struct chapter *ch = book->toc[k].chapter;
		if (book->toc[k].kind == TOC_PART)
			return -1;
		if (book->toc[k].kind == TOC_CHAPTER && ch)
			return ch->part && ch->index >= 0 && ch->index < book->nchapters
				? L->part_page[ch->index] : -1;
	}
	return -1;
}

/* One entry of the generated contents (book->gen.contents): a chapter,
 * one of its sections (when [contents] depth = 2), a draft, a part title
 * or a separator.  Its words are the generated block's; the page number
 * and leaders are print's. */
static void toc_entry(struct lay *L, const struct bctx *tc, const struct block *b)
{
	const struct toc_entry *e = b->toc;
	const char *text = generate_text(b);
	struct layout *lo = L->lo;
	if (b->section) {
		const struct chapter *ch = e->chapter;
		if (L->st->contents_depth >= 2)
			toc_line(L, tc, text, b->level, false,
				 lo->headings[ch->index][b->section->number].page,
				 internal_link(L, e->chapter, (struct block *)b->section));
		return;
	}
	switch (e->kind) {
	case TOC_CHAPTER:
		lay_want_space(L, e->depth == 0 ? 3 : 0);
		toc_line(L, tc, text, e->depth, e->depth == 0,
			 lo->chapter_start[e->chapter->index].page,
			 internal_link(L, e->chapter, NULL));
		break;
	case TOC_DRAFT: {
		struct bctx dc = *tc;
		dc.italic = true;
		toc_line(L, &dc, text, e->depth, false, -1, NULL);
		break;
	}
	case TOC_PART: {
		lay_want_space(L, tc->leading * 0.8f);
		struct bctx pc = *tc;
		pc.family = FAM_SANS;
		toc_line(L, &pc, text, 0, true, part_page(L, e), NULL);
		lay_add_penalty(L, INF);
		lay_want_space(L, 2);
		break;
	}
	case TOC_SEPARATOR:
		lay_want_space(L, tc->leading * 0.6f);
		break;
	}
}

/* The title page and the contents, into V.  Body page numbers are known:
 * front matter is numbered apart (roman), so its length changes none. */
void layout_front(struct lay *L, struct vlist *V)
{
	const struct book *book = L->book;
	const struct print_style *st = L->st;
	L->out = V;
	L->pending_space = 0;
	L->nmarker = 0;
	struct bctx c = lay_body_ctx(L);
	title_page(L, &c);

	/* Contents. */
	struct istyle hs = {0};
	const struct style_heading *h1 = &st->h[0];
	hs.family = FAM_SANS;
	hs.bold = true;
	hs.size = (float)h1->size;
	hs.color = h1->color;
	const struct block *b = book->gen.contents->blocks; /* its title */
	layout_text(L, &c, lay_plain_inline(L, generate_text(b)), NULL, hs,
		    (float)h1->leading, false, ALIGN_LEFT, BOX_HEADING, 0, true);
	lay_add_penalty(L, INF);
	L->pending_space = 0;
	lay_want_space(L, (float)h1->space_after);
	struct bctx tc = contents_ctx(L);
	for (b = b->next; b; b = b->next)
		if (b->role == ROLE_CONTENTS_ENTRY && b->toc)
			toc_entry(L, &tc, b);
	toc_appendix(L, &tc);
}

/* A handout's first page: a title block naming the book and the module,
 * and the module's own contents. */
void layout_part_front(struct lay *L, struct vlist *V)
{
	const struct book *book = L->book;
	const struct print_style *st = L->st;
	const struct module *m = L->part->module;
	L->out = V;
	L->pending_space = 0;
	L->nmarker = 0;
	struct bctx c = lay_body_ctx(L);

	struct istyle s = {0};
	s.family = FAM_SANS;
	s.size = (float)st->author_size;
	s.color = st->title_color;
	const char *title = book->meta.title ? book->meta.title : "Untitled";
	if (book->meta.subtitle)
		title = arena_printf(L->a, "%s \xe2\x80\x94 %s", title, book->meta.subtitle);
	layout_text(L, &c, lay_plain_inline(L, title), NULL, s, s.size * 1.3f, false,
		    ALIGN_LEFT, BOX_LINE, 0, true);
	lay_add_penalty(L, INF);
	lay_want_space(L, s.size);
	s.bold = true;
	s.size = (float)st->subtitle_size;
	layout_text(L, &c, lay_plain_inline(L, arena_printf(L->a, "Module %d", m->number)),
		    NULL, s, s.size * 1.25f, false, ALIGN_LEFT, BOX_HEADING, 0, true);
	lay_add_penalty(L, INF);
	s.size = (float)st->title_size;
	layout_text(L, &c, lay_plain_inline(L, m->title), NULL, s, s.size * 1.2f, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	lay_add_penalty(L, INF);
	lay_want_space(L, (float)st->h[1].space_before);
	layout_rule(L, &c);
	lay_add_penalty(L, INF);

	lay_heading_text(L, &c, st->contents_title, 2);
	struct bctx tc = contents_ctx(L);
	/* The contents entries of the module's chapters, at their depth
	 * below the module's page. */
	int d0 = m->page->toc_index >= 0 && m->page->toc_index < book->ntoc
		? book->toc[m->page->toc_index].depth : 0;
	for (int ci = L->first; ci < L->end; ci++) {
		struct chapter *ch = book->chapters[ci];
		const struct toc_entry *e = ch->toc_index >= 0 && ch->toc_index < book->ntoc
			? &book->toc[ch->toc_index] : NULL;
		int depth = e && e->depth > d0 ? e->depth - d0 : 0;
		toc_chapter(L, &tc, ch, e ? e->title : NULL, e ? e->number : NULL, depth);
	}
	toc_appendix(L, &tc);
}
