/*
 * xhtml_pagebreak.c - the print edition's page-break markers in the
 * XHTML: writing one, and placing a chapter's markers before the words
 * they name, counting words by the rule of the print layout
 * (model/words.h) as a leaf block's text goes out.
 */
#include "epub/xhtml_render.h"

#include <stdint.h>

#include "model/words.h"

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

/* Writes the markers due at or before word n of the leaf block.  The
 * markers are in page order, so in word order: a cursor passes each one
 * once, and a block of a million words costs no more per word than a
 * short one. */
static void breaks_due(struct render *r, int n)
{
	while (r->due_next < r->due.n) {
		struct xhtml_pagebreak *pb = r->due.v[r->due_next];
		if (!pb->written && pb->word > n)
			break;
		if (!pb->written)
			xhtml_pagebreak(r->b, pb);
		r->due_next++;
	}
}

/* A leaf block begins (paragraph, heading, cell, code or HTML block):
 * its markers become due, those before its first word go out here,
 * before the block's own element. */
void render_breaks_open(struct render *r, const struct block *blk)
{
	r->due.n = 0;
	r->due_next = 0;
	r->words = (struct word_counter){0, false};
	for (size_t i = 0; i < r->pb.n; i++) {
		struct xhtml_pagebreak *pb = r->pb.v[i];
		if (pb->block == blk && !pb->written)
			vec_push(&r->due, pb);
	}
	breaks_due(r, 0);
}

/* The leaf block ends: markers past its last word go out here, inside
 * its element. */
void render_breaks_close(struct render *r)
{
	breaks_due(r, INT32_MAX);
	r->due.n = 0;
	r->due_next = 0;
}

/* Walks the words of s, putting the markers due right before the words
 * they name; with write, s goes out escaped between them, else it is only
 * counted (raw HTML shown otherwise or not at all). */
static void walk_text(struct render *r, const char *s, size_t len, bool write)
{
	size_t run = 0;

	if (r->due_next >= r->due.n || r->quiet) {
		if (write)
			xhtml_escape(r->b, s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		bool starts;
		int word = words_feed(&r->words, (unsigned char)s[i], &starts);
		if (starts) {
			if (write)
				xhtml_escape(r->b, s + run, i - run);
			run = i;
			breaks_due(r, word);
		}
	}
	if (write)
		xhtml_escape(r->b, s + run, len - run);
}

void render_text(struct render *r, const char *s, size_t len)
{
	walk_text(r, s, len, true);
}

void render_skip_words(struct render *r, const char *s, size_t len)
{
	walk_text(r, s, len, false);
}

/* Soft and hard breaks separate words. */
void render_word_break(struct render *r)
{
	if (!r->quiet)
		r->words.inword = false;
}

