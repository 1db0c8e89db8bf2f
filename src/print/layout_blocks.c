/*
 * layout_blocks.c - the blocks of a chapter into its vertical list:
 * paragraphs (with the figures inside them), headings, lists, block
 * quotes, thematic breaks and the dispatch over block types; and the
 * chapter's footnotes, each laid out into a list of its own for the line
 * that first cites it.
 */
#include "print/layout_int.h"

#include <stdlib.h>
#include <string.h>

static bool inlines_blank(const struct inline_node *in,
			  const struct inline_node *stop)
{
	for (; in && in != stop; in = in->next) {
		if (in->type == INL_SOFTBREAK || in->type == INL_LINEBREAK)
			continue;
		if (in->type != INL_TEXT)
			return false;
		for (size_t i = 0; i < in->len; i++)
			if (in->text[i] != ' ' && in->text[i] != '\t' &&
			    in->text[i] != '\n')
				return false;
	}
	return true;
}

/* ---- Figures ---------------------------------------------------------- */

static const struct image *inline_image(const struct inline_node *in)
{
	if (in->type == INL_IMAGE && in->link && in->link->kind == LINK_IMAGE &&
	    in->link->image)
		return in->link->image;
	return NULL;
}

/* A paragraph inside a figure that has a caption of its own: its
 * image's alt text is no caption then. */
static bool captioned(const struct block *b)
{
	if (!b || !b->parent || b->parent->type != BLK_FIGURE)
		return false;
	for (const struct block *c = b->parent->children; c; c = c->next)
		if (c->role == ROLE_CAPTION)
			return true;
	return false;
}

static void layout_figure(struct lay *L, const struct bctx *c,
			  const struct inline_node *in, bool alt_caption)
{
	const struct image *img = inline_image(in);
	const struct print_style *st = L->st;
	lay_want_space(L, (float)st->figure_space);
	const struct lo_image_info *info =
		img->index >= 0 && img->index < L->book->nimages ? &L->images[img->index] : NULL;
	struct istyle cs = lay_base_style(c);
	cs.size = (float)st->caption.size;
	cs.color = st->caption.color;
	cs.family = FAM_SERIF;
	cs.italic = true;
	cs.line = in->line;
	bool have_caption = alt_caption && !inlines_blank(in->children, NULL);
	if (info && info->width > 0 && info->height > 0) {
		float w = (float)info->width * 0.75f, h = (float)info->height * 0.75f;
		/* the size an HTML <img> asked for, keeping the aspect */
		float want = in->width_pct ? c->w * (float)in->width / 100
					   : (float)in->width * 0.75f;
		if (in->width > 0 && want > 0) {
			h *= want / w;
			w = want;
		}
		float maxh = L->H * (float)st->figure_max_height;
		if (w > c->w) {
			h *= c->w / w;
			w = c->w;
		}
		if (h > maxh) {
			w *= maxh / h;
			h = maxh;
		}
		struct lo_item it = {0};
		it.kind = LO_IMAGE;
		it.image = img->index;
		it.x = c->x + (c->w - w) / 2;
		it.y = h;
		it.w = w;
		it.h = h;
		struct vitem *v = lay_emit_box(L, c, BOX_FIGURE, h, -1, &it, 1);
		v->block = ++L->serial;
		v->line = v->nlines = 1;
		if (have_caption) {
			lay_add_penalty(L, INF);
			lay_want_space(L, 4);
		}
	} else if (!have_caption && alt_caption) {
		/* Nothing to show and no alt text: say what is missing. */
		struct toks *t = &L->para;
		lay_toks_reset(t);
		L->nstyles = 0;
		int si = lay_push_style(L, &cs);
		lay_tok_text(L, t, si, "[image: ", 8);
		lay_tok_text(L, t, si, img->path, strlen(img->path));
		lay_tok_text(L, t, si, "]", 1);
		lay_tok_finish(L, t);
		struct pline *pl;
		int font = lay_role_of(cs.family, false, true);
		int n = lay_break_lines(L, t, c->w, false, ALIGN_CENTER, font, cs.size, &pl);
		lay_emit_lines(L, c, pl, n, BOX_FIGURE, (float)st->caption.leading, font, cs.size, true);
	}
	if (have_caption)
		layout_text(L, c, in->children, NULL, cs, (float)st->caption.leading,
			    false, ALIGN_CENTER, BOX_FIGURE, 0, true);
	lay_want_space(L, (float)st->figure_space);
}

