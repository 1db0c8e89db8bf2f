/*
 * xhtml.c - the book model as EPUB 3 XHTML content documents.
 *
 * Blocks and inlines are walked with an explicit stack (enter/exit, as
 * cmark's renderers do), so deeply nested input cannot overflow the C
 * stack.  Past MAX_NEST levels container tags are no longer written (the
 * text still is), which keeps readers and validators from choking on
 * pathological nesting.
 */
#include "epub/xhtml.h"
#include "model/words.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "model/highlight.h"
#include "print/pagination.h"

#define MAX_NEST 64

/* ---- Escaping ---------------------------------------------------------- */

/* Decodes one UTF-8 sequence (strictly: no overlongs, surrogates or
 * values past U+10FFFF).  Returns its length, or 1 with 0xFFFD. */
static int decode_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	int len;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if ((size_t)len > n)
		goto bad;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

void xhtml_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = p[i];
		/* plain printable ASCII and tab/newline go out in runs */
		if ((c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' &&
		     c != '"') ||
		    c == '\t' || c == '\n') {
			i++;
			continue;
		}
		if (i > run)
			buf_put(b, p + run, i - run);
		if (c < 0x80) {
			switch (c) {
			case '&': buf_puts(b, "&amp;"); break;
			case '<': buf_puts(b, "&lt;"); break;
			case '>': buf_puts(b, "&gt;"); break;
			case '"': buf_puts(b, "&quot;"); break;
			default: break; /* C0 control or DEL: dropped */
			}
			i++;
		} else {
			uint32_t cp;
			int n = decode_utf8(p + i, len - i, &cp);
			if (cp == 0xFFFD && n == 1)
				buf_puts(b, "\xEF\xBF\xBD");
			else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE ||
				 cp == 0xFFFF)
				; /* C1 controls and non-characters: dropped */
			else
				buf_put(b, p + i, (size_t)n);
			i += (size_t)n;
		}
		run = i;
	}
	if (i > run)
		buf_put(b, p + run, i - run);
}

void xhtml_escape_str(struct buf *b, const char *s)
{
	if (s)
		xhtml_escape(b, s, strlen(s));
}

size_t xhtml_label(struct buf *b, const char *text, const char *fallback)
{
	size_t before = b->len;
	bool space = false;

	if (text) {
		const char *p = text;
		while (*p) {
			const char *q = p;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (q > p) {
				space = b->len > before;
				p = q;
				continue;
			}
			while (*q && *q != ' ' && *q != '\t' && *q != '\n' &&
			       *q != '\r')
				q++;
			size_t mark = b->len;
			if (space)
				buf_putc(b, ' ');
			size_t word = b->len;
			xhtml_escape(b, p, (size_t)(q - p));
			if (b->len == word)
				b->len = mark; /* only dropped characters */
			else
				space = false;
			p = q;
		}
	}
	if (b->len == before && fallback)
		xhtml_escape_str(b, fallback);
	if (b->data)
		b->data[b->len] = '\0';
	return b->len - before;
}

/* ---- Ids and URLs ------------------------------------------------------ */

static bool ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_alnum(int c)
{
	return ascii_alpha(c) || (c >= '0' && c <= '9');
}

void xhtml_id(struct buf *b, const char *slug)
{
	const unsigned char *p = (const unsigned char *)(slug ? slug : "");
	bool plain = ascii_alpha(p[0]) || p[0] == '_';

	for (const unsigned char *q = p; *q && plain; q++)
		if (!ascii_alnum(*q) && *q != '_' && *q != '-')
			plain = false;
	if (plain) {
		buf_puts(b, (const char *)p);
		return;
	}
	buf_puts(b, "h.");
	for (; *p; p++) {
		if (ascii_alnum(*p) || *p == '_' || *p == '-')
			buf_putc(b, *p);
		else
			buf_printf(b, ".%02x", *p);
	}
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		int c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != *prefix)
			return false;
	}
	return true;
}

/* Percent-encodes what a URI may not contain; keeps valid %XX escapes
 * and the first '#'; escapes '&' for XML. */
static void url_encode(struct buf *b, const char *s, size_t n, bool *fragment)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '%' && i + 2 < n && is_hex(p[i + 1]) && is_hex(p[i + 2])) {
			buf_putc(b, '%');
		} else if (c == '#' && !*fragment) {
			*fragment = true;
			buf_putc(b, '#');
		} else if (c == '&') {
			buf_puts(b, "&amp;");
		} else if (ascii_alnum(c) || (c && strchr("-._~!$'()*+,;=:@/?", c))) {
			buf_putc(b, c);
		} else {
			buf_printf(b, "%%%02X", c);
		}
	}
}

