/* test_layout.c - page layout on a hand-built book: nothing outside the
 * text block, no widows/orphans, chapters on new pages, headings anchored,
 * justified lines flush, characters no font has warned about once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/fonts.h"
#include "print/layout.h"
#include "model/pagination.h"
#include "print/style.h"
#include "unit.h"
#include "resolve/generate.h"
#include "model/words.h"

static struct arena A;

static struct inline_node *text(const char *s)
{
	struct inline_node *in = arena_calloc(&A, 1, sizeof *in);
	in->type = INL_TEXT;
	in->text = s;
	in->len = strlen(s);
	in->line = 1;
	return in;
}

static struct block *block(enum block_type t, struct inline_node *in)
{
	struct block *b = arena_calloc(&A, 1, sizeof *b);
	b->type = t;
	b->inlines = in;
	b->line = 1;
	return b;
}

static const char *words(int n, int seed)
{
	static const char *w[] = {"typesetting", "paragraph", "the", "of",
				  "justification", "a", "line", "breaking",
				  "hyphenation", "page", "and", "margin"};
	char *s = arena_alloc(&A, (size_t)n * 16 + 1);
	s[0] = 0;
	for (int i = 0; i < n; i++) {
		strcat(s, w[(i * 7 + seed) % 12]);
		strcat(s, i + 1 < n ? " " : ".");
	}
	return s;
}

int main(void)
{
	arena_init(&A);
	struct diag_list d = {0};
	struct print_style st;
	style_defaults(&st);
	struct fonts *f = fonts_open("fonts", &st, &d);
	CHECK("fonts open without a PDF", f != NULL);
	if (!f)
		UNIT_END();
	CHECK("serif has 'a'", fonts_lookup(f, FONT_SERIF, 'a') == FONT_SERIF);
	CHECK("fallback for arrows", fonts_lookup(f, FONT_SERIF, 0x21A6) >= 0);
	CHECK("no font beyond U+FFFF", fonts_lookup(f, FONT_SERIF, 0x1F600) < 0);
	CHECK("advance of space", fonts_advance(f, FONT_SERIF, ' ') > 100);
	CHECK("mono is monospaced", fonts_advance(f, FONT_MONO, 'i') == fonts_advance(f, FONT_MONO, 'W'));

	struct run run = {&A, &d, NULL, NULL};
	struct book b = {0};
	b.meta.language = "en";
	struct chapter ch[2] = {{0}, {0}};
	struct chapter *chs[2] = {&ch[0], &ch[1]};
	for (int c = 0; c < 2; c++) {
		ch[c].index = c;
		ch[c].path = c ? "two.md" : "one.md";
		ch[c].display_path = ch[c].path;
		struct block *h = block(BLK_HEADING, text(c ? "Second" : "First"));
		h->level = 1;
		h->number = 0;
		ch[c].headings = arena_calloc(&A, 1, sizeof *ch[c].headings);
		ch[c].headings[0] = h;
		ch[c].nheadings = 1;
		ch[c].blocks = h;
		struct block *prev = h;
		for (int p = 0; p < 60; p++) {
			struct block *para = block(BLK_PARAGRAPH, text(words(20 + (p * 13) % 90, p)));
			prev->next = para;
			prev = para;
		}
		if (c == 0) {
			/* A cross-reference to the second chapter. */
			struct inline_node *lt = text("see the second chapter");
			struct inline_node *ln = arena_calloc(&A, 1, sizeof *ln);
			ln->type = INL_LINK;
			ln->children = lt;
			ln->link = arena_calloc(&A, 1, sizeof *ln->link);
			ln->link->kind = LINK_INTERNAL;
			ln->link->chapter = &ch[1];
			struct inline_node *before = text("For more, ");
			before->next = ln;
			ln->next = text(" now.");
			struct block *xref = block(BLK_PARAGRAPH, before);
			prev->next = xref;
			prev = xref;
			/* An absurd word, and characters no font has (twice). */
			char *w = arena_alloc(&A, 3001);
			for (int i = 0; i < 3000; i++)
				w[i] = (char)('a' + i % 26);
			w[3000] = 0;
			struct block *p1 = block(BLK_PARAGRAPH, text(w));
			struct block *p2 = block(BLK_PARAGRAPH,
						 text("smile \xf0\x9f\x98\x80 and \xf0\x9f\x98\x80 again"));
			prev->next = p1;
			p1->next = p2;
		}
	}
	b.chapters = chs;
	b.nchapters = 2;
	/* the title page and contents the layout sets (generate.h) */
	struct generate_titles titles = {st.contents_title, st.resources_title,
					 st.resources_author};
	generate_pages(&run, &b, &titles);

	struct layout *lo = layout_book(&run, &b, &st, f, NULL, false);
	CHECK("layout made", lo != NULL);
	if (!lo)
		UNIT_END();
	CHECK("several pages", lo->npages >= 4);
	int outside = 0, flush = 0;
	for (int p = 0; p < lo->npages; p++) {
		const struct lo_page *pg = &lo->pages[p];
		for (size_t i = 0; i < pg->nitems; i++) {
			const struct lo_item *it = &pg->items[i];
			if (it->kind != LO_TEXT)
				continue;
			/* Running heads and folios stand in the frame's bands. */
			if (it->x < pg->left - 0.01f || it->x + it->w > pg->right + 0.01f ||
			    it->y < lo->frame_bottom || it->y > lo->frame_top)
				outside++;
			if (fabsf(it->x + it->w - pg->right) < 0.05f)
				flush++;
		}
	}
	CHECK("no text outside the text block", outside == 0);
	CHECK("justified lines end flush right", flush > 100);
	CHECK("no widows", lo->nwidows == 0);
	CHECK("no orphans", lo->norphans == 0);
	CHECK("no heading at a page foot", lo->nheading_foot == 0);
	int starts = 0;
	for (int p = 0; p < lo->npages; p++)
		starts += lo->pages[p].chapter_start;
	CHECK("each chapter starts a page", starts == 2 && lo->pages[lo->nfront].chapter_start);
	CHECK("front matter: title page and contents", lo->nfront >= 2 && lo->pages[0].front &&
							    !lo->pages[lo->nfront].front);
	CHECK("contents lists chapters and sections", lo->ntoc == 2 &&
						     lo->toc[1].page == lo->chapter_start[1].page);
	char num[16];
	layout_folio(&lo->pages[1], num);
	CHECK_STR("roman folio", num, "ii");
	layout_folio(&lo->pages[lo->nfront], num);
	CHECK_STR("body starts at 1", num, "1");
	CHECK("heading anchored", lo->headings[1][0].page > 0 &&
				  lo->pages[lo->headings[1][0].page].chapter == &ch[1]);
	/* "(p. N)" names the page the second chapter opens on. */
	int ref = -1;
	for (int p = 0; p < lo->npages && ref < 0; p++) {
		const struct lo_page *pg = &lo->pages[p];
		for (size_t i = 0; i + 1 < pg->nitems; i++) {
			const struct lo_item *it = &pg->items[i];
			if (it->kind == LO_TEXT && it->len == 3 && memcmp(it->text, "(p.", 3) == 0) {
				for (size_t k = i + 1; k < pg->nitems; k++)
					if (pg->items[k].kind == LO_TEXT) {
						ref = atoi(pg->items[k].text);
						break;
					}
				break;
			}
		}
	}
	CHECK("page reference names the target's page",
	      ref > 0 && ref == lo->pages[lo->chapter_start[1].page].folio);
	int warned = 0;
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].msg, "U+1F600"))
			warned++;
	CHECK("one warning per missing character", warned == 1);

	/* Pagination (pagination.h): the word rule, and every body page
	 * opens at a later word of the book than the page before. */
	CHECK("words: none in blanks", words_count(" \t\n ", 4) == 0);
	CHECK("words: runs of non-blanks", words_count("a  bc\td\n", 8) == 3);
	CHECK("words: a no-break space joins", words_count("a\xc2\xa0" "b c", 6) == 2);
	struct pagination pg = {0};
	CHECK("pagination from the layout", layout_pagination(lo, &b, &pg) == 0 &&
						    pg.nmarks == lo->npages);
	int marked = 0, forward = 1, front_clean = 1;
	long prev = -1;
	for (int p = 0; p < pg.nmarks; p++) {
		const struct page_mark *m = &pg.marks[p];
		if (m->front) {
			front_clean &= m->block == NULL && m->chapter == NULL;
			continue;
		}
		if (!m->block)
			continue;
		marked++;
		long ord = 0;
		for (const struct block *x = m->chapter->blocks; x && x != m->block; x = x->next)
			ord++;
		long at = ((long)m->chapter->index * 1000 + ord) * 100000 + m->word;
		forward &= at > prev;
		prev = at;
	}
	CHECK("front matter opens no block", front_clean);
	CHECK("every body page opens a block", marked == lo->npages - lo->nfront);
	CHECK("marks move forward", forward);
	pagination_free(&pg);

	/* Same input, same layout. */
	struct layout *lo2 = layout_book(&run, &b, &st, f, NULL, false);
	int same = lo2 && lo2->npages == lo->npages;
	for (int p = 0; same && p < lo->npages; p++) {
		same = lo2->pages[p].nitems == lo->pages[p].nitems;
		for (size_t i = 0; same && i < lo->pages[p].nitems; i++) {
			const struct lo_item *x = &lo->pages[p].items[i], *y = &lo2->pages[p].items[i];
			same = x->kind == y->kind && x->x == y->x && x->y == y->y &&
			       x->w == y->w && x->font == y->font && x->len == y->len;
		}
	}
	CHECK("deterministic", same);
	/* Duplex mirrors the margins on left-hand pages. */
	st.margin_inner = 90;
	st.margin_outer = 50;
	struct layout *lo3 = layout_book(&run, &b, &st, f, NULL, true);
	CHECK("duplex mirrors margins", lo3 && lo3->npages > 1 &&
					       fabsf(lo3->pages[0].left - 90) < 0.01f &&
					       fabsf(lo3->pages[1].left - 50) < 0.01f);
	layout_free(lo);
	layout_free(lo2);
	layout_free(lo3);
	fonts_free(f);
	diag_list_free(&d);
	arena_free(&A);
	UNIT_END();
}
