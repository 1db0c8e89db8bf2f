/*
 * book.c - loading a book: chapter files, reading order, the contents.
 */
#include "load/book.h"
#include "load/folder.h"
#include "load/mdbook.h"
#include "load/frontmatter.h"
#include "load/meta.h"
#include "load/parse.h"
#include "load/preproc.h"
#include "load/summary.h"
#include "load/unreached.h"
#include "base/base.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Loading chapters --------------------------------------------------- */

struct loader {
	struct run *run;
	struct book *book;
	struct vec order;       /* chapters in reading order */
	struct vec toc;         /* struct toc_entry *, from SUMMARY.md */
	unsigned char *walked;  /* by chapter index: walked in the second pass */
	long include_budget;    /* preproc.h: PREPROC_MAX_EXPANSIONS */
	struct vec unreadable;  /* paths that could not be read (said once) */
	size_t walked_cap;
	bool expanded;          /* chapter texts given already expanded
				   (mdBook's links preprocessor has run) */
};

/* Marks ch walked; returns whether it already was. */
static bool mark_walked(struct loader *L, const struct chapter *ch)
{
	size_t i = (size_t)ch->index;
	if (i >= L->walked_cap) {
		size_t cap = L->walked_cap ? L->walked_cap : 64;
		while (cap <= i)
			cap *= 2;
		L->walked = xrealloc(L->walked, cap);
		memset(L->walked + L->walked_cap, 0, cap - L->walked_cap);
		L->walked_cap = cap;
	}
	bool was = L->walked[i];
	L->walked[i] = 1;
	return was;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Reads, cleans and parses one chapter file; NULL (with a warning at
 * from:line:col) if it cannot be read.  name is what SUMMARY.md calls it,
 * or NULL.  In mdBook books the {{#include}} family is expanded first and
 * rustdoc's hidden lines are dropped after parsing (preproc.h). */
static struct chapter *load_chapter(struct loader *L, const char *path, const char *from,
				    int line, int col, const char *name, const char *given,
				    size_t given_len)
{
	struct book *b = L->book;
	struct arena *a = L->run->arena;
	struct diag_list *d = L->run->diags;
	char *data;
	size_t len;
	const char *shown = arena_printf(a, "%s%s", b->display_dir, path);
	if (given) {
		data = xmalloc(given_len + 1);
		memcpy(data, given, given_len);
		len = given_len;
	} else if (folder_read_file(b, path, &data, &len) != 0) {
		diag_warn(d, from, line, col, "cannot read chapter '%s': %s", shown,
			  strerror(errno));
		return NULL;
	}
	struct chapter *ch = arena_alloc(a, sizeof *ch);
	ch->path = path;
	ch->display_path = shown;
	struct clean_report rep;
	char *text = text_clean(a, data, len, &ch->source_len, &rep);
	ch->source = text;
	free(data);
	/* the first chapter loaded is the root page */
	const char *fm_title = frontmatter_read(L->run, b, ch, text, ch->source_len,
						!b->root && L->order.n == 0);
	if (rep.bad_utf8)
		diag_warn(d, shown, rep.utf8_line, rep.utf8_col,
			  "invalid UTF-8 (%d sequence%s replaced by U+FFFD)", rep.bad_utf8,
			  rep.bad_utf8 == 1 ? "" : "s");
	if (rep.bad_ctrl)
		diag_warn(d, shown, rep.ctrl_line, rep.ctrl_col,
			  "control characters removed (%d)", rep.bad_ctrl);
	const char *set_title = NULL;
	struct preproc_map *map = NULL;
	if (b->mdbook && !(given && L->expanded))
		map = preproc_expand(L->run, b, ch, &set_title, &L->include_budget);
	size_t first_diag = d->n;
	struct admonitions *adm = mdbook_admonish_source(L->run, ch);
	md_parse(L->run, ch);
	mdbook_blocks(L->run, ch, adm);
	preproc_map_positions(map, ch, d, first_diag);
	if (b->mdbook)
		preproc_hide_lines(a, b, ch);
	if (set_title && *set_title)
		ch->title = set_title;
	else if (name && *name)
		ch->title = name;
	else if (ch->nheadings)
		ch->title = ch->headings[0]->plain;
	else if (fm_title)
		ch->title = fm_title;
	if (!ch->title || !*ch->title) {
		/* A page without a heading is named after its file. */
		const char *base = base_name(path);
		const char *dot = strrchr(base, '.');
		ch->title = arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
	}
	if (!ch->blocks)
		diag_warn(d, shown, 1, 1, "chapter is empty");
	ch->index = (int)L->order.n;
	vec_push(&L->order, ch);
	folder_index_add(a, b, ch);
	b->nchapters = (int)L->order.n;
	return ch;
}

/* Local Markdown link targets of a chapter, in document order. */
struct link_collect {
	struct arena *arena;
	struct book *book;
	struct chapter *ch;
	struct vec paths;
	struct vec nodes;
};

static bool is_markdown(const char *path)
{
	const char *e = path_ext((char[16]){0}, path);
	return strcmp(e, "md") == 0 || strcmp(e, "markdown") == 0;
}

static void collect_link(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	struct link_collect *c = ctx;
	if (in->type != INL_LINK)
		return;
	const char *url = in->link->url;
	if (!*url || url[0] == '#' || url_has_scheme(url))
		return;
	const char *hash = strchr(url, '#');
	const char *dest = hash ? arena_strndup(c->arena, url, (size_t)(hash - url)) : url;
	const char *path;
	if (folder_target(c->arena, c->book, c->ch->path, dest, &path) == TARGET_OK && is_markdown(path)) {
		vec_push(&c->paths, (void *)path);
		vec_push(&c->nodes, in);
	}
}

/* True if path was linked before and could not be read (said then). */
static bool unreadable(const struct loader *L, const char *path)
{
	for (size_t i = 0; i < L->unreadable.n; i++)
		if (strcmp(L->unreadable.v[i], path) == 0)
			return true;
	return false;
}

/* True if the folder of q lies within the folder of p (or is it). */
static bool folder_within(const char *p, const char *q)
{
	const char *ps = strrchr(p, '/');
	size_t pl = ps ? (size_t)(ps - p) : 0;
	if (pl == 0)
		return true; /* the book's top folder holds everything */
	return strncmp(p, q, pl) == 0 && q[pl] == '/';
}

/*
 * Depth-first over local links in document order, with an explicit stack
 * so a chain of 10,000 pages costs no C stack.
 *
 * In the first pass a page claims only the pages in its own folder or
 * below it: a module's project page therefore follows its module even when
 * an earlier page links forward to another module's project.  A second,
 * unrestricted pass then picks up pages reached only through other links.
 */
static void dfs(struct loader *L, struct chapter *root, bool within_only)
{
	struct book *b = L->book;
	struct frame {
		struct chapter *ch;
		struct link_collect links;
		size_t next;
	} *st = NULL;
	size_t n = 0, cap = 0;
	struct chapter *push = root;
	for (;;) {
		if (push) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				st = xrealloc(st, cap * sizeof *st);
			}
			memset(&st[n], 0, sizeof st[n]);
			st[n].ch = push;
			st[n].links.arena = L->run->arena;
			st[n].links.book = b;
			st[n].links.ch = push;
			model_each_inline(push->blocks, collect_link, &st[n].links);
			n++;
			push = NULL;
		}
		if (!n)
			break;
		struct frame *f = &st[n - 1];
		if (f->next >= f->links.paths.n) {
			vec_free(&f->links.paths);
			vec_free(&f->links.nodes);
			n--;
			continue;
		}
		size_t i = f->next++;
		const char *path = f->links.paths.v[i];
		struct chapter *seen = folder_chapter(b, path);
		if (seen) {
			/* Already loaded: in the second pass, walk it again to
			 * find pages only it leads to (each page walked once). */
			if (!within_only && !mark_walked(L, seen))
				push = seen;
			continue;
		}
		if (within_only && !folder_within(f->ch->path, path))
			continue;
		if (unreadable(L, path))
			continue;
		struct inline_node *in = f->links.nodes.v[i];
		push = load_chapter(L, path, f->ch->display_path, in->line, in->col, NULL,
				    NULL, 0);
		if (!push)
			vec_push(&L->unreadable, (void *)path);
		if (push && !within_only)
			mark_walked(L, push);
	}
	free(st);
}

static void load_reachable(struct loader *L, struct chapter *root)
{
	dfs(L, root, true);
	mark_walked(L, root);
	dfs(L, root, false);
	free(L->walked);
	vec_free(&L->unreadable);
}

/* ---- mdBook: SUMMARY.md and the table of contents ------------------------ */

static void toc_add(struct loader *L, enum toc_kind kind, const char *title,
		    const char *number, int depth, int parent, struct chapter *ch)
{
	struct toc_entry *e = arena_alloc(L->run->arena, sizeof *e);
	e->kind = kind;
	e->title = title;
	e->number = number;
	e->depth = depth;
	e->parent = parent;
	e->chapter = ch;
	vec_push(&L->toc, e);
}

/* Loads the chapters an outline lists, in its order, and makes it the
 * table of contents. */
static void load_outline(struct loader *L, const struct summary *sum)
{
	struct book *b = L->book;
	const char *part = NULL;
	for (int i = 0; i < sum->nitems; i++) {
		const struct summary_item *it = &sum->items[i];
		enum toc_kind kind = it->kind;
		struct chapter *ch = NULL;
		if (kind == TOC_CHAPTER) {
			ch = folder_chapter(b, it->path);
			if (ch) {
				diag_warn(L->run->diags, sum->display_path, it->line, it->col,
					  "%s lists '%s' again; its page appears once, "
					  "at its first place", base_name(sum->path), it->url);
			} else {
				ch = load_chapter(L, it->path, sum->display_path, it->line, it->col,
						  it->title, it->content, it->content_len);
				if (ch) {
					ch->depth = it->depth;
					ch->number = it->number;
					ch->part = part;
					ch->toc_index = i;
					part = NULL;
					if (it->parent >= 0) {
						struct toc_entry *pe = L->toc.v[it->parent];
						ch->parent = pe->kind == TOC_CHAPTER ? pe->chapter : NULL;
					}
				} else {
					kind = TOC_DRAFT;
				}
			}
		} else if (kind == TOC_PART) {
			part = it->title;
		}
		toc_add(L, kind, it->title, it->number, it->depth, it->parent, ch);
	}
}

/* Loads the chapters SUMMARY.md lists.  Returns -1 if there is none. */
static int load_summary(struct loader *L, const char *src_dir)
{
	struct summary sum;
	if (summary_read(&sum, L->run, L->book, src_dir) != 0)
		return -1;
	load_outline(L, &sum);
	return 0;
}

/* Links to the book's own published pages (book.toml's site-url) become
 * relative links to its chapters; other links are left alone. */
struct site_links {
	struct arena *arena;
	struct book *book;
	struct chapter *ch;
	const char *src_dir;
	const char *site; /* site-url without its scheme */
};

static const char *strip_scheme(const char *url)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return url + 8;
	if (strncasecmp(url, "http://", 7) == 0)
		return url + 7;
	return NULL;
}