bool xhtml_url(struct buf *b, const char *url)
{
	const char *rest;
	const char *scheme;
	const char *host = NULL, *host_end = NULL;

	if (!url)
		return false;
	if (prefix_ci(url, "https://")) {
		scheme = "https://";
		rest = url + 8;
	} else if (prefix_ci(url, "http://")) {
		scheme = "http://";
		rest = url + 7;
	} else if (prefix_ci(url, "mailto:")) {
		scheme = "mailto:";
		rest = url + 7;
	} else {
		return false;
	}

	if (scheme[0] == 'h') {
		/* [user@]host[:port], host a DNS name or IPv4 address (or an
		 * IPv6 literal); anything else is not linked */
		const char *end = rest + strcspn(rest, "/?#");
		host = rest;
		for (const char *q = rest; q < end; q++)
			if (*q == '@')
				host = q + 1;
		const char *h = host;
		if (*h == '[') {
			while (h < end && *h != ']') {
				if (!is_hex(*h) && *h != ':' && *h != '.' &&
				    *h != '[')
					return false;
				h++;
			}
			if (h == end)
				return false;
			h++;
		} else {
			/* labels of letters, digits and '-', none empty
			 * (a final dot aside) */
			size_t label = 0;
			while (h < end && (ascii_alnum(*h) || *h == '-' ||
					   *h == '.')) {
				if (*h == '.') {
					if (label == 0)
						return false;
					label = 0;
				} else {
					label++;
				}
				h++;
			}
			if (h == host || (label == 0 && h - host < 2))
				return false;
		}
		if (h < end && *h == ':') {
			for (h++; h < end; h++)
				if (*h < '0' || *h > '9')
					return false;
		}
		if (h != end)
			return false;
		host_end = end;
		for (const char *q = rest; q < host; q++)
			if ((unsigned char)*q <= 0x20 || *q == '"' ||
			    *q == '<' || *q == '>' || *q == '\\')
				return false;
	} else if (!*rest) {
		return false;
	}

	buf_puts(b, scheme);
	bool fragment = false;
	if (host_end) {
		/* user info encoded; host and port were checked above and go
		 * out as they are (an IPv6 literal keeps its brackets) */
		url_encode(b, rest, (size_t)(host - rest), &fragment);
		buf_put(b, host, (size_t)(host_end - host));
		rest = host_end;
	}
	url_encode(b, rest, strlen(rest), &fragment);
	if (b->data)
		b->data[b->len] = '\0';
	return true;
}

void xhtml_chapter_file(char out[32], const struct chapter *ch)
{
	snprintf(out, 32, "chapter%03d.xhtml", ch->index + 1);
}

/* ---- Documents --------------------------------------------------------- */

void xhtml_begin(struct buf *b, const char *lang, const char *title,
		 const char *css_href)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<!DOCTYPE html>\n"
		    "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
		    "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"");
	xhtml_escape_str(b, lang);
	buf_puts(b, "\" xml:lang=\"");
	xhtml_escape_str(b, lang);
	buf_puts(b, "\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
	xhtml_label(b, title, "Untitled");
	buf_puts(b, "</title>\n");
	if (css_href) {
		buf_puts(b, "<link rel=\"stylesheet\" type=\"text/css\" href=\"");
		xhtml_escape_str(b, css_href);
		buf_puts(b, "\"/>\n");
	}
	buf_puts(b, "</head>\n<body>\n");
}

void xhtml_end(struct buf *b)
{
	buf_puts(b, "</body>\n</html>\n");
}

/* ---- Raw HTML ---------------------------------------------------------- */

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			 s[i] == '\r'))
		i++;
	return i;
}

/* Only HTML comments (and white space): a reader would see nothing, so
 * folio writes nothing (and never has to put "--" in an XML comment). */
static bool html_is_comment(const char *s, size_t n)
{
	size_t i = skip_ws(s, 0, n);
	if (i == n)
		return false;
	while (i < n) {
		if (n - i < 4 || memcmp(s + i, "<!--", 4) != 0)
			return false;
		size_t j = i + 4;
		while (j + 3 <= n && memcmp(s + j, "-->", 3) != 0)
			j++;
		if (j + 3 > n)
			return false;
		i = skip_ws(s, j + 3, n);
	}
	return true;
}

/* <br>, <br/>, <br /> in any case. */
static bool html_is_br(const char *s, size_t n)
{
	if (n < 4 || s[0] != '<' || (s[1] | 0x20) != 'b' || (s[2] | 0x20) != 'r')
		return false;
	size_t i = skip_ws(s, 3, n);
	if (i < n && s[i] == '/')
		i++;
	return i + 1 == n && s[i] == '>';
}

/* Inline HTML that folio converts when the author's tags are simple (no
 * attributes) and balanced among their siblings: formatting only, so
 * nothing in it can run or load anything. */
static const char *const simple_tags[] = {
	"b", "i", "em", "strong", "code", "kbd", "samp", "var", "sup", "sub",
	"u", "s", "mark", "small", "del", "ins", NULL
};

/* "<name>" or "</name>" for a simple tag: its index in simple_tags, or
 * -1. */
static int html_simple_tag(const char *s, size_t n, bool *close)
{
	size_t i = 1, start;
	char name[8];

	if (n < 3 || s[0] != '<')
		return -1;
	*close = s[1] == '/';
	if (*close)
		i++;
	start = i;
	while (i < n && i - start < sizeof name - 1 && ascii_alpha(s[i])) {
		name[i - start] = (char)(s[i] | 0x20);
		i++;
	}
	if (i == start || i - start >= sizeof name - 1)
		return -1;
	name[i - start] = '\0';
	i = skip_ws(s, i, n);
	if (i + 1 != n || s[i] != '>')
		return -1;
	for (int k = 0; simple_tags[k]; k++)
		if (strcmp(simple_tags[k], name) == 0)
			return k;
	return -1;
}

/* Does the simple open tag n (tag) have its close tag among the siblings
 * after it, with every simple tag in between balanced? */
static bool html_tag_closed(const struct inline_node *n, int tag)
{
	int stack[32];
	int depth = 0;

	for (const struct inline_node *m = n->next; m; m = m->next) {
		bool close;
		int t;
		if (m->type != INL_HTML ||
		    (t = html_simple_tag(m->text, m->len, &close)) < 0)
			continue;
		if (!close) {
			if (depth == 32)
				return false;
			stack[depth++] = t;
		} else if (depth == 0) {
			return t == tag;
		} else if (stack[depth - 1] == t) {
			depth--;
		} else {
			return false;
		}
	}
	return false;
}

