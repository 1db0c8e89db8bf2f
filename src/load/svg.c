/*
 * svg.c - an allowlist sanitizer for SVG images (svg.h), on libxml2.
 *
 * The parse: XML_PARSE_NONET, and neither XML_PARSE_NOENT (entities are
 * not substituted: a reference stays a node, which is dropped) nor
 * XML_PARSE_DTDLOAD (the DOCTYPE's external subset, svg11.dtd, is never
 * fetched).  Names are judged as namespace and local name, so a prefix
 * (<s:script>) changes nothing, and attribute values as the parser
 * decoded them, so "&#106;avascript:" is "javascript:".
 *
 * The tree libxml2 builds is at most 256 elements deep (its default
 * limit, XML_PARSE_HUGE not given), which bounds the recursion here.
 */
#include "load/svg.h"
#include "base/arena.h"
#include "base/base.h"
#include "base/imagefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define SVG_NS "http://www.w3.org/2000/svg"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define XML_NS "http://www.w3.org/XML/1998/namespace"

/* SVG 1.1 and 2 elements that draw, group, define or describe.  Not
 * here, so dropped with their content: script, foreignObject, handler,
 * listener, font-face-uri, cursor, iframe, video, audio, canvas. */
static const char *const svg_elements[] = {
	"svg", "g", "defs", "desc", "title", "metadata", "symbol", "use", "switch", "image",
	"style", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
	"tspan", "textPath", "tref", "altGlyph", "altGlyphDef", "altGlyphItem", "glyphRef",
	"marker", "pattern", "clipPath", "mask", "linearGradient", "radialGradient",
	"meshgradient", "meshrow", "meshpatch", "stop", "filter", "feBlend", "feColorMatrix",
	"feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting",
	"feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
	"feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
	"feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
	"feSpotLight", "feTile", "feTurbulence", "font", "font-face", "font-face-src",
	"font-face-name", "glyph", "missing-glyph", "hkern", "vkern", "view", "animate",
	"animateColor", "animateMotion", "animateTransform", "set", "mpath", "solidcolor",
	"a", NULL};

/* Elements that run code or hold another vocabulary (counted as such). */
static const char *const script_elements[] = {"script", "handler", "listener", NULL};

static bool ns_is(const xmlNs *ns, const char *href)
{
	return ns && ns->href && strcmp((const char *)ns->href, href) == 0;
}

struct san {
	struct buf out;
	unsigned removed;
	bool no_ns; /* the document uses no namespace: its elements are SVG */
	char **ids; /* every id in the document, sorted */
	size_t nids;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_ids(const xmlNode *el, struct vec *v)
{
	for (const xmlNode *c = el; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (const xmlAttr *a = c->properties; a; a = a->next)
			if (strcmp((const char *)a->name, "id") == 0 &&
			    (!a->ns || ns_is(a->ns, XML_NS)) && a->children &&
			    a->children->type == XML_TEXT_NODE && a->children->content)
				vec_push(v, xstrdup((const char *)a->children->content));
		collect_ids(c->children, v);
	}
}

/* Whether "#frag" (n bytes of frag) names an element of the document: a
 * reference to none would be a broken link in the EPUB. */
static bool id_defined(const struct san *s, const char *frag, size_t n)
{
	if (!s->nids)
		return false;
	char *key = xmalloc(n + 1);
	memcpy(key, frag, n);
	key[n] = 0;
	bool found = bsearch(&key, s->ids, s->nids, sizeof *s->ids, cmp_str) != NULL;
	free(key);
	return found;
}

/* Every url(#id) in a value names an element of the document. */
static bool urls_defined(const struct san *s, const char *v)
{
	for (const char *u = strstr(v, "url("); u; u = strstr(u + 4, "url(")) {
		const char *p = u + 4;
		while (*p == ' ' || *p == '"' || *p == '\'')
			p++;
		if (*p != '#')
			continue; /* css_safe() judges the others */
		p++;
		size_t n = strcspn(p, ")\"' ");
		if (!id_defined(s, p, n))
			return false;
	}
	return true;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}


static bool local_href(const char *v);

/* A local href that leads somewhere: "#id" of an element here, or data:. */
static bool href_ok(const struct san *s, const char *v);

/* Lowercased, without the white space and control characters a browser
 * skips inside a URL scheme ("java\tscript:"). */
static void squeeze(char *d, size_t cap, const char *s)
{
	size_t k = 0;
	for (; *s && k + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c == 0x7f)
			continue;
		d[k++] = (char)tolower(c);
	}
	d[k] = 0;
}

