/*
 * handouts.c - which chapters make up each module (handouts.h).
 */
#include "resolve/handouts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "load/folder.h"
#include "base/util.h"

struct candidates {
	const struct book *book;
	bool *linked; /* per chapter index */
};

static void note_link(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	struct candidates *c = ctx;
	if (in->type != INL_LINK || !in->link || in->link->kind != LINK_INTERNAL)
		return;
	const struct chapter *ch = in->link->chapter;
	if (ch && ch != c->book->root && ch->index >= 0 && ch->index < c->book->nchapters)
		c->linked[ch->index] = true;
}

/* True if path names a folder's index page (index.md, README.md). */
static bool index_page(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strcasecmp(base, "index.md") == 0 || strcasecmp(base, "readme.md") == 0;
}

/* True if chapter a contains chapter c: an mdBook ancestor, or c lies in
 * the folder (or a subfolder) of a, an index page. */
static bool contains(const struct chapter *a, const struct chapter *c)
{
	if (a == c)
		return false;
	for (const struct chapter *p = c->parent; p; p = p->parent)
		if (p == a)
			return true;
	if (!index_page(a->path))
		return false;
	const char *slash = strrchr(a->path, '/');
	if (!slash)
		return false; /* the book folder's own index: the root */
	size_t dl = (size_t)(slash - a->path) + 1;
	return strncmp(c->path, a->path, dl) == 0;
}

/* "Module 3: Compiler Internals" -> "Compiler Internals". */
static const char *strip_number(const char *title)
{
	static const char *const words[] = {"module", "chapter", "part", "unit", "lesson"};
	const char *p = title;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i]);
		if (strncasecmp(p, words[i], n) != 0 || p[n] != ' ')
			continue;
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (!isdigit((unsigned char)*q))
			break;
		while (isdigit((unsigned char)*q))
			q++;
		while (*q == ' ' || *q == ':' || *q == '.' || *q == '-')
			q++;
		/* en and em dashes */
		while (strncmp(q, "\xE2\x80\x93", 3) == 0 || strncmp(q, "\xE2\x80\x94", 3) == 0) {
			q += 3;
			while (*q == ' ')
				q++;
		}
		return *q ? q : title;
	}
	return title;
}

/* "module3-compiler-internals.pdf": ASCII letters and digits of the
 * title, lowercased, other runs as one '-'. */
static const char *file_name(struct arena *a, int number, const char *title)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "module%d", number);
	size_t start = b.len;
	bool dash = true;
	for (const unsigned char *p = (const unsigned char *)title; *p && b.len - start < 60; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash)
				buf_putc(&b, '-');
			buf_putc(&b, tolower(*p));
			dash = false;
		} else {
			dash = true;
		}
	}
	buf_puts(&b, ".pdf");
	const char *s = buf_to_arena(&b, a);
	buf_free(&b);
	return s;
}

/*
 * An mdBook book's modules come from SUMMARY.md, whatever its first page
 * links: one per part title ("# User Guide") when it has parts, each
 * titled by its part; else one per top-level chapter with its
 * sub-chapters.  The chapters before the first module (the prefix
 * chapters: a title page, the introduction) open the first one, so that
 * every chapter is in a handout.  ptitle[i] is a module's title when it
 * is not its page's.
 */
static void summary_pages(const struct book *book, bool *page, const char **ptitle)
{
	int nch = book->nchapters;
	bool parts = false;
	for (int i = 0; i < nch; i++)
		parts |= book->chapters[i]->part != NULL;
	for (int i = 0; i < nch; i++) {
		const struct chapter *ch = book->chapters[i];
		if (parts) {
			page[i] = ch->part != NULL;
			ptitle[i] = ch->part;
		} else {
			/* the root page is a prefix chapter: it joins the first */
			page[i] = ch != book->root && !ch->parent && ch->depth == 0;
		}
	}
}

void handouts_modules(struct run *run, const struct book *book, struct module **out,
		      int *n)
{
	*out = NULL;
	*n = 0;
	int nch = book->nchapters;
	if (nch <= 0)
		return;
	bool *page = xcalloc((size_t)nch, sizeof *page);
	const char **ptitle = xcalloc((size_t)nch, sizeof *ptitle);
	bool join_prefix = false;
	const struct metadata *m = &book->meta;
	if (m->nhandout_modules > 0) {
		for (int i = 0; i < m->nhandout_modules; i++) {
			const char *path = NULL;
			struct chapter *ch = NULL;
			if (folder_target(run->arena, book, "folio.ini", m->handout_modules[i], &path) == TARGET_OK)
				ch = folder_chapter(book, path);
			if (ch)
				page[ch->index] = true;
			else
				diag_warn(run->diags, book_meta_display(run->arena, book),
					  m->handout_modules_line, 1,
					  "[handouts] modules: '%s' is no chapter of the book; ignored",
					  m->handout_modules[i]);
		}
	} else if (book->mdbook) {
		summary_pages(book, page, ptitle);
		join_prefix = true;
	} else if (book->root) {
		struct candidates c = {book, page};
		model_each_inline(book->root->blocks, note_link, &c);
		/* A linked chapter inside another linked one is part of it.
		 * Candidates are few (the root page's links): pairwise is fine. */
		int *cand = xcalloc((size_t)nch, sizeof *cand), nc = 0;
		for (int i = 0; i < nch; i++)
			if (page[i])
				cand[nc++] = i;
		for (int i = 0; i < nc; i++)
			for (int j = 0; j < nc; j++)
				if (i != j && contains(book->chapters[cand[j]], book->chapters[cand[i]]))
					page[cand[i]] = false;
		free(cand);
	}
	int count = 0;
	for (int i = 0; i < nch; i++)
		count += page[i];
	if (count == 0) {
		free(page);
		free(ptitle);
		return;
	}
	struct module *mods = arena_calloc(run->arena, (size_t)count, sizeof *mods);
	int k = 0;
	for (int i = 0; i < nch; i++) {
		if (!page[i])
			continue;
		struct module *md = &mods[k++];
		const struct chapter *ch = book->chapters[i];
		md->number = k;
		md->page = ch;
		md->first = i;
		md->title = strip_number(ptitle[i] ? ptitle[i] : ch->title ? ch->title : ch->path);
		md->file = file_name(run->arena, k, md->title);
	}
	for (int i = 0; i < count; i++)
		mods[i].end = i + 1 < count ? mods[i + 1].first : nch;
	if (join_prefix && mods[0].first > 0) {
		mods[0].first = 0;
		mods[0].page = book->chapters[0];
	}
	/* A folder's index page holds its folder: chapters after the last
	 * module the root page links that lie outside it (an appendix the
	 * modules link to, such as solutions) are in no module, like the
	 * root page.  Modules listed in folio.ini or made from SUMMARY.md run
	 * to the end. */
	struct module *last = &mods[count - 1];
	if (m->nhandout_modules == 0 && !join_prefix && index_page(last->page->path) &&
	    strchr(last->page->path, '/'))
		while (last->end - 1 > last->first &&
		       !contains(last->page, book->chapters[last->end - 1]))
			last->end--;
	free(page);
	free(ptitle);
	*out = mods;
	*n = count;
}

const struct module *handouts_module_of(const struct module *mods, int n, int ci)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (ci < mods[mid].first)
			hi = mid;
		else if (ci >= mods[mid].end)
			lo = mid + 1;
		else
			return &mods[mid];
	}
	return NULL;
}