/* ---- The chapter writer ------------------------------------------------ */

struct render {
	struct buf *b;
	const struct xhtml_env *env;
	const struct chapter *ch;
	int *fn_refs;        /* by footnote number: references written */
	int nfn;             /* entries in fn_refs */
	int link_depth;      /* open <a> elements */
	enum task_state pending_task; /* checkbox owed to the next paragraph */
	struct buf iflags;   /* per open inline: what its exit must close */
	/* simple HTML tags converted and still open: tag, inline depth */
	struct { int tag; size_t depth; } html_open[32];
	int nhtml_open;
	struct buf bflags;   /* per open block: same */

	/* Page breaks of the print edition: this chapter's, in page order,
	 * and those due in the leaf block being written, whose words are
	 * counted by the rule of pagination.h as its text goes out. */
	struct vec pb;       /* struct xhtml_pagebreak * */
	struct vec due;      /* of pb: in the current leaf block */
	int word;            /* words begun so far in the leaf block */
	bool in_word;        /* the last counted character was not blank */
	int quiet;           /* > 0: inside image alt text, which is no words */
};

enum {
	F_TAG = 1,  /* a tag was opened and must be closed */
	F_A = 2,    /* an <a> was opened */
	F_NOTE = 4, /* a known-target note follows the text */
	F_SPAN = 8, /* a <span> holding a citation's id was opened */
	F_REF = 16, /* a citation: its resource number follows */
	F_QUIET = 32 /* image alt text shown as text: not words */
};

static void push_flag(struct buf *stack, int f)
{
	buf_putc(stack, f);
}

static int pop_flag(struct buf *stack)
{
	if (stack->len == 0)
		return 0;
	return (unsigned char)stack->data[--stack->len];
}

static void render_blocks(struct render *r, const struct block *first);

/* ---- Page breaks --------------------------------------------------------- */

void xhtml_pagebreak(struct buf *b, struct xhtml_pagebreak *pb)
{
	buf_puts(b, "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"");
	xhtml_escape_str(b, pb->id);
	buf_puts(b, "\" aria-label=\"");
	xhtml_escape_str(b, pb->label);
	buf_puts(b, "\"/>");
	pb->written = true;
}

void xhtml_pagebreaks_at(struct buf *b, const struct xhtml_env *env,
			 enum xhtml_place place)
{
	for (int i = 0; i < env->nbreaks; i++)
		if (env->breaks[i].place == place && !env->breaks[i].written)
			xhtml_pagebreak(b, &env->breaks[i]);
}

/* White space between words, by the rule the print layout counts them
 * with (model/words.h). */
static bool word_space(const char *c)
{
	return words_space((unsigned char)*c);
}

/* Writes the markers due at or before word n of the leaf block. */
static void breaks_due(struct render *r, int n)
{
	for (size_t i = 0; i < r->due.n; i++) {
		struct xhtml_pagebreak *pb = r->due.v[i];
		if (!pb->written && pb->word <= n)
			xhtml_pagebreak(r->b, pb);
	}
}

/* A leaf block begins (paragraph, heading, cell, code or HTML block):
 * its markers become due, those before its first word go out here,
 * before the block's own element. */
static void breaks_open(struct render *r, const struct block *blk)
{
	r->due.n = 0;
	r->word = 0;
	r->in_word = false;
	for (size_t i = 0; i < r->pb.n; i++) {
		struct xhtml_pagebreak *pb = r->pb.v[i];
		if (pb->block == blk && !pb->written)
			vec_push(&r->due, pb);
	}
	breaks_due(r, 0);
}

/* The leaf block ends: markers past its last word go out here, inside
 * its element. */
static void breaks_close(struct render *r)
{
	breaks_due(r, INT32_MAX);
	r->due.n = 0;
}

/* Walks the words of s, putting the markers due right before the words
 * they name; with write, s goes out escaped between them, else it is only
 * counted (raw HTML shown otherwise or not at all). */
static void walk_text(struct render *r, const char *s, size_t len, bool write)
{
	size_t run = 0;

	if (r->due.n == 0 || r->quiet) {
		if (write)
			xhtml_escape(r->b, s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (word_space(s + i)) {
			r->in_word = false;
		} else if (!r->in_word) {
			r->in_word = true;
			if (write)
				xhtml_escape(r->b, s + run, i - run);
			run = i;
			breaks_due(r, r->word);
			r->word++;
		}
	}
	if (write)
		xhtml_escape(r->b, s + run, len - run);
}

static void put_text(struct render *r, const char *s, size_t len)
{
	walk_text(r, s, len, true);
}

static void skip_words(struct render *r, const char *s, size_t len)
{
	walk_text(r, s, len, false);
}

/* Soft and hard breaks separate words. */
static void word_break(struct render *r)
{
	if (!r->quiet)
		r->in_word = false;
}

static void task_box(struct render *r, enum task_state t)
{
	if (t == TASK_DONE)
		buf_puts(r->b, "<span class=\"task task-done\">\xE2\x98\x91</span> ");
	else if (t == TASK_OPEN)
		buf_puts(r->b, "<span class=\"task task-open\">\xE2\x98\x90</span> ");
}

/* The href of an internal link, or false when it has no usable target. */
static bool internal_href(struct render *r, const struct link *l)
{
	const struct chapter *t = l->chapter;
	const char *anchor = NULL;
	char file[32];

	if (!t || t->index < 0 || t->index >= r->env->book->nchapters)
		return false;
	if (l->heading && l->heading->slug) {
		anchor = l->heading->slug;
	} else if (l->anchor) {
		/* only to an id the target really has */
		for (int i = 0; i < t->nheadings; i++)
			if (t->headings[i]->slug &&
			    strcmp(t->headings[i]->slug, l->anchor) == 0)
				anchor = l->anchor;
	}
	xhtml_chapter_file(file, t);
	buf_puts(r->b, file);
	if (anchor) {
		buf_putc(r->b, '#');
		xhtml_id(r->b, anchor);
	}
	return true;
}

static void put_title_attr(struct render *r, const struct link *l)
{
	if (l->title && *l->title) {
		buf_puts(r->b, " title=\"");
		xhtml_escape_str(r->b, l->title);
		buf_putc(r->b, '"');
	}
}

/* The citation of the external link n, or NULL (no appendix, or a link
 * that is not one of book->extrefs). */
static const struct xhtml_ref *find_ref(const struct xhtml_env *env,
					const struct inline_node *n)
{
	size_t count = env->resources_href && env->refs && env->nrefs > 0 ?
			       (size_t)env->nrefs : 0;
	size_t lo = 0, hi = count;
	uintptr_t key = (uintptr_t)n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)env->refs[mid].node < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < count && env->refs[lo].node == n)
		return &env->refs[lo];
	return NULL;
}

