/*
 * xhtml_render.h - private to the XHTML writer (src/epub/xhtml*.c): the
 * state of one chapter being written, and what its files share.  Not for
 * use outside src/epub/; the writer's interface is xhtml.h.
 *
 * Who does what:
 *   xhtml.c            a chapter's document, its footnotes; document head
 *   xhtml_block.c      blocks (render_blocks)
 *   xhtml_inline.c     inlines (render_inlines)
 *   xhtml_pagebreak.c  the print edition's page-break markers, placed
 *                      between the words of leaf blocks as text goes out
 *   xhtml_text.c       escaping, labels, ids, URLs
 *   xhtml_resources.c  the Resources appendix
 */
#ifndef FOLIO_XHTML_RENDER_H
#define FOLIO_XHTML_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "epub/xhtml.h"
#include "model/words.h"

/* Blocks and inlines are walked with an explicit stack, so deeply nested
 * input cannot overflow the C stack.  Past MAX_NEST levels container
 * tags are no longer written (the text still is), which keeps readers
 * and validators from choking on pathological nesting. */
#define MAX_NEST 64

/* One chapter being written (xhtml_chapter() owns it). */
struct render {
	struct buf *b;
	const struct xhtml_env *env;
	const struct chapter *ch;
	int *fn_refs;        /* by footnote number: references written */
	int nfn;             /* entries in fn_refs */
	int link_depth;      /* open <a> elements */
	enum task_state pending_task; /* checkbox owed to the next paragraph */
	struct buf iflags;   /* per open inline: what its exit must close */
	struct buf bflags;   /* per open block: same */

	/* Page breaks of the print edition: this chapter's, in page order,
	 * and those due in the leaf block being written, whose words are
	 * counted by the rule of pagination.h as its text goes out. */
	struct vec pb;       /* struct xhtml_pagebreak * */
	struct vec due;      /* of pb: in the current leaf block, in word order */
	size_t due_next;     /* due.v[due_next] is the first not yet written */
	struct word_counter words; /* of the leaf block (model/words.h) */
	int quiet;           /* > 0: inside image alt text, which is no words */
};

/* What an open block's or inline's exit must do (iflags, bflags). */
enum {
	F_TAG = 1,  /* a tag was opened and must be closed */
	F_A = 2,    /* an <a> was opened */
	F_NOTE = 4, /* a known-target note follows the text */
	F_SPAN = 8, /* a <span> holding a citation's id was opened */
	F_REF = 16, /* a citation: its resource number follows */
	F_QUIET = 32 /* image alt text shown as text: not words */
};

static inline void push_flag(struct buf *stack, int f)
{
	buf_putc(stack, f);
}

static inline int pop_flag(struct buf *stack)
{
	if (stack->len == 0)
		return 0;
	return (unsigned char)stack->data[--stack->len];
}

static inline bool ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool ascii_alnum(int c)
{
	return ascii_alpha(c) || (c >= '0' && c <= '9');
}

/* ---- xhtml_pagebreak.c ---- */

/* A leaf block (paragraph, heading, cell, code or HTML block) begins:
 * its markers become due, those before its first word go out. */
void render_breaks_open(struct render *r, const struct block *blk);
/* The leaf block ends: the markers still due go out. */
void render_breaks_close(struct render *r);
/* Text of the leaf block, escaped, with the markers due before its
 * words. */
void render_text(struct render *r, const char *s, size_t len);
/* Text that counts as words but is not written as such (raw HTML). */
void render_skip_words(struct render *r, const char *s, size_t len);
/* A soft or hard line break: it separates words. */
void render_word_break(struct render *r);

/* ---- xhtml_inline.c, xhtml_block.c ---- */

void render_inlines(struct render *r, const struct inline_node *first);
void render_blocks(struct render *r, const struct block *first);

/* ---- xhtml_mdbook.c ---- */

/* Enters a callout, definition list, term or definition at depth (its
 * parent block, or NULL); returns true when its children follow, with
 * its exit flag pushed. */
bool xhtml_mdbook_enter(struct render *r, const struct block *blk, size_t depth,
			const struct block *parent);

#endif
