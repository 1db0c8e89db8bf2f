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

#include "base/arena.h"
#include "model/model.h"

/* One citation of an external link (one of book->extrefs) as the chapter
 * writer needs it: the appendix entry it belongs to and its place among
 * that entry's citations.  Its XML id is "ref.NUMBER.K". */
struct xhtml_ref {
	const struct inline_node *node; /* the INL_LINK (extref->node) */
	int extref;                     /* index into book->extrefs */
	int number;                     /* the resource's number (1-based) */
	int k;                          /* 1-based among the resource's refs */
};

/* Where a page-break marker of the print edition goes (epub.c decides
 * from the PDF's pagination, pagination.h). */
enum xhtml_place {
	PB_CHAPTER,   /* in chapter: before word `word` of leaf block `block`
			 (the word rule of pagination.h), or where the
			 chapter's text ends when block is NULL or never met */
	PB_TITLEPAGE, /* at the start of the title page */
	PB_NAV,       /* at the start of the contents (nav.xhtml) */
	PB_APPENDIX   /* in the Resources appendix, before entry `word`
			 (0-based; 0 is the appendix's start) */
};

/* One page-break marker: <span epub:type="pagebreak" role="doc-pagebreak"
 * id="ID" aria-label="LABEL"/>.  The writers set written once it is out,
 * so each is written exactly once. */
struct xhtml_pagebreak {
	enum xhtml_place place;
	const struct chapter *chapter; /* PB_CHAPTER */
	const struct block *block;     /* PB_CHAPTER, or NULL */
	int word;
	const char *id;    /* XML id, e.g. "page.42" */
	const char *label; /* the printed page label, e.g. "42" or "iii" */
	bool written;
};

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

	/* The Resources appendix, or resources_href NULL when the book has
	 * none.  Every citing external link then gets the id of its
	 * xhtml_ref and, with resource_numbers, a superscript number linking
	 * to its entry ("resources_href#res.NUMBER").  refs come from
	 * xhtml_refs(); ref_written[extref] is set when the citation's id was
	 * written (the appendix links back only to those). */
	const char *resources_href;
	bool resource_numbers;
	const struct xhtml_ref *refs;
	int nrefs;
	bool *ref_written;

	/* The print edition's page breaks, in page order (none: NULL). */
	struct xhtml_pagebreak *breaks;
	int nbreaks;
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

/* Every citation of book->resources, in the order xhtml_chapter() looks
 * them up (by node address).  Allocated in a; *n gets the count. */
struct xhtml_ref *xhtml_refs(const struct book *book, struct arena *a, int *n);

/* Appends the Resources appendix titled title: every entry of
 * book->resources, in groups (the author's list under the heading
 * author_group, then one per chapter that first cites its entries), each
 * with its number (id "res.NUMBER"), title, full URL as a link that may
 * break after '/', the author's description, and links back to every
 * citation whose id the chapters wrote.  Call after the chapters
 * (env->ref_written). */
void xhtml_resources(struct buf *b, const struct xhtml_env *env);

/* Appends the marker of page break pb and marks it written. */
void xhtml_pagebreak(struct buf *b, struct xhtml_pagebreak *pb);

/* Appends the markers of env->breaks at place that are not written yet
 * (for PB_TITLEPAGE and PB_NAV, whose documents epub.c writes). */
void xhtml_pagebreaks_at(struct buf *b, const struct xhtml_env *env,
			 enum xhtml_place place);

#endif
