/*
 * xhtml.h - folio's own XHTML writer: turns one chapter of the book model
 * into an EPUB 3 content document, plus the escaping helpers the EPUB
 * package files share.
 *
 * Whatever the Markdown, the output is well-formed XHTML: text is escaped
 * (characters XML forbids are dropped), raw HTML is shown as text, except
 * that HTML comments are dropped, <br> becomes <br/>, and simple
 * formatting tags without attributes (<kbd>, <sup>, <sub>, <b>, <i>, <em>,
 * <strong>, <code>, <samp>, <var>, <u>, <s>, <mark>, <small>, <del>,
 * <ins>) become elements when they are balanced within their paragraph;
 * only http, https and mailto URLs become links; ids are valid XML
 * names.
 *
 * Everything is appended to a struct buf the caller owns.
 */
#ifndef FOLIO_XHTML_H
#define FOLIO_XHTML_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "model.h"

/* What the chapter writer needs to know about the rest of the EPUB. */
struct xhtml_env {
	const struct book *book;
	const char *lang;     /* BCP 47 tag for lang and xml:lang */
	const char *css_href; /* stylesheet, relative to the documents */
	/* Per image (by image->index): its path inside the EPUB relative to
	 * the documents, or NULL when the image is not in the EPUB (it is
	 * then rendered as its alt text). */
	const char *const *image_href;
	int nimage_href;
};

/* Appends s[0..len) escaped for XML text and double-quoted attribute
 * values.  Invalid UTF-8 becomes U+FFFD; characters XML forbids or that
 * are invisible controls (C0 except tab and newline, DEL, C1, U+FFFE,
 * U+FFFF) are dropped. */
void xhtml_escape(struct buf *b, const char *s, size_t len);
void xhtml_escape_str(struct buf *b, const char *s);

/* Appends text escaped as above with runs of white space collapsed to one
 * space and trimmed, for titles and labels.  Appends fallback (escaped)
 * instead when text has nothing visible.  Returns the number of bytes
 * appended. */
size_t xhtml_label(struct buf *b, const char *text, const char *fallback);

/* Appends the XML id for a heading slug.  A slug that already is an
 * ASCII XML name is used as it is; any other gets the prefix "h." and
 * each byte outside [A-Za-z0-9_-] written as ".XX" (hex).  folio's own
 * ids (footnotes) also contain '.', after a prefix no slug can make, so
 * ids never collide. */
void xhtml_id(struct buf *b, const char *slug);

/* Appends url as an href value (percent-encoded where a URI may not hold
 * the character, then XML-escaped).  Only http: and https: URLs with a
 * host name and mailto: URLs with an address are allowed: for anything
 * else nothing is appended and false is returned. */
bool xhtml_url(struct buf *b, const char *url);

/* The file name of a chapter inside the EPUB: "chapter001.xhtml" for the
 * chapter with index 0. */
void xhtml_chapter_file(char out[32], const struct chapter *ch);

/* The start of an XHTML document up to and including <body>: XML
 * declaration, doctype, <html> with the EPUB namespace and lang/xml:lang,
 * the escaped title, the stylesheet link when css_href is not NULL. */
void xhtml_begin(struct buf *b, const char *lang, const char *title,
		 const char *css_href);
void xhtml_end(struct buf *b);

/* Appends the whole XHTML document for chapter ch. */
void xhtml_chapter(struct buf *b, const struct xhtml_env *env,
		   const struct chapter *ch);

/* Appends the plain text of an inline list (alt text, labels): text and
 * code as they are, breaks as spaces, markup dropped.  Not escaped. */
void xhtml_inline_text(struct buf *b, const struct inline_node *first);

#endif
