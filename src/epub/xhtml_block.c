/*
 * xhtml_block.c - a chapter's blocks as XHTML: paragraphs, headings,
 * code (highlighted), raw HTML blocks, quotes, lists and task items,
 * tables, rules, footnote definitions.  Walked with an explicit stack
 * (enter/exit, as cmark's renderers do).
 */
#include "epub/xhtml_render.h"

#include <string.h>

#include "model/highlight.h"

static void task_box(struct render *r, enum task_state t)
{
	if (t == TASK_DONE)
		buf_puts(r->b, "<span class=\"task task-done\">\xE2\x98\x91</span> ");
	else if (t == TASK_OPEN)
		buf_puts(r->b, "<span class=\"task task-open\">\xE2\x98\x90</span> ");
}

/* A code block being written: each source line goes into its own
 * <span class="ln">, newline included, so that the stylesheet can indent
 * the continuation of a line that wraps (epub.css) while the text stays
 * the code exactly.  An indented line's span also has class "iN", N its
 * indentation in columns (tabs to multiples of 4, at most MAX_INDENT), so
 * that its continuation is indented past the line's own indentation. */
#define MAX_INDENT 16

struct code_lines {
	struct render *r;
	const char *text; /* the code */
	size_t len, pos;  /* its length; where the next span starts */
	bool open;        /* a line's span is open */
};

static void code_line_open(struct code_lines *cl)
{
	int col = 0;

	for (size_t i = cl->pos; i < cl->len && col < MAX_INDENT; i++) {
		if (cl->text[i] == ' ')
			col++;
		else if (cl->text[i] == '\t')
			col += 4 - col % 4;
		else
			break;
	}
	if (col > MAX_INDENT)
		col = MAX_INDENT;
	if (col > 0)
		buf_printf(cl->r->b, "<span class=\"ln i%d\">", col);
	else
		buf_puts(cl->r->b, "<span class=\"ln\">");
	cl->open = true;
}

static void code_span(void *ctx, enum hl_class cls, const char *text,
		      size_t len)
{
	struct code_lines *cl = ctx;
	struct buf *b = cl->r->b;

	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) + 1 : len;
		if (!cl->open)
			code_line_open(cl);
		if (cls != HL_PLAIN)
			buf_printf(b, "<span class=\"%s\">", hl_class_name(cls));
		render_text(cl->r, text, n);
		if (cls != HL_PLAIN)
			buf_puts(b, "</span>");
		if (nl) {
			buf_puts(b, "</span>");
			cl->open = false;
		}
		text += n;
		len -= n;
		cl->pos += n;
	}
}

static void code_block(struct render *r, const struct block *blk)
{
	struct buf *b = r->b;
	size_t len = blk->text ? blk->len : 0;
	const char *lang = blk->lang ? blk->lang : "";
	struct code_lines cl = {r, blk->text, 0, 0, false};

	/* the final newline would show as an empty last line */
	if (len > 0 && blk->text[len - 1] == '\n')
		len--;
	render_breaks_open(r, blk);
	buf_puts(b, "<pre class=\"code\"><code");
	if (*lang) {
		buf_puts(b, " class=\"language-");
		for (const char *p = lang; *p && p - lang < 40; p++) {
			char c = *p;
			if (ascii_alnum(c) || c == '_' || c == '-')
				buf_putc(b, c);
			else if (c == '+')
				buf_puts(b, "p");
			else
				buf_putc(b, '_');
		}
		buf_putc(b, '"');
	}
	buf_putc(b, '>');
	cl.len = len;
	highlight(lang, blk->text ? blk->text : "", len, code_span, &cl);
	render_breaks_close(r);
	if (cl.open)
		buf_puts(b, "</span>");
	buf_puts(b, "</code></pre>\n");
}

static const char *align_class(const struct block *table, int col)
{
	if (!table->align || col < 0 || col >= table->ncols)
		return NULL;
	switch (table->align[col]) {
	case ALIGN_LEFT: return "left";
	case ALIGN_CENTER: return "center";
	case ALIGN_RIGHT: return "right";
	default: return NULL;
	}
}

