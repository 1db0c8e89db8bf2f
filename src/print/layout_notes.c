/*
 * layout_notes.c - what is set at the foot of a page: the author's
 * footnotes (each laid out into its own list, attached to the line that
 * first cites it; uncited ones at the chapter's end) and footnoted URLs
 * (links.references = footnotes), with URLs set as breakable lines
 * (lay_url, which the Resources appendix uses too).
 */
#include "print/layout_int.h"

#include <stdlib.h>
#include <string.h>

/* Advance of cp as flush_word() measures it in role. */
static float char_width(struct lay *L, int role, uint32_t cp, float size)
{
	int f = lay_pick_font(L, role, cp, 0);
	if (f < 0)
		return lay_text_width(L, L->repl_font >= 0 ? L->repl_font : FONT_FALLBACK,
				      size, L->repl_text, strlen(L->repl_text));
	return lay_adv(L, f, cp, size);
}

/* Sets url in style s as lines of column c: broken after a '/' or before
 * '.', '?', '&', '-', '#' or '=' (never with a hyphen added), and inside a
 * part too long for a line after its last character that fits.  Pieces
 * are measured as flush_word() measures them and separated by forced
 * breaks, so the line breaker keeps each on its line. */
void lay_url(struct lay *L, const struct bctx *c, const char *url,
	     struct istyle s, float leading, enum lo_box_kind kind)
{
	struct toks *t = &L->para;
	lay_toks_reset(t);
	L->nstyles = 0;
	int si = lay_push_style(L, &s);
	int role = lay_role_of(s.family, s.bold, s.italic);
	size_t n = strlen(url), ls = 0, best = 0, i = 0;
	float w = 0, width = c->w - 0.02f;
	uint32_t prev = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(url + i, n - i, &cp);
		if (i > ls && prev != '/' && strchr(".?&-#=", (int)cp) && cp)
			best = i;
		float cw = char_width(L, role, cp, s.size);
		while (w + cw > width && i > ls) {
			size_t brk = best > ls ? best : i;
			lay_tok_text(L, t, si, url + ls, brk - ls);
			lay_tok_forced_break(L, t);
			w = 0;
			for (size_t j = brk; j < i;) {
				uint32_t q;
				j += (size_t)utf8_decode(url + j, i - j, &q);
				w += char_width(L, role, q, s.size);
			}
			ls = best = brk;
		}
		w += cw;
		i += (size_t)len;
		if (cp == '/' && (i >= n || url[i] != '/'))
			best = i;
		prev = cp;
	}
	if (n > ls)
		lay_tok_text(L, t, si, url + ls, n - ls);
	lay_tok_finish(L, t);
	struct pline *pl;
	int font = lay_role_of(s.family, s.bold, s.italic);
	int nl = lay_break_lines(L, t, c->w, false, ALIGN_LEFT, font, s.size, &pl);
	lay_emit_lines(L, c, pl, nl, kind, leading, font, s.size, true);
}

/* Footnoted URLs: the note for each entry the chapter cites, laid out
 * before its text as layout_notes() does for the author's notes. */
void lay_url_notes(struct lay *L, const struct chapter *ch)
{
	const struct book *book = L->book;
	struct vlist *saved = L->out;
	struct bctx c = lay_note_ctx(L);
	for (int e = L->ref_lo[ch->index]; e < L->ref_hi[ch->index]; e++) {
		int entry = L->res_index[book->extrefs[e].distinct];
		if (entry < 0 || L->unote_seq[entry] == L->useq)
			continue;
		struct vlist *v = arena_calloc(&L->tmp, 1, sizeof *v);
		L->out = v;
		L->pending_space = 0;
		L->last_nbars = 0;
		lay_set_marker(L, &c, arena_printf(L->a, "%d", entry + 1),
			       c.x - c.size * 0.4f, 0);
		L->marker[0].color = L->st->link_color;
		struct istyle u = lay_base_style(&c);
		u.family = FAM_MONO;
		u.link = &L->res_link[entry];
		lay_url(L, &c, L->res[entry]->url, u, c.leading, BOX_NOTE);
		L->nmarker = 0;
		lay_as_note_boxes(v);
		struct lo_anchor *at = arena_calloc(L->a, 1, sizeof *at);
		at->page = -1;
		struct layout *lo = L->lo;
		lo->notes = xrealloc(lo->notes, (lo->nnotes + 1) * sizeof *lo->notes);
		lo->notes[lo->nnotes++] = at;
		if (v->n)
			v->v[0].anchor = at;
		struct vitem *a = arena_alloc(&L->tmp, (v->n ? v->n : 1) * sizeof *a);
		if (v->n)
			memcpy(a, v->v, v->n * sizeof *a);
		free(v->v);
		v->v = a;
		v->cap = v->n;
		/* Scratch memory: read (lay_notes_for) only while this chapter run
		 * (unote_seq == useq) is laid out, never after the reset. */
		L->unote[entry] = v;
		L->unote_at[entry] = at;
		L->unote_seq[entry] = L->useq;
	}
	L->out = saved;
	L->pending_space = 0;
}

