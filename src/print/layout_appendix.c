/*
 * layout_appendix.c - which Resources entries this layout lists
 * (res_setup) and the Resources appendix, with where the book cites each
 * entry.
 */
#include "print/layout_int.h"
#include "resolve/generate.h"

#include <stdlib.h>
#include <string.h>

/* Which entries this layout lists and in what order: the book's
 * Resources (resources.c) as they are. */
void lay_res_setup(struct lay *L)
{
	const struct book *book = L->book;
	int nd = book->next_distinct;
	if (book->nresources <= 0 || !book->resource_of || nd <= 0)
		return;
	struct arena *a = L->a;
	L->nres = book->nresources;
	L->res = arena_calloc(a, (size_t)L->nres, sizeof *L->res);
	L->res_group = arena_calloc(a, (size_t)L->nres, sizeof *L->res_group);
	L->res_index = arena_alloc(a, (size_t)nd * sizeof *L->res_index);
	if (!L->part) {
		for (int d = 0; d < nd; d++) {
			const struct resource *r = book->resource_of[d];
			L->res_index[d] = r && r->number >= 1 && r->number <= L->nres ? r->number - 1 : -1;
		}
		for (int i = 0; i < L->nres; i++) {
			const struct resource *r = &book->resources[i];
			L->res[i] = r;
			L->res_group[i] = r->author_listed ? NULL : r->chapter;
		}
	} else {
		/* A handout lists what its chapters cite, in the order they
		 * first cite it, grouped by that chapter. */
		L->nres = 0;
		for (int d = 0; d < nd; d++)
			L->res_index[d] = -1;
		for (int e = 0; e < book->nextrefs; e++) {
			const struct extref *x = &book->extrefs[e];
			if (!x->chapter || x->chapter->index < L->first ||
			    x->chapter->index >= L->end || L->res_index[x->distinct] >= 0 ||
			    !book->resource_of[x->distinct])
				continue;
			L->res_index[x->distinct] = L->nres;
			L->res[L->nres] = book->resource_of[x->distinct];
			L->res_group[L->nres] = x->chapter;
			L->nres++;
		}
		if (!L->nres)
			return;
	}
	L->res_link = arena_calloc(a, (size_t)L->nres, sizeof *L->res_link);
	L->res_at = arena_calloc(a, (size_t)L->nres, sizeof *L->res_at);
	for (int i = 0; i < L->nres; i++) {
		L->res_link[i].kind = LINK_EXTERNAL;
		L->res_link[i].url = L->res[i]->url;
		L->res_link[i].ext_index = -1; /* no reference number of its own */
		L->res_at[i].page = -1;
	}
	/* Where each citing link lands, found by its node. */
	int ne = book->nextrefs;
	L->ref_at = arena_calloc(a, (size_t)ne + 1, sizeof *L->ref_at);
	L->ref_cap = 16;
	while (L->ref_cap < (size_t)ne * 2)
		L->ref_cap *= 2;
	L->ref_key = arena_calloc(a, L->ref_cap, sizeof *L->ref_key);
	L->ref_val = arena_calloc(a, L->ref_cap, sizeof *L->ref_val);
	int nch = book->nchapters;
	L->ref_lo = arena_calloc(a, (size_t)nch + 1, sizeof *L->ref_lo);
	L->ref_hi = arena_calloc(a, (size_t)nch + 1, sizeof *L->ref_hi);
	for (int e = ne - 1; e >= 0; e--) {
		const struct extref *x = &book->extrefs[e];
		size_t h = lay_ptr_hash(x->node, L->ref_cap);
		while (L->ref_key[h] && L->ref_key[h] != x->node)
			h = (h + 1) & (L->ref_cap - 1);
		L->ref_key[h] = x->node;
		L->ref_val[h] = e;
		if (x->chapter && x->chapter->index >= 0 && x->chapter->index < nch) {
			int ci = x->chapter->index;
			if (L->ref_hi[ci] == 0)
				L->ref_hi[ci] = e + 1;
			L->ref_lo[ci] = e;
		}
	}
	if (L->st->link_refs == REFS_FOOTNOTES) {
		L->unote = arena_calloc(a, (size_t)L->nres, sizeof *L->unote);
		L->unote_at = arena_calloc(a, (size_t)L->nres, sizeof *L->unote_at);
		L->unote_seq = arena_calloc(a, (size_t)L->nres, sizeof *L->unote_seq);
		L->ucited_seq = arena_calloc(a, (size_t)L->nres, sizeof *L->ucited_seq);
	}
}

