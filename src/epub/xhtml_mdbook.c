/*
 * xhtml_mdbook.c - callout boxes and definition lists as XHTML.
 *
 * A callout is <div class="callout warning" role="note"> opening with its
 * label as a paragraph of its own, so that a reader without the
 * stylesheet still sees "Warning" before the text.  The label is no
 * words of the page-break rule (model/words.h): the print edition sets
 * it outside the words too.
 */
#include "epub/xhtml_render.h"

static const char *const kind_class[] = {"note", "tip", "important", "warning", "caution"};

bool xhtml_mdbook_enter(struct render *r, const struct block *blk, size_t depth,
			const struct block *parent)
{
	struct buf *b = r->b;
	/* Past MAX_NEST containers lose their tags (content kept); a term or
	 * definition has tags exactly when its list has. */
	bool tags = blk->type == BLK_CALLOUT || blk->type == BLK_DEFLIST
		? depth < MAX_NEST
		: depth <= MAX_NEST && parent && parent->type == BLK_DEFLIST;
	switch (blk->type) {
	case BLK_CALLOUT:
		if (tags) {
			int k = (int)blk->callout;
			buf_printf(b, "<div class=\"callout %s\" role=\"note\">\n"
				   "<p class=\"callout-label\">",
				   kind_class[k >= 0 && k <= (int)CALLOUT_CAUTION ? k : 0]);
			xhtml_escape_str(b, blk->plain ? blk->plain : "");
			buf_puts(b, "</p>\n");
		}
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_DEFLIST:
		if (tags)
			buf_puts(b, "<dl>\n");
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	case BLK_DEF_TERM:
		/* a term's markers stay inside it: <dl> holds only dt and dd */
		buf_puts(b, tags ? "<dt>" : "<p>");
		render_breaks_open(r, blk);
		render_inlines(r, blk->inlines);
		render_breaks_close(r);
		buf_puts(b, tags ? "</dt>\n" : "</p>\n");
		return false;
	case BLK_DEF_DATA:
		if (tags)
			buf_puts(b, "<dd>");
		push_flag(&r->bflags, tags ? F_TAG : 0);
		return true;
	default:
		return false;
	}
}
