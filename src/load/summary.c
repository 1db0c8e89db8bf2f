/*
 * summary.c - mdBook's SUMMARY.md read into an outline (see summary.h).
 *
 * The file is parsed with md_parse like any chapter, then its top-level
 * blocks are read through three states as mdBook's summary parser does:
 * prefix (paragraphs of links), numbered (part titles and lists) and
 * suffix (paragraphs of links again).  Separators may appear in each.
 */
#include "load/summary.h"
#include "load/folder.h"
#include "load/parse.h"
#include "model/words.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct sreader {
	struct run *run;
	struct book *book;
	struct summary *sum;
	struct chapter *doc; /* SUMMARY.md, parsed */
	struct vec items;    /* struct summary_item *, arena memory */
	int root_count;      /* top-level numbered entries so far, all parts */
};

static int add_item(struct sreader *r, enum toc_kind kind, const char *title, int line,
		    int col)
{
	struct summary_item *it = arena_alloc(r->run->arena, sizeof *it);
	it->kind = kind;
	it->title = title;
	it->parent = -1;
	it->line = line;
	it->col = col;
	vec_push(&r->items, it);
	return (int)r->items.n - 1;
}

static struct summary_item *item_at(struct sreader *r, int i)
{
	return r->items.v[i];
}

static bool is_markdown(const char *path)
{
	const char *e = path_ext((char[16]){0}, path);
	return strcmp(e, "md") == 0 || strcmp(e, "markdown") == 0;
}

/* An entry for the link in: a chapter, or a draft when it has no target
 * or its target is not a Markdown file of the book. */
static int add_link(struct sreader *r, struct inline_node *in)
{
	struct book *b = r->book;
	struct arena *a = r->run->arena;
	const char *url = in->link->url;
	char *title = model_plain(a, in->children);
	const char *shown = r->sum->display_path;
	if (!*url) {
		diag_add(r->run->diags, DIAG_NOTE, shown, in->line, in->col,
			 "draft chapter '%s' (no file yet) is skipped", title);
		return add_item(r, TOC_DRAFT, title, in->line, in->col);
	}
	if (url_has_scheme(url) || url[0] == '#') {
		diag_warn(r->run->diags, shown, in->line, in->col,
			  "SUMMARY.md lists '%s', which is not a chapter file; "
			  "kept in the contents as unwritten", url);
		return add_item(r, TOC_DRAFT, title, in->line, in->col);
	}
	const char *hash = strchr(url, '#');
	const char *dest = hash ? arena_strndup(a, url, (size_t)(hash - url)) : url;
	const char *path;
	enum target_status st = folder_target(a, b, r->sum->path, dest, &path);
	const char *why = st == TARGET_MISSING ? "does not exist"
			: st == TARGET_OUTSIDE ? "is outside the book folder"
			: st == TARGET_NOT_FILE ? "is a folder without index.md or README.md"
			: st == TARGET_BAD ? "is malformed (bad percent-encoding)"
			: st == TARGET_LOOP ? "is a loop of symbolic links"
			: !is_markdown(path) ? "is not a Markdown file" : NULL;
	if (why) {
		diag_warn(r->run->diags, shown, in->line, in->col,
			  "SUMMARY.md lists '%s', which %s; kept in the contents as unwritten",
			  url, why);
		return add_item(r, TOC_DRAFT, title, in->line, in->col);
	}
	int i = add_item(r, TOC_CHAPTER, title, in->line, in->col);
	item_at(r, i)->path = path;
	item_at(r, i)->url = url;
	return i;
}

/* Every link in blk and below it (blocks and inlines), in document order;
 * the caller frees *out.  Explicit stacks: no recursion on content. */
static void collect_links(struct block *blk, struct vec *out)
{
	struct vec blocks = {0}, inl = {0};
	vec_push(&blocks, blk);
	while (blocks.n) {
		struct block *cur = blocks.v[--blocks.n];
		/* children pushed in reverse so they pop in order */
		size_t mark = blocks.n;
		for (struct block *c = cur->children; c; c = c->next)
			vec_push(&blocks, c);
		for (size_t i = mark, j = blocks.n; j > i + 1; i++, j--) {
			void *t = blocks.v[i];
			blocks.v[i] = blocks.v[j - 1];
			blocks.v[j - 1] = t;
		}
		struct inline_node *in = cur->inlines;
		for (;;) {
			while (in) {
				if (in->type == INL_LINK) {
					vec_push(out, in);
				} else if (in->children && in->type != INL_IMAGE) {
					vec_push(&inl, in->next);
					in = in->children;
					continue;
				}
				in = in->next;
			}
			if (!inl.n)
				break;
			in = inl.v[--inl.n];
		}
	}
	vec_free(&blocks);
	vec_free(&inl);
}

/* Prefix and suffix blocks: each link is an unnumbered entry. */
static void affix_block(struct sreader *r, struct block *blk)
{
	if (blk->type == BLK_THEMATIC) {
		add_item(r, TOC_SEPARATOR, NULL, blk->line, blk->col);
		return;
	}
	struct vec links = {0};
	collect_links(blk, &links);
	for (size_t i = 0; i < links.n; i++)
		add_link(r, links.v[i]);
	vec_free(&links);
}

static void warn_ignored_links(struct sreader *r, struct block *blk, const char *why)
{
	struct vec links = {0};
	collect_links(blk, &links);
	if (links.n) {
		struct inline_node *in = links.v[0];
		diag_warn(r->run->diags, r->sum->display_path, in->line, in->col,
			  "SUMMARY.md: %s; its link%s ignored (as mdBook does)", why,
			  links.n == 1 ? " is" : "s are");
	}
	vec_free(&links);
}

