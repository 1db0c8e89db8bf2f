/*
 * test_book.c - slugs, paths, URL normalisation, link resolution, reading
 * order and metadata defaults, on small books written to a temp folder.
 */
#include "unit.h"

#include "load/book.h"
#include "load/folder.h"
#include "resolve/resolve.h"
#include "base/util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void putn(const char *rel, const char *text, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	/* create parent folders */
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0777);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	putn(rel, text, strlen(text));
}

static void fresh(const char *name)
{
	char cmd[600];
	snprintf(root, sizeof root, "%s/%s", getenv("TMP") ? getenv("TMP") : "/tmp", name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, root);
	if (system(cmd) != 0)
		exit(2);
}

/* Loads and resolves the book at root; the caller frees. */
static struct book *load(struct arena *a, struct diag_list *d)
{
	struct book *b = NULL;
	arena_init(a);
	memset(d, 0, sizeof *d);
	struct run r = {a, d, NULL, NULL};
	if (book_load(&b, &r, root) != 0)
		return NULL;
	resolve(&r, b);
	return b;
}

static bool has_diag(const struct diag_list *d, const char *file_suffix, int line, int col,
		     const char *needle)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		size_t fl = g->file ? strlen(g->file) : 0, sl = strlen(file_suffix);
		if (fl >= sl && strcmp(g->file + fl - sl, file_suffix) == 0 && g->line == line &&
		    (col == 0 || g->col == col) && strstr(g->msg, needle))
			return true;
	}
	return false;
}

static struct inline_node *first_link(struct inline_node *in)
{
	for (; in; in = in->next) {
		if (in->type == INL_LINK || in->type == INL_IMAGE)
			return in;
		struct inline_node *c = first_link(in->children);
		if (c)
			return c;
	}
	return NULL;
}

/* The n-th paragraph's first link in chapter ch (0-based). */
static struct link *para_link(struct chapter *ch, int n)
{
	for (struct block *b = ch->blocks; b; b = b->next)
		if (b->type == BLK_PARAGRAPH && n-- == 0) {
			struct inline_node *in = first_link(b->inlines);
			return in ? in->link : NULL;
		}
	return NULL;
}

static void test_pure(void)
{
	struct arena a;
	arena_init(&a);
	CHECK_STR("slug: punctuation dropped", slug_make(&a, "Module 1: Async Programming!"),
		  "module-1-async-programming");
	CHECK_STR("slug: keeps - and _", slug_make(&a, "snake_case and kebab-case"),
		  "snake_case-and-kebab-case");
	CHECK_STR("slug: unicode lowercased", slug_make(&a, "Émile’s Ćafé Ωmega"), "émiles-ćafé-ωmega");
	CHECK_STR("slug: code and quotes", slug_make(&a, "The `Future` trait's \"poll\""),
		  "the-future-traits-poll");
	CHECK_STR("path: dots folded", path_normalize(&a, "a/./b/../c//d.md"), "a/c/d.md");
	CHECK("path: climbing out refused", path_normalize(&a, "a/../../x.md") == NULL);
	CHECK_STR("path: up kept when allowed", path_normalize_up(&a, "a/../../advanced/index.md"),
		  "../advanced/index.md");
	CHECK_STR("path: dirname", path_dirname(&a, "module1/async-server/README.md"),
		  "module1/async-server");
	CHECK_STR("percent: decoded", percent_decode(&a, "my%20file.md"), "my file.md");
	CHECK("percent: bad escape refused", percent_decode(&a, "a%2") == NULL);
	CHECK("percent: %00 refused", percent_decode(&a, "a%00b") == NULL);
	CHECK_STR("url: scheme+host lowered, port dropped",
		  url_normalize(&a, "HTTPS://Docs.RS:443/Tokio/Latest#"), "https://docs.rs/Tokio/Latest");
	CHECK_STR("url: other port kept", url_normalize(&a, "http://x.org:8080/a?Q=1"),
		  "http://x.org:8080/a?Q=1");
	CHECK_STR("url: empty path gets /", url_normalize(&a, "http://X.org"), "http://x.org/");
	CHECK("url: scheme detected", url_has_scheme("mailto:a@b") && !url_has_scheme("c:/x") &&
		  !url_has_scheme("a.md"));
	size_t n;
	struct clean_report rep;
	char *t = text_clean(&a, "\xEF\xBB\xBFok\r\nbad\xff\x01z\r", 14, &n, &rep);
	CHECK_STR("clean: BOM, CRLF, bad byte, control", t, "ok\nbad\xEF\xBF\xBDz\n");
	CHECK("clean: report positions", rep.had_bom && rep.bad_utf8 == 1 && rep.utf8_line == 2 &&
		  rep.utf8_col == 4 && rep.bad_ctrl == 1 && rep.ctrl_col == 5);
	arena_free(&a);
}

