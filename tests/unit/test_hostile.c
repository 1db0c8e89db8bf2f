/*
 * test_hostile.c - hostile input at the level of folio's functions, and
 * every file of the fuzz corpus (tests/fuzz/corpus) run through the fuzz
 * target, which is included here with this plain main() (libFuzzer's
 * standalone-driver pattern): the corpus is a regression test that needs
 * no clang.  A crash names its corpus file on stderr.
 */
#include "unit.h"

#include "../fuzz/fuzz_chapter.c"

#include "load/parse.h"
#include "base/util.h"
#include "base/imagefmt.h"

#include <dirent.h>
#include <sys/wait.h>
#include <time.h>

/* Time bounds stretch by TIME_SCALE (make asan sets it) for slow builds. */
static double bound(double secs)
{
	const char *s = getenv("TIME_SCALE");
	double k = s && atof(s) >= 1 ? atof(s) : 1;
	return secs * k;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads fuzz_root/book as written by fuzz_book(); NULL if it fails. */
static struct book *load_text(struct arena *a, struct diag_list *d, const char *text)
{
	fuzz_setup();
	fuzz_clean();
	fuzz_book((const uint8_t *)text, strlen(text));
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/book", fuzz_root);
	arena_init(a);
	memset(d, 0, sizeof *d);
	struct book *b = NULL;
	struct run r = {a, d, NULL, NULL};
	if (book_load(&b, &r, dir) != 0)
		return NULL;
	resolve(&r, b);
	return b;
}

static bool has_msg(const struct diag_list *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle))
			return true;
	return false;
}

/* ---- text cleaning ------------------------------------------------------ */

static void test_clean(void)
{
	struct arena a;
	arena_init(&a);
	struct clean_report rep;
	size_t n;
	static const char in[] = "\xEF\xBB\xBFok\0x\r\ny\rz\x1b\xC2\x9B\xEF\xBF\xBE\xEF\xBF\xBF\xFF\t.";
	char *t = text_clean(&a, in, sizeof in - 1, &n, &rep);
	CHECK_STR("clean: BOM, NUL, CR, ESC, C1, U+FFFE/FFFF, bad byte",
		  t, "okx\ny\nz\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\t.");
	CHECK("clean: counts", rep.had_bom && rep.bad_ctrl == 3 && rep.bad_utf8 == 3 &&
	      rep.ctrl_line == 1 && rep.ctrl_col == 3 && rep.utf8_line == 3);
	CHECK("clean: no NUL inside and length right", n == strlen(t));
	/* Every single byte and every two-byte pair: valid UTF-8 out, no NUL. */
	bool ok = true;
	for (int x = 0; x < 256 && ok; x++)
		for (int y = 0; y < 256 && ok; y++) {
			char two[2] = {(char)x, (char)y};
			char *o = text_clean(&a, two, 2, &n, &rep);
			for (size_t i = 0; i < n && ok;) {
				uint32_t cp;
				int l = utf8_decode(o + i, n - i, &cp);
				ok = o[i] != '\0' && (cp != 0xFFFD || (l == 3 && memcmp(o + i, "\xEF\xBF\xBD", 3) == 0));
				i += (size_t)l;
			}
		}
	CHECK("clean: any two bytes give valid UTF-8 without NUL", ok);
	arena_free(&a);
}

/* ---- paths, URLs, slugs --------------------------------------------------- */

static void test_paths(void)
{
	struct arena a;
	arena_init(&a);
	CHECK("path: ../ refused", path_normalize(&a, "../x") == NULL);
	CHECK("path: a/../../x refused", path_normalize(&a, "a/../../x") == NULL);
	CHECK_STR("path: absolute made relative", path_normalize(&a, "/etc/passwd"), "etc/passwd");
	CHECK_STR("path: empty", path_normalize(&a, ""), "");
	CHECK_STR("path: only dots and slashes", path_normalize(&a, "./././//"), "");
	CHECK("percent: lone %", percent_decode(&a, "%") == NULL);
	CHECK("percent: %4 at the end", percent_decode(&a, "a%4") == NULL);
	CHECK_STR("percent: %%41 is not double-decoded", percent_decode(&a, "%2541"), "%41");
	CHECK("scheme: javascript: is one", url_has_scheme("javascript:alert(1)"));
	CHECK("scheme: c: is a drive", !url_has_scheme("c:/x"));
	CHECK("scheme: empty and ':x'", !url_has_scheme("") && !url_has_scheme(":x"));
	char *long_url = arena_alloc(&a, 20000);
	memset(long_url, 'a', 19990);
	memcpy(long_url, "http://", 7);
	CHECK("url: 20,000-character URL normalises", strlen(url_normalize(&a, long_url)) == 19991);
	CHECK_STR("url: host in brackets", url_normalize(&a, "HTTP://[::1]:80"), "http://[::1]/");
	CHECK_STR("slug: only punctuation", slug_make(&a, "!!! ???"), "-");
	CHECK_STR("slug: invalid UTF-8 dropped", slug_make(&a, "a\xff\xfe b"), "a-b");
	arena_free(&a);
}

