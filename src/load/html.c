/*
 * html.c - raw HTML inside Markdown mapped into the model (html.h).
 *
 * Reassembly: a list of sibling inlines (or blocks) that holds raw HTML
 * is written out as one HTML text in which the raw HTML stays as written,
 * Markdown text is escaped and every other node becomes a placeholder
 * element (<folio-i n=K>, <folio-b n=K>).  libxml2's HTML parser reads
 * that text (unclosed tags, unquoted attributes, stray close tags as any
 * browser would) and the tree it makes is mapped back: placeholders
 * become the original nodes again, elements become folio's types.
 * Lists are done children first, so a placeholder's node is final.
 *
 * Depth: the tree libxml2 makes may be 10,000 elements deep; below
 * HTML_MAX_DEPTH levels an element's content is flattened into text
 * without recursion, and containers are made only within the limits
 * md_parse keeps.
 */
#include "load/html.h"
#include "base/base.h"
#include "model/words.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* Element nesting mapped with structure; deeper content is flattened. */
#define HTML_MAX_DEPTH 64

/* One piece of raw HTML as written, to find a tag's line and column. */
struct seg {
	size_t off, len; /* in the HTML text given to the parser */
	int hline;       /* its first line there (1-based) */
	int line, col;   /* and in the chapter source */
};

/* A list being converted: where new nodes go and the depth it is at. */
struct itail {
	struct inline_node **tail;
	int depth; /* inline nesting of the list */
	struct inline_node *last; /* the node tail follows, or NULL */
};

/* A block list being filled, with the paragraph being gathered. */
struct btail {
	struct block *parent;
	struct block **tail;
	int depth;                  /* block nesting of the list */
	struct inline_node *para;   /* pending paragraph's inlines */
	struct itail pt;
	bool caption;               /* it holds a <span class="caption"> */
	int line, col;
};

struct hx {
	struct run *run;
	struct arena *a;
	struct chapter *ch;
	int max_block, max_inline;
	struct vec ph;        /* placeholder nodes, by number */
	bool ph_blocks;       /* ph holds blocks (else inlines) */
	struct buf html;      /* the text given to the parser */
	struct seg *segs;
	size_t nsegs, capsegs;
	int line, col;        /* position given to the nodes made */
	bool caption;         /* a <span class="caption"> was mapped */
	struct block *spill;  /* blocks met in inline context, in order */
	struct block **spill_tail;
	struct vec warned;    /* tag names warned about in this chapter */
	struct block *last_heading;
	bool warned_depth;
};

/* ---- Small helpers ------------------------------------------------------ */

static struct inline_node *new_inl(struct hx *h, enum inline_type t)
{
	struct inline_node *in = arena_alloc(h->a, sizeof *in);
	in->type = t;
	in->line = h->line;
	in->col = h->col;
	return in;
}

static struct block *new_blk(struct hx *h, enum block_type t)
{
	struct block *b = arena_alloc(h->a, sizeof *b);
	b->type = t;
	b->line = h->line;
	b->col = h->col;
	b->info = "";
	b->lang = "";
	return b;
}

static void put_inl(struct itail *t, struct inline_node *in)
{
	in->next = NULL;
	*t->tail = in;
	t->tail = &in->next;
	t->last = in;
}

static void put_blk(struct btail *t, struct block *b)
{
	b->next = NULL;
	b->parent = t->parent;
	*t->tail = b;
	t->tail = &b->next;
}

/* The element's name without a namespace prefix, lowercased by the
 * parser ("s:script" is a script). */
static const char *local_name(const xmlNode *n)
{
	const char *s = (const char *)n->name;
	const char *c = strrchr(s, ':');
	return c ? c + 1 : s;
}

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp(local_name(n), name) == 0;
}

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(name, *list) == 0)
			return true;
	return false;
}

/* An attribute's value (entities and character references decoded), in
 * the arena, or NULL. */
static const char *attr(struct hx *h, const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (strcasecmp(local_name((const xmlNode *)a), name) != 0)
			continue;
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		const char *s = arena_strdup(h->a, v ? (const char *)v : "");
		xmlFree(v);
		return s;
	}
	return NULL;
}

static bool class_has(struct hx *h, const xmlNode *n, const char *word)
{
	const char *c = attr(h, n, "class");
	size_t k = strlen(word);
	for (const char *p = c; p && *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		size_t m = 0;
		while (p[m] && !isspace((unsigned char)p[m]))
			m++;
		if (m == k && strncasecmp(p, word, k) == 0)
			return true;
		p += m;
	}
	return false;
}

/* ---- Positions and warnings --------------------------------------------- */

static void add_seg(struct hx *h, size_t off, size_t len, int line, int col)
{
	if (h->nsegs == h->capsegs) {
		h->capsegs = h->capsegs ? h->capsegs * 2 : 16;
		h->segs = xrealloc(h->segs, h->capsegs * sizeof *h->segs);
	}
	size_t from = h->nsegs ? h->segs[h->nsegs - 1].off : 0;
	int hline = h->nsegs ? h->segs[h->nsegs - 1].hline : 1;
	for (size_t i = from; i < off; i++)
		if (h->html.data[i] == '\n')
			hline++;
	h->segs[h->nsegs++] = (struct seg){off, len, hline, line, col};
}

/* Moves h's position to where the parser met node n (by its line in the
 * HTML text), so blocks made from it and warnings about it point there. */
static void seek(struct hx *h, const xmlNode *n)
{
	long nl = xmlGetLineNo(n);
	const struct seg *best = NULL;
	for (size_t i = 0; i < h->nsegs && h->segs[i].hline <= nl; i++)
		best = &h->segs[i];
	if (!best || nl <= 0)
		return;
	h->line = best->line + (int)(nl - best->hline);
	h->col = nl == best->hline ? best->col : 1;
}

/* Where "<name" is first written from the start of the HTML being
 * mapped on, as line and column of the chapter source (cmark gives
 * inline HTML no position of its own). */