static void table_block(struct render *r, const struct block *t)
{
	struct buf *b = r->b;
	bool in_head = false, in_body = false;

	buf_puts(b, "<div class=\"table\"><table>\n");
	for (const struct block *row = t->children; row; row = row->next) {
		if (row->header) {
			if (in_body) {
				/* a header row after body rows cannot go
				 * into <thead>: keep it a body row */
			} else if (!in_head) {
				buf_puts(b, "<thead>\n");
				in_head = true;
			}
		} else if (!in_body) {
			if (in_head)
				buf_puts(b, "</thead>\n");
			in_head = false;
			buf_puts(b, "<tbody>\n");
			in_body = true;
		}
		const char *cell_tag = row->header && !in_body ? "th" : "td";
		buf_puts(b, "<tr>");
		int col = 0;
		for (const struct block *c = row->children; c; c = c->next, col++) {
			const char *al = align_class(t, col);
			buf_printf(b, "<%s", cell_tag);
			if (cell_tag[1] == 'h')
				buf_puts(b, " scope=\"col\"");
			if (al)
				buf_printf(b, " class=\"%s\"", al);
			buf_putc(b, '>');
			if (c->type == BLK_TABLE_CELL) {
				/* a cell's markers stay inside it */
				render_breaks_open(r, c);
				render_inlines(r, c->inlines);
				render_breaks_close(r);
			} else {
				render_blocks(r, c);
			}
			buf_printf(b, "</%s>", cell_tag);
		}
		buf_puts(b, "</tr>\n");
	}
	if (in_head)
		buf_puts(b, "</thead>\n");
	if (in_body)
		buf_puts(b, "</tbody>\n");
	buf_puts(b, "</table></div>\n");
}

/* A paragraph of HTML anchors and nothing else (load/html.c). */
static bool anchors_only(const struct block *blk)
{
	if (!blk->inlines)
		return false;
	for (const struct inline_node *in = blk->inlines; in; in = in->next)
		if (in->type != INL_ANCHOR)
			return false;
	return true;
}

/* Is this footnote definition written in the chapter's footnote section
 * (and so skipped where it stands)? */
static bool footnote_listed(const struct render *r, const struct block *blk)
{
	const struct footnote *fn = blk->footnote;
	if (!fn || fn->def != blk)
		return false;
	for (int i = 0; i < r->ch->nfootnotes; i++)
		if (r->ch->footnotes[i] == fn)
			return true;
	return false;
}

/* A paragraph: a figure's caption, a listing's file name, the text of a
 * tight list item (no <p>), anchors alone (no <p>) or a plain one. */
static void paragraph(struct render *r, const struct block *blk, const struct block *parent,
		      const struct block *grand, size_t depth)
{
	struct buf *b = r->b;
	bool tight = parent && parent->type == BLK_ITEM && grand &&
		     grand->type == BLK_LIST && grand->tight && depth <= MAX_NEST;
	bool caption = blk->role == ROLE_CAPTION && parent && parent->type == BLK_FIGURE;
	if (anchors_only(blk)) {
		/* an <a id> before a table or code: no empty paragraph */
		render_inlines(r, blk->inlines);
		buf_putc(b, '\n');
		return;
	}
	render_breaks_open(r, blk);
	if (caption)
		buf_puts(b, "<figcaption>");
	else if (blk->role == ROLE_LISTING_FILE)
		buf_puts(b, "<p class=\"listing-file\">");
	else if (!tight)
		buf_puts(b, "<p>");
	if (r->pending_task != TASK_NONE) {
		task_box(r, r->pending_task);
		r->pending_task = TASK_NONE;
	}
	render_inlines(r, blk->inlines);
	render_breaks_close(r);
	buf_puts(b, caption ? "</figcaption>\n" :
		    tight && blk->role != ROLE_LISTING_FILE ? "\n" : "</p>\n");
}

/* Enter a block.  stack[0..depth) are its ancestors.  Returns true when
 * its children follow (its exit flags are then pushed). */
