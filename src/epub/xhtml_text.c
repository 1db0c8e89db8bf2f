/*
 * xhtml_text.c - escaping for XHTML: text and attribute values, labels
 * (white space collapsed), ids from heading slugs, hrefs from URLs (only
 * http, https and mailto), and the chapters' file names.
 */
#include "epub/xhtml_render.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

/* ---- Escaping ---------------------------------------------------------- */

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
			int n = utf8_decode((const char *)p + i, len - i, &cp);
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