struct bctx lay_note_ctx(const struct lay *L)
{
	struct bctx c = lay_body_ctx(L);
	c.x = (float)L->st->footnote_indent;
	c.w = L->W - c.x;
	c.size = (float)L->st->footnote.size;
	c.leading = (float)L->st->footnote.leading;
	c.color = L->st->footnote.color;
	c.note = true;
	c.tight = true;
	return c;
}

/* A note's vertical list never breaks inside: its glue and penalties
 * become spacing boxes of their height (a penalty has none), and every
 * box is a note line. */
void lay_as_note_boxes(struct vlist *v)
{
	for (size_t k = 0; k < v->n; k++) {
		if (v->v[k].kind == V_PENALTY)
			v->v[k].height = 0;
		v->v[k].kind = V_BOX;
		v->v[k].box = BOX_NOTE;
		v->v[k].notes = NULL;
	}
}

/* Which notes the text cites (outside every footnote), and which note
 * first cites each of the others. */
struct note_cites {
	int nnotes;
	bool *in_text;  /* by number - 1 */
	int *host;      /* by number - 1: the citing note's number, or 0 */
	int citing;     /* the note being walked, or 0 for the text */
};

static void note_cite(void *ctx, struct block *owner, struct inline_node *in)
{
	struct note_cites *nc = ctx;
	if (in->type != INL_FOOTNOTE_REF || !in->footnote)
		return;
	int n = in->footnote->number;
	if (n <= 0 || n > nc->nnotes || n == nc->citing)
		return;
	if (nc->citing) {
		if (!nc->host[n - 1])
			nc->host[n - 1] = nc->citing;
		return;
	}
	for (const struct block *b = owner; b; b = b->parent)
		if (b->type == BLK_FOOTNOTE_DEF)
			return;
	nc->in_text[n - 1] = true;
}

/* A note cited only from inside other notes has no line of the text to
 * ride on: it is set right after the first note citing it (and notes it
 * cites in turn after it), so it lands on the same page. */
static void attach_nested_notes(struct lay *L, const struct chapter *ch)
{
	int n = L->nnotes;
	struct note_cites nc = {n, arena_calloc(&L->tmp, (size_t)n + 1, sizeof(bool)),
				arena_calloc(&L->tmp, (size_t)n + 1, sizeof(int)), 0};
	model_each_inline(ch->blocks, note_cite, &nc);
	bool nested = false;
	for (int i = 0; i < ch->nfootnotes; i++) {
		struct footnote *fn = ch->footnotes[i];
		if (fn->number <= 0 || fn->number > n || !fn->def)
			continue;
		nc.citing = fn->number;
		model_each_inline(fn->def->children, note_cite, &nc);
	}
	for (int b = 0; b < n; b++) {
		if (nc.in_text[b])
			nc.host[b] = 0;
		nested |= nc.host[b] != 0;
	}
	if (!nested)
		return;
	/* Each note the text cites, with the notes hosted under it (depth
	 * first, by an explicit stack), becomes one list.  first/next link
	 * each note's guests, highest number first, so they pop in order. */
	int *first = arena_alloc(&L->tmp, ((size_t)n + 1) * sizeof *first);
	int *next = arena_alloc(&L->tmp, ((size_t)n + 1) * sizeof *next);
	int *stack = arena_alloc(&L->tmp, ((size_t)n + 1) * sizeof *stack);
	int *order = arena_alloc(&L->tmp, ((size_t)n + 1) * sizeof *order);
	for (int k = 0; k < n; k++)
		first[k] = -1;
	for (int c = 0; c < n; c++)
		if (nc.host[c]) {
			next[c] = first[nc.host[c] - 1];
			first[nc.host[c] - 1] = c;
		}
	for (int r = 0; r < n; r++) {
		if (nc.host[r] || !L->notes[r])
			continue;
		int top = 0, nord = 0;
		size_t total = 0;
		stack[top++] = r;
		while (top) {
			int k = stack[--top];
			order[nord++] = k;
			total += L->notes[k] ? L->notes[k]->n : 0;
			for (int c = first[k]; c >= 0; c = next[c])
				stack[top++] = c;
		}
		if (nord == 1)
			continue;
		struct vlist *all = arena_calloc(&L->tmp, 1, sizeof *all);
		all->v = arena_alloc(&L->tmp, (total ? total : 1) * sizeof *all->v);
		for (int i = 0; i < nord; i++) {
			const struct vlist *v = L->notes[order[i]];
			if (v && v->n)
				memcpy(all->v + all->n, v->v, v->n * sizeof *v->v);
			all->n += v ? v->n : 0;
		}
		all->cap = all->n;
		L->notes[r] = all;
	}
}

