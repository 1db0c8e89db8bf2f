/*
 * resources.c - the Resources appendix, computed once for both writers.
 *
 * Entries are the distinct normalised URLs of all external links.  Those
 * the author lists in a "Resources" section of the root page come first,
 * in the author's order and with the author's descriptions; the rest
 * follow grouped by the chapter that first cites them, in order of first
 * citation.  An entry's title is the link text where it first appears in
 * reading order; for a bare autolink in a list item, the item's other
 * text, else the URL itself.
 */
#include "resolve/resources.h"

#include "base/base.h"
#include "model/words.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_resources_title(const char *t)
{
	static const char *const names[] = {"resources", "further resources", "further reading",
					    "references", "external resources", "learning resources"};
	while (isspace((unsigned char)*t))
		t++;
	size_t n = strlen(t);
	while (n && (isspace((unsigned char)t[n - 1]) || t[n - 1] == ':'))
		n--;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && strncasecmp(t, names[i], n) == 0)
			return true;
	return false;
}

/* The root page's Resources heading (a top-level block), or NULL. */
static struct block *find_section(const struct chapter *root)
{
	for (struct block *b = root->blocks; b; b = b->next)
		if (b->type == BLK_HEADING && b->level > 1 && is_resources_title(b->plain))
			return b;
	return NULL;
}

/* Trims spaces and the separators authors put between a link and its
 * description ("—", "–", "-", ":", ","). */
static char *trim_sep(struct arena *a, const char *s)
{
	static const char *const seps[] = {"\xE2\x80\x94", "\xE2\x80\x93", "-", ":", ",", ";"};
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		bool cut = false;
		for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
			size_t n = strlen(seps[i]);
			if (strncmp(s, seps[i], n) == 0) {
				s += n;
				cut = true;
				break;
			}
		}
		if (!cut)
			break;
	}
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ',' || s[n - 1] == ';' ||
		     s[n - 1] == ':'))
		n--;
	return arena_strndup(a, s, n);
}

/* The owner's text without the link node: what surrounds it. */
static char *text_around(struct arena *a, const struct block *owner, const struct inline_node *link)
{
	struct buf b = BUF_INIT;
	for (const struct inline_node *in = owner->inlines; in; in = in->next) {
		if (in == link) {
			buf_putc(&b, ' ');
			continue;
		}
		/* inline_plain walks siblings too: take one node at a time. */
		struct inline_node one = *in;
		one.next = NULL;
		char *t = model_plain(a, &one);
		buf_puts(&b, t);
	}
	char *s = trim_sep(a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* Blocks from the section heading up to the next heading of the same or a
 * higher level belong to it. */
static void mark_section(struct book *book, struct block *heading)
{
	for (int i = 0; i < book->nextrefs; i++) {
		struct extref *e = &book->extrefs[i];
		if (e->chapter != book->root)
			continue;
		/* Find the top-level block holding the link. */
		const struct block *top = e->owner;
		while (top && top->parent)
			top = top->parent;
		for (const struct block *b = heading->next; b; b = b->next) {
			if (b->type == BLK_HEADING && b->level <= heading->level)
				break;
			if (b == top) {
				e->in_resources = true;
				break;
			}
		}
	}
}

void resources_collect(struct run *run, struct book *book)
{
	struct arena *a = run->arena;
	int nd = book->next_distinct;
	book->resource_of = arena_calloc(a, (size_t)nd + 1, sizeof *book->resource_of);
	book->resources = arena_calloc(a, (size_t)nd + 1, sizeof *book->resources);
	book->nresources = 0;
	if (!nd)
		return;

	struct block *section = book->root ? find_section(book->root) : NULL;
	book->resources_section = section;
	if (section)
		mark_section(book, section);

	/* Per distinct URL: its first reference and the number of refs. */
	int *first = xcalloc((size_t)nd, sizeof *first);
	int *count = xcalloc((size_t)nd, sizeof *count);
	for (int d = 0; d < nd; d++)
		first[d] = -1;
	for (int i = 0; i < book->nextrefs; i++) {
		int d = book->extrefs[i].distinct;
		if (first[d] < 0)
			first[d] = i;
		count[d]++;
	}

	/* Order: the author's list first, then first citation in reading
	 * order (which groups by chapter, chapters being in reading order). */
	int *order = xcalloc((size_t)nd, sizeof *order);
	char *placed = xcalloc((size_t)nd, 1);
	int n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < book->nextrefs; i++) {
			const struct extref *e = &book->extrefs[i];
			if (placed[e->distinct] || (pass == 0 && !e->in_resources))
				continue;
			placed[e->distinct] = 1;
			order[n++] = e->distinct;
		}

	for (int k = 0; k < n; k++) {
		int d = order[k];
		struct resource *r = &book->resources[k];
		const struct extref *e = &book->extrefs[first[d]];
		r->number = k + 1;
		r->url = e->url;
		r->norm = e->norm;
		r->chapter = e->chapter;
		r->refs = arena_calloc(a, (size_t)count[d], sizeof *r->refs);
		if (!*e->text || strcmp(e->text, e->url) == 0 ||
		    (strncmp(e->url, "mailto:", 7) == 0 && strcmp(e->text, e->url + 7) == 0)) {
			/* Only a list item's text names the link; prose around a
			 * bare URL in a paragraph does not. */
			bool item = e->owner && e->owner->parent && e->owner->parent->type == BLK_ITEM;
			char *around = item ? text_around(a, e->owner, e->node) : "";
			r->title = *around ? around : e->url;
		} else {
			r->title = e->text;
		}
		book->resource_of[d] = r;
	}
	for (int i = 0; i < book->nextrefs; i++) {
		struct extref *e = &book->extrefs[i];
		struct resource *r = book->resource_of[e->distinct];
		r->refs[r->nrefs++] = i;
		if (e->in_resources && !r->author_listed) {
			r->author_listed = true;
			char *desc = text_around(a, e->owner, e->node);
			r->description = *desc ? desc : NULL;
		}
	}
	book->nresources = n;
	free(first);
	free(count);
	free(order);
	free(placed);
}