/* Writes the citation's id attribute and records that it exists. */
static void ref_id(struct render *r, const struct xhtml_ref *ref)
{
	buf_printf(r->b, " id=\"ref.%d.%d\"", ref->number, ref->k);
	if (r->env->ref_written && ref->extref >= 0 &&
	    ref->extref < r->env->book->nextrefs)
		r->env->ref_written[ref->extref] = true;
}

/* An external link: <a> when it may be one, else its text in a <span>
 * that holds its citation id (the appendix links back to it). */
static int external_enter(struct render *r, const struct inline_node *n)
{
	struct buf *b = r->b;
	const struct xhtml_ref *ref = find_ref(r->env, n);

	if (r->link_depth == 0) {
		size_t mark = b->len;
		buf_puts(b, "<a class=\"ext\" href=\"");
		if (xhtml_url(b, n->link->url)) {
			buf_putc(b, '"');
			if (ref)
				ref_id(r, ref);
			put_title_attr(r, n->link);
			buf_putc(b, '>');
			r->link_depth++;
			return F_A | (ref ? F_REF : 0);
		}
		b->len = mark;
		b->data[mark] = '\0';
	}
	if (!ref)
		return 0;
	buf_puts(b, "<span class=\"ext-text\"");
	ref_id(r, ref);
	buf_putc(b, '>');
	return F_SPAN | F_REF;
}

/* After a citation: its resource number, linking to the entry. */
static void ref_number(struct render *r, const struct inline_node *n)
{
	const struct xhtml_ref *ref = find_ref(r->env, n);

	if (!ref || !r->env->resource_numbers)
		return;
	if (r->link_depth > 0) {
		buf_printf(r->b, "<sup class=\"rref\">%d</sup>", ref->number);
		return;
	}
	buf_puts(r->b, "<sup class=\"rref\"><a href=\"");
	xhtml_escape_str(r->b, r->env->resources_href);
	buf_printf(r->b, "#res.%d\" aria-label=\"Resource %d\">%d</a></sup>",
		   ref->number, ref->number, ref->number);
}

/* Opens <a ...> for a link when it gets one; returns the exit flags. */
static int link_enter(struct render *r, const struct inline_node *n)
{
	const struct link *l = n->link;
	struct buf *b = r->b;

	if (!l)
		return 0;
	if (l->kind == LINK_KNOWN)
		return F_NOTE;
	if (l->kind == LINK_EXTERNAL)
		return external_enter(r, n);
	if (r->link_depth > 0)
		return 0; /* XHTML forbids <a> inside <a> */
	if (l->kind == LINK_INTERNAL) {
		size_t mark = b->len;
		buf_puts(b, "<a href=\"");
		if (!internal_href(r, l)) {
			b->len = mark;
			b->data[mark] = '\0';
			return 0;
		}
		buf_putc(b, '"');
	} else {
		/* broken, unresolved, or a link to an image file (not a
		 * content document, so not linkable in EPUB): text only */
		return 0;
	}
	put_title_attr(r, l);
	buf_putc(b, '>');
	r->link_depth++;
	return F_A;
}

static void image_put(struct render *r, const struct inline_node *n,
		      const char *href)
{
	struct buf alt = BUF_INIT;
	const struct image *img = n->link->image;

	model_text(&alt, n->children, MODEL_TEXT_ALT);
	buf_puts(r->b, "<img src=\"");
	xhtml_escape_str(r->b, href);
	buf_puts(r->b, "\" alt=\"");
	xhtml_label(r->b, alt.data, NULL);
	buf_putc(r->b, '"');
	put_title_attr(r, n->link);
	if (img->width > 0 && img->height > 0)
		buf_printf(r->b, " width=\"%d\" height=\"%d\"", img->width,
			   img->height);
	buf_puts(r->b, "/>");
	buf_free(&alt);
}

