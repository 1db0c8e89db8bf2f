/*
 * pagination.c - where each printed page begins (pagination.h): the word
 * rule, the marks taken from a layout, and a text dump for the tests.
 *
 * pdf_paginate() itself lives in pdf.c, beside pdf_write(), so that both
 * set up the style, fonts and images through the same code.
 */
#include "print/pagination.h"

#include <stdlib.h>
#include <string.h>

#include "print/layout.h"
#include "base/util.h"

/* What separates words: ASCII whitespace.  Everything else, no-break
 * spaces included, is part of a word. */
static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

int pagination_words(const char *text, size_t len)
{
	int n = 0;
	bool in = false;
	for (size_t i = 0; i < len; i++) {
		if (is_space((unsigned char)text[i])) {
			in = false;
		} else if (!in) {
			in = true;
			n++;
		}
	}
	return n;
}

void pagination_free(struct pagination *p)
{
	if (!p)
		return;
	free(p->marks);
	p->marks = NULL;
	p->nmarks = 0;
}

/* The book->resources index of the entry that opens page (a page of the
 * Resources appendix): the first entry whose title is set on it, else the
 * last one begun before it (the page continues that entry); -1 if no
 * entry begins on or before the page. */
static int appendix_entry(const struct layout *lo, const struct book *book,
			  int page)
{
	int before = -1;
	for (int e = 0; lo->entries && e < lo->nentries; e++) {
		int p = lo->entries[e].page;
		if (p < 0 || p > page)
			continue;
		if (p == page) {
			before = e;
			break;
		}
		if (before < 0 || p >= lo->entries[before].page)
			before = e;
	}
	if (before < 0)
		return -1;
	/* A handout lists a subset, in its own order. */
	const struct resource *r = lo->entry_res ? lo->entry_res[before] : NULL;
	if (r && book->resources && r >= book->resources &&
	    r < book->resources + book->nresources)
		return (int)(r - book->resources);
	return before < book->nresources ? before : -1;
}

int layout_pagination(const struct layout *lo, const struct book *book,
		      struct pagination *out)
{
	out->marks = calloc((size_t)lo->npages + 1, sizeof *out->marks);
	out->nmarks = 0;
	if (!out->marks)
		return -1;
	for (int i = 0; i < lo->npages; i++) {
		const struct lo_page *pg = &lo->pages[i];
		struct page_mark *m = &out->marks[out->nmarks++];
		m->page = i;
		layout_folio(pg, m->label);
		m->front = pg->front;
		/* Pages of the Resources appendix belong to no chapter. */
		m->chapter = pg->chapter && pg->chapter->index >= 0 &&
				     pg->chapter->index < book->nchapters &&
				     book->chapters[pg->chapter->index] == pg->chapter
			? pg->chapter : NULL;
		m->block = pg->mark;
		m->word = pg->mark ? pg->mark_word : 0;
		m->resource = pg->chapter && pg->chapter == lo->appendix
				      ? appendix_entry(lo, book, i) : -1;
	}
	return 0;
}

/* Appends the text pagination_words() counts for inlines to b: text, code
 * and raw HTML, with breaks as spaces; no footnote marks, no images.  An
 * explicit stack, as inlines may nest deeply. */
static void inline_words_text(struct buf *b, const struct inline_node *first)
{
	const struct inline_node **stack = NULL;
	size_t n = 0, cap = 0;
	const struct inline_node *in = first;
	for (;;) {
		if (!in) {
			if (!n)
				break;
			in = stack[--n];
			continue;
		}
		switch (in->type) {
		case INL_TEXT:
		case INL_CODE:
		case INL_HTML:
			buf_put(b, in->text, in->len);
			break;
		case INL_SOFTBREAK:
		case INL_LINEBREAK:
			buf_putc(b, ' ');
			break;
		case INL_EMPH:
		case INL_STRONG:
		case INL_STRIKE:
		case INL_LINK:
			if (in->children) {
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					stack = realloc(stack, cap * sizeof *stack);
					if (!stack)
						abort();
				}
				stack[n++] = in->next;
				in = in->children;
				continue;
			}
			break;
		case INL_IMAGE:
		case INL_FOOTNOTE_REF:
			break;
		}
		in = in->next;
	}
	free(stack);
}

/* Writes word n of block b (by the rule of pagination.h) to out; nothing
 * if b has fewer words. */
static void put_block_word(const struct block *b, int n, FILE *out)
{
	struct buf t = BUF_INIT;
	if (b->type == BLK_CODE || b->type == BLK_HTML)
		buf_put(&t, b->text ? b->text : "", b->text ? b->len : 0);
	else
		inline_words_text(&t, b->inlines);
	int k = -1;
	bool in = false;
	for (size_t i = 0; i < t.len; i++) {
		if (is_space((unsigned char)t.data[i])) {
			in = false;
			continue;
		}
		if (!in) {
			in = true;
			k++;
		}
		if (k == n) {
			size_t e = i;
			while (e < t.len && !is_space((unsigned char)t.data[e]))
				e++;
			fwrite(t.data + i, 1, e - i, out);
			break;
		}
	}
	buf_free(&t);
}

static const char *block_kind(const struct block *b)
{
	switch (b->type) {
	case BLK_PARAGRAPH: return "paragraph";
	case BLK_HEADING: return "heading";
	case BLK_CODE: return "code";
	case BLK_HTML: return "html";
	case BLK_TABLE_CELL: return "cell";
	default: return "other";
	}
}

void pagination_dump(const struct pagination *p, FILE *out)
{
	fprintf(out, "folio-pagination 1\n");
	for (int i = 0; i < p->nmarks; i++) {
		const struct page_mark *m = &p->marks[i];
		fprintf(out, "mark %d %s %s %d", m->page, m->label,
			m->front ? "front" : "body",
			m->chapter ? m->chapter->index : -1);
		if (m->block) {
			fprintf(out, " %s %d:%d %d ", block_kind(m->block),
				m->block->line, m->block->col, m->word);
			put_block_word(m->block, m->word, out);
			fputc('\n', out);
		} else {
			fprintf(out, " -\n");
		}
	}
}