static void test_links(void)
{
	fresh("links");
	put("folio.ini", "[book]\ntitle = T\nauthors = A, B\n"
		 "[external]\n../advanced/index.md = the Advanced Level\n");
	put("index.md",
	    "# Root\n\n"
	    "[m1](module1/index.md)\n\n"                   /* 0 plain */
	    "[m2](./module2/index.md#learning-outcomes)\n\n" /* 1 anchor */
	    "[sp](my%20page.md)\n\n"                      /* 2 percent-encoded */
	    "[html](module1/index.html)\n\n"              /* 3 .html for .md */
	    "[adv](../advanced/index.md)\n\n"             /* 4 known */
	    "[gone](missing.md)\n\n"                      /* 5 missing */
	    "[bad anchor](module1/index.md#nope)\n\n"     /* 6 */
	    "[passwd](../../etc/passwd)\n\n"              /* 7 outside */
	    "[abs](/etc/passwd)\n\n"                      /* 8 absolute */
	    "[js](javascript:alert(1))\n\n"               /* 9 */
	    "[web](https://Tokio.rs/tokio/tutorial)\n\n"  /* 10 */
	    "[self](#root)\n\n"                           /* 11 */
	    "[dir](module1/)\n\n"                         /* 12 folder -> index.md */
	    "[file](data.csv)\n\n"                        /* 13 not a chapter */
	    "[web2](https://tokio.rs:443/tokio/tutorial#)\n\n" /* 14 same URL */
	    "![pic](img.png)\n\n"                         /* 15 image */
	    "![nopic](none.png)\n\n"                      /* 16 missing image */
	    "[esc](link-out.md)\n");                      /* 17 symlink out */
	put("module1/index.md", "# One\n\n## Same\n\n## Same\n\nback to [root](../index.md)\n");
	put("module2/index.md", "# Two\n\n## Learning Outcomes\n");
	put("my page.md", "# Spaced\n");
	put("data.csv", "a,b\n");
	putn("img.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x08", 24);
	char lnk[600];
	snprintf(lnk, sizeof lnk, "%s/link-out.md", root);
	if (symlink("/etc/hostname", lnk) != 0)
		perror("symlink");

	struct arena a;
	struct diag_list d;
	struct book *b = load(&a, &d);
	CHECK("links: book loads", b != NULL);
	if (!b)
		return;
	struct chapter *r = b->root;
	struct link *l;
	l = para_link(r, 0);
	CHECK("links: plain chapter link", l && l->kind == LINK_INTERNAL && l->chapter &&
		  strcmp(l->chapter->path, "module1/index.md") == 0 && !l->anchor);
	l = para_link(r, 1);
	CHECK("links: ./ and #anchor", l && l->kind == LINK_INTERNAL && l->anchor &&
		  strcmp(l->anchor, "learning-outcomes") == 0 && l->heading);
	l = para_link(r, 2);
	CHECK("links: percent-encoded path", l && l->kind == LINK_INTERNAL &&
		  strcmp(l->chapter->path, "my page.md") == 0);
	l = para_link(r, 3);
	CHECK("links: .html resolves to .md", l && l->kind == LINK_INTERNAL &&
		  strcmp(l->chapter->path, "module1/index.md") == 0);
	l = para_link(r, 4);
	CHECK("links: declared out-of-book target", l && l->kind == LINK_KNOWN && l->note &&
		  strcmp(l->note, "the Advanced Level") == 0);
	CHECK("links: known target does not warn", !has_diag(&d, "index.md", 11, 0, "advanced"));
	CHECK("links: missing file warns at line:col",
	      para_link(r, 5)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 13, 1, "'missing.md' not found"));
	CHECK("links: missing anchor warns",
	      para_link(r, 6)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 15, 1, "no heading '#nope'"));
	CHECK("links: ../../etc/passwd refused",
	      para_link(r, 7)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 17, 1, "outside the book"));
	CHECK("links: absolute path refused",
	      para_link(r, 8)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 19, 1, "outside the book"));
	CHECK("links: javascript: refused",
	      para_link(r, 9)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 21, 1, "'javascript:'"));
	l = para_link(r, 10);
	CHECK("links: external collected", l && l->kind == LINK_EXTERNAL && l->ext_index == 0);
	l = para_link(r, 11);
	CHECK("links: self anchor", l && l->kind == LINK_INTERNAL && l->chapter == r && l->anchor &&
		  strcmp(l->anchor, "root") == 0);
	l = para_link(r, 12);
	CHECK("links: folder link -> index.md", l && l->kind == LINK_INTERNAL &&
		  strcmp(l->chapter->path, "module1/index.md") == 0);
	CHECK("links: non-chapter file is text",
	      para_link(r, 13)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 29, 1, "not a chapter"));
	l = para_link(r, 14);
	CHECK("links: same normalised URL deduplicated", l && l->kind == LINK_EXTERNAL &&
		  l->ext_index == 0 && b->nextrefs == 2 && b->next_distinct == 1);
	l = para_link(r, 15);
	CHECK("images: found, typed, sized", l && l->kind == LINK_IMAGE && l->image &&
		  strcmp(l->image->media_type, "image/png") == 0 && l->image->width == 16 &&
		  l->image->height == 8 && b->nimages == 1);
	CHECK("images: missing warns",
	      para_link(r, 16)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 35, 1, "'none.png' not found"));
	CHECK("links: symlink out of the book refused",
	      para_link(r, 17)->kind == LINK_BROKEN && has_diag(&d, "/index.md", 37, 1, "outside the book"));
	if (getenv("DEBUG")) diag_print(&d, stderr);
	CHECK("metadata: authors split", b->meta.nauthors == 2 && strcmp(b->meta.authors[1], "B") == 0);
	struct chapter *m1 = folder_chapter(b, "module1/index.md");
	CHECK("slugs: duplicates get -1", m1 && m1->nheadings == 3 &&
		  strcmp(m1->headings[1]->slug, "same") == 0 && strcmp(m1->headings[2]->slug, "same-1") == 0);
	diag_list_free(&d);
	arena_free(&a);
}