static bool block_enter(struct render *r, const struct block *blk,
			const struct vec *stack)
{
	struct buf *b = r->b;
	size_t depth = stack->n;
	const struct block *parent = depth > 0 ? stack->v[depth - 1] : NULL;
	const struct block *grand = depth > 1 ? stack->v[depth - 2] : NULL;
	bool tags = depth < MAX_NEST;
	int level;

	switch (blk->type) {
	case BLK_PARAGRAPH:
		paragraph(r, blk, parent, grand, depth);
		return false;
	case BLK_FIGURE:
		/* a figure or a listing, its captions inside */
		if (tags)
			buf_puts(b, blk->children && blk->children->type == BLK_PARAGRAPH &&
					    blk->children->role == ROLE_NONE ?
					    "<figure class=\"figure\">\n" :
					    "<figure class=\"listing\">\n");
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_HEADING:
		level = blk->level < 1 ? 1 : blk->level > 6 ? 6 : blk->level;
		render_breaks_open(r, blk);
		buf_printf(b, "<h%d", level);
		if (blk->slug && *blk->slug) {
			buf_puts(b, " id=\"");
			xhtml_id(b, blk->slug);
			buf_putc(b, '"');
		}
		buf_putc(b, '>');
		render_inlines(r, blk->inlines);
		render_breaks_close(r);
		buf_printf(b, "</h%d>\n", level);
		return false;
	case BLK_CODE:
		code_block(r, blk);
		return false;
	case BLK_HTML:
		/* load/html.c leaves none; nothing raw is ever shown */
		render_breaks_open(r, blk);
		render_breaks_close(r);
		return false;
	case BLK_QUOTE:
		if (tags)
			buf_puts(b, "<blockquote>\n");
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_LIST:
		if (tags) {
			if (!blk->ordered)
				buf_puts(b, "<ul>\n");
			else if (blk->start != 1)
				buf_printf(b, "<ol start=\"%d\">\n", blk->start);
			else
				buf_puts(b, "<ol>\n");
		}
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_ITEM:
		/* an item has tags exactly when its list has */
		tags = depth <= MAX_NEST && parent && parent->type == BLK_LIST;
		if (tags)
			buf_puts(b, blk->task != TASK_NONE ?
					    "<li class=\"task-item\">" : "<li>");
		if (blk->task != TASK_NONE) {
			if (blk->children &&
			    blk->children->type == BLK_PARAGRAPH)
				r->pending_task = blk->task;
			else
				task_box(r, blk->task);
		}
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_TABLE:
		table_block(r, blk);
		return false;
	case BLK_TABLE_ROW:
		/* outside a table (not made by the parser): plain blocks */
		push_flag(&r->bflags, 0);
		return true;
	case BLK_TABLE_CELL:
		render_breaks_open(r, blk);
		buf_puts(b, "<p>");
		render_inlines(r, blk->inlines);
		render_breaks_close(r);
		buf_puts(b, "</p>\n");
		return false;
	case BLK_THEMATIC:
		buf_puts(b, "<hr/>\n");
		return false;
	case BLK_FOOTNOTE_DEF:
		if (footnote_listed(r, blk))
			return false;
		push_flag(&r->bflags, 0);
		return true;
	case BLK_CALLOUT: case BLK_DEFLIST: case BLK_DEF_TERM: case BLK_DEF_DATA:
		return xhtml_mdbook_enter(r, blk, depth, parent);
	}
	return false;
}

static void block_exit(struct render *r, const struct block *blk)
{
	struct buf *b = r->b;
	int f = pop_flag(&r->bflags);

	switch (blk->type) {
	case BLK_QUOTE:
		if (f & F_TAG)
			buf_puts(b, "</blockquote>\n");
		break;
	case BLK_LIST:
		if (f & F_TAG)
			buf_puts(b, blk->ordered ? "</ol>\n" : "</ul>\n");
		break;
	case BLK_FIGURE:
		if (f & F_TAG)
			buf_puts(b, "</figure>\n");
		break;
	case BLK_ITEM:
		r->pending_task = TASK_NONE;
		if (f & F_TAG)
			buf_puts(b, "</li>\n");
		break;
	case BLK_CALLOUT:
		if (f & F_TAG)
			buf_puts(b, "</div>\n");
		break;
	case BLK_DEFLIST:
		if (f & F_TAG)
			buf_puts(b, "</dl>\n");
		break;
	case BLK_DEF_DATA:
		if (f & F_TAG)
			buf_puts(b, "</dd>\n");
		break;
	default:
		break;
	}
}

void render_blocks(struct render *r, const struct block *first)
{
	struct vec st = {NULL, 0, 0};
	const struct block *n = first;

	while (n) {
		if (block_enter(r, n, &st)) {
			if (n->children) {
				vec_push(&st, (void *)n);
				n = n->children;
				continue;
			}
			block_exit(r, n);
		}
		while (!n->next && st.n > 0) {
			n = st.v[--st.n];
			block_exit(r, n);
		}
		n = n->next;
	}
	vec_free(&st);
}