static bool has_script_url(const char *v)
{
	size_t n = strlen(v);
	char *sq = xmalloc(n + 1);
	squeeze(sq, n + 1, v);
	bool bad = strstr(sq, "javascript:") || strstr(sq, "vbscript:") ||
		   strstr(sq, "data:text/html") || strstr(sq, "data:image/svg");
	free(sq);
	return bad;
}

/* The value of one base64 digit, or -1. */
static int b64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Whether a data: URI carries a PNG, JPEG or GIF whose size, read from
 * the header in its first 64 KB, folio would decode (IMAGE_MAX_SIDE,
 * IMAGE_MAX_PIXELS): librsvg decodes such a raster whole, so a 20,000 x
 * 20,000 PNG of a few KB inside an SVG would cost gigabytes (issue 25
 * D3).  Only base64 data is taken. */
static bool data_raster_ok(const char *v)
{
	const char *comma = strchr(v, ',');
	const char *b64 = strstr(v, ";base64,");
	if (!comma || comma - v > 64 || !b64 || b64 + 7 != comma)
		return false;
	enum { CAP = 65536 };
	unsigned char *bin = xmalloc(CAP);
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;
	for (const char *p = comma + 1; *p && n < CAP; p++) {
		int d = b64_digit((unsigned char)*p);
		if (d < 0)
			continue; /* white space, padding */
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bin[n++] = (unsigned char)(acc >> bits);
		}
	}
	int w = 0, h = 0;
	const char *type = image_sniff(bin, n, &w, &h);
	free(bin);
	return type && strcmp(type, "image/svg+xml") != 0 && w > 0 && h > 0 &&
	       w <= IMAGE_MAX_SIDE && h <= IMAGE_MAX_SIDE &&
	       (long long)w * h <= IMAGE_MAX_PIXELS;
}

/* A link that stays inside the image: "#id", or a raster data: URI of a
 * size folio decodes. */
static bool local_href(const char *v)
{
	while (isspace((unsigned char)*v))
		v++;
	if (*v == '#')
		return true;
	char head[32];
	squeeze(head, sizeof head, v);
	return (strncmp(head, "data:image/png", 14) == 0 ||
		strncmp(head, "data:image/jpeg", 15) == 0 ||
		strncmp(head, "data:image/gif", 14) == 0) &&
	       data_raster_ok(v);
}

static bool href_ok(const struct san *s, const char *v)
{
	while (isspace((unsigned char)*v))
		v++;
	if (*v == '#')
		return id_defined(s, v + 1, strlen(v + 1));
	return local_href(v);
}

/* CSS (a style attribute or element) that loads nothing from outside:
 * every url() local, no @import, no script. */
static bool css_safe(const char *v)
{
	size_t n = strlen(v);
	char *sq = xmalloc(n + 1);
	squeeze(sq, n + 1, v);
	bool ok = !strstr(sq, "@import") && !strstr(sq, "expression(") &&
		  !strstr(sq, "javascript:") && !strstr(sq, "behavior:");
	for (const char *u = strstr(sq, "url("); ok && u; u = strstr(u + 4, "url(")) {
		const char *p = u + 4;
		if (*p == '"' || *p == '\'')
			p++;
		ok = *p == '#';
	}
	free(sq);
	return ok;
}

/* An attribute's value as the parser decoded it, or NULL when it holds
 * an entity reference (entities are never substituted). */
static char *attr_value(const xmlAttr *a)
{
	struct buf b = BUF_INIT;
	for (const xmlNode *c = a->children; c; c = c->next) {
		if (c->type != XML_TEXT_NODE) {
			buf_free(&b);
			return NULL;
		}
		buf_puts(&b, c->content ? (const char *)c->content : "");
	}
	if (!b.data)
		buf_puts(&b, "");
	return b.data;
}

static void put_escaped(struct buf *b, const char *s, bool attr)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, attr ? "&quot;" : "\""); break;
		case '\n': buf_puts(b, attr ? "&#10;" : "\n"); break;
		case '\t': buf_puts(b, attr ? "&#9;" : "\t"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default: buf_putc(b, *s);
		}
	}
}