/*
 * A list of chapters.  Items are numbered prefix + "N." when numbered
 * (a list after the suffix chapters is not).  Recursion follows list
 * nesting, which md_parse bounds (PARSE_MAX_BLOCK_DEPTH).
 */
static void read_list(struct sreader *r, struct block *list, const char *prefix, int depth,
		      int parent, bool numbered)
{
	struct arena *a = r->run->arena;
	int count = 0;
	for (struct block *item = list->children; item; item = item->next) {
		if (item->type != BLK_ITEM)
			continue;
		struct block *first = item->children;
		struct vec links = {0};
		if (first && first->type == BLK_PARAGRAPH)
			collect_links(first, &links);
		int idx;
		if (links.n) {
			idx = add_link(r, links.v[0]);
		} else {
			/* mdBook refuses this; keep the words as an
			 * unwritten chapter rather than lose them. */
			const char *t = first && first->type == BLK_PARAGRAPH
					      ? model_plain(a, first->inlines) : "";
			diag_warn(r->run->diags, r->sum->display_path, item->line, item->col,
				  "SUMMARY.md: list item without a link; "
				  "kept in the contents as unwritten");
			idx = add_item(r, TOC_DRAFT, *t ? t : "(untitled)", item->line, item->col);
		}
		vec_free(&links);
		struct summary_item *it = item_at(r, idx);
		it->depth = depth;
		it->parent = parent;
		if (numbered) {
			int n = depth == 0 ? ++r->root_count : ++count;
			it->number = arena_printf(a, "%s%d.", prefix, n);
		}
		const char *num = it->number ? it->number : "";
		for (struct block *c = first ? first->next : NULL; c; c = c->next) {
			if (c->type == BLK_LIST)
				read_list(r, c, num, depth + 1, idx, numbered);
			else
				warn_ignored_links(r, c, "text under a list item that is not a list");
		}
	}
}

static void read_blocks(struct sreader *r)
{
	enum { PREFIX, NUMBERED, SUFFIX } state = PREFIX;
	bool after_part = false;
	struct block *blk = r->doc->blocks;
	/* The optional title, possibly after HTML comments. */
	struct block *t = blk;
	while (t && t->type == BLK_HTML)
		t = t->next;
	if (t && t->type == BLK_HEADING && t->level == 1)
		blk = t->next;
	for (; blk; blk = blk->next) {
		bool part = blk->type == BLK_HEADING && blk->level == 1;
		if (state == PREFIX && (part || blk->type == BLK_LIST))
			state = NUMBERED;
		if (state == PREFIX) {
			affix_block(r, blk);
			continue;
		}
		if (state == NUMBERED) {
			if (part) {
				add_item(r, TOC_PART, blk->plain, blk->line, blk->col);
				after_part = true;
				continue;
			}
			if (blk->type == BLK_LIST) {
				read_list(r, blk, "", 0, -1, true);
			} else if (blk->type == BLK_THEMATIC) {
				add_item(r, TOC_SEPARATOR, NULL, blk->line, blk->col);
			} else if (blk->type == BLK_PARAGRAPH && !after_part) {
				state = SUFFIX;
				affix_block(r, blk);
			} else {
				warn_ignored_links(r, blk, blk->type == BLK_PARAGRAPH
						   ? "a paragraph right after a part title"
						   : "not a list, part title or separator");
			}
			after_part = false;
			continue;
		}
		/* SUFFIX */
		if (part) {
			diag_warn(r->run->diags, r->sum->display_path, blk->line, blk->col,
				  "SUMMARY.md: part title after the suffix chapters "
				  "(mdBook refuses this); kept");
			add_item(r, TOC_PART, blk->plain, blk->line, blk->col);
		} else if (blk->type == BLK_LIST) {
			diag_warn(r->run->diags, r->sum->display_path, blk->line, blk->col,
				  "SUMMARY.md: list after the suffix chapters "
				  "(mdBook refuses this); its chapters are kept, unnumbered");
			read_list(r, blk, "", 0, -1, false);
		} else {
			affix_block(r, blk);
		}
	}
}

int summary_read(struct summary *out, struct run *run, struct book *b,
		 const char *src_dir)
{
	struct arena *a = run->arena;
	memset(out, 0, sizeof *out);
	const char *spath = *src_dir ? path_join(a, src_dir, "SUMMARY.md") : "SUMMARY.md";
	char *data;
	size_t len;
	if (folder_read_file(b, spath, &data, &len) != 0)
		return -1;
	struct chapter *doc = arena_alloc(a, sizeof *doc);
	doc->path = spath;
	doc->display_path = arena_printf(a, "%s%s", b->display_dir, spath);
	struct clean_report rep;
	doc->source = text_clean(a, data, len, &doc->source_len, &rep);
	free(data);
	if (rep.bad_utf8)
		diag_warn(run->diags, doc->display_path, rep.utf8_line, rep.utf8_col,
			  "invalid UTF-8 (%d sequence%s replaced by U+FFFD)", rep.bad_utf8,
			  rep.bad_utf8 == 1 ? "" : "s");
	md_parse(run, doc);
	out->path = spath;
	out->display_path = doc->display_path;

	struct sreader r = {.run = run, .book = b, .sum = out, .doc = doc};
	read_blocks(&r);
	out->nitems = (int)r.items.n;
	out->items = arena_calloc(a, r.items.n + 1, sizeof *out->items);
	for (size_t i = 0; i < r.items.n; i++)
		out->items[i] = *(struct summary_item *)r.items.v[i];
	vec_free(&r.items);
	return 0;
}
