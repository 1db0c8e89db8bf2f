/*
 * xhtml_resources.c - the Resources appendix: every web address the book
 * links to, grouped and numbered, each linking back to its citations;
 * and the table of citations (xhtml_refs) the chapters look up.
 */
#include "epub/xhtml.h"
#include "resolve/generate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* One entry (a ROLE_RESOURCE block: its title, or its URL), the i-th. */
static void resource_entry(struct buf *b, const struct xhtml_env *env,
			   const struct block *blk, int i)
{
	const struct resource *res = blk->resource;
	const char *text = generate_text(blk);
	bool titled = strcmp(text, res->url) != 0;

	buf_printf(b, "<li class=\"resource\" id=\"res.%d\">", res->number);
	appendix_breaks(b, env, i);
	buf_printf(b, "\n<p class=\"res-title\"><span class=\"res-num\">%d.</span> ",
		   res->number);
	if (titled)
		xhtml_label(b, text, "");
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

/* The generated appendix (book->gen.resources, generate.h), block by
 * block: its title, what it lists, then each group's heading and
 * entries. */
void xhtml_resources(struct buf *b, const struct xhtml_env *env)
{
	const struct chapter *ap = env->book->gen.resources;
	int group = 0, i = 0;

	xhtml_begin(b, env->lang, ap->title, env->css_href);
	buf_puts(b, "<section class=\"resources\" epub:type=\"appendix\" "
		    "role=\"doc-appendix\" aria-labelledby=\"resources\">\n");
	appendix_breaks(b, env, 0);
	for (const struct block *blk = ap->blocks; blk; blk = blk->next) {
		switch (blk->role) {
		case ROLE_RESOURCES_INTRO:
			buf_puts(b, "<p class=\"res-intro\">");
			xhtml_label(b, generate_text(blk), "");
			buf_puts(b, "</p>\n");
			break;
		case ROLE_RESOURCES_GROUP:
			if (group++)
				buf_puts(b, "</ol>\n</section>\n");
			buf_printf(b, "<section class=\"res-group\" aria-labelledby=\"group.%d\">\n"
				      "<h2 id=\"group.%d\">", group, group);
			xhtml_label(b, generate_text(blk), "Other");
			buf_printf(b, "</h2>\n<ol class=\"resources\" start=\"%d\">\n",
				   blk->next ? blk->next->start : 1);
			break;
		case ROLE_RESOURCE:
			resource_entry(b, env, blk, i++);
			break;
		default: /* the title */
			buf_puts(b, "<h1 id=\"resources\">");
			xhtml_label(b, generate_text(blk), "Resources");
			buf_puts(b, "</h1>\n");
			break;
		}
	}
	if (group)
		buf_puts(b, "</ol>\n</section>\n");
	/* the print edition's last appendix pages, if it has more entries */
	appendix_breaks(b, env, INT32_MAX);
	buf_puts(b, "</section>\n");
	xhtml_end(b);
}