static void test_slugs(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b = load_text(&a, &d, "# A\n\n## A-1\n\n## A\n\n## A\n\n## !!!\n\n## !!!\n");
	struct chapter *c = b ? b->root : NULL;
	CHECK("slugs: repeats skip a literal -1",
	      c && c->nheadings == 6 && strcmp(c->headings[0]->slug, "a") == 0 &&
	      strcmp(c->headings[1]->slug, "a-1") == 0 && strcmp(c->headings[2]->slug, "a-2") == 0 &&
	      strcmp(c->headings[3]->slug, "a-3") == 0);
	CHECK("slugs: punctuation-only headings get section, section-1",
	      c && strcmp(c->headings[4]->slug, "section") == 0 &&
	      strcmp(c->headings[5]->slug, "section-1") == 0);
	diag_list_free(&d);
	arena_free(&a);

	/* 5,000 identical headings and 5,000 links to them: linear time. */
	struct buf t = BUF_INIT;
	buf_puts(&t, "# Many\n\n");
	for (int i = 0; i < 5000; i++)
		buf_puts(&t, "## Same\n\n");
	for (int i = 0; i < 5000; i++)
		buf_printf(&t, "[x](#same-%d) [y](#nope-%d)\n", i + 1, i);
	double t0 = now();
	b = load_text(&a, &d, t.data);
	double dt = now() - t0;
	c = b ? b->root : NULL;
	CHECK("slugs: 5,000 repeats numbered to same-4999",
	      c && c->nheadings == 5001 && strcmp(c->headings[5000]->slug, "same-4999") == 0);
	CHECK("slugs: 5,000 repeats and 10,000 anchors resolve in under 2 s (x TIME_SCALE)",
	      dt < bound(2.0));
	if (dt >= bound(2.0))
		fprintf(stderr, "slugs: took %.2f s\n", dt);
	diag_list_free(&d);
	arena_free(&a);
	buf_free(&t);
}

/* ---- nesting ------------------------------------------------------------------ */

struct depth {
	int max_block, max_inline;
	bool list_ok;
};

static void block_depth_of(void *ctx, struct block *b)
{
	struct depth *s = ctx;
	int n = 0;
	for (struct block *p = b; p; p = p->parent)
		n++;
	if (n > s->max_block)
		s->max_block = n;
	if (b->type == BLK_LIST)
		for (struct block *k = b->children; k; k = k->next)
			if (k->type != BLK_ITEM)
				s->list_ok = false;
	if (b->type == BLK_ITEM && (!b->parent || b->parent->type != BLK_LIST))
		s->list_ok = false;
	/* inline depth: iterative over this block's inlines */
	struct vec st = {0}, dep = {0};
	for (struct inline_node *in = b->inlines; in; in = in->next) {
		vec_push(&st, in);
		vec_push(&dep, (void *)(intptr_t)1);
	}
	while (st.n) {
		struct inline_node *in = st.v[--st.n];
		int d = (int)(intptr_t)dep.v[--dep.n];
		if (d > s->max_inline)
			s->max_inline = d;
		for (struct inline_node *k = in->children; k; k = k->next) {
			vec_push(&st, k);
			vec_push(&dep, (void *)(intptr_t)(d + 1));
		}
	}
	vec_free(&st);
	vec_free(&dep);
}

