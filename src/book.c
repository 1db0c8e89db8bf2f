/*
 * book.c - the book folder: confinement, chapter files, reading order.
 */
#include "book.h"
#include "meta.h"
#include "parse.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Confinement -------------------------------------------------------- */

/* Resolves rel (relative to the book folder) through symlinks and checks
 * that it stays inside the book.  Returns the status and, for TARGET_OK,
 * fills *st. */
static enum target_status check_path(const struct book *b, const char *rel, struct stat *st)
{
	char full[PATH_MAX], real[PATH_MAX];
	if (snprintf(full, sizeof full, "%s/%s", b->realdir, rel) >= (int)sizeof full)
		return TARGET_BAD;
	if (!realpath(full, real))
		return errno == ENOENT || errno == ENOTDIR ? TARGET_MISSING : TARGET_OUTSIDE;
	size_t dl = strlen(b->realdir);
	if (strncmp(real, b->realdir, dl) != 0 || (real[dl] != '/' && real[dl] != '\0'))
		return TARGET_OUTSIDE;
	if (stat(real, st) != 0)
		return TARGET_MISSING;
	return S_ISREG(st->st_mode) ? TARGET_OK : TARGET_NOT_FILE;
}

int book_read_file(const struct book *b, const char *path, char **data, size_t *len)
{
	struct stat st;
	enum target_status s = check_path(b, path, &st);
	if (s != TARGET_OK) {
		errno = s == TARGET_MISSING ? ENOENT : s == TARGET_NOT_FILE ? EISDIR : EACCES;
		return -1;
	}
	char full[PATH_MAX];
	snprintf(full, sizeof full, "%s/%s", b->realdir, path);
	return file_read(full, data, len);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum target_status book_target(const struct book *b, const char *from_path,
			       const char *dest, const char **path)
{
	struct arena *a = b->arena;
	*path = NULL;
	if (dest[0] == '/' || dest[0] == '\\')
		return TARGET_OUTSIDE;
	char *dec = percent_decode(a, dest);
	if (!dec)
		return TARGET_BAD;
	if (dec[0] == '/')
		return TARGET_OUTSIDE;
	char *joined = path_join(a, path_dirname(a, from_path), dec);
	char *norm = path_normalize(a, joined);
	if (!norm)
		return TARGET_OUTSIDE;
	bool dir_like = *norm == '\0' || ends_with(dec, "/");

	/* Candidates in order of preference. */
	const char *cand[3];
	int nc = 0;
	const char *ext = path_ext(norm);
	if (!dir_like && (strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0)) {
		size_t stem = strlen(norm) - strlen(ext) - 1;
		cand[nc++] = arena_printf(a, "%.*s.md", (int)stem, norm);
	}
	if (!dir_like)
		cand[nc++] = norm;
	/* Report the first candidate's path, and the first status that says
	 * more than "missing". */
	enum target_status result = TARGET_MISSING;
	const char *result_path = nc ? cand[0] : norm;
	for (int i = 0; i < nc; i++) {
		struct stat st;
		enum target_status s = check_path(b, cand[i], &st);
		if (s == TARGET_OK) {
			*path = cand[i];
			return TARGET_OK;
		}
		if (s == TARGET_NOT_FILE && S_ISDIR(st.st_mode))
			dir_like = true;
		else if (result == TARGET_MISSING && s != TARGET_MISSING)
			result = s, result_path = cand[i];
	}
	if (dir_like) {
		static const char *const idx[] = {"index.md", "README.md"};
		for (int i = 0; i < 2; i++) {
			const char *p = path_join(a, norm, idx[i]);
			struct stat st;
			if (check_path(b, p, &st) == TARGET_OK) {
				*path = p;
				return TARGET_OK;
			}
		}
		if (result == TARGET_MISSING) {
			*path = norm;
			return nc ? TARGET_NOT_FILE : TARGET_MISSING;
		}
	}
	*path = result_path;
	return result;
}

const struct known_target *book_known(const struct book *b, const char *from_path,
				      const char *dest)
{
	if (!b->meta.nknown)
		return NULL;
	struct arena *a = b->arena;
	char *dec = percent_decode(a, dest);
	const char *rel = dec ? path_normalize_up(a, path_join(a, path_dirname(a, from_path), dec))
			      : NULL;
	for (int i = 0; i < b->meta.nknown; i++) {
		const struct known_target *k = &b->meta.known[i];
		if (strcmp(k->path, dest) == 0)
			return k;
		const char *kn = path_normalize_up(a, k->path);
		if (rel && kn && strcmp(rel, kn) == 0)
			return k;
	}
	return NULL;
}

/* ---- The chapter index (path -> chapter) ------------------------------- */

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void index_add(struct book *b, struct chapter *ch)
{
	if ((size_t)(b->nchapters + 1) * 2 > b->chapter_hash_size) {
		size_t size = b->chapter_hash_size ? b->chapter_hash_size * 2 : 64;
		struct chapter **t = arena_calloc(b->arena, size, sizeof *t);
		for (size_t i = 0; i < b->chapter_hash_size; i++) {
			struct chapter *c = b->chapter_hash[i];
			if (!c)
				continue;
			size_t h = hash_str(c->path) & (size - 1);
			while (t[h])
				h = (h + 1) & (size - 1);
			t[h] = c;
		}
		b->chapter_hash = t;
		b->chapter_hash_size = size;
	}
	size_t h = hash_str(ch->path) & (b->chapter_hash_size - 1);
	while (b->chapter_hash[h])
		h = (h + 1) & (b->chapter_hash_size - 1);
	b->chapter_hash[h] = ch;
}

struct chapter *book_chapter(const struct book *b, const char *path)
{
	if (!b->chapter_hash_size)
		return NULL;
	size_t h = hash_str(path) & (b->chapter_hash_size - 1);
	while (b->chapter_hash[h]) {
		if (strcmp(b->chapter_hash[h]->path, path) == 0)
			return b->chapter_hash[h];
		h = (h + 1) & (b->chapter_hash_size - 1);
	}
	return NULL;
}

/* ---- Loading chapters --------------------------------------------------- */

struct loader {
	struct book *book;
	struct vec order;       /* chapters in reading order */
	unsigned char *walked;  /* by chapter index: walked in the second pass */
	size_t walked_cap;
};

/* Marks ch walked; returns whether it already was. */
static bool mark_walked(struct loader *L, const struct chapter *ch)
{
	size_t i = (size_t)ch->index;
	if (i >= L->walked_cap) {
		size_t cap = L->walked_cap ? L->walked_cap : 64;
		while (cap <= i)
			cap *= 2;
		L->walked = realloc(L->walked, cap);
		if (!L->walked)
			abort();
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
 * from:line:col) if it cannot be read. */
static struct chapter *load_chapter(struct loader *L, const char *path, const char *from,
				    int line, int col)
{
	struct book *b = L->book;
	struct arena *a = b->arena;
	char *data;
	size_t len;
	const char *shown = arena_printf(a, "%s%s", b->display_dir, path);
	if (book_read_file(b, path, &data, &len) != 0) {
		diag_warn(b->diags, from, line, col, "cannot read chapter '%s': %s", shown,
			  strerror(errno));
		return NULL;
	}
	struct chapter *ch = arena_alloc(a, sizeof *ch);
	ch->path = path;
	ch->display_path = shown;
	struct clean_report rep;
	ch->source = text_clean(a, data, len, &ch->source_len, &rep);
	free(data);
	if (rep.bad_utf8)
		diag_warn(b->diags, shown, rep.utf8_line, rep.utf8_col,
			  "invalid UTF-8 (%d sequence%s replaced by U+FFFD)", rep.bad_utf8,
			  rep.bad_utf8 == 1 ? "" : "s");
	if (rep.bad_ctrl)
		diag_warn(b->diags, shown, rep.ctrl_line, rep.ctrl_col,
			  "control characters removed (%d)", rep.bad_ctrl);
	md_parse(b, ch);
	if (ch->nheadings)
		ch->title = ch->headings[0]->plain;
	if (!ch->title || !*ch->title) {
		/* A page without a heading is named after its file. */
		const char *base = base_name(path);
		const char *dot = strrchr(base, '.');
		ch->title = arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
	}
	if (!ch->blocks)
		diag_warn(b->diags, shown, 1, 1, "chapter is empty");
	ch->index = (int)L->order.n;
	vec_push(&L->order, ch);
	index_add(b, ch);
	b->nchapters = (int)L->order.n;
	return ch;
}

/* Local Markdown link targets of a chapter, in document order. */
struct link_collect {
	struct book *book;
	struct chapter *ch;
	struct vec paths;
	struct vec nodes;
};

static bool is_markdown(const char *path)
{
	const char *e = path_ext(path);
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
	const char *dest = hash ? arena_strndup(c->book->arena, url, (size_t)(hash - url)) : url;
	const char *path;
	if (book_target(c->book, c->ch->path, dest, &path) == TARGET_OK && is_markdown(path)) {
		vec_push(&c->paths, (void *)path);
		vec_push(&c->nodes, in);
	}
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
				st = realloc(st, cap * sizeof *st);
				if (!st)
					abort();
			}
			memset(&st[n], 0, sizeof st[n]);
			st[n].ch = push;
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
		struct chapter *seen = book_chapter(b, path);
		if (seen) {
			/* Already loaded: in the second pass, walk it again to
			 * find pages only it leads to (each page walked once). */
			if (!within_only && !mark_walked(L, seen))
				push = seen;
			continue;
		}
		if (within_only && !folder_within(f->ch->path, path))
			continue;
		struct inline_node *in = f->links.nodes.v[i];
		push = load_chapter(L, path, f->ch->display_path, in->line, in->col);
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
}

/* mdBook: SUMMARY.md lists the chapters; list nesting gives depth, a
 * heading before a list opens a part. */
struct summary_walk {
	struct loader *L;
	struct chapter *summary;
	const char *src_dir;
	const char *part;
	int depth_base;
};

static int block_depth(const struct block *b)
{
	int d = 0;
	for (const struct block *p = b->parent; p; p = p->parent)
		if (p->type == BLK_LIST)
			d++;
	return d;
}

static void summary_block(void *ctx, struct block *blk)
{
	struct summary_walk *s = ctx;
	struct book *b = s->L->book;
	struct arena *a = b->arena;
	if (blk->type == BLK_HEADING && blk != s->summary->headings[0]) {
		s->part = blk->plain;
		return;
	}
	if (blk->type != BLK_PARAGRAPH)
		return;
	for (struct inline_node *in = blk->inlines; in; in = in->next) {
		if (in->type != INL_LINK)
			continue;
		const char *url = in->link->url;
		if (!*url) {
			/* A draft chapter: listed, not written. */
			continue;
		}
		if (url_has_scheme(url) || url[0] == '#')
			continue;
		const char *hash = strchr(url, '#');
		const char *dest = hash ? arena_strndup(a, url, (size_t)(hash - url)) : url;
		const char *path;
		enum target_status st = book_target(b, s->summary->path, dest, &path);
		if (st != TARGET_OK) {
			diag_warn(b->diags, s->summary->display_path, in->line, in->col,
				  "SUMMARY.md lists '%s', which %s", url,
				  st == TARGET_MISSING ? "does not exist" : "cannot be read");
			continue;
		}
		if (book_chapter(b, path))
			continue;
		struct chapter *ch = load_chapter(s->L, path, s->summary->display_path, in->line, in->col);
		if (!ch)
			continue;
		ch->depth = block_depth(blk) > 0 ? block_depth(blk) - 1 : 0;
		ch->part = s->part;
		s->part = NULL;
		char *title = inline_plain(a, in->children);
		if (*title)
			ch->title = title;
	}
}

static int load_summary(struct loader *L, const char *src_dir)
{
	struct book *b = L->book;
	struct arena *a = b->arena;
	const char *spath = path_join(a, src_dir, "SUMMARY.md");
	char *data;
	size_t len;
	if (book_read_file(b, spath, &data, &len) != 0)
		return -1;
	struct chapter *sum = arena_alloc(a, sizeof *sum);
	sum->path = spath;
	sum->display_path = arena_printf(a, "%s%s", b->display_dir, spath);
	struct clean_report rep;
	sum->source = text_clean(a, data, len, &sum->source_len, &rep);
	free(data);
	md_parse(b, sum);
	struct summary_walk s = {L, sum, src_dir, NULL, 0};
	if (!sum->nheadings) {
		static struct block none;
		static struct block *nonep = &none;
		sum->headings = &nonep;
	}
	model_each_block(sum->blocks, summary_block, &s);
	return 0;
}

int book_load(struct book **out, const char *dir, struct arena *a, struct diag_list *d)
{
	struct book *b = arena_alloc(a, sizeof *b);
	b->arena = a;
	b->diags = d;
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

	const char *src_dir = NULL;
	meta_load(b, &src_dir);
	if (!src_dir) {
		struct stat sst;
		if (check_path(b, "src/SUMMARY.md", &sst) == TARGET_OK)
			src_dir = "src";
	}

	struct loader L = {.book = b};
	if (src_dir && load_summary(&L, src_dir) == 0 && L.order.n) {
		b->root = L.order.v[0];
	} else {
		const char *root = NULL;
		static const char *const names[] = {"index.md", "README.md"};
		for (int i = 0; i < 2 && !root; i++) {
			const char *p = src_dir ? path_join(a, src_dir, names[i]) : names[i];
			if (check_path(b, p, &st) == TARGET_OK)
				root = p;
		}
		if (!root) {
			diag_fatal(d, b->display_dir[0] ? b->display_dir : ".",
				   "no root page (index.md or README.md) in the book folder");
			vec_free(&L.order);
			return -1;
		}
		b->root = load_chapter(&L, root, b->display_dir, 0, 0);
		if (!b->root) {
			vec_free(&L.order);
			return -1;
		}
		load_reachable(&L, b->root);
	}

	b->nchapters = (int)L.order.n;
	b->chapters = arena_calloc(a, L.order.n, sizeof *b->chapters);
	for (size_t i = 0; i < L.order.n; i++)
		b->chapters[i] = L.order.v[i];
	vec_free(&L.order);
	meta_defaults(b);
	*out = b;
	return 0;
}
