/*
 * layout_code.c - code blocks: highlighted text set as visual lines on a
 * shaded background, wrapped with a continuation mark, kept across the
 * page-reference passes (struct block_memo), between padding boxes with
 * penalties that keep two lines together at either end of a page break.
 */
#include "print/layout_int.h"

#include <stdlib.h>
#include <string.h>

#include "model/highlight.h"
#include "model/words.h"

struct span {
	enum hl_class cls;
	const char *p;
	size_t n;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static void collect_span(void *ctx, enum hl_class cls, const char *text,
			 size_t len)
{
	struct spans *s = ctx;
	GROW(s->v, s->n, s->cap);
	s->v[s->n++] = (struct span){cls, text, len};
}

static const char spaces[] = "                ";

/* One visual code line being filled. */
struct codeline {
	struct ibuf items;
	float x;
	int font;
	uint32_t color;
};

static void code_put(struct lay *L, struct codeline *cl, float x0, int font,
		     float size, uint32_t color, const char *p, size_t n,
		     float w)
{
	struct lo_item *last = cl->items.n ? &cl->items.v[cl->items.n - 1] : NULL;
	if (last && last->font == font && last->color == color &&
	    last->text + last->len == p && p != spaces) {
		last->len += n;
		last->w += w;
	} else {
		struct lo_item *it = lay_ipush(&cl->items);
		it->kind = LO_TEXT;
		it->font = font;
		it->size = size;
		it->color = color;
		it->x = x0 + cl->x;
		it->text = p;
		it->len = n;
		it->w = w;
	}
	(void)L;
	cl->x += w;
}

/* The padding above and below a code block and beside its text. */
static float code_pad(const struct lay *L, const struct bctx *c)
{
	float pad = (float)L->st->code_padding;
	if (pad * 4 > c->w)
		pad = c->w / 8;
	return pad;
}

/* A code block being set as visual lines (code_lines): the look of its
 * lines, the line being filled and where the text is. */
struct codeset {
	const struct bctx *c;
	const struct block *src; /* whose words the lines show, or NULL */
	float size;
	float h, bl;       /* a line's box height and baseline */
	float pad;
	float x0, avail;   /* where text starts; the width it may fill */
	int mfont;         /* the continuation mark of a wrapped line */
	const char *mark;
	float markw;
	struct codeline cl;
	int src_line, col; /* source line and column (for tabs) */
	/* Pagination words: counted over the text, and for each visual
	 * line the first that starts on it (else the one it continues). */
	struct word_counter words; /* the block's, model/words.h */
	int line_first, line_cont;
};

/* Sizes and the continuation mark of code in column c. */
static void code_setup(struct lay *L, const struct bctx *c, struct codeset *cs)
{
	const struct print_style *st = L->st;
	cs->c = c;
	cs->size = c->note ? c->size * 0.9f : (float)st->code.size;
	float leading = c->note ? c->leading * 0.95f : (float)st->code.leading;
	if (leading < cs->size * 1.15f)
		leading = cs->size * 1.15f;
	cs->pad = code_pad(L, c);
	cs->mark = st->code_continuation;
	uint32_t mcp;
	utf8_decode(cs->mark, strlen(cs->mark), &mcp);
	cs->mfont = fonts_lookup(L->fonts, FONT_MONO, mcp);
	if (cs->mfont < 0) {
		cs->mfont = FONT_MONO;
		cs->mark = ">";
	}
	cs->markw = lay_text_width(L, cs->mfont, cs->size, cs->mark, strlen(cs->mark));
	cs->x0 = c->x + cs->pad;
	cs->avail = c->w - 2 * cs->pad - cs->markw - 1;
	if (cs->avail < cs->size)
		cs->avail = cs->size;
	float basc = (float)fonts_ascent(L->fonts, FONT_MONO) * cs->size / 1000;
	float bdesc = (float)fonts_descent(L->fonts, FONT_MONO) * cs->size / 1000;
	lay_line_geometry(leading, basc, bdesc, basc, bdesc, &cs->h, &cs->bl);
}

/* Emits the line being filled as a BOX_CODE box, with its shading and,
 * if wrapped (it continues on the next line), the continuation mark. */
static void code_flush(struct lay *L, struct codeset *cs, bool wrapped)
{
	const struct bctx *c = cs->c;
	struct codeline *cl = &cs->cl;
	struct lo_item *bg = lay_ipush(&cl->items);
	bg->kind = LO_FILL;
	bg->x = c->x;
	bg->y = cs->h;
	bg->w = c->w;
	bg->h = cs->h;
	bg->color = L->st->code_background;
	/* the shading goes first so text draws over it */
	struct lo_item tmp = *bg;
	memmove(cl->items.v + 1, cl->items.v, (cl->items.n - 1) * sizeof *cl->items.v);
	cl->items.v[0] = tmp;
	for (size_t q = 1; q < cl->items.n; q++)
		cl->items.v[q].y = cs->bl;
	if (wrapped) {
		struct lo_item *m = lay_ipush(&cl->items);
		m->kind = LO_TEXT;
		m->font = cs->mfont;
		m->size = cs->size;
		m->color = L->st->code_continuation_color;
		m->x = c->x + c->w - cs->pad - cs->markw;
		m->y = cs->bl;
		m->text = cs->mark;
		m->len = strlen(cs->mark);
		m->w = cs->markw;
	}
	struct vitem *lv = lay_emit_box(L, c, BOX_CODE, cs->h, cs->bl, cl->items.v,
					(int)cl->items.n);
	int lw = cs->line_first >= 0 ? cs->line_first : cs->line_cont;
	if (cs->src && lw >= 0) {
		lv->src = cs->src;
		lv->word = lw;
	}
	cs->line_first = -1;
	cs->line_cont = cs->words.inword ? cs->words.count - 1 : -1;
	cl->items.n = 0;
	cl->x = 0;
}

/* Sets character cp (len bytes at p) of a span in font role and color:
 * a tab as spaces to the next stop, a character no font has as the
 * replacement; wraps the line first if it does not fit. */
static void code_char(struct lay *L, struct codeset *cs, const char *p,
		      int len, uint32_t cp, int role, uint32_t color,
		      bool start)
{
	const struct print_style *st = L->st;
	const char *gp = p;
	size_t gn = (size_t)len;
	int font;
	float w;
	if (cp == '\t') {
		int nsp = st->code_tab_width - cs->col % st->code_tab_width;
		gp = spaces;
		gn = (size_t)nsp;
		font = FONT_MONO;
		w = lay_adv(L, font, ' ', cs->size) * (float)nsp;
		cs->col += nsp;
	} else {
		font = lay_pick_font(L, role, cp, cs->src_line);
		if (font < 0) {
			font = L->repl_font >= 0 ? L->repl_font : FONT_FALLBACK;
			gp = L->repl_text;
			gn = strlen(gp);
			w = lay_text_width(L, font, cs->size, gp, gn);
		} else {
			w = lay_adv(L, font, cp, cs->size);
		}
		cs->col++;
	}
	if (cs->cl.x + w > cs->avail && cs->cl.x > 0)
		code_flush(L, cs, true);
	if (start && cs->line_first < 0)
		cs->line_first = cs->words.count - 1;
	code_put(L, &cs->cl, cs->x0, font, cs->size, color, gp, gn, w);
}

/* Sets one highlighted span, ending a line at each newline. */
static void code_span(struct lay *L, struct codeset *cs, const struct span *sp)
{
	uint32_t color = L->st->hl_color[sp->cls < 12 ? sp->cls : 0];
	int role = sp->cls == HL_KEYWORD ? FONT_MONO_BOLD : FONT_MONO;
	size_t i = 0;
	while (i < sp->n) {
		uint32_t cp;
		int len = utf8_decode(sp->p + i, sp->n - i, &cp);
		bool start;
		words_feed(&cs->words, cp, &start);
		if (cp == '\n') {
			code_flush(L, cs, false);
			cs->src_line++;
			cs->col = 0;
		} else {
			code_char(L, cs, sp->p + i, len, cp, role, color, start);
		}
		i += (size_t)len;
	}
}

/* Sets a code block's text as visual lines (BOX_CODE boxes) into lines. */
static void code_lines(struct lay *L, const struct bctx *c, const char *text,
		       size_t len, const char *lang, int line0,
		       const struct block *src, struct vlist *lines)
{
	struct codeset cs = {0};
	code_setup(L, c, &cs);
	cs.src = src;
	cs.src_line = line0 + 1;
	cs.line_first = cs.line_cont = -1;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	struct spans sp = {0};
	highlight(lang ? lang : "", text, len, collect_span, &sp);

	struct vlist *saved = L->out;
	float save_pending = L->pending_space;
	L->out = lines;
	L->pending_space = 0;
	for (size_t s = 0; s < sp.n; s++)
		code_span(L, &cs, &sp.v[s]);
	code_flush(L, &cs, false);
	free(sp.v);
	free(cs.cl.items.v);
	L->out = saved;
	L->pending_space = save_pending;
}

static bool same_column(const struct bctx *a, const struct bctx *b)
{
	if (a->x != b->x || a->w != b->w || a->size != b->size ||
	    a->leading != b->leading || a->note != b->note || a->nbars != b->nbars)
		return false;
	for (int i = 0; i < a->nbars; i++)
		if (a->bars[i] != b->bars[i])
			return false;
	return true;
}

void layout_code(struct lay *L, const struct bctx *c, const char *text,
		 size_t len, const char *lang, int line0,
		 const struct block *src)
{
	const struct print_style *st = L->st;
	float pad = code_pad(L, c);
	/* Lines are collected first: the penalties depend on the count.
	 * They are the same in every page-reference pass (struct
	 * block_memo), unless a list marker or heading waits for them. */
	struct vlist lines = {0};
	bool keep = L->memo_on && src && !L->nmarker && !L->pending_heading;
	const struct block_memo *memo = keep ? lay_memo_find(L, src) : NULL;
	bool hit = memo && memo->lines && same_column(&memo->c, c);
	if (hit) {
		lines.v = memo->lines;
		lines.n = lines.cap = memo->nlines;
		/* As setting them leaves it: its boxes were the last. */
		L->last_nbars = c->nbars;
		memcpy(L->last_bars, c->bars, sizeof L->last_bars);
	} else {
		bool draft = L->draft;
		if (keep)
			L->draft = false; /* kept lines need their items */
		code_lines(L, c, text, len, lang, line0, src, &lines);
		L->draft = draft;
	}
	if (keep && !hit) {
		struct vitem *kv = arena_alloc(&L->keep, (lines.n ? lines.n : 1) * sizeof *kv);
		for (size_t k = 0; k < lines.n; k++) {
			kv[k] = lines.v[k];
			size_t ni = (size_t)kv[k].nitems;
			kv[k].items = arena_alloc(&L->keep, (ni ? ni : 1) * sizeof *kv[k].items);
			if (ni)
				memcpy(kv[k].items, lines.v[k].items, ni * sizeof *kv[k].items);
		}
		struct block_memo *k = lay_memo_new(L, src);
		k->c = *c;
		k->lines = kv;
		k->nlines = lines.n;
	}

	/* Padding boxes above and below, then the lines with penalties that
	 * keep at least two lines together at either end of a page break. */
	struct lo_item shade = {0};
	shade.kind = LO_FILL;
	shade.x = c->x;
	shade.y = pad;
	shade.w = c->w;
	shade.h = pad;
	shade.color = st->code_background;
	lay_want_space(L, c->note ? 2 : (float)st->code_space);
	int block = ++L->serial;
	struct vitem *v = lay_emit_box(L, c, BOX_CODE, pad, -1, &shade, 1);
	v->block = block;
	v->line = 0;
	v->nlines = (int)lines.n;
	lay_add_penalty(L, INF);
	size_t n = lines.n;
	for (size_t k = 0; k < n; k++) {
		if (k > 0)
			lay_add_penalty(L, k == 1 || k == n - 1 ? INF : 0);
		struct vitem *d = lay_vpush(L->out);
		*d = lines.v[k];
		d->block = block;
		d->line = (int)k + 1;
		d->nlines = (int)n;
		if (k == 0 && L->nmarker) {
			/* a list item that starts with code: marker here */
			struct lo_item *items = arena_alloc(&L->tmp, (size_t)(d->nitems + L->nmarker) * sizeof *items);
			memcpy(items + L->nmarker, d->items, (size_t)d->nitems * sizeof *items);
			for (int m = 0; m < L->nmarker; m++) {
				items[m] = L->marker[m];
				items[m].y += d->baseline;
			}
			d->items = items;
			d->nitems += L->nmarker;
			L->nmarker = 0;
		}
	}
	lay_add_penalty(L, INF);
	shade.y = pad;
	v = lay_emit_box(L, c, BOX_CODE, pad, -1, &shade, 1);
	v->block = block;
	v->line = (int)n + 1;
	v->nlines = (int)n;
	if (!hit)
		lay_vlist_free(&lines);
	lay_want_space(L, c->note ? 2 : (float)st->code_space);
	L->after_para = false;
}