static void test_nesting(void)
{
	struct buf t = BUF_INIT;
	buf_puts(&t, "# Deep\n\n");
	for (int i = 0; i < 1000; i++) {
		for (int k = 0; k < i; k++)
			buf_puts(&t, "  ");
		buf_printf(&t, "- %d\n", i);
	}
	buf_puts(&t, "\n");
	for (int i = 0; i < 3000; i++)
		buf_puts(&t, "> ");
	buf_puts(&t, "quote\n\n");
	for (int i = 0; i < 300; i++)
		buf_puts(&t, i % 2 ? "- " : "> ");
	buf_puts(&t, "mixed\n\n");
	for (int i = 0; i < 5000; i++)
		buf_puts(&t, "![");
	buf_puts(&t, "x");
	for (int i = 0; i < 5000; i++)
		buf_puts(&t, "](pic.png)");
	buf_puts(&t, "\n\n");
	for (int i = 0; i < 2000; i++)
		buf_puts(&t, "*_");
	buf_puts(&t, "e");
	for (int i = 0; i < 2000; i++)
		buf_puts(&t, "_*");
	buf_puts(&t, "\n");
	struct arena a;
	struct diag_list d;
	double t0 = now();
	struct book *b = load_text(&a, &d, t.data);
	double dt = now() - t0;
	struct depth s = {0, 0, true};
	if (b)
		model_each_block(b->root->blocks, block_depth_of, &s);
	CHECK("nesting: block depth bounded", b && s.max_block <= PARSE_MAX_BLOCK_DEPTH + 3);
	CHECK("nesting: inline depth bounded", b && s.max_inline <= PARSE_MAX_INLINE_DEPTH + 1);
	CHECK("nesting: lists hold only items, items sit in lists", b && s.list_ok);
	CHECK("nesting: warned", has_msg(&d, "nesting deeper than") &&
	      has_msg(&d, "inline markup nested deeper than"));
	CHECK("nesting: parsed in under 2 s (x TIME_SCALE)", dt < bound(2.0));
	if (!(b && s.max_block <= PARSE_MAX_BLOCK_DEPTH + 3 && s.max_inline <= PARSE_MAX_INLINE_DEPTH + 1))
		fprintf(stderr, "nesting: block %d inline %d (%.2f s)\n", s.max_block, s.max_inline, dt);
	diag_list_free(&d);
	arena_free(&a);
	buf_free(&t);
}

/* ---- images ------------------------------------------------------------------ */

static void test_sniff(void)
{
	/* Every prefix of real headers and of junk: no read past the end
	 * (the sanitizer build checks), sizes never negative. */
	static const unsigned char jpg[] = {
		0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xC0, 0x00, 0x0B, 0x08,
		0x00, 0x30, 0x00, 0x40, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
	static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
	bool ok = true;
	int w, h;
	for (size_t n = 0; n <= sizeof fuzz_png; n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, fuzz_png, n);
		image_sniff(p, n, &w, &h);
		ok = ok && w >= 0 && h >= 0;
		free(p);
	}
	for (size_t n = 0; n <= sizeof jpg; n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, jpg, n);
		image_sniff(p, n, &w, &h);
		ok = ok && w >= 0 && h >= 0;
		free(p);
	}
	for (size_t n = 0; n < sizeof gif; n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, gif, n);
		image_sniff(p, n, &w, &h);
		free(p);
	}
	CHECK("sniff: every prefix of a PNG, JPEG and GIF is safe", ok);
	const char *t = image_sniff(jpg, sizeof jpg, &w, &h);
	CHECK("sniff: JPEG size from its frame", t && strcmp(t, "image/jpeg") == 0 && w == 64 && h == 48);
	static const unsigned char huge[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xff\xff\xff\x80\0\0\0";
	t = image_sniff(huge, sizeof huge - 1, &w, &h);
	CHECK("sniff: 4-billion-pixel PNG header does not overflow", t && w >= 0 && h >= 0);
}

static void test_images(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b = load_text(&a, &d,
		"# Pictures\n\n![ok](pic.png) ![again](./pic.png) ![svg](pic.svg) "
		"![up](../pic.png) ![none](nothing.png) ![dir](sub)\n");
	CHECK("images: one image for two spellings of its path, SVG kept",
	      b && b->nimages == 2 && strcmp(b->images[0]->path, "pic.png") == 0 &&
	      b->images[0]->width == 16 && strcmp(b->images[1]->media_type, "image/svg+xml") == 0);
	CHECK("images: outside, missing and folder refused",
	      has_msg(&d, "'../pic.png' is outside the book folder") &&
	      has_msg(&d, "'nothing.png' not found") && has_msg(&d, "'sub' is not a regular file"));
	diag_list_free(&d);
	arena_free(&a);
}

/* ---- the fuzz corpus as a regression test ----------------------------------------- */

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The sorted file names in dir (heap strings), or -1 if it cannot be read. */
static int list_dir(const char *dir, struct vec *names)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	struct dirent *e;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "README") != 0)
			vec_push(names, strdup(e->d_name));
	closedir(dp);
	if (names->n)
		qsort(names->v, names->n, sizeof *names->v, name_cmp);
	return 0;
}

/* Present only in sanitizer builds (make asan): where reports go. */
extern void __sanitizer_set_report_path(const char *path) __attribute__((weak));

/*
 * Runs one input in a child process, so that a crash (or a sanitizer
 * report, which aborts) names its file and the other inputs still run.
 * A known crash reports to stderr, not to make asan's log folder, which
 * must stay empty.  Returns the child's wait status; *secs gets the time.
 */