static void tag_pos(const struct hx *h, const char *name, int *line, int *col)
{
	const char *src = h->ch->source;
	size_t n = src ? h->ch->source_len : 0, k = strlen(name), i = 0;
	int l = 1, c = 1;
	*line = h->line;
	*col = h->col;
	while (i < n && l < h->line)
		if (src[i++] == '\n')
			l++;
	for (; i < n; i++) {
		if (src[i] == '<' && i + 1 + k <= n && strncasecmp(src + i + 1, name, k) == 0 &&
		    (i + 1 + k == n || !isalnum((unsigned char)src[i + 1 + k]))) {
			*line = l;
			*col = c;
			return;
		}
		if (src[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			c++;
		}
	}
}

/* One warning per message in the whole book: the diagnostics so far are
 * the memory of what was said (this chapter's names are kept too, so a
 * chapter costs one look-up per name). */
static void warn_once(struct hx *h, const char *name, const char *fmt)
{
	for (size_t i = 0; i < h->warned.n; i++)
		if (strcmp(h->warned.v[i], name) == 0)
			return;
	vec_push(&h->warned, arena_strdup(h->a, name));
	char *msg = arena_printf(h->a, fmt, name);
	const struct diag_list *d = h->run->diags;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].msg && strcmp(d->v[i].msg, msg) == 0)
			return;
	int line, col;
	tag_pos(h, name, &line, &col);
	diag_warn(h->run->diags, h->ch->display_path, line, col, "%s", msg);
}

/* Once per chapter: structure this deep is flattened (content kept). */
static void depth_warning(struct hx *h)
{
	if (h->warned_depth)
		return;
	h->warned_depth = true;
	diag_warn(h->run->diags, h->ch->display_path, h->line, h->col,
		  "HTML nested deeper than folio keeps is flattened (its content is kept)");
}

/* ---- Text ----------------------------------------------------------------- */

/* Appends text with HTML's white space rule (runs become one space). */
static void add_text(struct hx *h, struct itail *t, const char *s, bool keep_space)
{
	size_t n = strlen(s);
	if (!n)
		return;
	char *o = arena_alloc(h->a, n + 1);
	size_t k = 0;
	/* a space after a space (or a break) of the text before is none */
	const struct inline_node *prev = t->last;
	bool after_space = prev && ((prev->type == INL_TEXT && prev->len &&
				     prev->text[prev->len - 1] == ' ') ||
				    prev->type == INL_SOFTBREAK || prev->type == INL_LINEBREAK);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!keep_space && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
			if (k == 0 ? !after_space : o[k - 1] != ' ')
				o[k++] = ' ';
			continue;
		}
		o[k++] = (char)c;
	}
	o[k] = 0;
	if (!k)
		return;
	struct inline_node *in = new_inl(h, INL_TEXT);
	in->text = o;
	in->len = k;
	put_inl(t, in);
}

static bool text_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* A URL that must never reach a book: javascript:, vbscript:, data:
 * (judged with the control characters and spaces browsers skip). */
static bool url_unsafe(const char *u)
{
	char head[16];
	size_t k = 0;
	for (; *u && k < sizeof head - 1; u++) {
		unsigned char c = (unsigned char)*u;
		if (c <= ' ' || c == 0x7f)
			continue;
		head[k++] = (char)tolower(c);
		if (c == ':')
			break;
	}
	head[k] = 0;
	return strncmp(head, "javascript:", 11) == 0 || strncmp(head, "vbscript:", 9) == 0 ||
	       strncmp(head, "data:", 5) == 0;
}

/* ---- Inline context -------------------------------------------------- */

static void map_inlines(struct hx *h, const xmlNode *first, struct itail *t, int depth);

/* Elements whose content is never shown. */
static const char *const dropped[] = {
	"script", "style", "iframe", "object", "embed", "noscript", "template", "head",
	"meta", "link", "base", "frame", "frameset", "applet", "param", "source",
	"track", "svg", "math", "canvas", "audio", "video", "input", "select", NULL};

/* Embedded content a book cannot show: said once per tag name (scripts,
 * styles and the document's head go without a word). */
static void warn_dropped(struct hx *h, const char *name)
{
	static const char *const silent[] = {"script", "style", "noscript", "template",
					     "head", "meta", "link", "base", NULL};
	if (!name_in(name, silent))
		warn_once(h, name, "HTML <%s> cannot be shown in a book; it is left out");
}

/* Elements unwrapped without a word: their content is what matters. */
static const char *const wrappers[] = {
	"html", "body", "div", "span", "p", "section", "article", "header", "footer", "main",
	"aside", "nav", "center", "font", "abbr", "acronym", "q", "time", "bdi", "bdo",
	"label", "big", "figure", "figcaption", "details", "summary", "listing",
	"blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
	"tr", "td", "th", "caption", "colgroup", "col", "h1", "h2", "h3", "h4", "h5", "h6",
	"pre", "hr", "wbr", "picture", "address", "cite", "dfn", "data", "ruby", "rt", "rp",
	"nobr", NULL};

/* The node a placeholder stands for, back in place: an inline into t, a
 * block (met where only inlines go) into the spill list.  Each is taken
 * once; a placeholder the parser copied is then empty. */
static void take_placeholder(struct hx *h, const xmlNode *c, struct itail *t)
{
	const char *k = attr(h, c, "n");
	size_t i = k ? strtoul(k, NULL, 10) : h->ph.n;
	if (i >= h->ph.n || !h->ph.v[i])
		return;
	if (!h->ph_blocks) {
		put_inl(t, h->ph.v[i]);
	} else {
		struct block *b = h->ph.v[i];
		b->next = NULL;
		*h->spill_tail = b;
		h->spill_tail = &b->next;
	}
	h->ph.v[i] = NULL;
}

/* The whole content of n as text and placeholders, without recursion:
 * what lies deeper than HTML_MAX_DEPTH. */
