/*
 * xhtml_inline.c - a chapter's inlines as XHTML: text, code, emphasis,
 * links (internal, external with their citations of the Resources
 * appendix, known targets with their notes), images, footnote
 * references and raw HTML.  Walked with an explicit stack (enter/exit,
 * as cmark's renderers do).
 */
#include "epub/xhtml_render.h"

#include <stdint.h>
#include <string.h>

#include "model/words.h"

/* The href of an internal link, or false when it has no usable target. */
static bool internal_href(struct render *r, const struct link *l)
{
	const struct chapter *t = l->chapter;
	const char *anchor = NULL;
	char file[32];

	if (!t || t->index < 0 || t->index >= r->env->book->nchapters)
		return false;
	if (l->target && l->target->text) {
		anchor = l->target->text; /* an HTML <a id> */
	} else if (l->target && l->anchor) {
		anchor = l->anchor; /* its id is a heading's slug or an earlier anchor's */
	} else if (l->heading && l->heading->slug) {
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

/* The XHTML element of an HTML formatting span. */
static const char *span_tag(enum span_kind k)
{
	switch (k) {
	case SPAN_KBD: return "kbd";
	case SPAN_SUP: return "sup";
	case SPAN_SUB: return "sub";
	case SPAN_CODE: return "code";
	case SPAN_VAR: return "var";
	case SPAN_UNDERLINE: return "u";
	case SPAN_MARK: return "mark";
	case SPAN_SMALL: return "small";
	}
	return "span";
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
	/* the size an HTML <img> asked for */
	if (n->width > 0)
		buf_printf(r->b, " style=\"width: %d%s; height: auto\"", n->width,
			   n->width_pct ? "%" : "px");
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
		render_text(r, n->text, n->len);
		return false;
	case INL_SOFTBREAK:
		render_word_break(r);
		buf_putc(b, '\n');
		return false;
	case INL_LINEBREAK:
		render_word_break(r);
		buf_puts(b, "<br/>\n");
		return false;
	case INL_CODE:
		buf_puts(b, "<code>");
		render_text(r, n->text, n->len);
		buf_puts(b, "</code>");
		return false;
	case INL_HTML:
		/* load/html.c leaves none; nothing raw is ever shown */
		return false;
	case INL_ANCHOR:
		if (n->text && *n->text) {
			buf_puts(b, "<a id=\"");
			xhtml_id(b, n->text);
			buf_puts(b, "\"></a>");
		}
		return false;
	case INL_SPAN:
		if (tags)
			buf_printf(b, "<%s>", span_tag(n->span));
		push_flag(&r->iflags, tags ? F_TAG : 0);
		return true;
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
	case INL_SPAN:
		if (f & F_TAG)
			buf_printf(b, "</%s>", span_tag(n->span));
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

void render_inlines(struct render *r, const struct inline_node *first)
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