static int run_one(const char *path, double *secs, bool known)
{
	fflush(stdout);
	fflush(stderr);
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *data;
		size_t len;
		if (file_read(path, &data, &len) != 0)
			_exit(3);
		if (known && __sanitizer_set_report_path)
			__sanitizer_set_report_path("stderr");
		/* A folder of its own: the parent's is removed at its exit. */
		fuzz_root[0] = '\0';
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		exit(0); /* exit, not _exit: the leak checker runs at exit */
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*secs = now() - t0;
	return status;
}

static const char *how(int status, char *buf, size_t n)
{
	if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
	return buf;
}

static void test_corpus(const char *dir)
{
	struct vec names = {0};
	if (list_dir(dir, &names) != 0) {
		printf("SKIP: corpus: %s not found\n", dir);
		return;
	}
	/* One run here first: the children then start with what a first run
	 * sets up once (fonts, cmark's extensions), as one process would. */
	static const char warm[] = "# Warm\n\nA [link](other.md) and ![pic](pic.png).\n";
	LLVMFuzzerTestOneInput((const uint8_t *)warm, sizeof warm - 1);
	const size_t batch = 100;
	double slowest = 0;
	char slow_name[256] = "";
	for (size_t i = 0; i < names.n; i += batch) {
		size_t end = i + batch < names.n ? i + batch : names.n;
		char bad[600] = "";
		for (size_t k = i; k < end; k++) {
			char path[4200], why[64];
			snprintf(path, sizeof path, "%s/%s", dir, (char *)names.v[k]);
			double dt = 0;
			int st = run_one(path, &dt, false);
			if (st != 0 && !*bad)
				snprintf(bad, sizeof bad, "%s: %s", (char *)names.v[k], how(st, why, sizeof why));
			if (dt > slowest) {
				slowest = dt;
				snprintf(slow_name, sizeof slow_name, "%s", (char *)names.v[k]);
			}
		}
		if (*bad) {
			printf("FAIL: corpus: files %zu-%zu of %zu: %s (replay: %s %s/...)\n", i + 1, end,
			       names.n, bad, "build/tests/test_hostile", dir);
			unit_failed++;
		} else {
			printf("PASS: corpus: files %zu-%zu of %zu through the whole pipeline\n", i + 1,
			       end, names.n);
		}
	}
	char what[400];
	snprintf(what, sizeof what, "corpus: slowest file (%s, %.2f s) under 10 s (x TIME_SCALE)",
		 slow_name, slowest);
	CHECK(what, slowest < bound(10.0));
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	vec_free(&names);
}

/*
 * Inputs that crash because of a bug in a file the fuzzing's owner does
 * not own (tests/fuzz/known/README says which): each is a SKIP naming the
 * bug while it still crashes, a PASS once fixed (then move it into the
 * corpus).  HOSTILE_STRICT=1 makes a crash a failure.
 */
static void test_known(const char *dir)
{
	struct vec names = {0};
	if (list_dir(dir, &names) != 0)
		return;
	bool strict = getenv("HOSTILE_STRICT") && strcmp(getenv("HOSTILE_STRICT"), "1") == 0;
	for (size_t i = 0; i < names.n; i++) {
		char path[4200], why[64];
		snprintf(path, sizeof path, "%s/%s", dir, (char *)names.v[i]);
		double dt;
		int st = run_one(path, &dt, true);
		if (st == 0) {
			printf("PASS: known: %s no longer fails (move it into tests/fuzz/corpus)\n",
			       (char *)names.v[i]);
		} else if (strict) {
			printf("FAIL: known: %s: %s (see %s/README)\n", (char *)names.v[i],
			       how(st, why, sizeof why), dir);
			unit_failed++;
		} else {
			printf("SKIP: known: %s: known bug, %s (see %s/README; HOSTILE_STRICT=1 fails on it)\n",
			       (char *)names.v[i], how(st, why, sizeof why), dir);
		}
		free(names.v[i]);
	}
	vec_free(&names);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		/* Given files or folders: run just those (a crash to replay). */
		for (int i = 1; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
				size_t l = strlen(argv[i]);
				if (l >= 5 && strcmp(argv[i] + l - 5, "known") == 0)
					test_known(argv[i]);
				else
					test_corpus(argv[i]);
				continue;
			}
			char *data;
			size_t len;
			if (file_read(argv[i], &data, &len) == 0) {
				/* In this process, for a debugger or the sanitizer's trace. */
				LLVMFuzzerTestOneInput((const uint8_t *)data, len);
				free(data);
				printf("PASS: ran %s\n", argv[i]);
			} else {
				printf("FAIL: cannot read %s\n", argv[i]);
				unit_failed++;
			}
		}
		UNIT_END();
	}
	test_clean();
	test_paths();
	test_slugs();
	test_nesting();
	test_sniff();
	test_images();
	test_corpus("tests/fuzz/corpus");
	test_known("tests/fuzz/known");
	UNIT_END();
}