static void flatten(struct hx *h, const xmlNode *n, struct itail *t)
{
	const xmlNode *c = n->children;
	while (c && c != n) {
		bool skip = c->type == XML_ELEMENT_NODE && name_in(local_name(c), dropped);
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			add_text(h, t, (const char *)c->content, false);
		} else if (is(c, "folio-i") || is(c, "folio-b")) {
			take_placeholder(h, c, t);
			skip = true;
		} else if (is(c, "br")) {
			put_inl(t, new_inl(h, INL_LINEBREAK));
		}
		if (c->children && !skip && c->type == XML_ELEMENT_NODE) {
			c = c->children;
			continue;
		}
		while (c != n && !c->next)
			c = c->parent;
		if (c != n)
			c = c->next;
	}
}

/* Width from width="50%", width="300", style="width: 50%". */
static void image_width(struct hx *h, const xmlNode *n, struct inline_node *in)
{
	const char *w = attr(h, n, "width");
	const char *st = attr(h, n, "style");
	if (st) {
		const char *p = strstr(st, "width");
		while (p && p > st && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			p = strstr(p + 5, "width");
		if (p) {
			p += 5;
			while (*p == ' ')
				p++;
			if (*p == ':')
				w = p + 1;
		}
	}
	if (!w)
		return;
	while (*w == ' ')
		w++;
	char *end;
	long v = strtol(w, &end, 10);
	if (v <= 0 || end == w)
		return;
	if (*end == '.')
		while (isdigit((unsigned char)*++end))
			;
	if (*end == '%') {
		in->width = v > 100 ? 100 : (int)v;
		in->width_pct = true;
	} else if (*end == 0 || *end == ';' || *end == ' ' || strncmp(end, "px", 2) == 0) {
		in->width = v > 20000 ? 20000 : (int)v;
	}
}

static void map_img(struct hx *h, const xmlNode *n, struct itail *t)
{
	const char *src = attr(h, n, "src");
	const char *alt = attr(h, n, "alt");
	if (src && url_unsafe(src)) {
		warn_once(h, "img", "an <%s> with a script or data: source is dropped "
				    "(its alt text is kept)");
		src = NULL;
	}
	if (!src) {
		if (alt && *alt)
			add_text(h, t, alt, false);
		return;
	}
	struct inline_node *in = new_inl(h, INL_IMAGE);
	struct link *l = arena_alloc(h->a, sizeof *l);
	l->url = src;
	l->ext_index = -1;
	const char *title = attr(h, n, "title");
	l->title = title && *title ? title : NULL;
	in->link = l;
	if (alt && *alt) {
		struct itail ct = {&in->children, t->depth + 1, NULL};
		add_text(h, &ct, alt, false);
	}
	image_width(h, n, in);
	put_inl(t, in);
}

static void map_anchor(struct hx *h, const xmlNode *n, struct itail *t, int depth)
{
	const char *id = attr(h, n, "id");
	if (!id || !*id)
		id = attr(h, n, "name");
	if (id && *id) {
		struct inline_node *a = new_inl(h, INL_ANCHOR);
		a->text = id;
		a->len = strlen(id);
		put_inl(t, a);
	}
	const char *href = attr(h, n, "href");
	if (href && url_unsafe(href)) {
		warn_once(h, "a", "a link (<%s href>) to a script or data: URL is dropped "
				  "(its text is kept)");
		href = NULL;
	}
	if (!href || t->depth >= h->max_inline) {
		map_inlines(h, n->children, t, depth + 1);
		return;
	}
	struct inline_node *in = new_inl(h, INL_LINK);
	struct link *l = arena_alloc(h->a, sizeof *l);
	l->url = href;
	l->ext_index = -1;
	const char *title = attr(h, n, "title");
	l->title = title && *title ? title : NULL;
	in->link = l;
	struct itail ct = {&in->children, t->depth + 1, NULL};
	map_inlines(h, n->children, &ct, depth + 1);
	put_inl(t, in);
}

/* The inline type (and span kind) of a formatting element; false if n
 * is none. */
static bool format_of(const char *name, enum inline_type *type, enum span_kind *span)
{
	static const struct {
		const char *name;
		enum inline_type type;
		enum span_kind span;
	} map[] = {
		{"em", INL_EMPH, 0}, {"i", INL_EMPH, 0}, {"cite", INL_EMPH, 0},
		{"dfn", INL_EMPH, 0}, {"strong", INL_STRONG, 0}, {"b", INL_STRONG, 0},
		{"s", INL_STRIKE, 0}, {"del", INL_STRIKE, 0}, {"strike", INL_STRIKE, 0},
		{"kbd", INL_SPAN, SPAN_KBD}, {"sup", INL_SPAN, SPAN_SUP},
		{"sub", INL_SPAN, SPAN_SUB}, {"code", INL_SPAN, SPAN_CODE},
		{"samp", INL_SPAN, SPAN_CODE}, {"tt", INL_SPAN, SPAN_CODE},
		{"var", INL_SPAN, SPAN_VAR}, {"u", INL_SPAN, SPAN_UNDERLINE},
		{"ins", INL_SPAN, SPAN_UNDERLINE}, {"mark", INL_SPAN, SPAN_MARK},
		{"small", INL_SPAN, SPAN_SMALL},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcasecmp(name, map[i].name) == 0) {
			*type = map[i].type;
			*span = map[i].span;
			return true;
		}
	return false;
}

/* <code> holding only text is Markdown's inline code. */
static bool only_text(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE)
			return false;
	return true;
}