struct cite {
	int page, ref;
};

static int cite_cmp(const void *a, const void *b)
{
	const struct cite *x = a, *y = b;
	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return (x->ref > y->ref) - (x->ref < y->ref);
}

static const char *chapter_name(struct lay *L, const struct chapter *ch)
{
	const char *t = ch->title ? ch->title : ch->path;
	return ch->number ? arena_printf(L->a, "%s %s", ch->number, t) : t;
}

/* "Cited in Chapter, pp. 4, 17; Other, p. 20." - each number a link to
 * the place that cites the entry on that page. */
static void layout_cited(struct lay *L, const struct bctx *c, int entry)
{
	const struct resource *r = L->res[entry];
	const struct print_style *st = L->st;
	struct toks *t = &L->para;
	lay_toks_reset(t);
	L->nstyles = 0;
	struct istyle s = lay_base_style(c);
	s.size = (float)st->resources_cited.size;
	s.color = st->resources_cited.color;
	struct istyle it = s;
	it.italic = !s.italic;
	int plain = lay_push_style(L, &s), ital = lay_push_style(L, &it);
	struct cite *cs = xmalloc(((size_t)r->nrefs + 1) * sizeof *cs);
	bool any = false;
	int k = 0;
	while (k < r->nrefs) {
		const struct chapter *ch = L->book->extrefs[r->refs[k]].chapter;
		int n = 0;
		for (; k < r->nrefs && L->book->extrefs[r->refs[k]].chapter == ch; k++) {
			const struct lo_anchor *a = &L->ref_at[r->refs[k]];
			if (a->page >= 0)
				cs[n++] = (struct cite){a->page, r->refs[k]};
		}
		if (!n || !ch)
			continue;
		qsort(cs, (size_t)n, sizeof *cs, cite_cmp);
		int u = 0;
		for (int q = 0; q < n; q++)
			if (!u || cs[u - 1].page != cs[q].page)
				cs[u++] = cs[q];
		const char *sep = any ? "; " : "Cited in ";
		lay_tok_text(L, t, plain, sep, strlen(sep));
		const char *name = chapter_name(L, ch);
		lay_tok_text(L, t, ital, name, strlen(name));
		const char *pp = u > 1 ? ", pp.\xc2\xa0" : ", p.\xc2\xa0";
		lay_tok_text(L, t, plain, pp, strlen(pp));
		for (int q = 0; q < u; q++) {
			if (q)
				lay_tok_text(L, t, plain, ", ", 2);
			struct istyle ns = s;
			ns.color = st->link_color;
			ns.dest = &L->ref_at[cs[q].ref];
			const char *num = arena_printf(L->a, "%d", cs[q].page + 1 + L->page_offset);
			lay_tok_text(L, t, lay_push_style(L, &ns), num, strlen(num));
		}
		any = true;
	}
	free(cs);
	if (!any)
		return;
	lay_tok_text(L, t, plain, ".", 1);
	lay_tok_finish(L, t);
	struct pline *pl;
	int font = lay_role_of(s.family, s.bold, s.italic);
	int n = lay_break_lines(L, t, c->w, false, ALIGN_LEFT, font, s.size, &pl);
	lay_emit_lines(L, c, pl, n, BOX_LINE, (float)st->resources_cited.leading,
		       font, s.size, false);
}

/* One entry: its number hanging in the margin, the title, the URL, the
 * author's description and where the book cites it. */