static void put_qname(struct buf *b, const xmlNs *ns, const xmlChar *name)
{
	if (ns && ns->prefix) {
		buf_puts(b, (const char *)ns->prefix);
		buf_putc(b, ':');
	}
	buf_puts(b, (const char *)name);
}

/* Whether attribute a of element el may stay; value is its decoded text. */
static bool attr_allowed(struct san *s, const xmlNode *el, const xmlAttr *a, const char *value)
{
	const char *name = (const char *)a->name;
	if (!a->ns) {
		if (tolower((unsigned char)name[0]) == 'o' && tolower((unsigned char)name[1]) == 'n') {
			s->removed |= SVG_RM_SCRIPT;
			return false;
		}
		if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0) {
			if (href_ok(s, value))
				return true;
			if (local_href(value))
				return false; /* "#id" of no element: a broken link */
			s->removed |= has_script_url(value) ? SVG_RM_SCRIPT : SVG_RM_EXTERNAL;
			return false;
		}
		if (strcmp(name, "style") == 0 && !css_safe(value)) {
			s->removed |= SVG_RM_EXTERNAL;
			return false;
		}
		if (has_script_url(value)) {
			s->removed |= SVG_RM_SCRIPT;
			return false;
		}
		if (strstr(value, "url(") && !css_safe(value)) {
			s->removed |= SVG_RM_EXTERNAL;
			return false;
		}
		if (strstr(value, "url(") && !urls_defined(s, value))
			return false; /* a paint or clip of no element */
		(void)el;
		return true;
	}
	if (ns_is(a->ns, XLINK_NS)) {
		if (strcmp(name, "href") == 0) {
			if (href_ok(s, value))
				return true;
			if (local_href(value))
				return false;
			s->removed |= has_script_url(value) ? SVG_RM_SCRIPT : SVG_RM_EXTERNAL;
			return false;
		}
		return strcmp(name, "title") == 0 && !has_script_url(value);
	}
	if (ns_is(a->ns, XML_NS))
		return strcmp(name, "space") == 0 || strcmp(name, "lang") == 0;
	return false; /* another vocabulary's (inkscape:, sodipodi:) */
}

/* An animation that would change where a link goes. */
static bool animates_href(const xmlNode *el)
{
	const char *n = (const char *)el->name;
	if (strcmp(n, "animate") != 0 && strcmp(n, "set") != 0 &&
	    strcmp(n, "animateMotion") != 0 && strcmp(n, "animateTransform") != 0 &&
	    strcmp(n, "animateColor") != 0)
		return false;
	for (const xmlAttr *a = el->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, "attributeName") != 0)
			continue;
		char *v = attr_value(a);
		const char *local = v ? strrchr(v, ':') : NULL;
		local = local ? local + 1 : v;
		bool href = !v || strcmp(local, "href") == 0 || strcmp(local, "src") == 0;
		free(v);
		return href;
	}
	return false;
}

static bool element_allowed(struct san *s, const xmlNode *el)
{
	const char *name = (const char *)el->name;
	bool svg = ns_is(el->ns, SVG_NS) || (s->no_ns && !el->ns);
	if (!svg) {
		s->removed |= SVG_RM_FOREIGN;
		return false;
	}
	if (in_list(name, script_elements)) {
		s->removed |= SVG_RM_SCRIPT;
		return false;
	}
	if (!in_list(name, svg_elements)) {
		s->removed |= SVG_RM_FOREIGN;
		return false;
	}
	if (animates_href(el)) {
		s->removed |= SVG_RM_SCRIPT;
		return false;
	}
	return true;
}

static void put_children(struct san *s, const xmlNode *el);