static const char *image_href(struct render *r, const struct link *l)
{
	if (!l || l->kind != LINK_IMAGE || !l->image)
		return NULL;
	int i = l->image->index;
	if (i < 0 || i >= r->env->nimage_href)
		return NULL;
	return r->env->image_href[i];
}

static void footnote_ref(struct render *r, const struct inline_node *n)
{
	const struct footnote *fn = n->footnote;
	struct buf *b = r->b;

	if (!fn || !fn->def || fn->number < 1 || fn->number >= r->nfn) {
		/* nothing to point at: keep what the author wrote */
		buf_puts(b, "[^");
		xhtml_escape_str(b, fn && fn->label ? fn->label : "");
		buf_putc(b, ']');
		return;
	}
	int k = ++r->fn_refs[fn->number];
	if (r->link_depth > 0) {
		buf_printf(b, "<sup class=\"fnref\" id=\"fnref.%d.%d\">%d</sup>",
			   fn->number, k, fn->number);
		return;
	}
	buf_printf(b, "<sup class=\"fnref\"><a epub:type=\"noteref\" "
		      "role=\"doc-noteref\" href=\"#fn.%d\" id=\"fnref.%d.%d\">"
		      "%d</a></sup>",
		   fn->number, fn->number, k, fn->number);
}

/* Writes a simple, balanced HTML tag as the element it is; false when
 * the tag must be shown as text instead. */
static bool raw_tag(struct render *r, const struct inline_node *n,
		    size_t depth)
{
	bool close;
	int t = html_simple_tag(n->text, n->len, &close);

	if (t < 0)
		return false;
	if (!close) {
		if (r->nhtml_open == 32 || !html_tag_closed(n, t))
			return false;
		r->html_open[r->nhtml_open].tag = t;
		r->html_open[r->nhtml_open].depth = depth;
		r->nhtml_open++;
		buf_printf(r->b, "<%s>", simple_tags[t]);
		return true;
	}
	if (r->nhtml_open == 0 || r->html_open[r->nhtml_open - 1].tag != t ||
	    r->html_open[r->nhtml_open - 1].depth != depth)
		return false;
	r->nhtml_open--;
	buf_printf(r->b, "</%s>", simple_tags[t]);
	return true;
}

/* Enter an inline: write what comes before its children.  Returns true
 * when its children follow (its exit flags are then pushed). */
static bool inline_enter(struct render *r, const struct inline_node *n,
			 size_t depth)
{
	struct buf *b = r->b;
	bool tags = depth < MAX_NEST;
	const char *href;

	switch (n->type) {
	case INL_TEXT:
		put_text(r, n->text, n->len);
		return false;
	case INL_SOFTBREAK:
		word_break(r);
		buf_putc(b, '\n');
		return false;
	case INL_LINEBREAK:
		word_break(r);
		buf_puts(b, "<br/>\n");
		return false;
	case INL_CODE:
		buf_puts(b, "<code>");
		put_text(r, n->text, n->len);
		buf_puts(b, "</code>");
		return false;
	case INL_HTML:
		/* its words count as written, whatever is shown: a marker
		 * due inside goes before it */
		if (html_is_comment(n->text, n->len)) {
			skip_words(r, n->text, n->len);
			return false;
		}
		if (html_is_br(n->text, n->len)) {
			skip_words(r, n->text, n->len);
			buf_puts(b, "<br/>");
			return false;
		}
		skip_words(r, n->text, n->len);
		if (raw_tag(r, n, depth))
			return false;
		buf_puts(b, "<code class=\"raw-html\">");
		xhtml_escape(b, n->text, n->len);
		buf_puts(b, "</code>");
		return false;
	case INL_EMPH:
		if (tags)
			buf_puts(b, "<em>");
		push_flag(&r->iflags, tags ? F_TAG : 0);
		return true;
	case INL_STRONG:
		if (tags)
			buf_puts(b, "<strong>");
		push_flag(&r->iflags, tags ? F_TAG : 0);
		return true;
	case INL_STRIKE:
		if (tags)
			buf_puts(b, "<del>");
		push_flag(&r->iflags, tags ? F_TAG : 0);
		return true;
	case INL_LINK:
		push_flag(&r->iflags, tags ? link_enter(r, n) :
				      (n->link && n->link->kind == LINK_KNOWN ?
					       F_NOTE : 0));
		return true;
	case INL_IMAGE:
		href = image_href(r, n->link);
		if (href) {
			image_put(r, n, href);
			return false;
		}
		/* missing or refused image: its alt text, as text (not
		 * words: the print edition shows the image or nothing) */
		push_flag(&r->iflags, F_QUIET);
		r->quiet++;
		return true;
	case INL_FOOTNOTE_REF:
		footnote_ref(r, n);
		return false;
	}
	return false;
}

static void inline_exit(struct render *r, const struct inline_node *n)
{
	struct buf *b = r->b;
	int f = pop_flag(&r->iflags);

	if (f & F_QUIET)
		r->quiet--;
	switch (n->type) {
	case INL_EMPH:
		if (f & F_TAG)
			buf_puts(b, "</em>");
		break;
	case INL_STRONG:
		if (f & F_TAG)
			buf_puts(b, "</strong>");
		break;
	case INL_STRIKE:
		if (f & F_TAG)
			buf_puts(b, "</del>");
		break;
	case INL_LINK:
		if (f & F_A) {
			buf_puts(b, "</a>");
			r->link_depth--;
		}
		if (f & F_SPAN)
			buf_puts(b, "</span>");
		if (f & F_REF)
			ref_number(r, n);
		if ((f & F_NOTE) && n->link && n->link->note) {
			buf_puts(b, " <span class=\"known-note\">(");
			xhtml_escape_str(b, n->link->note);
			buf_puts(b, ")</span>");
		}
		break;
	default:
		break;
	}
}