static void map_element(struct hx *h, const xmlNode *n, struct itail *t, int depth)
{
	const char *name = local_name(n);
	enum inline_type type;
	enum span_kind span;

	if (name_in(name, dropped)) {
		seek(h, n);
		warn_dropped(h, name);
		return;
	}
	seek(h, n);
	if (depth >= HTML_MAX_DEPTH) {
		depth_warning(h);
		flatten(h, n, t);
		return;
	}
	if (is(n, "folio-i") || is(n, "folio-b")) {
		take_placeholder(h, n, t);
		return;
	}
	if (is(n, "br")) {
		put_inl(t, new_inl(h, INL_LINEBREAK));
	} else if (is(n, "img")) {
		map_img(h, n, t);
	} else if (is(n, "a")) {
		map_anchor(h, n, t, depth);
	} else if (format_of(name, &type, &span) && t->depth >= h->max_inline) {
		depth_warning(h);
		map_inlines(h, n->children, t, depth + 1);
	} else if (format_of(name, &type, &span)) {
		if (span == SPAN_CODE && is(n, "code") && only_text(n)) {
			xmlChar *s = xmlNodeGetContent(n);
			struct inline_node *in = new_inl(h, INL_CODE);
			in->text = arena_strdup(h->a, s ? (const char *)s : "");
			in->len = strlen(in->text);
			xmlFree(s);
			put_inl(t, in);
			return;
		}
		struct inline_node *in = new_inl(h, type);
		in->span = span;
		struct itail ct = {&in->children, t->depth + 1, NULL};
		map_inlines(h, n->children, &ct, depth + 1);
		put_inl(t, in);
	} else {
		if (is(n, "span") && class_has(h, n, "caption"))
			h->caption = true;
		else if (!name_in(name, wrappers) && !format_of(name, &type, &span))
			warn_once(h, name, "HTML tag <%s> is not supported: the tag is dropped, "
					   "its content kept");
		bool blockish = name_in(name, (const char *const[]){"p", "div", "li", "tr", "dt",
			"dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
			"figcaption", NULL});
		if (blockish && depth > 0)
			put_inl(t, new_inl(h, INL_LINEBREAK));
		map_inlines(h, n->children, t, depth + 1);
	}
}

static void map_inlines(struct hx *h, const xmlNode *first, struct itail *t, int depth)
{
	for (const xmlNode *c = first; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			add_text(h, t, (const char *)c->content, false);
		} else if (c->type == XML_ELEMENT_NODE) {
			map_element(h, c, t, depth);
		}
	}
}

/* ---- Block context ------------------------------------------------------- */

static void map_blocks(struct hx *h, const xmlNode *first, struct btail *t, int depth);
static void map_node(struct hx *h, const xmlNode *c, struct btail *t, int depth);

/* Removes blank text and breaks at both ends of a list of inlines. */
static struct inline_node *trim_inlines(struct inline_node *first)
{
	while (first && (first->type == INL_LINEBREAK || first->type == INL_SOFTBREAK ||
			 (first->type == INL_TEXT && text_blank(first->text))))
		first = first->next;
	if (first && first->type == INL_TEXT && first->text[0] == ' ') {
		first->text++;
		first->len--;
	}
	struct inline_node *last = NULL;
	for (struct inline_node *in = first; in; in = in->next)
		if (!(in->type == INL_LINEBREAK || in->type == INL_SOFTBREAK ||
		      (in->type == INL_TEXT && text_blank(in->text))))
			last = in;
	if (last) {
		last->next = NULL;
		if (last->type == INL_TEXT && last->len && last->text[last->len - 1] == ' ')
			last->len--;
	}
	return last ? first : NULL;
}

static bool inlines_empty(const struct inline_node *in)
{
	for (; in; in = in->next)
		if (!(in->type == INL_LINEBREAK || in->type == INL_SOFTBREAK ||
		      (in->type == INL_TEXT && text_blank(in->text))))
			return false;
	return true;
}

static void para_reset(struct btail *t)
{
	t->para = NULL;
	t->pt.tail = &t->para;
	t->pt.depth = 0;
	t->caption = false;
}

/* Moves the blocks met in inline context after what is there. */
static void put_spill(struct hx *h, struct btail *t)
{
	struct block *b = h->spill;
	h->spill = NULL;
	h->spill_tail = &h->spill;
	while (b) {
		struct block *next = b->next;
		put_blk(t, b);
		b = next;
	}
}

/* The paragraph gathered so far, if it has anything to show. */
static void flush_para(struct hx *h, struct btail *t)
{
	struct inline_node *in = t->para;
	bool caption = t->caption;
	para_reset(t);
	if (!inlines_empty(in)) {
		struct block *p = new_blk(h, BLK_PARAGRAPH);
		p->line = t->line;
		p->col = t->col;
		p->inlines = trim_inlines(in);
		if (caption)
			p->role = ROLE_CAPTION;
		put_blk(t, p);
	}
	put_spill(h, t);
}

/* Inline content into the pending paragraph. */
static void to_para(struct hx *h, const xmlNode *n, struct btail *t, int depth)
{
	if (!t->para) {
		t->line = h->line;
		t->col = h->col;
	}
	h->caption = false;
	if (n->type == XML_ELEMENT_NODE)
		map_element(h, n, &t->pt, depth);
	else
		add_text(h, &t->pt, (const char *)n->content, false);
	if (h->caption)
		t->caption = true;
	if (h->spill) {
		/* a Markdown block inside inline HTML: the paragraph ends */
		struct block *sp = h->spill;
		struct block **sp_tail = h->spill_tail;
		h->spill = NULL;
		h->spill_tail = &h->spill;
		flush_para(h, t);
		h->spill = sp;
		h->spill_tail = sp_tail;
		put_spill(h, t);
	}
}

/* A child container (quote, list, item, figure) of t, or NULL when it
 * would be too deep (its content then goes into t). */
static struct block *open_container(struct hx *h, struct btail *t, enum block_type type,
				    struct btail *in)
{
	if (t->depth + 2 > h->max_block) {
		depth_warning(h);
		return NULL;
	}
	flush_para(h, t);
	struct block *b = new_blk(h, type);
	put_blk(t, b);
	*in = (struct btail){b, &b->children, t->depth + 1, NULL, {NULL, 0, NULL}, false,
			     h->line, h->col};
	para_reset(in);
	return b;
}

static void close_container(struct hx *h, struct btail *in)
{
	flush_para(h, in);
}

/* A paragraph of the given role made of n's content. */
static struct block *para_of(struct hx *h, const xmlNode *n, struct btail *t, enum block_role role)
{
	flush_para(h, t);
	struct btail pt = *t;
	para_reset(&pt);
	pt.line = h->line;
	pt.col = h->col;
	h->caption = false;
	map_inlines(h, n->children, &pt.pt, 1);
	struct block *p = new_blk(h, BLK_PARAGRAPH);
	p->inlines = trim_inlines(pt.para);
	p->role = role;
	if (role != ROLE_NONE)
		h->caption = false; /* it is a caption already */
	return p;
}