static void site_link(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	struct site_links *c = ctx;
	struct book *b = c->book;
	struct arena *a = c->arena;
	if (in->type != INL_LINK)
		return;
	const char *rest = strip_scheme(in->link->url);
	size_t sl = strlen(c->site);
	if (!rest || strncmp(rest, c->site, sl) != 0)
		return;
	rest += sl;
	const char *frag = strchr(rest, '#');
	size_t pl = strcspn(rest, "#?");
	const char *dest = arena_strndup(a, rest, pl);
	struct chapter *target = NULL;
	const char *path;
	if (!*dest || strcmp(dest, "index.html") == 0)
		target = b->chapters[0]; /* mdBook's index.html is the first chapter */
	else if (folder_target(a, b, path_join(a, c->src_dir, "SUMMARY.md"), dest, &path) == TARGET_OK)
		target = folder_chapter(b, path);
	if (!target || strchr(target->path, '%'))
		return;
	struct buf url = BUF_INIT;
	for (const char *p = c->ch->path; (p = strchr(p, '/')); p++)
		buf_puts(&url, "../");
	buf_puts(&url, target->path);
	if (frag)
		buf_puts(&url, frag);
	in->link->url = buf_to_arena(&url, a);
	buf_free(&url);
}

static void own_site_links(struct arena *a, struct book *b, const char *src_dir)
{
	const char *site = b->meta.site_url ? strip_scheme(b->meta.site_url) : NULL;
	if (!site || !b->nchapters)
		return;
	struct site_links c = {a, b, NULL, src_dir, site};
	for (int i = 0; i < b->nchapters; i++) {
		c.ch = b->chapters[i];
		model_each_inline(c.ch->blocks, site_link, &c);
	}
}

