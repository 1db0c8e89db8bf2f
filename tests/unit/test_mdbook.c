/*
 * test_mdbook.c - mdBook books: book.toml, SUMMARY.md's constructs, the
 * {{#include}} family, rustdoc's hidden lines, links to .html pages and to
 * the book's own site, and diagnostics at the right line:col.
 *
 * The books are tests/fixtures/mdbook (every construct, no warning) and
 * tests/fixtures/mdbook-warn (every problem), plus small books written to
 * $TMP; ../shared/corpora/perf-book is checked when present (SKIP if not).
 *
 * With "--toc DIR" it prints DIR's table of contents instead, one entry a
 * line: kind, number, depth, title, chapter path (tests/e2e/mdbook.sh).
 */
#include "unit.h"

#include "load/book.h"
#include "load/folder.h"
#include "load/preproc.h"
#include "model/words.h"
#include "load/parse.h"
#include "resolve/resolve.h"
#include "base/util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct book *load_dir(const char *dir, struct arena *a, struct diag_list *d)
{
	struct book *b = NULL;
	arena_init(a);
	memset(d, 0, sizeof *d);
	struct run r = {a, d, NULL, NULL};
	if (book_load(&b, &r, dir) != 0)
		return NULL;
	resolve(&r, b);
	if (getenv("DEBUG"))
		diag_print(d, stderr);
	return b;
}

static void done(struct arena *a, struct diag_list *d)
{
	diag_list_free(d);
	arena_free(a);
}

static int count_level(const struct diag_list *d, enum diag_level level)
{
	int n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].level == level;
	return n;
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

static struct chapter *chapter_named(struct book *b, const char *path)
{
	return folder_chapter(b, path);
}

/* The code block whose info string holds tag (after a comma). */
struct find_code {
	const char *tag;
	struct block *found;
};

static void find_code_fn(void *ctx, struct block *blk)
{
	struct find_code *f = ctx;
	if (blk->type != BLK_CODE || f->found)
		return;
	const char *p = strstr(blk->info, f->tag);
	size_t n = strlen(f->tag);
	if (p && p > blk->info && p[-1] == ',' && (p[n] == '\0' || p[n] == ','))
		f->found = blk;
}

static const char *code(struct chapter *ch, const char *tag)
{
	struct find_code f = {tag, NULL};
	if (ch)
		model_each_block(ch->blocks, find_code_fn, &f);
	return f.found ? f.found->text : "(no such block)";
}

static const char *code_info(struct chapter *ch, const char *tag)
{
	struct find_code f = {tag, NULL};
	if (ch)
		model_each_block(ch->blocks, find_code_fn, &f);
	return f.found ? f.found->info : "(no such block)";
}

/* Plain text of every paragraph, each followed by "\n". */
static char *paragraphs(struct arena *a, struct chapter *ch)
{
	struct buf out = BUF_INIT;
	for (struct block *b = ch ? ch->blocks : NULL; b; b = b->next)
		if (b->type == BLK_PARAGRAPH)
			buf_printf(&out, "%s\n", model_plain(a, b->inlines));
	char *s = buf_to_arena(&out, a);
	buf_free(&out);
	return s;
}

/* The first link whose text is text, anywhere in ch. */
struct find_link {
	struct arena *a;
	const char *text;
	struct inline_node *found;
};

static void find_link_fn(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	struct find_link *f = ctx;
	if (in->type == INL_LINK && !f->found && strcmp(model_plain(f->a, in->children), f->text) == 0)
		f->found = in;
}

static struct inline_node *link_named(struct arena *a, struct chapter *ch, const char *text)
{
	struct find_link f = {a, text, NULL};
	if (ch)
		model_each_inline(ch->blocks, find_link_fn, &f);
	return f.found;
}