static void map_list(struct hx *h, const xmlNode *n, struct btail *t, int depth)
{
	struct btail lt;
	struct block *list = open_container(h, t, BLK_LIST, &lt);
	if (!list) {
		map_blocks(h, n->children, t, depth + 1);
		return;
	}
	list->ordered = is(n, "ol");
	const char *start = attr(h, n, "start");
	list->start = list->ordered ? (start ? atoi(start) : 1) : 0;
	list->tight = true;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && text_blank((const char *)c->content))
			continue;
		if (c->type != XML_ELEMENT_NODE && c->type != XML_TEXT_NODE)
			continue;
		struct btail it;
		struct block *item = open_container(h, &lt, BLK_ITEM, &it);
		if (!item) {
			map_node(h, c, &lt, depth + 1);
			continue;
		}
		if (is(c, "li"))
			map_blocks(h, c->children, &it, depth + 2);
		else
			to_para(h, c, &it, depth + 1);
		close_container(h, &it);
	}
	close_container(h, &lt);
}

/* The cells of a row, each cell's content as inlines. */
static void map_row(struct hx *h, const xmlNode *tr, struct block *table, struct block ***rtail,
		    bool head)
{
	struct block *row = new_blk(h, BLK_TABLE_ROW);
	row->parent = table;
	struct block **ctail = &row->children;
	int n = 0;
	bool all_th = true;
	for (const xmlNode *c = tr->children; c; c = c->next) {
		if (!is(c, "td") && !is(c, "th"))
			continue;
		all_th = all_th && is(c, "th");
		struct block *cell = new_blk(h, BLK_TABLE_CELL);
		cell->parent = row;
		struct inline_node *first = NULL;
		struct itail it = {&first, 1, NULL};
		h->spill = NULL;
		h->spill_tail = &h->spill;
		map_inlines(h, c->children, &it, 2);
		/* Markdown blocks inside a cell: their text, as the cell */
		for (struct block *b = h->spill; b; b = b->next)
			if (b->inlines) {
				if (first)
					put_inl(&it, new_inl(h, INL_LINEBREAK));
				for (struct inline_node *x = b->inlines, *nx; x; x = nx) {
					nx = x->next;
					put_inl(&it, x);
				}
			}
		h->spill = NULL;
		h->spill_tail = &h->spill;
		cell->inlines = trim_inlines(first);
		*ctail = cell;
		ctail = &cell->next;
		n++;
	}
	if (!n)
		return;
	row->header = head || all_th;
	if (n > table->ncols)
		table->ncols = n;
	**rtail = row;
	*rtail = &row->next;
}

/* An HTML table as a plain table: rows of cells, header rows from
 * <thead> or rows of <th>, every row padded to the widest. */
static void map_table(struct hx *h, const xmlNode *n, struct btail *t)
{
	flush_para(h, t);
	struct block *table = new_blk(h, BLK_TABLE);
	struct block **rtail = &table->children;
	struct block *caption = NULL;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "tr")) {
			map_row(h, c, table, &rtail, false);
		} else if (is(c, "thead") || is(c, "tbody") || is(c, "tfoot")) {
			for (const xmlNode *r = c->children; r; r = r->next)
				if (is(r, "tr"))
					map_row(h, r, table, &rtail, is(c, "thead"));
		} else if (is(c, "caption")) {
			caption = para_of(h, c, t, ROLE_NONE);
		}
	}
	if (caption && caption->inlines)
		put_blk(t, caption);
	if (!table->children)
		return;
	/* a header row only at the top */
	for (struct block *r = table->children->next; r; r = r->next)
		r->header = false;
	table->align = arena_calloc(h->a, (size_t)table->ncols, sizeof *table->align);
	for (struct block *r = table->children; r; r = r->next) {
		int k = 0;
		struct block **ct = &r->children;
		for (; *ct; ct = &(*ct)->next)
			k++;
		for (; k < table->ncols; k++) {
			struct block *cell = new_blk(h, BLK_TABLE_CELL);
			cell->parent = r;
			*ct = cell;
			ct = &cell->next;
		}
	}
	put_blk(t, table);
}

/* Backquoted spans of a caption attribute as inline code. */
static void caption_text(struct hx *h, struct itail *t, const char *s)
{
	while (*s) {
		const char *q = strchr(s, '`');
		const char *e = q ? strchr(q + 1, '`') : NULL;
		if (!q || !e) {
			add_text(h, t, s, false);
			return;
		}
		if (q > s)
			add_text(h, t, arena_strndup(h->a, s, (size_t)(q - s)), false);
		struct inline_node *c = new_inl(h, INL_CODE);
		c->text = arena_strndup(h->a, q + 1, (size_t)(e - q - 1));
		c->len = strlen(c->text);
		put_inl(t, c);
		s = e + 1;
	}
}

/* The Rust book's <Listing number= file-name= caption=> around a code
 * fence: a figure of the code, its file name above, "Listing N: caption"
 * below. */
static void map_listing(struct hx *h, const xmlNode *n, struct btail *t, int depth)
{
	struct btail ft;
	struct block *fig = open_container(h, t, BLK_FIGURE, &ft);
	if (!fig) {
		map_blocks(h, n->children, t, depth + 1);
		return;
	}
	const char *number = attr(h, n, "number");
	const char *file = attr(h, n, "file-name");
	const char *caption = attr(h, n, "caption");
	if (file && *file) {
		struct block *p = new_blk(h, BLK_PARAGRAPH);
		p->role = ROLE_LISTING_FILE;
		struct itail it = {&p->inlines, 0, NULL};
		add_text(h, &it, "Filename: ", true);
		struct inline_node *c = new_inl(h, INL_CODE);
		c->text = file;
		c->len = strlen(file);
		put_inl(&it, c);
		put_blk(&ft, p);
	}
	map_blocks(h, n->children, &ft, depth + 1);
	close_container(h, &ft);
	if ((number && *number) || (caption && *caption)) {
		struct block *p = new_blk(h, BLK_PARAGRAPH);
		p->role = ROLE_CAPTION;
		struct itail it = {&p->inlines, 0, NULL};
		if (number && *number) {
			struct inline_node *s = new_inl(h, INL_STRONG);
			struct itail st = {&s->children, 1, NULL};
			add_text(h, &st, arena_printf(h->a, "Listing %s", number), true);
			if (caption && *caption)
				add_text(h, &st, ":", true);
			put_inl(&it, s);
			if (caption && *caption)
				add_text(h, &it, " ", true);
		}
		if (caption && *caption)
			caption_text(h, &it, caption);
		put_blk(&ft, p);
	}
}