/* A root page that exists but cannot be used (a symbolic link out of the
 * book or round in a loop, a folder, a FIFO) is said, not passed over
 * in silence for the next candidate. */
static void refused_root(struct run *run, const struct book *b, const char *path)
{
	const char *why = NULL, *found = NULL;
	switch (folder_target(run->arena, b, "", path, &found)) {
	case TARGET_OUTSIDE:
		why = "leads outside the book folder";
		break;
	case TARGET_LOOP:
		why = "is a loop of symbolic links";
		break;
	case TARGET_NOT_FILE:
		why = "is not a regular file";
		break;
	default:
		return;
	}
	diag_warn(run->diags, path_join(run->arena, b->display_dir, path), 1, 1,
		  "%s %s; not used as the root page", path, why);
}

/* The book folder dir, checked, and its metadata file read. */
static int book_open(struct book **out, struct run *run, const char *dir, const char **src_dir)
{
	struct arena *a = run->arena;
	struct diag_list *d = run->diags;
	struct book *b = arena_alloc(a, sizeof *b);
	b->dir = arena_strdup(a, dir);
	size_t dl = strlen(dir);
	b->display_dir = strcmp(dir, ".") == 0 ? "" : arena_printf(a, "%s%s", dir,
				 dl && dir[dl - 1] == '/' ? "" : "/");
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(dir, real) || stat(real, &st) != 0) {
		diag_fatal(d, dir, "book folder not found: %s", strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_fatal(d, dir, "not a folder");
		return -1;
	}
	b->realdir = arena_strdup(a, real);
	meta_load(run, b, src_dir);
	*out = b;
	return 0;
}

