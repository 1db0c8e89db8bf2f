/*
 * layout_lines.c - from tokens to lines to boxes: line breaking (with a
 * greedy fallback), setting each line's items, emitting lines and other
 * boxes into the vertical list with their glue and penalties, and the
 * block memo that keeps a paragraph's or code block's lines across the
 * page-reference passes.
 */
#include "print/layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vitem *lay_vpush(struct vlist *l)
{
	GROW(l->v, l->n, l->cap);
	struct vitem *v = &l->v[l->n++];
	memset(v, 0, sizeof *v);
	v->baseline = -1;
	v->word = -1;
	return v;
}

void lay_vlist_free(struct vlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* ---- Line breaking and setting lines ---------------------------------- */

/* Greedy first-fit breaking: the fallback when linebreak() refuses the
 * input.  Same result format as linebreak(). */
static int greedy_breaks(const struct toks *t, float width, size_t **out,
			 int *nout)
{
	size_t cap = 16, nb = 0;
	size_t *br = xmalloc(cap * sizeof *br);
	size_t i = 0;
	while (i < t->n) {
		size_t last = SIZE_MAX;
		float w = 0;
		for (size_t j = i; j < t->n; j++) {
			const struct lb_item *it = &t->it[j];
			bool legal = (it->kind == LB_GLUE && j > i &&
				      t->it[j - 1].kind == LB_BOX) ||
				     (it->kind == LB_PENALTY && it->penalty < INF);
			if (legal) {
				float lw = w + (it->kind == LB_PENALTY ? (float)it->width : 0);
				if (lw <= width + 0.01f || last == SIZE_MAX)
					last = j;
				else
					break;
				if (it->kind == LB_PENALTY && it->penalty <= -INF)
					break;
			}
			if (it->kind != LB_PENALTY)
				w += (float)it->width;
			if (w > width + 0.01f && last != SIZE_MAX)
				break;
		}
		if (last == SIZE_MAX)
			last = t->n - 1;
		if (nb == cap) {
			cap *= 2;
			br = xrealloc(br, cap * sizeof *br);
		}
		br[nb++] = last;
		i = last + 1;
		/* Skip what a break discards, up to the next box. */
		while (i < t->n && t->it[i].kind != LB_BOX &&
		       !(t->it[i].kind == LB_PENALTY && t->it[i].penalty <= -INF))
			i++;
	}
	*out = br;
	*nout = (int)nb;
	return 0;
}

struct lo_item *lay_ipush(struct ibuf *b)
{
	GROW(b->v, b->n, b->cap);
	struct lo_item *it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static bool same_look(const struct frag *a, const struct frag *b)
{
	return a->font == b->font && a->size == b->size && a->rise == b->rise &&
	       a->color == b->color && a->flags == b->flags &&
	       a->link == b->link && a->note == b->note && a->dest == b->dest;
}

/* How set_lines() sets each line of a paragraph. */
struct lineset {
	const struct toks *t;
	float width;
	bool justify;
	enum cell_align align;
	float asc, desc; /* the extents of the paragraph's normal text */
	struct arena *into;
};

/* What setting one line gathers besides its items: its extents, its
 * pagination word and the notes it cites first. */
struct lineacc {
	float asc, desc;
	int first_word, cont_word;
	struct footnote *notes[8];
	int nnotes;
	int unotes[8];
	int nunotes;
};

/* The line of items [start, end) broken at end: its adjustment ratio
 * (into *r; negative shrinks) and the x where its first item starts. */
static double line_start(const struct lineset *ls, size_t start, size_t end,
			 double *r)
{
	const struct toks *t = ls->t;
	double width = ls->width;
	double nat = 0, y = 0, z = 0;
	bool inf = false;
	for (size_t i = start; i < end; i++) {
		const struct lb_item *it = &t->it[i];
		if (it->kind == LB_PENALTY)
			continue;
		nat += it->width;
		if (it->kind == LB_GLUE) {
			if (isinf(it->stretch))
				inf = true;
			else
				y += it->stretch;
			z += it->shrink;
		}
	}
	const struct lb_item *bi = &t->it[end];
	if (bi->kind == LB_PENALTY && bi->width > 0)
		nat += bi->width; /* the hyphen */
	*r = 0;
	if (nat > width + 0.001)
		*r = z > 0 ? fmax(-1.0, (width - nat) / z) : 0;
	else if (ls->justify && !inf && nat < width)
		*r = y > 0 ? (width - nat) / y : 0;
	double used = nat + (*r > 0 ? *r * y : *r * z);
	double x = 0;
	if (!ls->justify || inf) {
		if (ls->align == ALIGN_RIGHT)
			x = width - used;
		else if (ls->align == ALIGN_CENTER)
			x = (width - used) / 2;
	}
	return x < 0 ? 0 : x;
}

/* Notes f cites that no line before did: the line carries them. */
static void line_cites(struct lay *L, struct lineacc *acc, const struct frag *f)
{
	if (f->note && f->note->number > 0 && f->note->number <= L->nnotes &&
	    !L->note_cited[f->note->number - 1] && acc->nnotes < 8) {
		L->note_cited[f->note->number - 1] = true;
		acc->notes[acc->nnotes++] = f->note;
	}
	if (f->unote > 0 && f->unote <= L->nres && L->unote &&
	    L->ucited_seq[f->unote - 1] != L->useq && acc->nunotes < 8) {
		L->ucited_seq[f->unote - 1] = L->useq;
		acc->unotes[acc->nunotes++] = f->unote - 1;
	}
}

/* The text of frag f at x, it->width wide, into L->line_text: run on
 * from the previous piece prev if that looks the same and ends where f
 * starts. */
static void line_put_text(struct lay *L, const struct frag *f,
			  const struct frag *prev, const struct lb_item *it,
			  double x)
{
	struct ibuf *texts = &L->line_text;
	struct lo_item *last = texts->n ? &texts->v[texts->n - 1] : NULL;
	if (prev && last && same_look(prev, f) && last->text + last->len == f->text) {
		last->len += f->len;
		last->w += (float)it->width;
		return;
	}
	struct lo_item *ti = lay_ipush(texts);
	ti->kind = LO_TEXT;
	ti->font = f->font;
	ti->x = (float)x;
	ti->y = -f->rise;
	ti->w = (float)it->width;
	ti->size = f->size;
	ti->color = f->color;
	ti->text = f->text;
	ti->len = f->len;
	ti->link = f->link;
	if (f->note && f->note->number > 0 && f->note->number <= L->nnotes &&
	    L->note_at)
		ti->dest = &L->note_at[f->note->number - 1];
	else if (f->dest)
		ti->dest = f->dest;
	ti->land = f->land;
}

/* Inline code's shading (into L->line_fill, one run per stretch of code)
 * and strike-through rules (into L->line_over) under and over frag f. */
static void line_decor(struct lay *L, const struct frag *f,
		       const struct frag *prev, const struct lb_item *it,
		       double x)
{
	if (f->flags & FR_CODEBG) {
		struct ibuf *fills = &L->line_fill;
		struct lo_item *fi = fills->n ? &fills->v[fills->n - 1] : NULL;
		if (fi && prev && (prev->flags & FR_CODEBG) &&
		    fabsf(fi->x + fi->w - (float)x) < 0.01f) {
			fi->w += (float)it->width;
		} else {
			fi = lay_ipush(fills);
			fi->kind = LO_FILL;
			fi->x = (float)x;
			fi->w = (float)it->width;
			fi->y = (float)fonts_descent(L->fonts, f->font) * f->size / 1000;
			fi->h = fi->y + (float)fonts_ascent(L->fonts, f->font) * f->size / 1000;
			fi->color = L->st->code_inline_background;
		}
	}
	if (f->flags & FR_MARK) {
		struct lo_item *fi = lay_ipush(&L->line_fill);
		fi->kind = LO_FILL;
		fi->x = (float)x;
		fi->w = (float)it->width;
		fi->y = (float)fonts_descent(L->fonts, f->font) * f->size / 1000;
		fi->h = fi->y + (float)fonts_ascent(L->fonts, f->font) * f->size / 1000;
		fi->color = 0xFFF2A8; /* a highlighter's yellow */
	}
	if (f->flags & FR_UNDER) {
		struct lo_item *li = lay_ipush(&L->line_over);
		li->kind = LO_LINE;
		li->x = (float)x;
		li->y = f->size * 0.12f - f->rise;
		li->w = (float)it->width;
		li->size = f->size * 0.05f;
		li->color = f->color;
	}
	if (f->flags & FR_STRIKE) {
		struct lo_item *li = lay_ipush(&L->line_over);
		li->kind = LO_LINE;
		li->x = (float)x;
		li->y = -(f->rise + f->size * 0.28f);
		li->w = (float)it->width;
		li->size = f->size * 0.06f;
		li->color = f->color;
	}
}

/* Sets box i (its frag f) at x on the line. */
static void line_box(struct lay *L, struct lineacc *acc, const struct frag *f,
		     const struct frag *prev, const struct lb_item *it, double x)
{
	if (acc->first_word < 0 && f->first >= 0)
		acc->first_word = f->first;
	if (acc->cont_word < 0)
		acc->cont_word = f->cont >= 0 ? f->cont : f->first;
	float fa = f->rise + (float)fonts_ascent(L->fonts, f->font) * f->size / 1000;
	float fd = (float)fonts_descent(L->fonts, f->font) * f->size / 1000 - f->rise;
	if (fa > acc->asc)
		acc->asc = fa;
	if (fd > acc->desc)
		acc->desc = fd;
	line_cites(L, acc, f);
	line_put_text(L, f, prev, it, x);
	line_decor(L, f, prev, it, x);
}

/* The hyphen a line broken inside a word ends with, in the look of the
 * word's last piece lastf, at x. */
static void line_hyphen(struct lay *L, const struct frag *lastf,
			const struct lb_item *bi, double x)
{
	struct lo_item *ti = lay_ipush(&L->line_text);
	ti->kind = LO_TEXT;
	ti->font = lastf->font;
	ti->x = (float)x;
	ti->y = -lastf->rise;
	ti->w = (float)bi->width;
	ti->size = lastf->size;
	ti->color = lastf->color;
	ti->text = "-";
	ti->len = 1;
	ti->link = lastf->link;
}

/* Link areas (into L->line_over): one per run of text with the same
 * link, the line's height. */
static void line_links(struct lay *L, float asc, float desc)
{
	const struct ibuf *texts = &L->line_text;
	struct ibuf *lines = &L->line_over;
	size_t nlinks = 0;
	for (size_t i = 0; i < texts->n; i++) {
		const struct lo_item *ti = &texts->v[i];
		if (!ti->link && !ti->dest)
			continue;
		struct lo_item *li = lines->n ? &lines->v[lines->n - 1] : NULL;
		if (nlinks && li && li->kind == LO_LINK && li->link == ti->link &&
		    li->dest == ti->dest) {
			li->w = ti->x + ti->w - li->x;
			continue;
		}
		li = lay_ipush(lines);
		li->kind = LO_LINK;
		li->x = ti->x;
		li->w = ti->w;
		li->y = desc;
		li->h = asc + desc;
		li->link = ti->link;
		li->dest = ti->dest;
		nlinks++;
	}
}

/* Copies the line's scratch items (shading, text, what goes over it)
 * and what acc gathered into pl, in memory of arena into. */
static void line_store(struct lay *L, struct arena *into,
		       const struct lineacc *acc, double x, struct pline *pl)
{
	const struct ibuf *fills = &L->line_fill, *texts = &L->line_text,
			  *lines = &L->line_over;
	pl->nitems = (int)(fills->n + texts->n + lines->n);
	pl->items = arena_alloc(into, (size_t)(pl->nitems ? pl->nitems : 1) * sizeof *pl->items);
	if (fills->n)
		memcpy(pl->items, fills->v, fills->n * sizeof *pl->items);
	if (texts->n)
		memcpy(pl->items + fills->n, texts->v, texts->n * sizeof *pl->items);
	if (lines->n)
		memcpy(pl->items + fills->n + texts->n, lines->v, lines->n * sizeof *pl->items);
	pl->asc = acc->asc;
	pl->desc = acc->desc;
	pl->width = (float)x;
	pl->word = acc->first_word >= 0 ? acc->first_word : acc->cont_word;
	if (acc->nnotes) {
		pl->notes = arena_alloc(into, (size_t)acc->nnotes * sizeof *pl->notes);
		memcpy(pl->notes, acc->notes, (size_t)acc->nnotes * sizeof *acc->notes);
		pl->nnotes = acc->nnotes;
	}
	if (acc->nunotes) {
		pl->unotes = arena_alloc(into, (size_t)acc->nunotes * sizeof *pl->unotes);
		memcpy(pl->unotes, acc->unotes, (size_t)acc->nunotes * sizeof *acc->unotes);
		pl->nunotes = acc->nunotes;
	}
}

/* Sets the line of items [start, end) broken at end into pl. */
static void set_line(struct lay *L, const struct lineset *ls, size_t start,
		     size_t end, struct pline *pl)
{
	const struct toks *t = ls->t;
	double r;
	double x = line_start(ls, start, end, &r);
	L->line_text.n = L->line_fill.n = L->line_over.n = 0;
	memset(pl, 0, sizeof *pl);
	struct lineacc acc = {.asc = ls->asc, .desc = ls->desc,
			      .first_word = -1, .cont_word = -1};
	const struct frag *prev = NULL;
	const struct frag *lastf = NULL;
	for (size_t i = start; i < end; i++) {
		const struct lb_item *it = &t->it[i];
		if (it->kind == LB_GLUE) {
			if (!isinf(it->stretch))
				x += it->width + (r > 0 ? r * it->stretch : r * it->shrink);
			prev = NULL;
			continue;
		}
		if (it->kind == LB_PENALTY)
			continue;
		if (t->fr[i] < 0) {
			x += it->width;
			prev = NULL;
			continue;
		}
		const struct frag *f = &t->frags[t->fr[i]];
		line_box(L, &acc, f, prev, it, x);
		x += it->width;
		prev = f;
		lastf = f;
	}
	const struct lb_item *bi = &t->it[end];
	if (bi->kind == LB_PENALTY && bi->width > 0 && lastf) {
		line_hyphen(L, lastf, bi, x);
		x += bi->width;
	}
	line_links(L, acc.asc, acc.desc);
	line_store(L, ls->into, &acc, x, pl);
}

/* Sets the lines of t, broken at br[0..nbr), into out[0..nbr); their
 * items come from arena into. */
static void set_lines(struct lay *L, const struct toks *t, const size_t *br,
		      int nbr, float width, bool justify,
		      enum cell_align align, int base_font, float base_size,
		      struct arena *into, struct pline *out)
{
	struct lineset ls = {
		.t = t, .width = width, .justify = justify, .align = align,
		.asc = (float)fonts_ascent(L->fonts, base_font) * base_size / 1000,
		.desc = (float)fonts_descent(L->fonts, base_font) * base_size / 1000,
		.into = into};
	size_t start = 0;
	for (int k = 0; k < nbr; k++) {
		size_t end = br[k];
		while (start < end && t->it[start].kind != LB_BOX)
			start++;
		set_line(L, &ls, start, end, &out[k]);
		start = end + 1;
	}
}

/* Breaks t into lines of width and sets them.  Returns the line count;
 * *out is memory of arena into. */
static int break_lines_into(struct lay *L, struct arena *into, struct toks *t,
			    float width, bool justify, enum cell_align align,
			    int base_font, float base_size, struct pline **out)
{
	if (width < 1)
		width = 1;
	lay_split_wide(L, t, width);
	size_t *br = NULL;
	int nbr = 0;
	double w = width;
	struct lb_params p = {L->st->tolerance, 3000, 3000, 10};
	if (!justify)
		p.tolerance = 10;
	if (linebreak_in(&L->lbw, t->it, t->n, &w, 1, &p, &br, &nbr, NULL) != 0 ||
	    nbr <= 0) {
		free(br);
		greedy_breaks(t, width, &br, &nbr);
	}
	*out = arena_calloc(into, (size_t)nbr, sizeof **out);
	set_lines(L, t, br, nbr, width, justify, align, base_font, base_size,
		  into, *out);
	free(br);
	return nbr;
}

/* As break_lines_into(), in scratch memory (L->tmp): the lines live until
 * the chapter is placed. */
int lay_break_lines(struct lay *L, struct toks *t, float width,
		    bool justify, enum cell_align align, int base_font,
		    float base_size, struct pline **out)
{
	return break_lines_into(L, &L->tmp, t, width, justify, align, base_font,
				base_size, out);
}

/* ---- Boxes into the vertical list ------------------------------------- */

static void add_bars(struct lay *L, struct ibuf *b, const float *bars,
		     int nbars, float height)
{
	for (int i = 0; i < nbars; i++) {
		struct lo_item *it = lay_ipush(b);
		it->kind = LO_FILL;
		it->x = bars[i];
		it->y = height;
		it->w = (float)L->st->quote_bar_width;
		it->h = height;
		it->color = L->st->quote_bar_color;
	}
}

/* A box's items, kept (in scratch memory) until the chapter is placed. */
static struct lo_item *to_arena(struct lay *L, const struct ibuf *b)
{
	struct lo_item *v = arena_alloc(&L->tmp, (b->n ? b->n : 1) * sizeof *v);
	if (b->n)
		memcpy(v, b->v, b->n * sizeof *v);
	return v;
}

static void add_glue(struct lay *L, float h)
{
	struct vitem *g = lay_vpush(L->out);
	g->kind = V_GLUE;
	g->height = h;
}

void lay_add_penalty(struct lay *L, float p)
{
	struct vitem *g = lay_vpush(L->out);
	g->kind = V_PENALTY;
	g->penalty = p;
}

/* Space before the next block: the larger of what the previous block
 * wants after it and what the next wants before it. */
void lay_want_space(struct lay *L, float s)
{
	if (s > L->pending_space)
		L->pending_space = s;
}

/* Appends a box: the pending space first (as glue carrying the quote bars
 * both neighbours share), then the box with its bars, any waiting list
 * marker and items, written straight into the box's array.  items are
 * box-relative (see struct vitem), or if shift is set, become so when
 * moved by (dx, dy). */
static struct vitem *emit_box_at(struct lay *L, const struct bctx *c,
				 enum lo_box_kind kind, float height,
				 float baseline, const struct lo_item *items,
				 int nitems, bool shift, float dx, float dy)
{
	struct ibuf *b = &L->box_items;
	if (L->pending_space > 0 && L->out->n > 0) {
		int common = 0;
		while (common < c->nbars && common < L->last_nbars &&
		       c->bars[common] == L->last_bars[common])
			common++;
		b->n = 0;
		if (!L->draft)
			add_bars(L, b, c->bars, common, L->pending_space);
		add_glue(L, L->pending_space);
		struct vitem *g = &L->out->v[L->out->n - 1];
		g->items = to_arena(L, b);
		g->nitems = (int)b->n;
	}
	L->pending_space = 0;
	b->n = 0;
	add_bars(L, b, c->bars, c->nbars, height);
	/* The marker first: text extraction then reads "4. Text". */
	int nmarker = L->nmarker && baseline >= 0 ? L->nmarker : 0;
	if (nmarker)
		L->nmarker = 0;
	size_t n = L->draft ? 0 : b->n + (size_t)nmarker + (size_t)nitems;
	struct lo_item *out = arena_alloc(&L->tmp, (n ? n : 1) * sizeof *out);
	if (n) {
		if (b->n)
			memcpy(out, b->v, b->n * sizeof *out);
		struct lo_item *o = out + b->n;
		for (int i = 0; i < nmarker; i++, o++) {
			*o = L->marker[i];
			o->y += baseline;
		}
		for (int i = 0; i < nitems; i++, o++) {
			*o = items[i];
			if (shift) {
				o->x += dx;
				o->y += dy;
			}
		}
	}
	struct vitem *v = lay_vpush(L->out);
	v->kind = V_BOX;
	v->box = kind;
	v->height = height;
	v->baseline = baseline;
	v->items = out;
	v->nitems = (int)n;
	v->heading = L->pending_heading;
	L->pending_heading = NULL;
	L->last_nbars = c->nbars;
	memcpy(L->last_bars, c->bars, sizeof L->last_bars);
	return v;
}

struct vitem *lay_emit_box(struct lay *L, const struct bctx *c,
			   enum lo_box_kind kind, float height,
			   float baseline, const struct lo_item *items,
			   int nitems)
{
	return emit_box_at(L, c, kind, height, baseline, items, nitems, false,
			   0, 0);
}

/* The footnotes (and footnoted URLs) first cited in a line, as one list
 * for its box. */
struct vlist *lay_notes_for(struct lay *L, const struct pline *pl)
{
	if (!pl->nnotes && !pl->nunotes)
		return NULL;
	size_t n = 0;
	for (int i = 0; i < pl->nnotes; i++) {
		struct vlist *src = L->notes[pl->notes[i]->number - 1];
		if (src)
			n += src->n;
	}
	for (int i = 0; i < pl->nunotes; i++)
		if (L->unote[pl->unotes[i]])
			n += L->unote[pl->unotes[i]]->n;
	if (!n)
		return NULL;
	struct vlist *v = arena_calloc(&L->tmp, 1, sizeof *v);
	v->v = arena_alloc(&L->tmp, n * sizeof *v->v);
	/* In the order the text cites them. */
	int a = 0, b = 0;
	while (a < pl->nnotes || b < pl->nunotes) {
		const struct vlist *src;
		if (a < pl->nnotes)
			src = L->notes[pl->notes[a++]->number - 1];
		else
			src = L->unote[pl->unotes[b++]];
		if (!src)
			continue;
		memcpy(v->v + v->n, src->v, src->n * sizeof *v->v);
		v->n += src->n;
	}
	v->cap = n;
	return v;
}

/* Box height and baseline for a line with extents asc/desc in a block of
 * the given leading, whose normal text has extents basc/bdesc. */
void lay_line_geometry(float leading, float basc, float bdesc, float asc,
		       float desc, float *height, float *baseline)
{
	float bl = (leading - (basc + bdesc)) / 2 + basc;
	if (bl < basc)
		bl = basc;
	if (asc > bl)
		bl = asc;
	float h = leading;
	if (bl + desc > h)
		h = bl + desc;
	*height = h;
	*baseline = bl;
}

/* Emits set lines as boxes with widow/orphan penalties between them. */
void lay_emit_lines(struct lay *L, const struct bctx *c,
		    const struct pline *pl, int n, enum lo_box_kind kind,
		    float leading, int base_font, float base_size, bool keep)
{
	int block = ++L->serial;
	float basc = (float)fonts_ascent(L->fonts, base_font) * base_size / 1000;
	float bdesc = (float)fonts_descent(L->fonts, base_font) * base_size / 1000;
	for (int k = 0; k < n; k++) {
		if (k > 0) {
			bool forbid = keep || k == 1 || k == n - 1;
			lay_add_penalty(L, forbid ? INF : 0);
		}
		float h, bl;
		lay_line_geometry(leading, basc, bdesc, pl[k].asc, pl[k].desc, &h, &bl);
		struct vitem *v = emit_box_at(L, c, kind, h, bl, pl[k].items,
					      pl[k].nitems, true, c->x, bl);
		v->block = block;
		v->line = k + 1;
		v->nlines = n;
		v->notes = lay_notes_for(L, &pl[k]);
		if (L->pw_block && pl[k].word >= 0) {
			v->src = L->pw_block;
			v->word = pl[k].word;
		}
	}
}

struct istyle lay_base_style(const struct bctx *c)
{
	struct istyle s = {0};
	s.family = c->family;
	s.italic = c->italic;
	s.size = c->size;
	s.color = c->color;
	return s;
}

/* Sets inlines [first, stop) as a paragraph in column c. */
void layout_text(struct lay *L, const struct bctx *c,
		 const struct inline_node *first,
		 const struct inline_node *stop, struct istyle s,
		 float leading, bool justify, enum cell_align align,
		 enum lo_box_kind kind, float indent, bool keep)
{
	struct toks *t = &L->para;
	lay_toks_reset(t);
	L->nstyles = 0;
	if (indent > 0)
		lay_tok_add(t, LB_BOX, indent, 0, 0, 0, false, -1);
	lay_tok_inlines(L, t, first, stop, s);
	lay_tok_finish(L, t);
	struct pline *pl;
	int font = lay_role_of(s.family, s.bold, s.italic);
	int n = lay_break_lines(L, t, c->w, justify, align, font, s.size, &pl);
	lay_emit_lines(L, c, pl, n, kind, leading, font, s.size, keep);
}

static bool same_istyle(const struct istyle *a, const struct istyle *b)
{
	return a->family == b->family && a->bold == b->bold &&
	       a->italic == b->italic && a->strike == b->strike &&
	       a->codebg == b->codebg && a->size == b->size &&
	       a->rise == b->rise && a->color == b->color &&
	       a->link == b->link && a->note == b->note && a->dest == b->dest &&
	       a->land == b->land && a->unote == b->unote &&
	       a->line == b->line && a->src == b->src && a->under == b->under &&
	       a->mark == b->mark;
}

/* The slot of block b in L->memo: its entry, or the free slot for it. */
static struct block_memo **memo_slot(struct lay *L, const struct block *b)
{
	size_t h = lay_ptr_hash(b, L->memocap);
	while (L->memo[h] && L->memo[h]->b != b)
		h = (h + 1) & (L->memocap - 1);
	return &L->memo[h];
}

/* What is kept for block b, or NULL. */
const struct block_memo *lay_memo_find(struct lay *L, const struct block *b)
{
	return L->memocap ? *memo_slot(L, b) : NULL;
}

/* A cleared entry for block b (its old one, if any, reused). */
struct block_memo *lay_memo_new(struct lay *L, const struct block *b)
{
	if ((L->nmemo + 1) * 2 > L->memocap) {
		struct block_memo **old = L->memo;
		size_t oldcap = L->memocap;
		L->memocap = oldcap ? oldcap * 2 : 1024;
		L->memo = xcalloc(L->memocap, sizeof *L->memo);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				*memo_slot(L, old[i]->b) = old[i];
		free(old);
	}
	struct block_memo **slot = memo_slot(L, b);
	if (!*slot) {
		*slot = arena_alloc(&L->keep, sizeof **slot);
		L->nmemo++;
	}
	**slot = (struct block_memo){.b = b};
	return *slot;
}

/* A whole paragraph b (inlines from b->inlines to the end) as
 * layout_text() sets it with justification, left aligned, as BOX_LINE
 * boxes; its lines set once for all passes when they can be (struct
 * block_memo). */
void layout_para_text(struct lay *L, const struct bctx *c,
		      const struct block *b, struct istyle s,
		      float indent)
{
	if (!L->memo_on) {
		layout_text(L, c, b->inlines, NULL, s, c->leading, L->st->justify,
			    ALIGN_LEFT, BOX_LINE, indent, false);
		return;
	}
	int font = lay_role_of(s.family, s.bold, s.italic);
	L->nrefs = 0;
	int nlinks = 0;
	lay_collect_refs(L, b->inlines, &L->refs, &L->nrefs, &L->refcap, &nlinks);
	const struct block_memo *m = lay_memo_find(L, b);
	if (m) {
		if (m->pl && same_istyle(&m->s, &s) && m->width == c->w &&
		    m->indent == indent && m->in_notes == L->in_notes &&
		    m->nrefs == L->nrefs &&
		    (!m->nrefs || !memcmp(m->refs, L->refs, m->nrefs * sizeof *m->refs))) {
			/* What setting them did: the notes they cite first
			 * are now cited. */
			for (int k = 0; k < m->n; k++)
				for (int i = 0; i < m->pl[k].nnotes; i++)
					L->note_cited[m->pl[k].notes[i]->number - 1] = true;
			lay_emit_lines(L, c, m->pl, m->n, BOX_LINE, c->leading, font,
				       s.size, false);
			return;
		}
	}
	struct toks *t = &L->para;
	lay_toks_reset(t);
	L->nstyles = 0;
	L->text_varies = false;
	if (indent > 0)
		lay_tok_add(t, LB_BOX, indent, 0, 0, 0, false, -1);
	lay_tok_inlines(L, t, b->inlines, NULL, s);
	lay_tok_finish(L, t);
	/* Lines set without page references (the first pass) are not kept
	 * if they have cross-references: the next pass prints them. */
	bool kept = !L->text_varies && (L->ref_starts || !nlinks);
	struct pline *pl;
	int n = break_lines_into(L, kept ? &L->keep : &L->tmp, t, c->w,
				 L->st->justify, ALIGN_LEFT, font, s.size, &pl);
	if (kept) {
		int *refs = NULL;
		if (L->nrefs) {
			refs = arena_alloc(&L->keep, L->nrefs * sizeof *refs);
			memcpy(refs, L->refs, L->nrefs * sizeof *refs);
		}
		struct block_memo *k = lay_memo_new(L, b);
		*k = (struct block_memo){.b = b, .s = s, .width = c->w,
					.indent = indent, .in_notes = L->in_notes,
					.refs = refs, .nrefs = L->nrefs, .pl = pl,
					.n = n};
	}
	lay_emit_lines(L, c, pl, n, BOX_LINE, c->leading, font, s.size, false);
}