static void map_figure(struct hx *h, const xmlNode *n, struct btail *t, int depth)
{
	struct btail ft;
	struct block *fig = open_container(h, t, BLK_FIGURE, &ft);
	if (!fig) {
		map_blocks(h, n->children, t, depth + 1);
		return;
	}
	struct block *caption = NULL;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "figcaption")) {
			flush_para(h, &ft);
			caption = para_of(h, c, &ft, ROLE_CAPTION);
		} else {
			map_node(h, c, &ft, depth + 1);
		}
	}
	close_container(h, &ft);
	if (caption && caption->inlines)
		put_blk(&ft, caption);
}

/* <details> printed open: its <summary> a run-in heading of the first
 * paragraph that follows. */
static void map_details(struct hx *h, const xmlNode *n, struct btail *t, int depth)
{
	flush_para(h, t);
	struct inline_node *summary = NULL;
	struct block **start = t->tail;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "summary") && !summary) {
			struct itail st = {&summary, 1, NULL};
			map_inlines(h, c->children, &st, depth + 1);
			summary = trim_inlines(summary);
		} else {
			map_node(h, c, t, depth + 1);
		}
	}
	flush_para(h, t);
	if (!summary)
		return;
	struct inline_node *strong = new_inl(h, INL_STRONG);
	strong->children = summary;
	struct block *first = *start;
	if (first && first->type == BLK_PARAGRAPH && first->role == ROLE_NONE) {
		/* A run-in heading ends in a stop before the text runs on,
		 * unless the summary ends in its own punctuation. */
		const struct inline_node *last = summary;
		while (last->next)
			last = last->next;
		bool stopped = last->type == INL_TEXT && last->len &&
			       (strchr(".:?!", last->text[last->len - 1]) ||
				(last->len >= 3 && memcmp(last->text + last->len - 3,
							  "\xe2\x80\xa6", 3) == 0));
		struct inline_node *sp = new_inl(h, INL_TEXT);
		sp->text = stopped ? " " : ". ";
		sp->len = strlen(sp->text);
		strong->next = sp;
		sp->next = first->inlines;
		first->inlines = strong;
	} else {
		struct block *p = new_blk(h, BLK_PARAGRAPH);
		p->inlines = strong;
		p->parent = t->parent;
		p->next = first;
		*start = p;
		if (t->tail == start)
			t->tail = &p->next;
	}
}

/* <pre>: a code block of its text; the language from class="language-x". */
static void map_pre(struct hx *h, const xmlNode *n, struct btail *t)
{
	flush_para(h, t);
	struct block *b = new_blk(h, BLK_CODE);
	xmlChar *s = xmlNodeGetContent(n);
	const char *text = s ? (const char *)s : "";
	if (*text == '\n')
		text++;
	size_t len = strlen(text);
	b->text = arena_strndup(h->a, text, len);
	b->len = len;
	xmlFree(s);
	const xmlNode *code = n->children && is(n->children, "code") ? n->children : n;
	const char *cls = attr(h, code, "class");
	const char *lang = cls ? strstr(cls, "language-") : NULL;
	if (lang) {
		lang += 9;
		size_t k = 0;
		while (lang[k] && !isspace((unsigned char)lang[k]))
			k++;
		char *l = arena_strndup(h->a, lang, k);
		for (char *p = l; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		b->lang = l;
		b->info = l;
	}
	put_blk(t, b);
}

static int heading_level(const xmlNode *n)
{
	const char *s = local_name(n);
	if (n->type == XML_ELEMENT_NODE && (s[0] == 'h' || s[0] == 'H') && s[1] >= '1' &&
	    s[1] <= '6' && !s[2])
		return s[1] - '0';
	return 0;
}

/* One node of a block context. */
static void map_node(struct hx *h, const xmlNode *c, struct btail *t, int depth)
{
	if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
		if (!text_blank((const char *)c->content) || t->para)
			to_para(h, c, t, depth);
		return;
	}
	if (c->type != XML_ELEMENT_NODE)
		return; /* comments, processing instructions, DTDs */
	const char *name = local_name(c);
	struct btail in;
	int level = heading_level(c);
	seek(h, c);
	if (name_in(name, dropped)) {
		warn_dropped(h, name);
		return;
	} else if (depth >= HTML_MAX_DEPTH) {
		depth_warning(h);
		to_para(h, c, t, depth);
	} else if (is(c, "folio-b")) {
		flush_para(h, t);
		take_placeholder(h, c, NULL);
		put_spill(h, t);
	} else if (is(c, "p") || is(c, "dt") || is(c, "dd")) {
		struct block *p = para_of(h, c, t, ROLE_NONE);
		if (is(c, "dt") && p->inlines) {
			struct inline_node *s = new_inl(h, INL_STRONG);
			s->children = p->inlines;
			p->inlines = s;
		}
		if (h->caption)
			p->role = ROLE_CAPTION;
		if (p->inlines)
			put_blk(t, p);
		put_spill(h, t);
	} else if (level) {
		struct block *p = para_of(h, c, t, ROLE_NONE);
		p->type = BLK_HEADING;
		p->level = level;
		put_blk(t, p);
		put_spill(h, t);
	} else if (is(c, "hr")) {
		flush_para(h, t);
		put_blk(t, new_blk(h, BLK_THEMATIC));
	} else if (is(c, "pre")) {
		map_pre(h, c, t);
	} else if (is(c, "blockquote")) {
		if (open_container(h, t, BLK_QUOTE, &in)) {
			map_blocks(h, c->children, &in, depth + 1);
			close_container(h, &in);
		} else {
			map_blocks(h, c->children, t, depth + 1);
		}
	} else if (is(c, "ul") || is(c, "ol")) {
		map_list(h, c, t, depth);
	} else if (is(c, "table")) {
		map_table(h, c, t);
	} else if (is(c, "figure")) {
		map_figure(h, c, t, depth);
	} else if (is(c, "listing")) {
		map_listing(h, c, t, depth);
	} else if (is(c, "details")) {
		map_details(h, c, t, depth);
	} else if (name_in(name, (const char *const[]){"div", "section", "article", "header",
			"footer", "main", "aside", "nav", "center", "address", "dl", "html",
			"body", "figcaption", "summary", "li", "tr", "td", "th", "tbody",
			"thead", "tfoot", NULL})) {
		flush_para(h, t);
		map_blocks(h, c->children, t, depth + 1);
		flush_para(h, t);
	} else {
		to_para(h, c, t, depth);
	}
}