/* ---- Paragraphs and headings ------------------------------------------ */

static void layout_paragraph(struct lay *L, const struct bctx *c,
			     const struct block *b)
{
	struct istyle s = lay_base_style(c);
	s.line = b->line;
	float indent = L->after_para && !c->note ? (float)L->st->par_indent : 0;
	const struct inline_node *seg = b->inlines;
	lay_pw_begin(L, b);
	for (const struct inline_node *in = b->inlines;; in = in->next) {
		if (in && !inline_image(in))
			continue;
		if (!inlines_blank(seg, in)) {
			/* Pagination words run on across a figure: only a
			 * paragraph without one has lines of its own. */
			if (seg == b->inlines && !in && !L->pw_off)
				layout_para_text(L, c, b, s, indent);
			else
				layout_text(L, c, seg, in, s, c->leading, L->st->justify,
					    ALIGN_LEFT, BOX_LINE, indent, false);
			indent = 0;
		}
		if (!in)
			break;
		L->pw_off++; /* a figure's caption is its alt text: no words */
		layout_figure(L, c, in, !captioned(b));
		L->pw_off--;
		seg = in->next;
	}
	lay_pw_begin(L, NULL);
	lay_want_space(L, c->tight ? 0 : (float)L->st->par_spacing);
	L->after_para = true;
}