static void render_inlines(struct render *r, const struct inline_node *first)
{
	struct vec st = {NULL, 0, 0};
	const struct inline_node *n = first;

	while (n) {
		if (inline_enter(r, n, st.n)) {
			if (n->children) {
				vec_push(&st, (void *)n);
				n = n->children;
				continue;
			}
			inline_exit(r, n);
		}
		while (!n->next && st.n > 0) {
			n = st.v[--st.n];
			inline_exit(r, n);
		}
		n = n->next;
	}
	vec_free(&st);
}

/* ---- Blocks ------------------------------------------------------------ */

static void code_span(void *ctx, enum hl_class cls, const char *text,
		      size_t len)
{
	struct render *r = ctx;
	if (cls == HL_PLAIN) {
		put_text(r, text, len);
		return;
	}
	buf_printf(r->b, "<span class=\"%s\">", hl_class_name(cls));
	put_text(r, text, len);
	buf_puts(r->b, "</span>");
}

static void code_block(struct render *r, const struct block *blk)
{
	struct buf *b = r->b;
	size_t len = blk->text ? blk->len : 0;
	const char *lang = blk->lang ? blk->lang : "";

	/* the final newline would show as an empty last line */
	if (len > 0 && blk->text[len - 1] == '\n')
		len--;
	breaks_open(r, blk);
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
	highlight(lang, blk->text ? blk->text : "", len, code_span, r);
	breaks_close(r);
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
				breaks_open(r, c);
				render_inlines(r, c->inlines);
				breaks_close(r);
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
	case BLK_PARAGRAPH: {
		bool tight = parent && parent->type == BLK_ITEM && grand &&
			     grand->type == BLK_LIST && grand->tight &&
			     depth <= MAX_NEST;
		breaks_open(r, blk);
		if (!tight)
			buf_puts(b, "<p>");
		if (r->pending_task != TASK_NONE) {
			task_box(r, r->pending_task);
			r->pending_task = TASK_NONE;
		}
		render_inlines(r, blk->inlines);
		breaks_close(r);
		buf_puts(b, tight ? "\n" : "</p>\n");
		return false;
	}
	case BLK_HEADING:
		level = blk->level < 1 ? 1 : blk->level > 6 ? 6 : blk->level;
		breaks_open(r, blk);
		buf_printf(b, "<h%d", level);
		if (blk->slug && *blk->slug) {
			buf_puts(b, " id=\"");
			xhtml_id(b, blk->slug);
			buf_putc(b, '"');
		}
		buf_putc(b, '>');
		render_inlines(r, blk->inlines);
		breaks_close(r);
		buf_printf(b, "</h%d>\n", level);
		return false;
	case BLK_CODE:
		code_block(r, blk);
		return false;
	case BLK_HTML: {
		size_t len = blk->text ? blk->len : 0;
		breaks_open(r, blk);
		if (len == 0 || html_is_comment(blk->text, len)) {
			/* nothing shown: its markers go where it stands */
			breaks_close(r);
			return false;
		}
		while (len > 0 && blk->text[len - 1] == '\n')
			len--;
		buf_puts(b, "<pre class=\"raw-html\">");
		put_text(r, blk->text, len);
		breaks_close(r);
		buf_puts(b, "</pre>\n");
		return false;
	}
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
		breaks_open(r, blk);
		buf_puts(b, "<p>");
		render_inlines(r, blk->inlines);
		breaks_close(r);
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
	case BLK_ITEM:
		r->pending_task = TASK_NONE;
		if (f & F_TAG)
			buf_puts(b, "</li>\n");
		break;
	default:
		break;
	}
}

static void render_blocks(struct render *r, const struct block *first)
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

/* The chapter's footnotes, in number order, after its text. */
static void render_footnotes(struct render *r)
{
	struct buf *b = r->b;
	const struct chapter *ch = r->ch;
	bool any = false;

	for (int i = 0; i < ch->nfootnotes; i++) {
		const struct footnote *fn = ch->footnotes[i];
		if (!fn || !fn->def)
			continue;
		if (!any) {
			buf_puts(b, "<section class=\"footnotes\" "
				    "epub:type=\"footnotes\">\n<hr/>\n");
			any = true;
		}
		int num = fn->number;
		int refs = num >= 1 && num < r->nfn ? r->fn_refs[num] : 0;
		if (num >= 1 && num < r->nfn)
			buf_printf(b, "<aside class=\"footnote\" epub:type=\"footnote\" "
				      "role=\"doc-footnote\" id=\"fn.%d\">\n", num);
		else
			buf_printf(b, "<aside class=\"footnote\" epub:type=\"footnote\" "
				      "role=\"doc-footnote\" id=\"fn.0.%d\">\n", i + 1);

		/* the number, linking back to the first reference */
		struct buf label = BUF_INIT;
		if (num >= 1 && refs > 0)
			buf_printf(&label, "<a class=\"fn-back\" role=\"doc-backlink\" "
					   "href=\"#fnref.%d.1\">%d.</a> ", num, num);
		else if (num >= 1)
			buf_printf(&label, "<span class=\"fn-num\">%d.</span> ", num);

		const struct block *first = fn->def->children;
		if (first && first->type == BLK_PARAGRAPH) {
			breaks_open(r, first);
			buf_puts(b, "<p>");
			if (label.len)
				buf_put(b, label.data, label.len);
			render_inlines(r, first->inlines);
			breaks_close(r);
			buf_puts(b, "</p>\n");
			render_blocks(r, first->next);
		} else {
			if (label.len) {
				buf_puts(b, "<p class=\"fn-label\">");
				buf_put(b, label.data, label.len);
				buf_puts(b, "</p>\n");
			}
			render_blocks(r, first);
		}
		buf_free(&label);

		/* more references: one back link each */
		refs = num >= 1 && num < r->nfn ? r->fn_refs[num] : 0;
		if (refs > 1) {
			buf_puts(b, "<p class=\"fn-more\">");
			for (int k = 2; k <= refs; k++)
				buf_printf(b, "%s<a class=\"fn-back\" role=\"doc-backlink\" "
					      "href=\"#fnref.%d.%d\">\xE2\x86\xA9 %d</a>",
					   k > 2 ? " " : "", num, k, k);
			buf_puts(b, "</p>\n");
		}
		buf_puts(b, "</aside>\n");
	}
	if (any)
		buf_puts(b, "</section>\n");
}