static void map_blocks(struct hx *h, const xmlNode *first, struct btail *t, int depth)
{
	for (const xmlNode *c = first; c; c = c->next)
		map_node(h, c, t, depth);
}

/* ---- Reassembly ------------------------------------------------------------ */

static void put_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			buf_puts(b, "&lt;");
		else if (s[i] == '>')
			buf_puts(b, "&gt;");
		else if (s[i] == '&')
			buf_puts(b, "&amp;");
		else
			buf_putc(b, s[i]);
	}
}

static void start_html(struct hx *h, bool blocks)
{
	h->html.len = 0;
	if (h->html.data)
		h->html.data[0] = 0;
	buf_puts(&h->html, "<html><body>");
	h->nsegs = 0;
	h->ph.n = 0;
	h->ph_blocks = blocks;
	h->spill = NULL;
	h->spill_tail = &h->spill;
}

/* The <body> of what was gathered, parsed; NULL only when libxml2 fails
 * (out of memory), and doc is then NULL too. */
static const xmlNode *parse_html(struct hx *h, xmlDoc **doc)
{
	buf_puts(&h->html, "</body></html>");
	*doc = htmlReadMemory(h->html.data, (int)h->html.len, NULL, "UTF-8",
			      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				      HTML_PARSE_NODEFDTD | HTML_PARSE_COMPACT |
				      /* without it, nesting past 256 elements
				       * ends the parse and loses the rest */
				      XML_PARSE_HUGE);
	if (!*doc) {
		diag_warn(h->run->diags, h->ch->display_path, h->line, h->col,
			  "HTML could not be read (out of memory?); it is left out");
		return NULL;
	}
	const xmlNode *root = xmlDocGetRootElement(*doc);
	for (const xmlNode *c = root ? root->children : NULL; c; c = c->next)
		if (is(c, "body"))
			return c;
	return root;
}

static bool has_raw_inline(const struct inline_node *in)
{
	for (; in; in = in->next)
		if (in->type == INL_HTML)
			return true;
	return false;
}

/* A list of sibling inlines holding raw HTML, reassembled and mapped. */
static struct inline_node *convert_inlines(struct hx *h, struct inline_node *first, int depth)
{
	start_html(h, false);
	h->line = first->line;
	h->col = first->col;
	for (struct inline_node *in = first; in; in = in->next) {
		if (in->type == INL_HTML) {
			add_seg(h, h->html.len, in->len, in->line, in->col);
			buf_put(&h->html, in->text, in->len);
		} else if (in->type == INL_TEXT) {
			put_escaped(&h->html, in->text, in->len);
		} else {
			buf_printf(&h->html, "<folio-i n=\"%zu\"></folio-i>", h->ph.n);
			vec_push(&h->ph, in);
			/* lines as in the source, for seek() */
			if (in->type == INL_SOFTBREAK || in->type == INL_LINEBREAK)
				buf_putc(&h->html, '\n');
		}
	}
	xmlDoc *doc;
	const xmlNode *body = parse_html(h, &doc);
	struct inline_node *out = NULL;
	struct itail t = {&out, depth, NULL};
	h->caption = false;
	if (body)
		map_inlines(h, body->children, &t, 1);
	xmlFreeDoc(doc);
	/* a placeholder the parser lost (cannot happen): its node is kept */
	for (size_t i = 0; i < h->ph.n; i++)
		if (h->ph.v[i])
			put_inl(&t, h->ph.v[i]);
	return out;
}

/* Every inline list under first (children first), reassembled where it
 * holds raw HTML; *caption is set when one held <span class="caption">. */
static struct inline_node *inlines_pass(struct hx *h, struct inline_node *first, int depth,
					bool *caption)
{
	for (struct inline_node *in = first; in; in = in->next)
		if (in->children)
			in->children = inlines_pass(h, in->children, depth + 1, caption);
	if (!has_raw_inline(first))
		return first;
	struct inline_node *out = convert_inlines(h, first, depth);
	if (h->caption)
		*caption = true;
	return out;
}

static bool has_raw_block(const struct block *b)
{
	for (; b; b = b->next)
		if (b->type == BLK_HTML)
			return true;
	return false;
}

/* A list of sibling blocks holding HTML blocks, reassembled and mapped. */
static struct block *convert_blocks(struct hx *h, struct block *first, struct block *parent,
				    int depth)
{
	start_html(h, true);
	h->line = first->line;
	h->col = first->col;
	for (struct block *b = first; b; b = b->next) {
		if (b->type == BLK_HTML) {
			add_seg(h, h->html.len, b->len, b->line, b->col);
			buf_put(&h->html, b->text, b->len);
		} else {
			buf_printf(&h->html, "\n<folio-b n=\"%zu\"></folio-b>\n", h->ph.n);
			vec_push(&h->ph, b);
		}
	}
	xmlDoc *doc;
	const xmlNode *body = parse_html(h, &doc);
	struct block *out = NULL;
	struct btail t = {parent, &out, depth, NULL, {NULL, 0, NULL}, false, h->line, h->col};
	para_reset(&t);
	if (body)
		map_blocks(h, body->children, &t, 1);
	flush_para(h, &t);
	xmlFreeDoc(doc);
	for (size_t i = 0; i < h->ph.n; i++)
		if (h->ph.v[i])
			put_blk(&t, h->ph.v[i]);
	return out;
}