/* 1-based line of the first line of file holding needle, or 0. */
static int line_of(const char *file, const char *needle)
{
	FILE *f = fopen(file, "r");
	char line[4096];
	int n = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		if (strstr(line, needle)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

/* ---- tests/fixtures/mdbook ------------------------------------------------ */

#define FIX "tests/fixtures/mdbook"

static void test_metadata(struct book *b)
{
	struct metadata *m = &b->meta;
	CHECK_STR("toml: title with escapes", m->title, "Fixture \"Book\" \xC3\xA9");
	CHECK("toml: multi-line authors array", m->nauthors == 2);
	if (m->nauthors == 2) {
		CHECK_STR("toml: first author", m->authors[0], "Ada Lovelace");
		CHECK_STR("toml: literal-string author", m->authors[1], "Grace Hopper");
	}
	CHECK_STR("toml: multi-line description, line-ending backslash", m->description,
		  "A book that tests things.");
	CHECK_STR("toml: language", m->language, "fr");
	CHECK_STR("toml: site-url from [output.html]", m->site_url, "https://example.org/fixture/");
	CHECK_STR("toml: metadata file", m->source_file, "book.toml");
	CHECK("mdbook: flagged", b->mdbook);
}

static void test_summary(struct book *b)
{
	static const struct {
		enum toc_kind kind;
		const char *title, *number;
		int depth, parent;
		const char *path;
	} want[] = {
		{TOC_CHAPTER, "Preface", NULL, 0, -1, "pages/preface.md"},
		{TOC_DRAFT, "Foreword", NULL, 0, -1, NULL},
		{TOC_SEPARATOR, NULL, NULL, 0, -1, NULL},
		{TOC_PART, "Getting Started", NULL, 0, -1, NULL},
		{TOC_CHAPTER, "Introduction", "1.", 0, -1, "pages/intro/README.md"},
		{TOC_CHAPTER, "Setup", "1.1.", 1, 4, "pages/intro/setup.md"},
		{TOC_DRAFT, "Planned", "1.2.", 1, 4, NULL},
		{TOC_CHAPTER, "Deep Dive", "1.2.1.", 2, 6, "pages/intro/deep.md"},
		{TOC_CHAPTER, "Includes", "2.", 0, -1, "pages/includes.md"},
		{TOC_SEPARATOR, NULL, NULL, 0, -1, NULL},
		{TOC_PART, "Reference", NULL, 0, -1, NULL},
		{TOC_CHAPTER, "Rust Code", "3.", 0, -1, "pages/rust.md"},
		{TOC_CHAPTER, "Sub A", "3.1.", 1, 11, "pages/ref/a.md"},
		{TOC_CHAPTER, "Sub B", "3.2.", 1, 11, "pages/ref/b.md"},
		{TOC_CHAPTER, "Appendix", NULL, 0, -1, "pages/appendix.md"},
		{TOC_DRAFT, "Later", NULL, 0, -1, NULL},
	};
	int n = (int)(sizeof want / sizeof *want);
	CHECK("summary: entry count", b->ntoc == n);
	bool kinds = true, titles = true, numbers = true, depths = true, parents = true,
	     chapters = true;
	for (int i = 0; i < n && i < b->ntoc; i++) {
		const struct toc_entry *e = &b->toc[i];
		kinds &= e->kind == want[i].kind;
		titles &= (!e->title && !want[i].title) ||
			  (e->title && want[i].title && strcmp(e->title, want[i].title) == 0);
		numbers &= (!e->number && !want[i].number) ||
			   (e->number && want[i].number && strcmp(e->number, want[i].number) == 0);
		depths &= e->depth == want[i].depth;
		parents &= e->parent == want[i].parent;
		chapters &= want[i].path ? e->chapter && strcmp(e->chapter->path, want[i].path) == 0 &&
						   e->chapter->toc_index == i
					 : e->chapter == NULL;
		if (getenv("DEBUG"))
			fprintf(stderr, "%d %d %s %s %d %d\n", i, e->kind, e->title, e->number,
				e->depth, e->parent);
	}
	CHECK("summary: kinds (prefix, draft, separator, part, numbered, suffix)", kinds);
	CHECK("summary: titles as SUMMARY.md writes them", titles);
	CHECK("summary: numbers 1., 1.1., 1.2.1., run on across parts", numbers);
	CHECK("summary: depths from list nesting", depths);
	CHECK("summary: parents", parents);
	CHECK("summary: chapter entries point at their chapters", chapters);

	/* Reading order: the chapters of the outline, drafts skipped. */
	static const char *order[] = {
		"pages/preface.md", "pages/intro/README.md", "pages/intro/setup.md",
		"pages/intro/deep.md", "pages/includes.md", "pages/rust.md", "pages/ref/a.md",
		"pages/ref/b.md", "pages/appendix.md",
	};
	bool same = b->nchapters == 9;
	for (int i = 0; same && i < 9; i++)
		same = strcmp(b->chapters[i]->path, order[i]) == 0 && b->chapters[i]->index == i;
	CHECK("summary: reading order, drafts have no page, unlisted page left out", same);
	CHECK("summary: root is the first chapter", b->root == b->chapters[0]);
	struct chapter *intro = chapter_named(b, "pages/intro/README.md");
	struct chapter *setup = chapter_named(b, "pages/intro/setup.md");
	struct chapter *deep = chapter_named(b, "pages/intro/deep.md");
	struct chapter *rust = chapter_named(b, "pages/rust.md");
	struct chapter *suba = chapter_named(b, "pages/ref/a.md");
	struct chapter *pre = chapter_named(b, "pages/preface.md");
	struct chapter *app = chapter_named(b, "pages/appendix.md");
	CHECK("chapter: number and depth", setup && setup->number &&
	      strcmp(setup->number, "1.1.") == 0 && setup->depth == 1 && deep && deep->depth == 2);
	CHECK("chapter: parent", setup && setup->parent == intro && suba && suba->parent == rust);
	CHECK("chapter: no parent under a draft", deep && deep->parent == NULL);
	CHECK("chapter: part opens before its first chapter",
	      intro && intro->part && strcmp(intro->part, "Getting Started") == 0 && rust &&
	      rust->part && strcmp(rust->part, "Reference") == 0 && setup && !setup->part);
	CHECK("chapter: prefix and suffix unnumbered", pre && !pre->number && app && !app->number);
	CHECK_STR("chapter: title from SUMMARY.md", setup ? setup->title : NULL, "Setup");
}

static void test_includes(struct book *b, struct arena *a)
{
	struct chapter *ch = chapter_named(b, "pages/includes.md");
	CHECK("include: chapter loaded", ch != NULL);
	if (!ch)
		return;
	const char *all = "use std::fmt;\n\nfn main() {\n    println!(\"hi\");\n}\n\nfn helper() {}\n";
	const char *main_fn = "fn main() {\n    println!(\"hi\");\n}\n";
	const char *hidden = "# use std::fmt;\n# \nfn main() {\n    println!(\"hi\");\n}\n"
			     "# \n# fn helper() {}\n";
	CHECK_STR("include: whole file, ANCHOR lines removed", code(ch, "whole"), all);
	CHECK_STR("include: file:anchor", code(ch, "anchor"), main_fn);
	CHECK_STR("include: anchor with markers inside removed", code(ch, "anchor-nested-markers"), all);
	CHECK_STR("include: file:5:7", code(ch, "range"), main_fn);
	CHECK_STR("include: file:10: (to the end)", code(ch, "range-from"), "fn helper() {}\n");
	CHECK_STR("include: file::2 (from the start)", code(ch, "range-to"), "use std::fmt;\n");
	CHECK_STR("include: file:6 (one line)", code(ch, "single-line"), "    println!(\"hi\");\n");
	CHECK_STR("rustdoc_include: anchor, the rest behind '# '", code(ch, "rustdoc-anchor"), hidden);
	CHECK_STR("rustdoc_include: in a rust block only the anchor shows",
		  code(ch, "rustdoc-anchor-hidden"), main_fn);
	CHECK_STR("rustdoc_include: range", code(ch, "rustdoc-range"), hidden);
	CHECK_STR("playground: rust block with the attributes", code_info(ch, "playground"),
		  "rust,editable,playground");
	CHECK_STR("playground: file contents, hidden lines hidden", code(ch, "playground"),
		  "fn main() {\n    let x = 1;\n}\n");
	CHECK_STR("escape: \\{{#include}} kept literally in code",
		  code(ch, "escaped"), "{{#include ../listings/hello.rs}}\n");
	char *paras = paragraphs(a, ch);
	CHECK("escape: kept literally in text",
	      strstr(paras, "Escaped in text: {{#include ../listings/hello.rs}} stays literal.") != NULL);
	CHECK("include: inline, mid-paragraph", strstr(paras, "Inline: version 1.2.3 of the tool.") != NULL);
	CHECK("include: unknown directive left as written",
	      strstr(paras, "Unknown directives stay: {{#unknown thing}}.") != NULL);
	CHECK("include: nested, relative to the included file",
	      strstr(paras, "Part text from listings/part.md.\nInner text from listings/inner.md.\n") != NULL);
	CHECK_STR("title: {{#title}} sets the chapter title", ch->title, "Custom Includes Title");
	CHECK_STR("title: the contents keep SUMMARY.md's name", b->toc[ch->toc_index].title, "Includes");
	CHECK("title: directive removed from the text", strstr(paras, "#title") == NULL);

	/* Positions after expansion point at the file. */
	struct inline_node *l = link_named(a, ch, "a link to Sub A");
	int want = line_of(FIX "/pages/includes.md", "After the includes");
	CHECK("positions: text after includes keeps its file line",
	      l && want && l->line == want && l->col == 21);
	struct block *blk = NULL;
	for (struct block *p = ch->blocks; p; p = p->next)
		if (p->type == BLK_PARAGRAPH && strstr(model_plain(a, p->inlines), "Inner text"))
			blk = p;
	CHECK("positions: included text points at its directive",
	      blk && blk->line == line_of(FIX "/pages/includes.md", "{{#include ../listings/part.md}}") &&
	      blk->col == 1);
}

static void test_hidden(struct book *b)
{
	struct chapter *ch = chapter_named(b, "pages/rust.md");
	CHECK_STR("rust: '# ', indented '# ' and lone '#' hidden; '##' escapes; #[ #! kept",
		  code(ch, "hidden"),
		  "let x = 1;\n# not hidden\n#[derive(Debug)]\n#![allow(unused)]\n#no-space stays\n");
	CHECK_STR("rust: rust,ignore is rust too", code(ch, "ignore"), "let shown = true;\n");
	struct block *text = NULL, *console = NULL;
	for (struct block *p = ch ? ch->blocks : NULL; p; p = p->next) {
		if (p->type == BLK_CODE && strcmp(p->lang, "text") == 0)
			text = p;
		if (p->type == BLK_CODE && strcmp(p->lang, "console") == 0)
			console = p;
	}
	CHECK("rust: other languages untouched",
	      text && strcmp(text->text, "# a comment in text stays\n") == 0 && console &&
	      strcmp(console->text, "# apt-get install folio\n") == 0);
	CHECK_STR("hidelines=PREFIX hides its lines", code(ch, "hidelines=!!!"), "print(\"shown\")\n");
	CHECK_STR("book.toml [output.html.code.hidelines] python = \"~\"",
		  code(ch, "from-book-toml"), "print(\"also shown\")\n");
	CHECK("info strings give the highlighter's language",
	      console && text && strcmp(code_info(ch, "ignore"), "rust,ignore") == 0);
}

static void test_links(struct book *b, struct arena *a)
{
	struct chapter *ch = chapter_named(b, "pages/ref/a.md");
	struct chapter *subb = chapter_named(b, "pages/ref/b.md");
	struct chapter *intro = chapter_named(b, "pages/intro/README.md");
	struct inline_node *l;
	l = link_named(a, ch, "Sub B by its page");
	CHECK("links: page.html is the chapter", l && l->link->kind == LINK_INTERNAL &&
	      l->link->chapter == subb);
	l = link_named(a, ch, "the introduction");
	CHECK("links: folder/index.html is its README.md", l && l->link->kind == LINK_INTERNAL &&
	      l->link->chapter == intro);
	l = link_named(a, ch, "Sub B on the site");
	CHECK("links: the book's own site-url is the chapter", l && l->link->kind == LINK_INTERNAL &&
	      l->link->chapter == subb && l->link->anchor && strcmp(l->link->anchor, "sub-b") == 0);
	l = link_named(a, ch, "the site front page");
	CHECK("links: the site's front page is the first chapter",
	      l && l->link->kind == LINK_INTERNAL && l->link->chapter == b->chapters[0]);
	l = link_named(a, ch, "elsewhere on that host");
	CHECK("links: other pages of that host stay external", l && l->link->kind == LINK_EXTERNAL);
	l = link_named(a, chapter_named(b, "pages/intro/setup.md"), "introduction");
	CHECK("links: index.html beside README.md", l && l->link->kind == LINK_INTERNAL &&
	      l->link->chapter == intro);
}

static void test_fixture(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b = load_dir(FIX, &a, &d);
	CHECK("fixture: loads", b != NULL);
	if (!b) {
		done(&a, &d);
		return;
	}
	CHECK("fixture: no warnings", d.nwarn == 0 && d.nerr == 0);
	CHECK("fixture: unrun preprocessor is a note, admonish (which folio does) is not",
	      has_diag(&d, "book.toml", line_of(FIX "/book.toml", "[preprocessor.katex]"), 1,
		       "preprocessor 'katex' is not run") &&
	      !has_diag(&d, "book.toml", line_of(FIX "/book.toml", "[preprocessor.admonish]"), 1,
			"preprocessor"));
	/* SUMMARY.md: "[Foreword]()" at 4:1, "    - [Planned]()" at 12:7,
	 * "[Later]()" at 25:1 */
	CHECK("fixture: each draft chapter is a note at its SUMMARY.md line:col",
	      has_diag(&d, "pages/SUMMARY.md", 4, 1, "draft chapter 'Foreword' (no file yet) is skipped") &&
	      has_diag(&d, "pages/SUMMARY.md", 12, 7, "draft chapter 'Planned'") &&
	      has_diag(&d, "pages/SUMMARY.md", 25, 1, "draft chapter 'Later'") &&
	      count_level(&d, DIAG_NOTE) == 4);
	test_metadata(b);
	test_summary(b);
	test_includes(b, &a);
	test_hidden(b);
	test_links(b, &a);
	done(&a, &d);
}

/* ---- tests/fixtures/mdbook-warn ------------------------------------------- */

#define WFIX "tests/fixtures/mdbook-warn"

static void test_warnings(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b = load_dir(WFIX, &a, &d);
	CHECK("warn fixture: loads", b != NULL);
	if (!b) {
		done(&a, &d);
		return;
	}
	const char *ch = "src/chapter.md";
	CHECK("toml: a bad line warns with its line", has_diag(&d, "book.toml", 4, 1, "cannot read"));
	CHECK("toml: lines after a bad one still read", b->meta.nauthors == 1 &&
	      strcmp(b->meta.title, "Warnings") == 0);
	CHECK("summary: missing file warns, stays as unwritten",
	      has_diag(&d, "SUMMARY.md", 4, 3, "'missing.md', which does not exist") &&
	      b->ntoc > 1 && b->toc[1].kind == TOC_DRAFT && strcmp(b->toc[1].number, "2.") == 0);
	CHECK("summary: item without a link warns, stays as unwritten",
	      has_diag(&d, "SUMMARY.md", 5, 1, "without a link") && b->ntoc > 2 &&
	      b->toc[2].kind == TOC_DRAFT && strcmp(b->toc[2].title, "Just words") == 0);
	CHECK("summary: a chapter listed twice warns, one page",
	      has_diag(&d, "SUMMARY.md", 6, 3, "'chapter.md' again") && b->ntoc > 3 &&
	      b->toc[3].chapter == b->chapters[0] && b->chapters[0]->toc_index == 0);
	CHECK("summary: a web link is not a chapter",
	      has_diag(&d, "SUMMARY.md", 7, 3, "not a chapter file") && b->toc[4].kind == TOC_DRAFT);
	CHECK("summary: a list after the suffix warns, kept unnumbered",
	      has_diag(&d, "SUMMARY.md", 12, 1, "list after the suffix") && b->ntoc == 8 &&
	      b->toc[7].kind == TOC_CHAPTER && b->toc[7].number == NULL && b->nchapters == 4);

	CHECK("include: missing file at the directive's line:col",
	      has_diag(&d, ch, 4, 1, "'nope.rs' not found; left as written"));
	CHECK("include: missing anchor", has_diag(&d, ch, 8, 1, "no anchor 'nosuch'"));
	CHECK("include: range past the end", has_diag(&d, ch, 12, 1, "line 50 is past the end"));
	CHECK("include: empty range", has_diag(&d, ch, 16, 1, "range of lines is empty"));
	CHECK("include: climbing out of the book refused",
	      has_diag(&d, ch, 19, 10, "outside the book folder"));
	CHECK("include: absolute path refused", has_diag(&d, ch, 19, 45, "outside the book folder"));
	CHECK("include: a cycle warns once, in the file that closes it",
	      has_diag(&d, "src/loop.md", 3, 1, "includes itself"));
	CHECK("include: nesting bounded at 10 levels",
	      has_diag(&d, "src/d/d10.md", 1, 1, "nested more than 10 deep"));
	struct chapter *c = folder_chapter(b, "src/chapter.md");
	CHECK_STR("include: a failed directive stays as written", c ? c->blocks->next->text : NULL,
		  "{{#include nope.rs}}\n");
	CHECK("positions: a link after a multi-line include, same line",
	      has_diag(&d, ch, 24, 42, "'nowhere.md' not found"));
	CHECK("positions: the line after it", has_diag(&d, ch, 25, 1, "'nowhere2.md' not found"));
	struct chapter *depth = folder_chapter(b, "src/depth.md");
	CHECK("include: ten levels expanded",
	      depth && strstr(arena_printf(&a, "%.*s", (int)depth->source_len, depth->source),
			      "{{#include d11.md}} level 10 level 09") != NULL);
	CHECK("warn fixture: 16 warnings, no more", d.nwarn == 16);
	done(&a, &d);
}

/* ---- Small books in $TMP ------------------------------------------------------ */

static char root[512];

static void put(const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0777);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
}

static void fresh(const char *name)
{
	char cmd[1200];
	snprintf(root, sizeof root, "%s/%s", getenv("TMP") ? getenv("TMP") : "/tmp", name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, root);
	if (system(cmd) != 0)
		exit(2);
}

static void test_small(void)
{
	struct arena a;
	struct diag_list d;
	struct book *b;

	/* src/SUMMARY.md without book.toml: still mdBook, defaults are notes. */
	fresh("nobooktoml");
	put("src/SUMMARY.md", "<!-- a comment before the title -->\n\n# Summary\n\n"
			      "- [One](one.md)\n- [Two](two.md)\n");
	put("src/one.md", "# One\n\n```rust\n# hidden\nshown\n```\n");
	put("src/two.md", "# Two\n");
	b = load_dir(root, &a, &d);
	CHECK("no book.toml: src/SUMMARY.md read", b && b->mdbook && b->nchapters == 2 &&
	      strcmp(b->toc[1].number, "2.") == 0);
	CHECK("summary: the title after an HTML comment is no part", b && b->ntoc == 2);
	CHECK("no book.toml: defaults are notes, not warnings", b && d.nwarn == 0);
	CHECK("no book.toml: title from the first chapter", b && strcmp(b->meta.title, "One") == 0);
	done(&a, &d);

	/* book.toml with src = "." and a multi-line array holding comments. */
	fresh("srcdot");
	put("book.toml", "[book]\nsrc = \".\"\nauthors = [\n  # who\n  \"A\", \"B\" ,\n\n  \"C\"\n]\n"
			 "title = 'It''s'\n");
	put("SUMMARY.md", "[Only](only.md)\n");
	put("only.md", "Text without a heading.\n");
	b = load_dir(root, &a, &d);
	CHECK("toml: src = \".\" is the book folder", b && b->nchapters == 1 &&
	      strcmp(b->chapters[0]->path, "only.md") == 0);
	CHECK("toml: array over lines with comments", b && b->meta.nauthors == 3 &&
	      strcmp(b->meta.authors[2], "C") == 0);
	CHECK("toml: a literal string ends at its quote (It''s is an error)",
	      b && has_diag(&d, "book.toml", 9, 1, "cannot read"));
	CHECK_STR("summary: prefix chapter titled by SUMMARY.md", b ? b->chapters[0]->title : NULL,
		  "Only");
	done(&a, &d);

	/* Control characters asked for by escapes never reach the metadata
	 * (the PDF's document info, the EPUB's dc:description): issue 25 U1. */
	fresh("tomlctl");
	put("book.toml", "[book]\ntitle = \"T\"\nauthors = [\"A\"]\n"
			 "description = \"a\\u0001b\\fc\\u0085d\\te\"\n");
	put("src/SUMMARY.md", "- [One](one.md)\n");
	put("src/one.md", "# One\n");
	b = load_dir(root, &a, &d);
	CHECK_STR("toml: control characters from escapes removed",
		  b ? b->meta.description : NULL, "abcd\te");
	CHECK("toml: ... with a warning at the string's line",
	      b && has_diag(&d, "book.toml", 4, 1, "control characters removed from a string (3)"));
	done(&a, &d);

	/* src outside the book is refused; book.toml without SUMMARY.md. */
	fresh("nosummary");
	put("book.toml", "[book]\ntitle = \"T\"\nauthors = [\"A\"]\nsrc = \"../elsewhere\"\n");
	put("src/README.md", "# Home\n\n[next](next.md)\n");
	put("src/next.md", "# Next\n");
	b = load_dir(root, &a, &d);
	CHECK("toml: src leaving the book refused", b && has_diag(&d, "book.toml", 4, 1, "leaves the book"));
	CHECK("no SUMMARY.md: warns, follows links from README.md",
	      b && has_diag(&d, "book.toml", 0, 0, "no src/SUMMARY.md") && b->nchapters == 2 &&
	      b->ntoc == 2 && b->toc[1].chapter == b->chapters[1]);
	done(&a, &d);

	/* SUMMARY.md: no title, part titles, separators inside the numbered
	 * section, a paragraph right after a part title. */
	fresh("parts");
	put("book.toml", "[book]\ntitle = \"T\"\nauthors = [\"A\"]\n");
	put("src/SUMMARY.md",
	    "[Intro](a.md)\n\n"
	    "- [B](b.md)\n\n"
	    "---\n\n"
	    "- [C](c.md)\n"
	    "  1. [C1](c1.md)\n"
	    "  2. [C2]()\n\n"
	    "# Second Part\n\n"
	    "Ignored [words](x.md) after a part title.\n\n"
	    "- [D](d.md)\n\n"
	    "[E](e.md)\n\n---\n\n[F]()\n");
	const char *files[] = {"a", "b", "c", "c1", "d", "e"};
	char name[64], text[128];
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "src/%s.md", files[i]);
		put(name, "Words.\n");
	}
	b = load_dir(root, &a, &d);
	static const char *want =
		"C - Intro|C 1. B|S|C 2. C|C 2.1. C1|D 2.2. C2|P - Second Part|C 3. D|C - E|S|D - F|";
	struct buf got = BUF_INIT;
	for (int i = 0; b && i < b->ntoc; i++) {
		const struct toc_entry *e = &b->toc[i];
		const char *k = e->kind == TOC_CHAPTER ? "C" : e->kind == TOC_DRAFT ? "D"
			      : e->kind == TOC_PART ? "P" : "S";
		if (e->kind == TOC_SEPARATOR)
			buf_printf(&got, "S|");
		else
			buf_printf(&got, "%s %s %s|", k, e->number ? e->number : "-", e->title);
	}
	CHECK_STR("summary: without a title, numbers run on over separators and parts",
		  got.data ? got.data : "", want);
	buf_free(&got);
	CHECK("summary: links right after a part title ignored, with a warning",
	      b && has_diag(&d, "SUMMARY.md", 13, 9, "right after a part title") && d.nwarn == 1);
	done(&a, &d);

	/* A chapter that only includes: the include's lines map to it. */
	fresh("pathological");
	put("book.toml", "[book]\ntitle = \"T\"\nauthors = [\"A\"]\n");
	put("src/SUMMARY.md", "- [Big](big.md)\n");
	/* Each file includes the next twice: 2^9 copies, bounded. */
	for (int i = 0; i < 9; i++) {
		snprintf(name, sizeof name, "src/n%d.md", i);
		snprintf(text, sizeof text, "{{#include n%d.md}}\n{{#include n%d.md}}\n", i + 1, i + 1);
		put(name, text);
	}
	put("src/n9.md", "x");
	put("src/big.md", "# Big\n\n{{#include n0.md}}\n\n[bad](missing.md)\n");
	clock_t t0 = clock();
	b = load_dir(root, &a, &d);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK("pathological: doubling includes, 9 levels, in time", b && secs < 2.0);
	CHECK("pathological: positions after 1024 included lines",
	      b && has_diag(&d, "src/big.md", 5, 1, "'missing.md' not found"));
	done(&a, &d);

	/* An include "billion laughs" (issue 25 D1): ten files each including
	 * the next ten times, 10^10 expansions within the depth and size
	 * limits; the book's expansion budget stops it, with a warning. */
	for (int i = 0; i < 9; i++) {
		struct buf nt = BUF_INIT;
		for (int k = 0; k < 10; k++)
			buf_printf(&nt, "{{#include n%d.md}}\n", i + 1);
		snprintf(name, sizeof name, "src/n%d.md", i);
		put(name, nt.data);
		buf_free(&nt);
	}
	put("src/n9.md", "line one\nline two\nline three\nline four\nline five\n");
	put("src/big.md", "# Big\n\n{{#include n0.md}}\n");
	t0 = clock();
	b = load_dir(root, &a, &d);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	struct chapter *bigch = b ? folder_chapter(b, "src/big.md") : NULL;
	int budget_warnings = 0;
	for (size_t i = 0; i < d.n; i++)
		budget_warnings += strstr(d.v[i].msg, "expands more than 20000 directives") != NULL;
	CHECK("pathological: include billion laughs stops at the book's budget, warned once",
	      bigch && budget_warnings == 1 &&
	      bigch->source_len < (size_t)PREPROC_MAX_EXPANSIONS * 60);
	const char *ts = getenv("TIME_SCALE");
	double scale = ts && atof(ts) > 0 ? atof(ts) : 1.0;
	CHECK("pathological: include billion laughs in under 10 s (x TIME_SCALE)",
	      b && secs < 10.0 * scale);
	done(&a, &d);

	/* 40,000 lines of unclosed directives: scanning stays linear. */
	put("src/SUMMARY.md", "- [Open](open.md)\n");
	struct buf big = BUF_INIT;
	buf_puts(&big, "# Open\n\n");
	for (int i = 0; i < 20000; i++)
		buf_puts(&big, "{{#include never closed\n\\{{#include x \\{{#y {{#z w\n");
	put("src/open.md", big.data);
	buf_free(&big);
	t0 = clock();
	b = load_dir(root, &a, &d);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK("pathological: unclosed directives, in time", b && secs < 2.0 && d.nwarn == 0);
	done(&a, &d);
}

