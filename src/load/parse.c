/*
 * parse.c - cmark-gfm's tree converted into folio's model, once.
 *
 * The walk uses cmark's enter/exit iterator and an explicit stack, so a
 * 100,000-deep block quote costs no C stack.  Containers deeper than
 * PARSE_MAX_*_DEPTH are flattened into their ancestor (content kept).
 */
#include "load/parse.h"
#include "base/base.h"
#include "load/html.h"
#include "model/words.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

/* One open container during the walk. */
struct frame {
	cmark_node *cm;             /* the cmark node that opened it */
	struct block *blk;          /* block container, or NULL */
	struct inline_node *inl;    /* inline container, or NULL */
	struct block **btail;       /* where the next child block goes */
	struct inline_node **itail; /* where the next inline goes */
	int bdepth, idepth;
};

struct walk {
	struct run *run;
	struct chapter *ch;
	struct frame *stack;
	size_t n, cap;
	struct vec headings;
	struct vec defs;   /* footnote definitions in number order */
	struct vec refs;   /* footnote references (inline nodes) */
	bool warned_block_depth, warned_inline_depth;
	int last_line, last_col;
};

static void push(struct walk *w, struct frame f)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->stack = xrealloc(w->stack, w->cap * sizeof *w->stack);
	}
	w->stack[w->n++] = f;
}

static struct frame *top(struct walk *w)
{
	return &w->stack[w->n - 1];
}

static void pos_of(struct walk *w, cmark_node *n, int *line, int *col)
{
	int l = cmark_node_get_start_line(n);
	int c = cmark_node_get_start_column(n);
	if (l <= 0) {
		/* Autolinks and some inlines carry no position: use the
		 * nearest enclosing one we saw. */
		l = w->last_line;
		c = w->last_col;
	} else {
		w->last_line = l;
		w->last_col = c;
	}
	*line = l;
	*col = c;
}

static const char *lit(struct walk *w, cmark_node *n, size_t *len)
{
	const char *s = cmark_node_get_literal(n);
	if (!s)
		s = "";
	*len = strlen(s);
	return arena_strndup(w->run->arena, s, *len);
}

static bool is_type(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);
	return t && strcmp(t, name) == 0;
}

/* One warning per chapter and kind: a 1,000-deep list is one problem. */
static void depth_warning(struct walk *w, bool inl, int line, int col)
{
	bool *warned = inl ? &w->warned_inline_depth : &w->warned_block_depth;
	if (*warned)
		return;
	*warned = true;
	diag_warn(w->run->diags, w->ch->display_path, line, col,
		  inl ? "inline markup nested deeper than %d levels is flattened (text kept)"
		      : "nesting deeper than %d levels is flattened (content kept)",
		  inl ? PARSE_MAX_INLINE_DEPTH : PARSE_MAX_BLOCK_DEPTH);
}

/*
 * Whether a container opened inside frame f would be too deep; it is then
 * flattened into f.  A list needs room for itself and its items, and an
 * item is kept exactly when its list was, so a list's children are always
 * items and an item's parent is always a list.  Footnote definitions are
 * top-level in cmark and never flattened.
 */
static bool container_too_deep(const struct frame *f, cmark_node_type t)
{
	switch (t) {
	case CMARK_NODE_LIST:
		return f->bdepth + 2 > PARSE_MAX_BLOCK_DEPTH;
	case CMARK_NODE_ITEM:
		return !f->blk || f->blk->type != BLK_LIST;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		return false;
	default:
		return f->bdepth >= PARSE_MAX_BLOCK_DEPTH;
	}
}

static struct block *new_block(struct walk *w, enum block_type t, int line, int col)
{
	struct block *b = arena_alloc(w->run->arena, sizeof *b);
	b->type = t;
	b->line = line;
	b->col = col;
	struct frame *f = top(w);
	/* Blocks only ever go into block containers; the document frame
	 * and every block frame have btail set. */
	b->parent = f->blk;
	*f->btail = b;
	f->btail = &b->next;
	return b;
}

