/*
 * xhtml.c - the book model as EPUB 3 XHTML content documents: the start
 * and end of a document, and a chapter's document (its blocks, then its
 * footnotes, then any page-break markers its text did not place).  The
 * parts are in xhtml_*.c (see xhtml_render.h).
 */
#include "epub/xhtml_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

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
/* ---- Chapters ---------------------------------------------------------- */

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
			render_breaks_open(r, first);
			buf_puts(b, "<p>");
			if (label.len)
				buf_put(b, label.data, label.len);
			render_inlines(r, first->inlines);
			render_breaks_close(r);
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
