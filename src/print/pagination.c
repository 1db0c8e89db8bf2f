/*
 * pagination.c - where each printed page begins (model/pagination.h):
 * the marks taken from a layout (layout_pagination()), and a text dump for
 * the tests.
 */
#include "model/pagination.h"

#include <stdlib.h>
#include <string.h>

#include "print/layout.h"
#include "base/util.h"
#include "model/words.h"

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

/* Writes word n of block b (by the rule of words.h) to out; nothing if b
 * has fewer words. */
static void put_block_word(const struct block *b, int n, FILE *out)
{
	struct buf t = BUF_INIT;
	if (b->type == BLK_CODE || b->type == BLK_HTML)
		buf_put(&t, b->text ? b->text : "", b->text ? b->len : 0);
	else
		model_text(&t, b->inlines, MODEL_TEXT_WORDS);
	size_t at;
	size_t len = words_nth(t.data ? t.data : "", t.len, n, &at);
	fwrite(t.data + at, 1, len, out);
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