static struct inline_node *new_inline(struct walk *w, enum inline_type t, int line, int col)
{
	struct inline_node *in = arena_alloc(w->run->arena, sizeof *in);
	in->type = t;
	in->line = line;
	in->col = col;
	struct frame *f = top(w);
	if (!f->itail) {
		/* Inline content directly in a block that takes none (cannot
		 * happen with cmark's trees); drop it safely. */
		return in;
	}
	*f->itail = in;
	f->itail = &in->next;
	return in;
}

static void enter_block(struct walk *w, cmark_node *n, struct block *b)
{
	struct frame *f = top(w);
	struct frame nf = {n, b, NULL, &b->children, &b->inlines, f->bdepth + 1, 0};
	push(w, nf);
}

static void enter_inline(struct walk *w, cmark_node *n, struct inline_node *in)
{
	struct frame *f = top(w);
	struct frame nf = {n, f->blk, in, NULL, &in->children, f->bdepth, f->idepth + 1};
	push(w, nf);
}

static char *lang_of(struct arena *a, const char *info)
{
	size_t k = 0;
	while (info[k] && !isspace((unsigned char)info[k]) && info[k] != ',' && info[k] != '{')
		k++;
	char *l = arena_strndup(a, info, k);
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* A container block (quote, list, item, footnote definition), flattened
 * into the current one when it would be too deep. */
static void enter_container(struct walk *w, cmark_node *n, cmark_node_type t,
			    int line, int col)
{
	struct block *b;

	if (container_too_deep(top(w), t)) {
		depth_warning(w, false, line, col);
		return; /* children land in the current container */
	}
	if (t == CMARK_NODE_BLOCK_QUOTE) {
		b = new_block(w, BLK_QUOTE, line, col);
	} else if (t == CMARK_NODE_LIST) {
		b = new_block(w, BLK_LIST, line, col);
		b->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		b->start = cmark_node_get_list_start(n);
		b->tight = cmark_node_get_list_tight(n) != 0;
	} else if (t == CMARK_NODE_ITEM) {
		b = new_block(w, BLK_ITEM, line, col);
		if (is_type(n, "tasklist"))
			b->task = cmark_gfm_extensions_get_tasklist_item_checked(n)
					  ? TASK_DONE : TASK_OPEN;
	} else {
		b = new_block(w, BLK_FOOTNOTE_DEF, line, col);
		vec_push(&w->defs, b);
	}
	enter_block(w, n, b);
}

/* A block node of cmark's core; false if n is none (an extension node or
 * an inline). */
static bool enter_core_block(struct walk *w, cmark_node *n, cmark_node_type t,
			     int line, int col)
{
	struct arena *a = w->run->arena;
	struct block *b;

	switch (t) {
	case CMARK_NODE_DOCUMENT:
		return true;
	case CMARK_NODE_PARAGRAPH:
		b = new_block(w, BLK_PARAGRAPH, line, col);
		enter_block(w, n, b);
		return true;
	case CMARK_NODE_HEADING:
		b = new_block(w, BLK_HEADING, line, col);
		b->level = cmark_node_get_heading_level(n);
		vec_push(&w->headings, b);
		enter_block(w, n, b);
		return true;
	case CMARK_NODE_CODE_BLOCK: {
		b = new_block(w, BLK_CODE, line, col);
		b->text = lit(w, n, &b->len);
		const char *info = cmark_node_get_fence_info(n);
		b->info = arena_strdup(a, info ? info : "");
		b->lang = lang_of(a, b->info);
		return true;
	}
	case CMARK_NODE_HTML_BLOCK:
		b = new_block(w, BLK_HTML, line, col);
		b->text = lit(w, n, &b->len);
		return true;
	case CMARK_NODE_THEMATIC_BREAK:
		new_block(w, BLK_THEMATIC, line, col);
		return true;
	case CMARK_NODE_BLOCK_QUOTE:
	case CMARK_NODE_LIST:
	case CMARK_NODE_ITEM:
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		enter_container(w, n, t, line, col);
		return true;
	default:
		return false;
	}
}

/* A GFM table, row or cell; false if n is none. */
static bool enter_table_part(struct walk *w, cmark_node *n, int line, int col)
{
	struct block *b;

	if (is_type(n, "table")) {
		b = new_block(w, BLK_TABLE, line, col);
		b->ncols = cmark_gfm_extensions_get_table_columns(n);
		b->align = arena_calloc(w->run->arena,
					(size_t)(b->ncols > 0 ? b->ncols : 1),
					sizeof *b->align);
		uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
		for (int i = 0; al && i < b->ncols; i++)
			b->align[i] = al[i] == 'l' ? ALIGN_LEFT : al[i] == 'c' ? ALIGN_CENTER
				    : al[i] == 'r' ? ALIGN_RIGHT : ALIGN_NONE;
	} else if (is_type(n, "table_header") || is_type(n, "table_row")) {
		b = new_block(w, BLK_TABLE_ROW, line, col);
		b->header = cmark_gfm_extensions_get_table_row_is_header(n) != 0;
	} else if (is_type(n, "table_cell")) {
		b = new_block(w, BLK_TABLE_CELL, line, col);
	} else {
		return false;
	}
	enter_block(w, n, b);
	return true;
}

/* A leaf inline (text, breaks, code, HTML, footnote reference); false if
 * n is none. */
static bool enter_leaf_inline(struct walk *w, cmark_node *n, cmark_node_type t,
			      int line, int col)
{
	struct inline_node *in;
	size_t len;

	switch (t) {
	case CMARK_NODE_TEXT:
		in = new_inline(w, INL_TEXT, line, col);
		in->text = lit(w, n, &in->len);
		return true;
	case CMARK_NODE_SOFTBREAK:
		new_inline(w, INL_SOFTBREAK, line, col);
		return true;
	case CMARK_NODE_LINEBREAK:
		new_inline(w, INL_LINEBREAK, line, col);
		return true;
	case CMARK_NODE_CODE:
		in = new_inline(w, INL_CODE, line, col);
		in->text = lit(w, n, &in->len);
		return true;
	case CMARK_NODE_HTML_INLINE:
		in = new_inline(w, INL_HTML, line, col);
		in->text = lit(w, n, &in->len);
		return true;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		in = new_inline(w, INL_FOOTNOTE_REF, line, col);
		/* cmark-gfm replaces the label by the definition's number. */
		in->text = lit(w, n, &len);
		in->len = len;
		vec_push(&w->refs, in);
		return true;
	default:
		return false;
	}
}

/* The destination and title of a link or image node. */
static struct link *new_link(struct arena *a, cmark_node *n)
{
	struct link *l = arena_alloc(a, sizeof *l);
	const char *url = cmark_node_get_url(n);
	const char *title = cmark_node_get_title(n);
	l->url = arena_strdup(a, url ? url : "");
	l->title = title && *title ? arena_strdup(a, title) : NULL;
	l->ext_index = -1;
	return l;
}

/* An inline container: emphasis, strong, link, image or strikethrough
 * (it), flattened into the current one when it would be too deep. */
static void enter_markup(struct walk *w, cmark_node *n, enum inline_type it,
			 int line, int col)
{
	if (top(w)->idepth >= PARSE_MAX_INLINE_DEPTH) {
		/* Flatten: the text is kept, the markup this deep adds nothing
		 * readable.  Images nest without limit in cmark (an image's alt
		 * text may hold images), so links and images are flattened too. */
		depth_warning(w, true, line, col);
		return;
	}
	if (it == INL_LINK) {
		/* cmark-gfm places <autolinks> inside an indented container
		 * without the container's indent, but their text right: a
		 * link's text starts one column after its '[' or '<'. */
		cmark_node *first = cmark_node_first_child(n);
		if (first && cmark_node_get_start_line(first) == line &&
		    cmark_node_get_start_column(first) - 1 > col)
			col = cmark_node_get_start_column(first) - 1;
	}
	struct inline_node *in = new_inline(w, it, line, col);
	if (it == INL_LINK || it == INL_IMAGE)
		in->link = new_link(w->run->arena, n);
	enter_inline(w, n, in);
}

static void enter_node(struct walk *w, cmark_node *n)
{
	int line, col;
	pos_of(w, n, &line, &col);
	cmark_node_type t = cmark_node_get_type(n);

	if (enter_core_block(w, n, t, line, col))
		return;
	/* Extension blocks and inlines. */
	if (enter_table_part(w, n, line, col))
		return;
	if (enter_leaf_inline(w, n, t, line, col))
		return;
	switch (t) {
	case CMARK_NODE_EMPH:
		enter_markup(w, n, INL_EMPH, line, col);
		return;
	case CMARK_NODE_STRONG:
		enter_markup(w, n, INL_STRONG, line, col);
		return;
	case CMARK_NODE_LINK:
		enter_markup(w, n, INL_LINK, line, col);
		return;
	case CMARK_NODE_IMAGE:
		enter_markup(w, n, INL_IMAGE, line, col);
		return;
	default:
		if (is_type(n, "strikethrough"))
			enter_markup(w, n, INL_STRIKE, line, col);
		/* else an unknown node: its children still arrive */
		return;
	}
}

static void leave_node(struct walk *w, cmark_node *n)
{
	/* Only nodes that pushed a frame pop one; flattened ones did not. */
	if (w->n > 1 && top(w)->cm == n)
		w->n--;
}

static void list_heading(void *ctx, struct block *b)
{
	if (b->type == BLK_HEADING)
		vec_push(ctx, b);
}

static void finish_footnotes(struct walk *w)
{
	struct arena *a = w->run->arena;
	struct chapter *ch = w->ch;
	int nd = (int)w->defs.n;
	ch->nfootnotes = nd;
	ch->footnotes = arena_calloc(a, (size_t)(nd ? nd : 1), sizeof *ch->footnotes);
	for (int i = 0; i < nd; i++) {
		struct footnote *fn = arena_alloc(a, sizeof *fn);
		fn->number = i + 1;
		fn->label = arena_printf(a, "%d", i + 1);
		fn->def = w->defs.v[i];
		fn->def->footnote = fn;
		ch->footnotes[i] = fn;
	}
	for (size_t i = 0; i < w->refs.n; i++) {
		struct inline_node *in = w->refs.v[i];
		int k = atoi(in->text);
		if (k >= 1 && k <= nd) {
			in->footnote = ch->footnotes[k - 1];
			in->footnote->nrefs++;
		} else {
			/* Should not happen; keep the mark as text. */
			in->type = INL_TEXT;
			in->text = arena_printf(a, "[^%s]", in->text);
			in->len = strlen(in->text);
		}
	}
}

void md_parse(struct run *run, struct chapter *ch)
{
	cmark_gfm_core_extensions_ensure_registered();
	int opts = CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART | CMARK_OPT_SOURCEPOS;
	cmark_parser *p = cmark_parser_new(opts);
	static const char *const exts[] = {"table", "strikethrough", "autolink", "tasklist"};
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, ch->source, ch->source_len);
	cmark_node *doc = cmark_parser_finish(p);

	struct walk w = {0};
	w.run = run;
	w.ch = ch;
	struct frame root = {doc, NULL, NULL, &ch->blocks, NULL, 0, 0};
	push(&w, root);

	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER) {
			enter_node(&w, n);
			/* Leaf nodes get no EXIT event. */
		} else if (ev == CMARK_EVENT_EXIT) {
			leave_node(&w, n);
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);

	/* Raw HTML into the model; it may add or move headings, so they are
	 * listed after it. */
	html_convert(run, ch, PARSE_MAX_BLOCK_DEPTH, PARSE_MAX_INLINE_DEPTH);
	w.headings.n = 0;
	model_each_block(ch->blocks, list_heading, &w.headings);

	ch->nheadings = (int)w.headings.n;
	ch->headings = arena_calloc(run->arena, w.headings.n + 1, sizeof *ch->headings);
	for (size_t i = 0; i < w.headings.n; i++) {
		struct block *h = w.headings.v[i];
		h->number = (int)i;
		h->plain = model_plain(run->arena, h->inlines);
		ch->headings[i] = h;
	}
	finish_footnotes(&w);
	free(w.stack);
	vec_free(&w.headings);
	vec_free(&w.defs);
	vec_free(&w.refs);
}
