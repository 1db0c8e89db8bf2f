/*
 * words.h - the one rule for "words" that the print edition and the EPUB
 * share: the EPUB puts each printed page's page-break marker right before
 * the word that opens the page, so both sides must count words alike.
 *
 * A word is a maximal run of characters that are not ASCII whitespace
 * (space, tab, LF, CR, VT, FF); everything else, no-break spaces
 * included, belongs to a word.  The words of a leaf block are those of
 * the text it shows, in document order:
 *  - paragraph, heading, table cell: model_text(.., MODEL_TEXT_WORDS) of
 *    its inlines (text and inline code, link, emphasis and HTML
 *    formatting contents included; soft and hard breaks are spaces; footnote marks,
 *    images and whatever a writer adds - page references, reference
 *    numbers - are not words);
 *  - code and HTML blocks: block->text.
 *
 * The layout (print/) and the XHTML writer (epub/) feed characters
 * through words_feed(); the pagination dump names words through
 * words_nth().
 */
#ifndef FOLIO_WORDS_H
#define FOLIO_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "model/model.h"

/* True for the characters that separate words (c a code point or a byte). */
static inline bool words_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Counts words while text is fed to it, one character at a time. */
struct word_counter {
	int count;   /* words begun so far */
	bool inword; /* the last character fed was part of a word */
};

/* Feeds character c.  Returns the 0-based index of the word c belongs
 * to, or -1 for a separator; *starts (if not NULL) tells whether c is the
 * first character of that word. */
static inline int words_feed(struct word_counter *w, uint32_t c, bool *starts)
{
	bool start = false;
	int word = -1;
	if (words_space(c)) {
		w->inword = false;
	} else {
		if (!w->inword) {
			w->inword = true;
			w->count++;
			start = true;
		}
		word = w->count - 1;
	}
	if (starts)
		*starts = start;
	return word;
}

/* Number of words in text[0..len). */
int words_count(const char *text, size_t len);

/* Finds word n of text[0..len): *at gets its offset, the result its
 * length; 0 (and *at = len) if text has fewer words. */
size_t words_nth(const char *text, size_t len, int n, size_t *at);

/* What model_text() takes from inlines.  Every kind takes text and inline
 * code, with soft and hard breaks as one space, and never the contents of
 * a footnote reference. */
enum model_text_flags {
	MODEL_TEXT_HTML = 1,   /* raw inline HTML as its source text */
	MODEL_TEXT_IMAGES = 2, /* an image's alt text */
	/* The text whose words the page-break rule counts (above). */
	MODEL_TEXT_WORDS = 0, /* raw HTML is never shown (load/html.c) */
	/* Plain text of a title (headings, link text, contents entries). */
	MODEL_TEXT_PLAIN = MODEL_TEXT_IMAGES,
	/* An image's alt text in the EPUB. */
	MODEL_TEXT_ALT = MODEL_TEXT_HTML | MODEL_TEXT_IMAGES
};

/* Appends the text of the inlines from first on (and their children) to
 * b, as flags say.  An explicit stack: inlines may nest deeply. */
void model_text(struct buf *b, const struct inline_node *first, unsigned flags);

/* model_text(.., MODEL_TEXT_PLAIN) copied into a. */
char *model_plain(struct arena *a, const struct inline_node *first);

#endif