static void test_order(void)
{
	/* index -> a -> (a1, then b via a) ; b links back (cycle) and to
	 * itself; c is unreachable. */
	fresh("order");
	put("README.md", "# Root\n[a](a.md) [b](b.md) [a again](a.md)\n");
	put("a.md", "# A\n[a1](sub/a1.md) [self](a.md) [b](b.md)\n");
	put("sub/a1.md", "# A1\n[up](../index.md) [root](../README.md)\n");
	put("b.md", "# B\n[a](a.md) [b](#b)\n");
	put("c.md", "# C\n");
	struct arena a;
	struct diag_list d;
	struct book *b = load(&a, &d);
	CHECK("order: README.md is the root when no index.md", b && strcmp(b->root->path, "README.md") == 0);
	if (!b)
		return;
	const char *want[] = {"README.md", "a.md", "sub/a1.md", "b.md"};
	bool ok = b->nchapters == 4;
	for (int i = 0; ok && i < 4; i++)
		ok = strcmp(b->chapters[i]->path, want[i]) == 0 && b->chapters[i]->index == i;
	CHECK("order: depth-first, each file once, cycles fine", ok);
	CHECK("order: unreachable file left out", !folder_chapter(b, "c.md"));
	CHECK("order: link to missing index.md warns",
	      has_diag(&d, "sub/a1.md", 2, 1, "'../index.md' not found"));
	CHECK("metadata: title defaults to first heading", strcmp(b->meta.title, "Root") == 0);
	CHECK("metadata: language defaults to en", strcmp(b->meta.language, "en") == 0);
	CHECK("metadata: missing file warns", has_diag(&d, "README.md", 0, 0, "no folio.ini"));
	diag_list_free(&d);
	arena_free(&a);
}

/* A link to a symlink that points at itself is a loop, not "outside the
 * book" (issue 25). */
static void test_symlink_loop(void)
{
	struct arena a;
	struct diag_list d;
	fresh("loop");
	put("index.md", "# Root\n\n[l](loop.md)\n");
	char path[600];
	snprintf(path, sizeof path, "%s/loop.md", root);
	CHECK("symlink loop: made", symlink("loop.md", path) == 0);
	struct book *b = load(&a, &d);
	CHECK("symlink loop: told as a loop",
	      b && has_diag(&d, "index.md", 3, 1, "is a loop of symbolic links") &&
	      !has_diag(&d, "index.md", 3, 1, "outside"));
	diag_list_free(&d);
	arena_free(&a);
}

/* A chapter saved as UTF-16 (with its byte-order mark, little- or
 * big-endian) is read as the text it is, not as broken UTF-8 (issue 25
 * U3). */