void xhtml_chapter(struct buf *b, const struct xhtml_env *env,
		   const struct chapter *ch)
{
	struct render r;
	char fallback[48];
	int maxnum = 0;

	memset(&r, 0, sizeof r);
	r.b = b;
	r.env = env;
	r.ch = ch;
	for (int i = 0; i < ch->nfootnotes; i++)
		if (ch->footnotes[i] && ch->footnotes[i]->number > maxnum)
			maxnum = ch->footnotes[i]->number;
	r.nfn = maxnum + 1;
	r.fn_refs = xcalloc((size_t)r.nfn, sizeof *r.fn_refs);

	for (int i = 0; i < env->nbreaks; i++)
		if (env->breaks[i].place == PB_CHAPTER && env->breaks[i].chapter == ch)
			vec_push(&r.pb, &env->breaks[i]);

	snprintf(fallback, sizeof fallback, "Chapter %d", ch->index + 1);
	xhtml_begin(b, env->lang, ch->title && *ch->title ? ch->title : fallback,
		    env->css_href);
	buf_puts(b, "<section class=\"chapter\" epub:type=\"chapter\" "
		    "role=\"doc-chapter\">\n");
	render_blocks(&r, ch->blocks);
	/* pages that open on no text of the chapter (a figure, a blank
	 * verso) after its last text: where the text ends */
	for (size_t i = 0; i < r.pb.n; i++) {
		struct xhtml_pagebreak *pb = r.pb.v[i];
		if (!pb->block && !pb->written)
			xhtml_pagebreak(b, pb);
	}
	render_footnotes(&r);
	/* any block the chapter did not write: still one marker per page */
	for (size_t i = 0; i < r.pb.n; i++) {
		struct xhtml_pagebreak *pb = r.pb.v[i];
		if (!pb->written)
			xhtml_pagebreak(b, pb);
	}
	buf_puts(b, "</section>\n");
	xhtml_end(b);

	free(r.fn_refs);
	buf_free(&r.iflags);
	buf_free(&r.bflags);
	vec_free(&r.pb);
	vec_free(&r.due);
}

/* ---- The Resources appendix -------------------------------------------- */

static int ref_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct xhtml_ref *)a)->node;
	uintptr_t y = (uintptr_t)((const struct xhtml_ref *)b)->node;
	return x < y ? -1 : x > y;
}

struct xhtml_ref *xhtml_refs(const struct book *book, struct arena *a, int *n)
{
	size_t total = 0;
	for (int i = 0; i < book->nresources; i++)
		total += (size_t)book->resources[i].nrefs;
	struct xhtml_ref *refs = arena_calloc(a, total + 1, sizeof *refs);
	size_t m = 0;
	for (int i = 0; i < book->nresources; i++) {
		const struct resource *res = &book->resources[i];
		for (int k = 0; k < res->nrefs; k++) {
			int e = res->refs[k];
			if (e < 0 || e >= book->nextrefs || !book->extrefs[e].node)
				continue;
			refs[m].node = book->extrefs[e].node;
			refs[m].extref = e;
			refs[m].number = res->number;
			refs[m].k = k + 1;
			m++;
		}
	}
	qsort(refs, m, sizeof *refs, ref_cmp);
	*n = (int)m;
	return refs;
}

/* "1.2. Title" for a chapter, as the contents name it. */
static void chapter_name(struct buf *b, const struct chapter *ch)
{
	if (ch->number && *ch->number) {
		xhtml_label(b, ch->number, NULL);
		buf_putc(b, ' ');
	}
	if (!xhtml_label(b, ch->title, NULL))
		xhtml_label(b, ch->path, "Chapter");
}

/* The URL as text that may break after each '/' (not inside "//") and
 * before '?', '#' and '&', where a reader would expect it to. */
static void url_text(struct buf *b, const char *url)
{
	const char *p = url, *run = url;

	for (; *p; p++) {
		bool before = (*p == '?' || *p == '#' || *p == '&') && p > url;
		bool after = *p == '/' && p[1] && p[1] != '/' && p > url && p[-1] != '/';
		if (before) {
			xhtml_escape(b, run, (size_t)(p - run));
			buf_puts(b, "<wbr/>");
			run = p;
		}
		if (after) {
			xhtml_escape(b, run, (size_t)(p + 1 - run));
			buf_puts(b, "<wbr/>");
			run = p + 1;
		}
	}
	xhtml_escape(b, run, (size_t)(p - run));
}