static void layout_entry(struct lay *L, const struct bctx *c, int entry,
			 const struct block *b)
{
	const struct resource *r = L->res[entry];
	const struct print_style *st = L->st;
	struct bctx in = *c;
	float ind = c->size * 2.4f;
	in.x = c->x + ind;
	in.w = c->w - ind;
	lay_want_space(L, (float)st->par_spacing + 2);
	lay_set_marker(L, c, arena_printf(L->a, "%d.", entry + 1),
		       in.x - c->size * 0.45f, 0);
	size_t first = L->out->n;
	struct istyle s = lay_base_style(&in);
	s.bold = true;
	layout_text(L, &in, lay_plain_inline(L, generate_text(b)),
		    NULL, s, in.leading, false, ALIGN_LEFT, BOX_LINE, 0, true);
	for (size_t k = first; k < L->out->n; k++) {
		if (L->out->v[k].kind == V_BOX) {
			L->out->v[k].anchor = &L->res_at[entry];
			break;
		}
	}
	lay_add_penalty(L, INF);
	struct istyle u = lay_base_style(&in);
	u.family = FAM_MONO;
	u.size = (float)st->code.size;
	u.link = &L->res_link[entry];
	lay_url(L, &in, r->url, u, (float)st->code.leading * 1.1f, BOX_LINE);
	if (r->description && *r->description) {
		lay_add_penalty(L, INF);
		struct istyle d = lay_base_style(&in);
		d.italic = true;
		layout_text(L, &in, lay_plain_inline(L, r->description), NULL, d,
			    in.leading, false, ALIGN_LEFT, BOX_LINE, 0, false);
	}
	lay_add_penalty(L, INF);
	layout_cited(L, &in, entry);
}

/* The Resources appendix: a chapter of its own after the last one. */
/* What the appendix lists (generate.h): the book's generated appendix, or
 * a handout's own, made from the chapters it holds. */
static const struct chapter *appendix_blocks(struct lay *L)
{
	if (!L->part)
		return L->book->gen.resources;
	const struct print_style *st = L->st;
	struct generate_titles t = {st->contents_title, st->resources_title,
				    st->resources_author};
	return generate_resources(L->a, L->book, &t, L->first, L->end);
}

/* The Resources appendix: a chapter of its own after the last one, set
 * from the generated blocks - its title, what it lists, then each group's
 * heading and entries. */
void layout_appendix(struct lay *L, struct pager *P)
{
	const struct chapter *gen = L->nres ? appendix_blocks(L) : NULL;
	if (!gen)
		return;
	struct layout *lo = L->lo;
	struct chapter *ap = arena_calloc(L->a, 1, sizeof *ap);
	ap->index = L->book->nchapters;
	ap->title = gen->title;
	ap->path = "";
	ap->toc_index = -1;
	L->appendix = ap;
	lo->appendix = ap;
	lo->chapter_start[ap->index].page = -1;
	L->ch = NULL;
	P->ch = ap;
	for (int i = 0; i < L->nres; i++)
		L->res_at[i].page = -1;
	struct vlist V = {0};
	lay_start_list(L, &V);
	struct bctx c = lay_body_ctx(L);
	int i = 0;
	for (const struct block *b = gen->blocks; b; b = b->next) {
		switch (b->role) {
		case ROLE_RESOURCES_INTRO:
			lay_want_space(L, (float)L->st->par_spacing);
			layout_text(L, &c, lay_plain_inline(L, generate_text(b)), NULL,
				    lay_base_style(&c), c.leading, false, ALIGN_LEFT,
				    BOX_LINE, 0, false);
			break;
		case ROLE_RESOURCES_GROUP:
			lay_heading_text(L, &c, generate_text(b), 3);
			break;
		case ROLE_RESOURCE:
			if (i < L->nres)
				layout_entry(L, &c, i++, b);
			break;
		default: /* the title */
			lay_heading_text(L, &c, generate_text(b), 1);
			break;
		}
	}
	lay_place_chapter(P, &V);
	lay_vlist_free(&V);
	lay_scratch_reset(L, P);
}