static void layout_heading(struct lay *L, const struct bctx *c,
			   const struct block *b)
{
	const struct style_heading *h = &L->st->h[b->level >= 1 && b->level <= 6 ? b->level - 1 : 5];
	lay_want_space(L, (float)h->space_before);
	struct istyle s = {0};
	s.family = h->font == FONT_SANS || h->font == FONT_SANS_BOLD ? FAM_SANS : FAM_SERIF;
	s.bold = h->font == FONT_SANS_BOLD || h->font == FONT_SERIF_BOLD;
	s.size = (float)h->size;
	s.color = h->color;
	s.line = b->line;
	L->pending_heading = b;
	lay_pw_begin(L, b);
	layout_text(L, c, b->inlines, NULL, s, (float)h->leading, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	lay_pw_begin(L, NULL);
	lay_add_penalty(L, INF); /* keep with what follows */
	L->pending_space = 0;
	lay_want_space(L, (float)h->space_after);
	L->after_para = false;
}

/* ---- Figures and listings from HTML ------------------------------------ */

/* A paragraph of HTML anchors and nothing else (load/html.c). */
static bool anchors_only(const struct block *b)
{
	if (!b->inlines)
		return false;
	for (const struct inline_node *in = b->inlines; in; in = in->next)
		if (in->type != INL_ANCHOR)
			return false;
	return true;
}

static void layout_block(struct lay *L, const struct bctx *c, const struct block *b);

/* A figure's caption (centred, under it) or a listing's file name (above
 * the code, flush left), in the caption's style. */
static void layout_caption(struct lay *L, const struct bctx *c, const struct block *b)
{
	const struct print_style *st = L->st;
	struct istyle cs = lay_base_style(c);
	cs.size = (float)st->caption.size;
	cs.color = st->caption.color;
	cs.family = FAM_SERIF;
	cs.italic = b->role == ROLE_CAPTION;
	cs.line = b->line;
	bool file = b->role == ROLE_LISTING_FILE;
	if (!file)
		lay_want_space(L, 4);
	lay_pw_begin(L, b);
	layout_text(L, c, b->inlines, NULL, cs, (float)st->caption.leading, false,
		    file ? ALIGN_LEFT : ALIGN_CENTER, BOX_LINE, 0, true);
	lay_pw_begin(L, NULL);
	if (file) {
		lay_add_penalty(L, INF); /* the file name stays with its code */
		lay_want_space(L, 2);
	} else {
		lay_want_space(L, (float)st->figure_space);
	}
	L->after_para = false;
}

/* A figure or listing: its parts kept on one page where they fit (the
 * caption is never parted from what it captions). */
static void layout_figure_block(struct lay *L, const struct bctx *c, const struct block *f)
{
	for (const struct block *b = f->children; b; b = b->next) {
		layout_block(L, c, b);
		if (b->next)
			lay_add_penalty(L, INF);
	}
	L->after_para = false;
}

/* ---- Lists, quotes, rules, block dispatch ---------------------------- */

void lay_set_marker(struct lay *L, const struct bctx *c, const char *text,
		    float x_right, int line)
{
	uint32_t cp;
	utf8_decode(text, strlen(text), &cp);
	int font = lay_pick_font(L, FONT_SERIF, cp, line);
	if (font < 0)
		font = FONT_FALLBACK;
	float w = lay_text_width(L, font, c->size, text, strlen(text));
	/* The item is copied into a box; text must outlive the chapter. */
	struct lo_item *m = arena_alloc(&L->tmp, sizeof *m);
	m->kind = LO_TEXT;
	m->font = font;
	m->size = c->size;
	m->color = c->color;
	m->x = x_right - w;
	if (m->x < 0)
		m->x = 0;
	m->y = 0;
	m->w = w;
	m->text = text;
	m->len = strlen(text);
	L->marker = m;
	L->nmarker = 1;
}

static void layout_list(struct lay *L, const struct bctx *c,
			const struct block *list)
{
	const struct print_style *st = L->st;
	struct bctx in = *c;
	in.depth = c->depth + 1;
	in.tight = list->tight;
	float indent = (float)st->list_indent;
	if (list->ordered) {
		int nitems = 0;
		for (const struct block *it = list->children; it; it = it->next)
			nitems++;
		char num[24];
		snprintf(num, sizeof num, "%d.", list->start + nitems);
		float w = lay_text_width(L, FONT_SERIF, c->size, num, strlen(num)) + c->size * 0.5f;
		if (w > indent)
			indent = w;
	}
	if (c->w - indent < (float)st->list_min_width)
		indent = 0; /* too deep: stop indenting, markers still hang */
	in.x = c->x + indent;
	in.w = c->w - indent;
	float gap = c->size * 0.45f;
	int i = 0;
	for (const struct block *it = list->children; it; it = it->next, i++) {
		const char *mark;
		if (it->task == TASK_OPEN)
			mark = "\xe2\x98\x90";
		else if (it->task == TASK_DONE)
			mark = "\xe2\x98\x91";
		else if (list->ordered)
			mark = arena_printf(L->a, "%d.", list->start + i);
		else
			mark = st->bullet[c->depth % 3];
		if (i > 0)
			lay_want_space(L, list->tight ? 1.5f : (float)st->list_item_spacing);
		lay_set_marker(L, c, mark, in.x - gap, it->line);
		L->after_para = false;
		layout_blocks(L, &in, it->children);
		if (L->nmarker) {
			/* An empty item: a line to carry its marker. */
			float h, bl;
			float basc = (float)fonts_ascent(L->fonts, FONT_SERIF) * c->size / 1000;
			float bdesc = (float)fonts_descent(L->fonts, FONT_SERIF) * c->size / 1000;
			lay_line_geometry(c->leading, basc, bdesc, basc, bdesc, &h, &bl);
			struct vitem *v = lay_emit_box(L, &in, BOX_LINE, h, bl, NULL, 0);
			v->block = ++L->serial;
			v->line = v->nlines = 1;
		}
	}
	lay_want_space(L, c->tight ? 1.5f : (float)st->par_spacing);
	L->after_para = false;
}

static void layout_quote(struct lay *L, const struct bctx *c,
			 const struct block *q)
{
	struct bctx in = *c;
	float ind = (float)L->st->quote_indent;
	if (c->w - ind >= (float)L->st->list_min_width) {
		if (in.nbars < MAX_BARS)
			in.bars[in.nbars++] = c->x;
		in.x = c->x + ind;
		in.w = c->w - ind;
	}
	in.color = L->st->quote_color;
	lay_want_space(L, (float)L->st->par_spacing);
	L->after_para = false;
	layout_blocks(L, &in, q->children);
	lay_want_space(L, (float)L->st->par_spacing);
	L->after_para = false;
}

void layout_rule(struct lay *L, const struct bctx *c)
{
	const struct print_style *st = L->st;
	lay_want_space(L, (float)st->rule_space);
	float h = (float)st->rule_thickness + 2;
	struct lo_item ln = {0};
	ln.kind = LO_LINE;
	ln.w = c->w * (float)st->rule_width_fraction;
	ln.x = c->x + (c->w - ln.w) / 2;
	ln.y = h / 2;
	ln.size = (float)st->rule_thickness;
	ln.color = st->rule_color;
	struct vitem *v = lay_emit_box(L, c, BOX_RULE, h, -1, &ln, 1);
	v->block = ++L->serial;
	v->line = v->nlines = 1;
	lay_want_space(L, (float)st->rule_space);
	L->after_para = false;
}

void layout_blocks(struct lay *L, const struct bctx *c,
		   const struct block *b)
{
	for (; b; b = b->next)
		layout_block(L, c, b);
}

static void layout_block(struct lay *L, const struct bctx *c, const struct block *b)
{
	{
		switch (b->type) {
		case BLK_PARAGRAPH:
			if (anchors_only(b))
				break; /* an <a id> before a table or code: no line */
			if (b->role == ROLE_CAPTION || b->role == ROLE_LISTING_FILE)
				layout_caption(L, c, b);
			else
				layout_paragraph(L, c, b);
			break;
		case BLK_FIGURE:
			layout_figure_block(L, c, b);
			break;
		case BLK_HEADING:
			layout_heading(L, c, b);
			break;
		case BLK_CODE:
			layout_code(L, c, b->text, b->len, b->lang, b->line, b);
			break;
		case BLK_HTML:
			break; /* load/html.c leaves none */
		case BLK_QUOTE:
			layout_quote(L, c, b);
			break;
		case BLK_LIST:
			layout_list(L, c, b);
			break;
		case BLK_TABLE:
			layout_table(L, c, b);
			break;
		case BLK_THEMATIC:
			layout_rule(L, c);
			break;
		case BLK_FOOTNOTE_DEF:
			break; /* set at the foot of the page citing it */
		case BLK_CALLOUT: {
			struct bctx in = layout_callout_open(L, c, b);
			layout_blocks(L, &in, b->children);
			layout_callout_close(L, c);
			break;
		}
		case BLK_DEFLIST:
			for (const struct block *e = b->children; e; e = e->next) {
				struct bctx in = layout_def_open(L, c, e, e == b->children);
				if (e->type == BLK_DEF_DATA)
					layout_blocks(L, &in, e->children);
			}
			layout_callout_close(L, c);
			break;
		case BLK_DEF_TERM:
		case BLK_DEF_DATA:
		case BLK_ITEM:
		case BLK_TABLE_ROW:
		case BLK_TABLE_CELL:
			/* Out of place: show the content rather than lose it. */
			if (b->inlines)
				layout_paragraph(L, c, b);
			layout_blocks(L, c, b->children);
			break;
		}
	}
}

/* ---- Footnotes -------------------------------------------------------- */

struct bctx lay_body_ctx(const struct lay *L)
{
	struct bctx c = {0};
	c.x = 0;
	c.w = L->W;
	c.family = FAM_SERIF;
	c.size = (float)L->st->body.size;
	c.leading = (float)L->st->body.leading;
	c.color = L->st->body.color;
	return c;
}

struct inline_node *lay_plain_inline(struct lay *L, const char *text)
{
	struct inline_node *n = arena_calloc(L->a, 1, sizeof *n);
	n->type = INL_TEXT;
	n->text = text;
	n->len = strlen(text);
	return n;
}

/* A heading the layout makes (the appendix's title, its groups). */
void lay_heading_text(struct lay *L, const struct bctx *c, const char *text,
		      int level)
{
	const struct style_heading *h = &L->st->h[level - 1];
	lay_want_space(L, (float)h->space_before);
	struct istyle s = {0};
	s.family = h->font == FONT_SANS || h->font == FONT_SANS_BOLD ? FAM_SANS : FAM_SERIF;
	s.bold = h->font == FONT_SANS_BOLD || h->font == FONT_SERIF_BOLD;
	s.size = (float)h->size;
	s.color = h->color;
	layout_text(L, c, lay_plain_inline(L, text), NULL, s, (float)h->leading, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	lay_add_penalty(L, INF);
	L->pending_space = 0;
	lay_want_space(L, (float)h->space_after);
	L->after_para = false;
}