static void test_utf16(void)
{
	struct arena a;
	struct diag_list d;
	fresh("utf16");
	/* "# Héllo 😀\n[b](b.md)\n" in UTF-16LE, b.md in UTF-16BE */
	const char *text = "# H\xc3\xa9llo \xf0\x9f\x98\x80\n[b](b.md)\n";
	const char *btext = "# B\xc3\xa9\n";
	for (int f = 0; f < 2; f++) {
		const char *t = f ? btext : text;
		bool be = f == 1;
		char out[128];
		size_t o = 0;
		out[o++] = be ? '\xfe' : '\xff';
		out[o++] = be ? '\xff' : '\xfe';
		for (size_t i = 0; t[i];) {
			uint32_t cp;
			i += (size_t)utf8_decode(t + i, strlen(t + i), &cp);
			uint32_t units[2] = {cp, 0};
			int nu = 1;
			if (cp >= 0x10000) {
				units[0] = 0xD800 + ((cp - 0x10000) >> 10);
				units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
				nu = 2;
			}
			for (int k = 0; k < nu; k++) {
				out[o++] = (char)(be ? units[k] >> 8 : units[k] & 0xFF);
				out[o++] = (char)(be ? units[k] & 0xFF : units[k] >> 8);
			}
		}
		putn(f ? "b.md" : "index.md", out, o);
	}
	struct book *b = load(&a, &d);
	CHECK("utf-16: little-endian chapter read as its text",
	      b && b->nchapters == 2 && strcmp(b->chapters[0]->title, "H\xc3\xa9llo \xf0\x9f\x98\x80") == 0);
	CHECK("utf-16: big-endian chapter, linked from it, read too",
	      b && b->nchapters == 2 && strcmp(b->chapters[1]->title, "B\xc3\xa9") == 0);
	diag_list_free(&d);
	arena_free(&a);
}

/* A folio.ini line too long for inih's 200-byte buffer is cut: said, with
 * its place, never silently (issue 25 L1). */
static void test_long_ini_line(void)
{
	struct arena a;
	struct diag_list d;
	fresh("longini");
	struct buf ini = BUF_INIT;
	buf_puts(&ini, "[book]\ntitle = T\ndescription = ");
	for (int i = 0; i < 300; i++)
		buf_putc(&ini, (char)('a' + i % 26));
	buf_puts(&ini, "\nauthors = A\n");
	put("folio.ini", ini.data);
	buf_free(&ini);
	put("index.md", "# Root\n");
	struct book *b = load(&a, &d);
	CHECK("metadata: a line over 199 bytes warns where it is cut",
	      b && has_diag(&d, "folio.ini", 3, 200, "longer than 199 bytes"));
	CHECK("metadata: the lines after a long one are read",
	      b && b->meta.nauthors == 1 && strcmp(b->meta.authors[0], "A") == 0);
	diag_list_free(&d);
	arena_free(&a);
}

static void test_seed_order(void)
{
	struct arena a;
	struct diag_list d;
	snprintf(root, sizeof root, "book");
	if (access("book/index.md", R_OK) != 0) {
		printf("SKIP: order: bundled book absent\n");
		return;
	}
	struct book *b = load(&a, &d);
	const char *want[] = {"index.md", "module1/index.md", "module1/async-server/README.md",
			      "module2/index.md", "module2/custom-runtime/README.md",
			      "module3/index.md", "module3/compiler-plugin/README.md",
			      "module4/index.md", "module4/data-processing/README.md",
			      "module5/index.md", "module5/capstone/README.md",
			      "solutions.md"};
	int n = (int)(sizeof want / sizeof *want);
	bool ok = b && b->nchapters == n;
	for (int i = 0; ok && i < n; i++)
		ok = strcmp(b->chapters[i]->path, want[i]) == 0;
	CHECK("order: bundled book reads index, module 1, its project, module 2 ..., "
	      "the solutions appendix last", ok);
	if (!ok && b)
		for (int i = 0; i < b->nchapters; i++)
			fprintf(stderr, "  %d %s\n", i, b->chapters[i]->path);
	diag_list_free(&d);
	arena_free(&a);
}

static void test_fatal(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b = NULL;
	arena_init(&a);
	memset(&d, 0, sizeof d);
	CHECK("load: missing folder is fatal",
	      book_load(&b, &(struct run){&a, &d, NULL, NULL}, "/nonexistent/folio-book") == -1 && d.nfatal == 1);
	diag_list_free(&d);
	arena_free(&a);
	fresh("noroot");
	put("other.md", "# x\n");
	arena_init(&a);
	memset(&d, 0, sizeof d);
	CHECK("load: folder without root page is fatal", book_load(&b, &(struct run){&a, &d, NULL, NULL}, root) == -1 &&
		  d.nfatal == 1 && strstr(d.v[0].msg, "no root page"));
	diag_list_free(&d);
	arena_free(&a);
}

int main(void)
{
	test_pure();
	test_links();
	test_order();
	test_seed_order();
	test_fatal();
	test_long_ini_line();
	test_utf16();
	test_symlink_loop();
	UNIT_END();
}
