/*
 * generate.c - the title page, the contents and the Resources appendix as
 * model blocks (generate.h).
 */
#include "resolve/generate.h"

#include <string.h>

#include "base/arena.h"
#include "base/util.h"

/* Appends blocks to a generated chapter. */
struct gen {
	struct arena *a;
	struct chapter *ch;
	struct block *last;
};

static void gen_start(struct gen *g, struct arena *a, const char *title, const char *path)
{
	g->a = a;
	g->ch = arena_calloc(a, 1, sizeof *g->ch);
	g->ch->index = -1;
	g->ch->toc_index = -1;
	g->ch->title = title;
	g->ch->path = path;
	g->ch->display_path = path;
	g->last = NULL;
}

/* A block of type t and role r showing text (one text inline, also in
 * block->plain); NULL text: no inline. */
static struct block *gen_block(struct gen *g, enum block_type t, enum block_role r,
			       const char *text)
{
	struct block *b = arena_calloc(g->a, 1, sizeof *b);
	b->type = t;
	b->role = r;
	b->number = -1;
	if (text) {
		struct inline_node *in = arena_calloc(g->a, 1, sizeof *in);
		in->type = INL_TEXT;
		in->text = text;
		in->len = strlen(text);
		b->inlines = in;
		b->plain = text;
	}
	if (g->last)
		g->last->next = b;
	else
		g->ch->blocks = b;
	g->last = b;
	return b;
}

static struct block *gen_heading(struct gen *g, enum block_role r, int level,
				 const char *text)
{
	struct block *b = gen_block(g, BLK_HEADING, r, text);
	b->level = level;
	return b;
}

const char *generate_text(const struct block *b)
{
	return b && b->plain ? b->plain : "";
}

/* The titles given, with a default for each one missing. */
static struct generate_titles titles_or_defaults(const struct generate_titles *t)
{
	struct generate_titles r = *t;
	if (!r.contents || !*r.contents)
		r.contents = "Contents";
	if (!r.resources || !*r.resources)
		r.resources = "Resources";
	if (!r.author_group || !*r.author_group)
		r.author_group = "Listed by the author";
	return r;
}

static struct chapter *title_page(struct arena *a, const struct book *book)
{
	const struct metadata *m = &book->meta;
	struct gen g;
	gen_start(&g, a, "Title page", "titlepage");
	gen_heading(&g, ROLE_TITLE, 1, m->title && *m->title ? m->title : "Untitled");
	if (m->subtitle && *m->subtitle)
		gen_block(&g, BLK_PARAGRAPH, ROLE_SUBTITLE, m->subtitle);
	if (m->nauthors > 0) {
		struct buf b = BUF_INIT;
		for (int i = 0; i < m->nauthors; i++) {
			if (i)
				buf_puts(&b, i + 1 == m->nauthors ? " and " : ", ");
			buf_puts(&b, m->authors[i]);
		}
		gen_block(&g, BLK_PARAGRAPH, ROLE_AUTHORS, buf_to_arena(&b, a));
		buf_free(&b);
	}
	bool version = m->version && *m->version, date = date_valid(m->date);
	if (version || date) {
		const char *line = version && date
			? arena_printf(a, "Version %s \xc2\xb7 %s", m->version, m->date)
			: version ? arena_printf(a, "Version %s", m->version) : m->date;
		struct block *b = gen_block(&g, BLK_PARAGRAPH, ROLE_EDITION, line);
		/* the date, for a writer that marks it up as one */
		b->info = date ? m->date : NULL;
	}
	return g.ch;
}

/* "1.2. Title", or the title alone. */
static const char *entry_text(struct arena *a, const struct toc_entry *e)
{
	const struct chapter *ch = e->chapter;
	const char *t = e->title ? e->title : ch ? (ch->title ? ch->title : ch->path) : "";
	if (e->kind == TOC_CHAPTER && e->number)
		return arena_printf(a, "%s %s", e->number, t);
	return t;
}