/* "Cited in": a link back to each citation whose id exists; several in
 * one chapter are told apart by a count. */
static void cited_in(struct buf *b, const struct xhtml_env *env,
		     const struct resource *res)
{
	const struct book *book = env->book;
	const struct chapter *prev = NULL;
	int nth = 0, shown = 0;

	for (int k = 0; k < res->nrefs; k++) {
		int e = res->refs[k];
		if (e < 0 || e >= book->nextrefs)
			continue;
		const struct extref *x = &book->extrefs[e];
		const struct chapter *ch = x->chapter;
		if (!ch || ch->index < 0 || ch->index >= book->nchapters)
			continue;
		nth = ch == prev ? nth + 1 : 1;
		prev = ch;
		buf_puts(b, shown++ ? ", " : "<p class=\"res-cited\">Cited in: ");
		bool linked = env->ref_written && env->ref_written[e];
		if (linked) {
			char file[32];
			xhtml_chapter_file(file, ch);
			buf_printf(b, "<a role=\"doc-backlink\" href=\"%s#ref.%d.%d\">",
				   file, res->number, k + 1);
		}
		chapter_name(b, ch);
		if (x->in_resources && book->resources_section) {
			buf_puts(b, " \xE2\x80\x93 ");
			xhtml_label(b, book->resources_section->plain, "Resources");
		}
		if (nth > 1)
			buf_printf(b, " (%d)", nth);
		if (linked)
			buf_puts(b, "</a>");
	}
	if (shown)
		buf_puts(b, "</p>\n");
}

static void appendix_breaks(struct buf *b, const struct xhtml_env *env, int i);

static void resource_entry(struct buf *b, const struct xhtml_env *env,
			   const struct resource *res, int i)
{
	bool titled = res->title && strcmp(res->title, res->url) != 0;

	buf_printf(b, "<li class=\"resource\" id=\"res.%d\">", res->number);
	appendix_breaks(b, env, i);
	buf_printf(b, "\n<p class=\"res-title\"><span class=\"res-num\">%d.</span> ",
		   res->number);
	if (titled)
		xhtml_label(b, res->title, "");
	else
		url_text(b, res->url);
	buf_puts(b, "</p>\n<p class=\"res-url\">");
	size_t mark = b->len;
	buf_puts(b, "<a class=\"ext\" href=\"");
	bool link = xhtml_url(b, res->url);
	if (link) {
		buf_puts(b, "\">");
	} else {
		/* not a URL a reader may follow: shown, not linked */
		b->len = mark;
		b->data[mark] = '\0';
	}
	url_text(b, res->url);
	buf_puts(b, link ? "</a></p>\n" : "</p>\n");
	if (res->description && *res->description) {
		buf_puts(b, "<p class=\"res-desc\">");
		xhtml_label(b, res->description, "");
		buf_puts(b, "</p>\n");
	}
	cited_in(b, env, res);
	buf_puts(b, "</li>\n");
}

/* The appendix's page breaks due at entry i (0-based): at the
 * appendix's start for 0, else at the start of the entry. */
static void appendix_breaks(struct buf *b, const struct xhtml_env *env, int i)
{
	for (int k = 0; k < env->nbreaks; k++) {
		struct xhtml_pagebreak *pb = &env->breaks[k];
		if (pb->place == PB_APPENDIX && !pb->written && pb->word <= i)
			xhtml_pagebreak(b, pb);
	}
}

void xhtml_resources(struct buf *b, const struct xhtml_env *env,
		     const char *title, const char *author_group)
{
	const struct book *book = env->book;
	int group = 0;

	xhtml_begin(b, env->lang, title, env->css_href);
	buf_puts(b, "<section class=\"resources\" epub:type=\"appendix\" "
		    "role=\"doc-appendix\" aria-labelledby=\"resources\">\n");
	appendix_breaks(b, env, 0);
	buf_puts(b, "<h1 id=\"resources\">");
	xhtml_label(b, title, "Resources");
	buf_puts(b, "</h1>\n<p class=\"res-intro\">Every web address this book "
		    "links to, numbered as in the text. Each entry links to the "
		    "resource and back to the places that cite it.</p>\n");
	for (int i = 0; i < book->nresources; i++) {
		const struct resource *res = &book->resources[i];
		const struct resource *prev = i > 0 ? &book->resources[i - 1] : NULL;
		bool opens = !prev || prev->author_listed != res->author_listed ||
			     (!res->author_listed && prev->chapter != res->chapter);
		if (opens) {
			if (prev)
				buf_puts(b, "</ol>\n</section>\n");
			group++;
			buf_printf(b, "<section class=\"res-group\" aria-labelledby=\"group.%d\">\n"
				      "<h2 id=\"group.%d\">", group, group);
			if (res->author_listed)
				xhtml_label(b, author_group, "Listed by the author");
			else if (res->chapter)
				chapter_name(b, res->chapter);
			else
				buf_puts(b, "Other");
			buf_printf(b, "</h2>\n<ol class=\"resources\" start=\"%d\">\n",
				   res->number);
		}
		resource_entry(b, env, res, i);
	}
	if (book->nresources > 0)
		buf_puts(b, "</ol>\n</section>\n");
	/* the print edition's last appendix pages, if it has more entries */
	appendix_breaks(b, env, INT32_MAX);
	buf_puts(b, "</section>\n");
	xhtml_end(b);
}