static void put_element(struct san *s, const xmlNode *el, bool root)
{
	if (!element_allowed(s, el))
		return;
	if (strcmp((const char *)el->name, "a") == 0) {
		/* a link inside an image leads nowhere a reader can go:
		 * its content is kept, the link not */
		put_children(s, el);
		return;
	}
	if (strcmp((const char *)el->name, "style") == 0) {
		xmlChar *css = xmlNodeGetContent(el);
		bool ok = css && css_safe((const char *)css);
		xmlFree(css);
		if (!ok) {
			s->removed |= SVG_RM_EXTERNAL;
			return;
		}
	}
	struct buf *b = &s->out;
	buf_putc(b, '<');
	put_qname(b, el->ns, el->name);
	if (root && !el->ns)
		buf_puts(b, " xmlns=\"" SVG_NS "\"");
	for (const xmlNs *ns = el->nsDef; ns; ns = ns->next) {
		if (!ns_is(ns, SVG_NS) && !ns_is(ns, XLINK_NS))
			continue;
		buf_puts(b, ns->prefix ? " xmlns:" : " xmlns");
		if (ns->prefix)
			buf_puts(b, (const char *)ns->prefix);
		buf_puts(b, "=\"");
		put_escaped(b, (const char *)ns->href, true);
		buf_putc(b, '"');
	}
	for (const xmlAttr *a = el->properties; a; a = a->next) {
		char *v = attr_value(a);
		if (!v) {
			s->removed |= SVG_RM_ENTITY;
			continue;
		}
		if (attr_allowed(s, el, a, v)) {
			buf_putc(b, ' ');
			put_qname(b, a->ns, a->name);
			buf_puts(b, "=\"");
			put_escaped(b, v, true);
			buf_putc(b, '"');
		}
		free(v);
	}
	if (!el->children) {
		buf_puts(b, "/>");
		return;
	}
	buf_putc(b, '>');
	put_children(s, el);
	buf_puts(b, "</");
	put_qname(b, el->ns, el->name);
	buf_putc(b, '>');
}

static void put_children(struct san *s, const xmlNode *el)
{
	for (const xmlNode *c = el->children; c; c = c->next) {
		switch (c->type) {
		case XML_ELEMENT_NODE:
			put_element(s, c, false);
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			put_escaped(&s->out, c->content ? (const char *)c->content : "", false);
			break;
		case XML_ENTITY_REF_NODE:
			s->removed |= SVG_RM_ENTITY;
			break;
		default:
			break; /* comments, processing instructions */
		}
	}
}

int svg_sanitize(char **out, size_t *out_len, const char *data, size_t len,
		 unsigned *removed, const char **why)
{
	*out = NULL;
	*out_len = 0;
	*removed = 0;
	*why = NULL;
	if (len > (size_t)0x7fffffff) {
		*why = "is too large";
		return -1;
	}
	xmlInitParser();
	xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		*why = "is not well-formed XML";
		return -1;
	}
	const xmlNode *root = xmlDocGetRootElement(doc);
	struct san s = {BUF_INIT, 0, false, NULL, 0};
	if (!root || strcmp((const char *)root->name, "svg") != 0 ||
	    (root->ns && !ns_is(root->ns, SVG_NS))) {
		xmlFreeDoc(doc);
		*why = "has no <svg> root element";
		return -1;
	}
	s.no_ns = !root->ns;
	struct vec ids = {0};
	collect_ids(root, &ids);
	s.ids = (char **)ids.v;
	s.nids = ids.n;
	if (s.nids)
		qsort(s.ids, s.nids, sizeof *s.ids, cmp_str);
	if (doc->intSubset && doc->intSubset->children)
		for (const xmlNode *d = doc->intSubset->children; d; d = d->next)
			if (d->type == XML_ENTITY_DECL)
				s.removed |= SVG_RM_ENTITY;
	buf_puts(&s.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	put_element(&s, root, true);
	buf_putc(&s.out, '\n');
	xmlFreeDoc(doc);
	for (size_t i = 0; i < ids.n; i++)
		free(ids.v[i]);
	vec_free(&ids);
	*out = s.out.data;
	*out_len = s.out.len;
	*removed = s.removed;
	return 0;
}

void svg_removed_text(char *out, size_t cap, unsigned removed)
{
	static const char *const words[] = {"scripts", "foreign content",
					    "references to other files", "entities"};
	const char *parts[4];
	int n = 0;
	for (int i = 0; i < 4; i++)
		if (removed & (1u << i))
			parts[n++] = words[i];
	size_t k = 0;
	out[0] = 0;
	for (int i = 0; i < n && k < cap; i++) {
		const char *sep = i == 0 ? "" : i == n - 1 ? " and " : ", ";
		int w = snprintf(out + k, cap - k, "%s%s", sep, parts[i]);
		if (w < 0)
			break;
		k += (size_t)w;
	}
}

int svg_sanitize_buffer(char **data, size_t *len)
{
	char *clean;
	size_t clen;
	unsigned removed;
	const char *why;
	if (svg_sanitize(&clean, &clen, *data, *len, &removed, &why) != 0)
		return -1;
	free(*data);
	*data = clean;
	*len = clen;
	return 0;
}