/* ---- The performance book (../shared) ------------------------------------ */

static void test_perf_book(void)
{
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/corpora/perf-book", shared);
	struct stat st;
	if (stat(dir, &st) != 0) {
		printf("SKIP: perf-book: %s absent\n", dir);
		return;
	}
	struct arena a;
	struct diag_list d;
	struct book *b = load_dir(dir, &a, &d);
	CHECK("perf-book: loads with zero warnings", b && d.nwarn == 0 && d.nerr == 0);
	CHECK("perf-book: 20 chapters, title page first",
	      b && b->nchapters == 20 && strcmp(b->chapters[0]->title, "Title Page") == 0 &&
	      b->chapters[0]->number == NULL && strcmp(b->chapters[1]->number, "1.") == 0);
	CHECK_STR("perf-book: title from book.toml", b ? b->meta.title : NULL,
		  "The Rust Performance Book");
	done(&a, &d);
}

static int print_toc(const char *dir)
{
	struct arena a;
	struct diag_list d;
	struct book *b = load_dir(dir, &a, &d);
	if (!b) {
		diag_print(&d, stderr);
		done(&a, &d);
		return 2;
	}
	static const char *kinds[] = {"chapter", "draft", "part", "separator"};
	for (int i = 0; i < b->ntoc; i++) {
		const struct toc_entry *e = &b->toc[i];
		printf("%s\t%s\t%d\t%s\t%s\n", kinds[e->kind], e->number ? e->number : "-", e->depth,
		       e->title ? e->title : "", e->chapter ? e->chapter->path : "");
	}
	done(&a, &d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--toc") == 0)
		return print_toc(argv[2]);
	test_fixture();
	test_warnings();
	test_small();
	test_perf_book();
	UNIT_END();
}