/* Lays out every cited footnote of the chapter into its own list, ready
 * to be attached to the line that first cites it. */
void layout_notes(struct lay *L, const struct chapter *ch)
{
	L->nnotes = 0;
	for (int i = 0; i < ch->nfootnotes; i++)
		if (ch->footnotes[i]->number > L->nnotes)
			L->nnotes = ch->footnotes[i]->number;
	/* note_at stays in L->a: placed items and lo->notes point at it.
	 * Each pass of the chapter has the same array (emptied), so that
	 * lines kept from an earlier pass lead to its notes too. */
	L->notes = arena_calloc(&L->tmp, (size_t)L->nnotes + 1, sizeof *L->notes);
	if (!L->note_at_of[ch->index])
		L->note_at_of[ch->index] = arena_calloc(L->a, (size_t)L->nnotes + 1,
							sizeof *L->note_at);
	L->note_at = L->note_at_of[ch->index];
	for (int i = 0; i < L->nnotes; i++) {
		L->note_at[i] = (struct lo_anchor){-1, 0};
		struct layout *lo = L->lo;
		lo->notes = xrealloc(lo->notes, (lo->nnotes + 1) * sizeof *lo->notes);
		lo->notes[lo->nnotes++] = &L->note_at[i];
	}
	L->note_cited = arena_calloc(&L->tmp, (size_t)L->nnotes + 1, sizeof *L->note_cited);
	/* Notes cannot cite notes: mark all as cited while laying them out. */
	for (int i = 0; i < L->nnotes; i++)
		L->note_cited[i] = true;
	struct vlist *saved = L->out;
	struct bctx c = lay_note_ctx(L);
	L->in_notes = true;
	for (int i = 0; i < ch->nfootnotes; i++) {
		struct footnote *fn = ch->footnotes[i];
		if (fn->number <= 0 || !fn->def)
			continue;
		struct vlist *v = arena_alloc(&L->tmp, sizeof *v);
		L->out = v;
		L->pending_space = 0;
		L->last_nbars = 0;
		lay_set_marker(L, &c, arena_printf(L->a, "%d", fn->number),
			       c.x - c.size * 0.4f, fn->def->line);
		layout_blocks(L, &c, fn->def->children);
		L->nmarker = 0;
		lay_as_note_boxes(v);
		if (v->n)
			v->v[0].anchor = &L->note_at[fn->number - 1];
		/* Copy into scratch memory: the heap array lives no longer. */
		struct vitem *a = arena_alloc(&L->tmp, (v->n ? v->n : 1) * sizeof *a);
		if (v->n)
			memcpy(a, v->v, v->n * sizeof *a);
		free(v->v);
		v->v = a;
		v->cap = v->n;
		L->notes[fn->number - 1] = v;
	}
	L->in_notes = false;
	L->out = saved;
	L->pending_space = 0;
	attach_nested_notes(L, ch);
	for (int i = 0; i < L->nnotes; i++)
		L->note_cited[i] = false;
	L->useq++;
	if (L->unote)
		lay_url_notes(L, ch);
}

/* Footnote definitions nobody cites are still printed, at the end of
 * the chapter: each under its label, on a line of its own. */
void layout_uncited_notes(struct lay *L, const struct chapter *ch)
{
	const struct print_style *st = L->st;
	const struct fonts *fonts = L->fonts;
	struct bctx nc = lay_note_ctx(L);
	for (int i = 0; i < ch->nfootnotes; i++) {
		struct footnote *fn = ch->footnotes[i];
		if (fn->number > 0 || !fn->def)
			continue;
		lay_want_space(L, (float)st->par_spacing);
		lay_set_marker(L, &nc, arena_printf(L->a, "[%s]", fn->label ? fn->label : ""),
			       nc.x + nc.w, fn->def->line);
		L->marker[0].x = nc.x;
		L->marker[0].y = 0;
		/* The label stands on its own line above the text. */
		float hh, bl;
		float basc = (float)fonts_ascent(fonts, FONT_SERIF) * nc.size / 1000;
		float bdesc = (float)fonts_descent(fonts, FONT_SERIF) * nc.size / 1000;
		lay_line_geometry(nc.leading, basc, bdesc, basc, bdesc, &hh, &bl);
		struct vitem *v = lay_emit_box(L, &nc, BOX_LINE, hh, bl, NULL, 0);
		v->block = ++L->serial;
		v->line = v->nlines = 1;
		lay_add_penalty(L, INF);
		layout_blocks(L, &nc, fn->def->children);
	}
}
