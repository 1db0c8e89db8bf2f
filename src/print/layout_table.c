/*
 * layout_table.c - tables: cell tokens, column widths (scaled down when
 * the columns cannot fit), and rows emitted as slices, one per line of
 * the tallest cell, with the header rows kept for repeating after a page
 * break.
 */
#include "print/layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cell {
	struct toks t;
	float natural, minw;
	struct pline *lines;
	int nlines;
	const struct block *b;
};

static void cell_tokens(struct lay *L, struct cell *cell, float scale,
			bool header)
{
	const struct print_style *st = L->st;
	lay_toks_free(&cell->t);
	L->nstyles = 0;
	struct istyle s = {0};
	s.family = FAM_SERIF;
	s.bold = header;
	s.size = (float)st->table.size * scale;
	s.color = st->table.color;
	s.line = cell->b ? cell->b->line : 0;
	lay_pw_begin(L, cell->b);
	if (cell->b)
		lay_tok_inlines(L, &cell->t, cell->b->inlines, NULL, s);
	lay_tok_finish(L, &cell->t);
	lay_pw_begin(L, NULL);
	/* Natural width: everything on one line; minimum: the widest run
	 * between legal breaks. */
	float nat = 0, run = 0, minw = 0;
	for (size_t i = 0; i < cell->t.n; i++) {
		const struct lb_item *it = &cell->t.it[i];
		if (it->kind == LB_BOX) {
			nat += (float)it->width;
			run += (float)it->width;
		} else if (lay_legal_break(&cell->t, i)) {
			if (it->kind == LB_GLUE && !isinf(it->stretch))
				nat += (float)it->width;
			if (it->kind == LB_PENALTY)
				run += (float)it->width;
			if (run > minw)
				minw = run;
			run = 0;
		} else if (it->kind == LB_GLUE && !isinf(it->stretch)) {
			nat += (float)it->width;
			run += (float)it->width;
		}
	}
	if (run > minw)
		minw = run;
	cell->natural = nat;
	cell->minw = minw;
}

/* A table being laid out (layout_table): its cells row by row, which
 * rows are header rows, each column's natural, minimum and final width,
 * and the header rows kept for repeating after a page break. */
struct table {
	const struct block *tb;
	int nrows, ncols;
	struct cell *cells; /* nrows * ncols */
	bool *hdr;
	float *colw, *nat, *minw;
	float pad, scale;
	float tw;                /* the table's width */
	float leading, basc, bdesc;
	int block;               /* its serial number */
	struct vlist *header;
};

/* Collects the cells of table tb; false if it has no rows. */
static bool table_init(const struct block *tb, struct table *T)
{
	T->tb = tb;
	T->ncols = tb->ncols > 0 ? tb->ncols : 1;
	T->nrows = 0;
	for (const struct block *r = tb->children; r; r = r->next)
		T->nrows++;
	if (T->nrows == 0)
		return false;
	int ncols = T->ncols;
	T->cells = xcalloc((size_t)T->nrows * (size_t)ncols, sizeof *T->cells);
	T->hdr = xcalloc((size_t)T->nrows, sizeof *T->hdr);
	T->colw = xcalloc((size_t)ncols, sizeof *T->colw);
	T->nat = xcalloc((size_t)ncols, sizeof *T->nat);
	T->minw = xcalloc((size_t)ncols, sizeof *T->minw);
	int ri = 0;
	for (const struct block *r = tb->children; r; r = r->next, ri++) {
		T->hdr[ri] = r->header;
		int ci = 0;
		for (const struct block *cb = r->children; cb && ci < ncols; cb = cb->next)
			T->cells[ri * ncols + ci++].b = cb;
	}
	T->scale = 1;
	return true;
}

static void table_free(struct table *T)
{
	for (int i = 0; i < T->nrows * T->ncols; i++)
		lay_toks_free(&T->cells[i].t);
	free(T->cells);
	free(T->hdr);
	free(T->colw);
	free(T->nat);
	free(T->minw);
}

/* Tokenizes every cell and finds each column's natural and minimum
 * width; if the minimums do not fit column c, does so again at the
 * scale (no smaller than the style allows) at which they would. */
static void table_measure(struct lay *L, const struct bctx *c, struct table *T)
{
	const struct print_style *st = L->st;
	int ncols = T->ncols;
	float pad = T->pad;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < ncols; i++)
			T->nat[i] = T->minw[i] = 0;
		for (int r = 0; r < T->nrows; r++) {
			for (int i = 0; i < ncols; i++) {
				struct cell *ce = &T->cells[r * ncols + i];
				cell_tokens(L, ce, T->scale, T->hdr[r]);
				if (ce->natural > T->nat[i])
					T->nat[i] = ce->natural;
				if (ce->minw > T->minw[i])
					T->minw[i] = ce->minw;
			}
		}
		float summin = 0;
		for (int i = 0; i < ncols; i++)
			summin += T->minw[i] + 2 * pad;
		if (pass == 0 && summin > c->w && st->table_min_scale < 1) {
			float s = (c->w - 2 * pad * (float)ncols) /
				  (summin - 2 * pad * (float)ncols);
			T->scale = s < (float)st->table_min_scale ? (float)st->table_min_scale : s;
			continue;
		}
		break;
	}
}