/* ---- Figures, captions and anchors ------------------------------------------ */

/* The image a paragraph is made of (nothing else shown), or NULL. */
static struct inline_node *lone_image(const struct block *b)
{
	if (!b || b->type != BLK_PARAGRAPH || b->role != ROLE_NONE)
		return NULL;
	struct inline_node *img = NULL;
	for (struct inline_node *in = b->inlines; in; in = in->next) {
		if (in->type == INL_IMAGE && !img)
			img = in;
		else if (!(in->type == INL_ANCHOR || in->type == INL_SOFTBREAK ||
			   in->type == INL_LINEBREAK ||
			   (in->type == INL_TEXT && text_blank(in->text))))
			return NULL;
	}
	return img;
}

static bool has_caption(const struct block *fig)
{
	for (const struct block *c = fig->children; c; c = c->next)
		if (c->role == ROLE_CAPTION)
			return true;
	return false;
}

static bool only_anchors(const struct block *b)
{
	if (b->type != BLK_PARAGRAPH || !b->inlines)
		return false;
	for (const struct inline_node *in = b->inlines; in; in = in->next)
		if (!(in->type == INL_ANCHOR || in->type == INL_SOFTBREAK ||
		      in->type == INL_LINEBREAK || (in->type == INL_TEXT && text_blank(in->text))))
			return false;
	return true;
}

/* In one list of sibling blocks: an image paragraph (or a figure without
 * a caption) followed by a caption paragraph become one figure; other
 * caption paragraphs are plain ones; a paragraph of anchors alone joins
 * the block after it (the anchor then leads to that heading or text). */
static struct block *figures_pass(struct hx *h, struct block *first, int depth)
{
	struct block **pp = &first;
	while (*pp) {
		struct block *b = *pp;
		struct block *next = b->next;
		if (next && next->role == ROLE_CAPTION && next->type == BLK_PARAGRAPH &&
		    b->type == BLK_FIGURE && !has_caption(b)) {
			struct block **ct = &b->children;
			while (*ct)
				ct = &(*ct)->next;
			b->next = next->next;
			next->next = NULL;
			next->parent = b;
			*ct = next;
			continue;
		}
		if (next && next->role == ROLE_CAPTION && next->type == BLK_PARAGRAPH &&
		    lone_image(b) && depth + 1 < h->max_block) {
			struct block *fig = new_blk(h, BLK_FIGURE);
			fig->line = b->line;
			fig->col = b->col;
			fig->parent = b->parent;
			fig->next = next->next;
			fig->children = b;
			b->parent = fig;
			b->next = next;
			next->parent = fig;
			next->next = NULL;
			*pp = fig;
			pp = &fig->next;
			continue;
		}
		if (b->role == ROLE_CAPTION && (!b->parent || b->parent->type != BLK_FIGURE))
			b->role = ROLE_NONE;
		if (only_anchors(b) && next &&
		    (next->type == BLK_PARAGRAPH || next->type == BLK_HEADING)) {
			struct inline_node *last = b->inlines;
			while (last->next)
				last = last->next;
			last->next = next->inlines;
			next->inlines = b->inlines;
			*pp = next;
			continue;
		}
		pp = &b->next;
	}
	return first;
}

/* Every block list from first on, children first: inlines reassembled,
 * then HTML blocks, then figures and captions. */
static struct block *blocks_pass(struct hx *h, struct block *first, struct block *parent,
				 int depth)
{
	for (struct block *b = first; b; b = b->next) {
		if (b->children)
			b->children = blocks_pass(h, b->children, b, depth + 1);
		if (b->inlines) {
			bool caption = false;
			b->inlines = inlines_pass(h, b->inlines, 0, &caption);
			if (caption && b->type == BLK_PARAGRAPH && b->role == ROLE_NONE)
				b->role = ROLE_CAPTION;
			if (h->spill) {
				/* Markdown blocks cannot sit inside a paragraph's
				 * inline HTML; none are met here */
				h->spill = NULL;
				h->spill_tail = &h->spill;
			}
		}
	}
	if (has_raw_block(first))
		first = convert_blocks(h, first, parent, depth);
	/* paragraphs left empty (a comment, a dropped <script>) go */
	struct block **pp = &first;
	while (*pp) {
		struct block *b = *pp;
		if ((b->type == BLK_PARAGRAPH && !b->inlines) || b->type == BLK_HTML)
			*pp = b->next;
		else
			pp = &b->next;
	}
	return figures_pass(h, first, depth);
}

static void collect_anchor(void *ctx, struct block *owner, struct inline_node *in)
{
	struct hx *h = ctx;
	struct vec *v = &h->ph;
	if (owner->type == BLK_HEADING)
		h->last_heading = owner;
	if (in->type != INL_ANCHOR)
		return;
	struct html_anchor *a = arena_alloc(h->a, sizeof *a);
	a->node = in;
	a->id = in->text;
	a->heading = h->last_heading;
	vec_push(v, a);
}

void html_convert(struct run *run, struct chapter *ch, int max_block, int max_inline)
{
	struct hx h = {0};
	h.run = run;
	h.a = run->arena;
	h.ch = ch;
	h.max_block = max_block;
	h.max_inline = max_inline;
	h.spill_tail = &h.spill;
	xmlInitParser();
	ch->blocks = blocks_pass(&h, ch->blocks, NULL, 0);

	h.ph.n = 0;
	model_each_inline(ch->blocks, collect_anchor, &h);
	ch->nanchors = (int)h.ph.n;
	ch->anchors = arena_calloc(h.a, h.ph.n + 1, sizeof *ch->anchors);
	for (size_t i = 0; i < h.ph.n; i++)
		ch->anchors[i] = *(struct html_anchor *)h.ph.v[i];
	vec_free(&h.ph);
	vec_free(&h.warned);
	buf_free(&h.html);
	free(h.segs);
}