static struct chapter *contents(struct arena *a, const struct book *book, const char *title)
{
	struct gen g;
	gen_start(&g, a, title, "contents");
	gen_heading(&g, ROLE_NONE, 1, title);
	/* A book made without book->toc (the loader always makes one): an
	 * entry per chapter, in reading order. */
	const struct toc_entry *toc = book->toc;
	int ntoc = book->ntoc;
	if (!ntoc && book->nchapters) {
		struct toc_entry *t = arena_calloc(a, (size_t)book->nchapters, sizeof *t);
		for (int i = 0; i < book->nchapters; i++)
			t[i] = (struct toc_entry){TOC_CHAPTER, NULL, NULL, 0, -1, book->chapters[i]};
		toc = t;
		ntoc = book->nchapters;
	}
	for (int i = 0; i < ntoc; i++) {
		const struct toc_entry *e = &toc[i];
		if ((e->kind == TOC_CHAPTER && !e->chapter) || (toc == book->toc &&
							       !model_toc_shown(book, i)))
			continue;
		struct block *b = gen_block(&g, BLK_PARAGRAPH, ROLE_CONTENTS_ENTRY,
					    e->kind == TOC_SEPARATOR ? NULL : entry_text(a, e));
		b->toc = e;
		b->level = e->depth;
		if (e->kind != TOC_CHAPTER)
			continue;
		const struct chapter *ch = e->chapter;
		for (int h = 0; h < ch->nheadings; h++) {
			const struct block *hb = ch->headings[h];
			if (hb->level != 2 || !hb->plain)
				continue;
			b = gen_block(&g, BLK_PARAGRAPH, ROLE_CONTENTS_ENTRY, hb->plain);
			b->toc = e;
			b->section = hb;
			b->level = e->depth + 1;
		}
	}
	return g.ch;
}

/* The name of a group of entries: the chapter's, numbered as in the
 * contents. */
static const char *chapter_name(struct arena *a, const struct chapter *ch)
{
	const char *t = ch->title ? ch->title : ch->path;
	return ch->number ? arena_printf(a, "%s %s", ch->number, t) : t;
}

static void resource_entry(struct gen *g, const struct resource *r, int number)
{
	struct block *b = gen_block(g, BLK_PARAGRAPH, ROLE_RESOURCE,
				    r->title && *r->title ? r->title : r->url);
	b->resource = r;
	b->start = number;
}

static void resources_start(struct gen *g, struct arena *a, const struct generate_titles *t)
{
	gen_start(g, a, t->resources, "resources");
	gen_heading(g, ROLE_NONE, 1, t->resources);
	gen_block(g, BLK_PARAGRAPH, ROLE_RESOURCES_INTRO,
		  "Every web address this book links to, numbered as in the text. "
		  "Each entry links to the resource and back to the places that cite it.");
}

static struct chapter *resources(struct arena *a, const struct book *book,
				 const struct generate_titles *t)
{
	if (book->nresources <= 0)
		return NULL;
	struct gen g;
	resources_start(&g, a, t);
	for (int i = 0; i < book->nresources; i++) {
		const struct resource *r = &book->resources[i];
		const struct resource *prev = i > 0 ? &book->resources[i - 1] : NULL;
		if (!prev || prev->author_listed != r->author_listed ||
		    (!r->author_listed && prev->chapter != r->chapter))
			gen_heading(&g, ROLE_RESOURCES_GROUP, 2,
				    r->author_listed ? t->author_group
				    : r->chapter ? chapter_name(a, r->chapter) : "Other");
		resource_entry(&g, r, r->number);
	}
	return g.ch;
}

struct chapter *generate_resources(struct arena *a, const struct book *book,
				   const struct generate_titles *given, int first, int end)
{
	struct generate_titles tt = titles_or_defaults(given), *t = &tt;
	int nd = book->next_distinct;
	if (book->nresources <= 0 || nd <= 0 || !book->resource_of)
		return NULL;
	bool *seen = arena_calloc(a, (size_t)nd, sizeof *seen);
	struct gen g = {0};
	const struct chapter *group = NULL;
	int n = 0;
	for (int e = 0; e < book->nextrefs; e++) {
		const struct extref *x = &book->extrefs[e];
		const struct resource *r = x->distinct >= 0 && x->distinct < nd
			? book->resource_of[x->distinct] : NULL;
		if (!x->chapter || x->chapter->index < first || x->chapter->index >= end ||
		    !r || seen[x->distinct])
			continue;
		seen[x->distinct] = true;
		if (!n)
			resources_start(&g, a, t);
		if (!n || x->chapter != group)
			gen_heading(&g, ROLE_RESOURCES_GROUP, 2, chapter_name(a, x->chapter));
		group = x->chapter;
		resource_entry(&g, r, ++n);
	}
	return n ? g.ch : NULL;
}

void generate_pages(struct run *run, struct book *book, const struct generate_titles *given)
{
	struct arena *a = run->arena;
	struct generate_titles tt = titles_or_defaults(given), *t = &tt;
	book->gen.title_page = title_page(a, book);
	book->gen.contents = contents(a, book, t->contents);
	book->gen.resources = resources(a, book, t);
}