/* Column widths: natural if they fit; else each gets its minimum and the
 * rest is shared in proportion to what more it wants; if even the
 * minimums do not fit, in proportion to them (long words then break
 * anywhere). */
static void table_columns(const struct bctx *c, struct table *T)
{
	int ncols = T->ncols;
	float *nat = T->nat, *minw = T->minw, *colw = T->colw;
	float sumnat = 0, summin = 0, avail = c->w;
	for (int i = 0; i < ncols; i++) {
		nat[i] += 2 * T->pad;
		minw[i] += 2 * T->pad;
		if (minw[i] > nat[i])
			minw[i] = nat[i];
		sumnat += nat[i];
		summin += minw[i];
	}
	if (sumnat <= avail) {
		for (int i = 0; i < ncols; i++)
			colw[i] = nat[i];
	} else if (summin <= avail) {
		float extra = avail - summin, want = sumnat - summin;
		for (int i = 0; i < ncols; i++)
			colw[i] = minw[i] + (want > 0 ? extra * (nat[i] - minw[i]) / want : 0);
	} else {
		for (int i = 0; i < ncols; i++)
			colw[i] = avail * minw[i] / summin;
	}
	T->tw = 0;
	for (int i = 0; i < ncols; i++)
		T->tw += colw[i];
	if (T->tw > avail) /* rounding */
		T->tw = avail;
}

/* Sets every cell's lines in its column's width. */
static void table_set_cells(struct lay *L, struct table *T)
{
	const struct print_style *st = L->st;
	float size = (float)st->table.size * T->scale;
	T->leading = (float)st->table.leading * T->scale;
	T->basc = (float)fonts_ascent(L->fonts, FONT_SERIF) * size / 1000;
	T->bdesc = (float)fonts_descent(L->fonts, FONT_SERIF) * size / 1000;
	for (int r = 0; r < T->nrows; r++) {
		for (int i = 0; i < T->ncols; i++) {
			struct cell *ce = &T->cells[r * T->ncols + i];
			enum cell_align al = T->tb->align ? T->tb->align[i] : ALIGN_NONE;
			ce->nlines = lay_break_lines(L, &ce->t, T->colw[i] - 2 * T->pad, false,
						     al, T->hdr[r] ? FONT_SERIF_BOLD : FONT_SERIF,
						     size, &ce->lines);
		}
	}
}

/* A horizontal rule across the table at y, thicker if heavy. */
static void table_rule(struct lay *L, const struct bctx *c,
		       const struct table *T, float y, bool heavy)
{
	struct lo_item *ln = lay_ipush(&L->row_items);
	ln->kind = LO_LINE;
	ln->x = c->x;
	ln->y = y;
	ln->w = T->tw;
	ln->size = (float)L->st->table_rule_width * (heavy ? 1.6f : 1);
	ln->color = L->st->table_rule_color;
}

/* The footnotes first cited in slice k of row r's cells. */
static struct vlist *slice_notes(struct lay *L, const struct table *T, int r,
				 int k)
{
	struct pline notes = {0};
	struct footnote *fl[8];
	int ul[8];
	for (int i = 0; i < T->ncols; i++) {
		const struct cell *ce = &T->cells[r * T->ncols + i];
		if (k >= ce->nlines)
			continue;
		for (int q = 0; q < ce->lines[k].nnotes && notes.nnotes < 8; q++)
			fl[notes.nnotes++] = ce->lines[k].notes[q];
		for (int q = 0; q < ce->lines[k].nunotes && notes.nunotes < 8; q++)
			ul[notes.nunotes++] = ce->lines[k].unotes[q];
	}
	notes.notes = fl;
	notes.unotes = ul;
	return lay_notes_for(L, &notes);
}

/* Emits slice k (of nl) of row r: line k of each of its cells, h high
 * with its baseline bl below the text's top; the first slice has the
 * padding top above it, the last the padding below. */