/* The loaded chapters and contents made the book's; the rest of it.  With
 * outline (SUMMARY.md or a RenderContext), chapters open with their
 * numbers and titles as mdBook shows them (mdbook.h). */
static void book_finish(struct loader *L, struct book *b, const char *src_dir, bool outline)
{
	struct arena *a = L->run->arena;
	b->nchapters = (int)L->order.n;
	b->chapters = arena_calloc(a, L->order.n, sizeof *b->chapters);
	for (size_t i = 0; i < L->order.n; i++)
		b->chapters[i] = L->order.v[i];
	b->ntoc = (int)L->toc.n;
	b->toc = arena_calloc(a, L->toc.n + 1, sizeof *b->toc);
	for (size_t i = 0; i < L->toc.n; i++)
		b->toc[i] = *(struct toc_entry *)L->toc.v[i];
	vec_free(&L->order);
	vec_free(&L->toc);
	if (outline)
		mdbook_openings(L->run, b);
	if (b->mdbook)
		own_site_links(a, b, src_dir);
	unreached_warn(L->run, b);
	meta_defaults(L->run, b);
}

int book_load_outline(struct book **out, struct run *run, const char *dir,
		      const char *src_dir, const struct summary *sum, bool expanded,
		      void (*adjust)(void *ctx, struct book *b), void *ctx)
{
	struct book *b;
	const char *toml_src;
	if (book_open(&b, run, dir, &toml_src) != 0)
		return -1;
	b->mdbook = true;
	if (adjust)
		adjust(ctx, b);
	struct loader L = {.run = run, .book = b, .include_budget = PREPROC_MAX_EXPANSIONS,
			   .expanded = expanded};
	load_outline(&L, sum);
	if (!L.order.n) {
		diag_fatal(run->diags, sum->display_path, "the book has no chapter to typeset");
		vec_free(&L.order);
		vec_free(&L.toc);
		return -1;
	}
	b->root = L.order.v[0];
	book_finish(&L, b, src_dir, true);
	*out = b;
	return 0;
}

int book_load(struct book **out, struct run *run, const char *dir)
{
	struct arena *a = run->arena;
	struct diag_list *d = run->diags;
	struct book *b;
	const char *src_dir = NULL;
	if (book_open(&b, run, dir, &src_dir) != 0)
		return -1;
	if (!src_dir && folder_is_file(b, "src/SUMMARY.md"))
		src_dir = "src";
	b->mdbook = src_dir != NULL;

	struct loader L = {.run = run, .book = b, .include_budget = PREPROC_MAX_EXPANSIONS};
	bool summary = false;
	if (src_dir) {
		if (load_summary(&L, src_dir) != 0)
			diag_warn(d, b->meta.source_file ? arena_printf(a, "%s%s", b->display_dir,
							b->meta.source_file) : b->display_dir,
				  0, 0, "no %s; the reading order follows the links from its "
				  "index.md or README.md", path_join(a, src_dir, "SUMMARY.md"));
		else if (!L.order.n)
			diag_warn(d, arena_printf(a, "%s%s", b->display_dir,
						  path_join(a, src_dir, "SUMMARY.md")), 0, 0,
				  "SUMMARY.md lists no chapter that can be read; the reading order "
				  "follows the links from index.md or README.md");
		else
			summary = true;
	}
	if (summary) {
		b->root = L.order.v[0];
	} else {
		L.toc.n = 0;
		const char *root = NULL;
		static const char *const names[] = {"index.md", "README.md"};
		for (int i = 0; i < 2 && !root; i++) {
			const char *p = src_dir ? path_join(a, src_dir, names[i]) : names[i];
			if (folder_is_file(b, p))
				root = p;
			else
				refused_root(run, b, p);
		}
		if (!root) {
			diag_fatal(d, b->display_dir[0] ? b->display_dir : ".",
				   "no root page (index.md or README.md) in the book folder");
			vec_free(&L.order);
			vec_free(&L.toc);
			return -1;
		}
		b->root = load_chapter(&L, root, b->display_dir, 0, 0, NULL, NULL, 0);
		if (!b->root) {
			vec_free(&L.order);
			vec_free(&L.toc);
			return -1;
		}
		load_reachable(&L, b->root);
		/* Without SUMMARY.md the contents are the reading order. */
		for (size_t i = 0; i < L.order.n; i++) {
			struct chapter *ch = L.order.v[i];
			ch->toc_index = (int)i;
			toc_add(&L, TOC_CHAPTER, ch->title, NULL, 0, -1, ch);
		}
	}

	book_finish(&L, b, src_dir, summary);
	*out = b;
	return 0;
}