static void table_slice(struct lay *L, const struct bctx *c,
			const struct table *T, int r, int k, int nl, float h,
			float top, float bl)
{
	struct ibuf *b = &L->row_items;
	b->n = 0;
	if (T->hdr[r]) {
		struct lo_item *f = lay_ipush(b);
		f->kind = LO_FILL;
		f->x = c->x;
		f->y = h;
		f->w = T->tw;
		f->h = h;
		f->color = L->st->table_header_background;
	}
	float x = c->x;
	for (int i = 0; i < T->ncols; i++) {
		struct cell *ce = &T->cells[r * T->ncols + i];
		if (k < ce->nlines) {
			for (int q = 0; q < ce->lines[k].nitems; q++) {
				struct lo_item *it = lay_ipush(b);
				*it = ce->lines[k].items[q];
				it->x += x + T->pad;
				it->y += top + bl;
			}
		}
		x += T->colw[i];
	}
	if (k == 0 && (r == 0 || T->hdr[r] || T->hdr[r - 1]))
		table_rule(L, c, T, 0, r == 0);
	if (k == nl - 1)
		table_rule(L, c, T, h, r == T->nrows - 1);
	struct vitem *v = lay_emit_box(L, c, BOX_ROW, h, top + bl, b->v, (int)b->n);
	v->block = T->block;
	v->line = r + 1;
	v->nlines = T->nrows;
	for (int i = 0; i < T->ncols; i++) {
		const struct cell *ce = &T->cells[r * T->ncols + i];
		if (k < ce->nlines && ce->lines[k].word >= 0) {
			v->src = ce->b;
			v->word = ce->lines[k].word;
			break;
		}
	}
	v->notes = slice_notes(L, T, r, k);
}

/* Adds the items L->out[first, n) (a header row just emitted) to the
 * header rows repeated after a page break. */
static void table_keep_header(struct lay *L, struct table *T, size_t first)
{
	struct vlist *header = T->header;
	if (!header) {
		header = arena_alloc(&L->tmp, sizeof *header);
		T->header = header;
	}
	size_t nn = L->out->n - first;
	struct vitem *nv = arena_alloc(&L->tmp, (header->n + nn) * sizeof *nv);
	if (header->n)
		memcpy(nv, header->v, header->n * sizeof *nv);
	for (size_t q = 0; q < nn; q++) {
		nv[header->n + q] = L->out->v[first + q];
		nv[header->n + q].notes = NULL;
	}
	header->v = nv;
	header->n += nn;
	header->cap = header->n;
}

/* Emits row r as slices, one per line of its tallest cell, with the
 * penalties before and between them. */
static void table_row(struct lay *L, const struct bctx *c, struct table *T,
		      int r)
{
	int nl = 1;
	for (int i = 0; i < T->ncols; i++)
		if (T->cells[r * T->ncols + i].nlines > nl)
			nl = T->cells[r * T->ncols + i].nlines;
	/* Row height decides whether its slices may part. */
	float rowh = 0;
	float *sh = xcalloc((size_t)nl, sizeof *sh), *sb = xcalloc((size_t)nl, sizeof *sb);
	for (int k = 0; k < nl; k++) {
		float asc = T->basc, desc = T->bdesc;
		for (int i = 0; i < T->ncols; i++) {
			struct cell *ce = &T->cells[r * T->ncols + i];
			if (k < ce->nlines) {
				if (ce->lines[k].asc > asc)
					asc = ce->lines[k].asc;
				if (ce->lines[k].desc > desc)
					desc = ce->lines[k].desc;
			}
		}
		lay_line_geometry(T->leading, T->basc, T->bdesc, asc, desc, &sh[k], &sb[k]);
		rowh += sh[k];
	}
	rowh += 2 * T->pad;
	bool splittable = rowh > L->H * 0.5f;
	size_t first_item = L->out->n;
	const bool *hdr = T->hdr;
	if (r > 0) {
		struct vitem *p = lay_vpush(L->out);
		p->kind = V_PENALTY;
		p->penalty = hdr[r - 1] ? INF : 0;
		if (!hdr[r - 1] && !hdr[r])
			p->repeat = T->header;
		first_item = L->out->n;
	}
	for (int k = 0; k < nl; k++) {
		if (k > 0)
			lay_add_penalty(L, splittable ? 0 : INF);
		float top = k == 0 ? T->pad : 0, bot = k == nl - 1 ? T->pad : 0;
		table_slice(L, c, T, r, k, nl, sh[k] + top + bot, top, sb[k]);
	}
	/* The header rows, kept for repeating after a break. */
	if (hdr[r] && (r == 0 || hdr[r - 1] || T->header))
		table_keep_header(L, T, first_item);
	free(sh);
	free(sb);
}

void layout_table(struct lay *L, const struct bctx *c,
		  const struct block *tb)
{
	const struct print_style *st = L->st;
	struct table T = {0};
	if (!table_init(tb, &T))
		return;
	T.pad = (float)st->table_padding;
	if (T.pad * 2 * (float)T.ncols > c->w / 3)
		T.pad = c->w / 6 / (float)T.ncols;
	table_measure(L, c, &T);
	table_columns(c, &T);
	table_set_cells(L, &T);
	lay_want_space(L, (float)st->par_spacing + 2);
	T.block = ++L->serial;
	for (int r = 0; r < T.nrows; r++)
		table_row(L, c, &T, r);
	table_free(&T);
	lay_want_space(L, (float)st->par_spacing + 2);
	L->after_para = false;
}
