/*
 * test_backend.c - mdBook's RenderContext read into a book (load/renderctx.c).
 *
 * The fixture tests/fixtures/renderctx/book has a SUMMARY.md and files on
 * disk; v04.json and v05.json describe the same outline with other chapter
 * texts.  The book the JSON gives must have the same contents (kinds,
 * titles, numbers, depths, parents, parts, chapter paths) as the one
 * SUMMARY.md gives, with the JSON's texts.  Then malformed RenderContexts
 * in memory: each refused or reported as the header says, never a crash.
 */
#include "unit.h"

#include "base/util.h"
#include "load/book.h"
#include "load/folder.h"
#include "load/renderctx.h"
#include "model/words.h"

#include <limits.h>
#include <stdlib.h>

#define FX "tests/fixtures/renderctx"

/* The fixture's JSON with @ROOT@ and @DEST@ filled in (malloc'd). */
static char *fixture_json(const char *name, size_t *len)
{
	char *raw;
	size_t n;
	char path[256], root[PATH_MAX];
	snprintf(path, sizeof path, FX "/%s", name);
	if (file_read(path, &raw, &n) != 0 || !realpath(FX "/book", root))
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *p = raw; *p;) {
		if (strncmp(p, "@ROOT@", 6) == 0) {
			buf_puts(&b, root);
			p += 6;
		} else if (strncmp(p, "@DEST@", 6) == 0) {
			buf_puts(&b, "/nonexistent/dest");
			p += 6;
		} else {
			buf_putc(&b, *p++);
		}
	}
	free(raw);
	*len = b.len;
	return b.data;
}

static int count(const struct diag_list *d, enum diag_level level, const char *needle)
{
	int n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].level == level && (!needle || strstr(d->v[i].msg, needle));
	return n;
}

static bool same_toc(const struct book *x, const struct book *y, char *why, size_t n)
{
	if (x->ntoc != y->ntoc || x->nchapters != y->nchapters) {
		snprintf(why, n, "%d/%d entries, %d/%d chapters", x->ntoc, y->ntoc, x->nchapters,
			 y->nchapters);
		return false;
	}
	for (int i = 0; i < x->ntoc; i++) {
		const struct toc_entry *a = &x->toc[i], *b = &y->toc[i];
		bool same = a->kind == b->kind && a->depth == b->depth && a->parent == b->parent &&
			    !strcmp(a->title ? a->title : "", b->title ? b->title : "") &&
			    !strcmp(a->number ? a->number : "", b->number ? b->number : "") &&
			    (a->chapter == NULL) == (b->chapter == NULL) &&
			    (!a->chapter || (!strcmp(a->chapter->path, b->chapter->path) &&
					     a->chapter->depth == b->chapter->depth &&
					     !strcmp(a->chapter->part ? a->chapter->part : "",
						     b->chapter->part ? b->chapter->part : "") &&
					     (a->chapter->parent == NULL) == (b->chapter->parent == NULL)));
		if (!same) {
			snprintf(why, n, "entry %d: '%s' vs '%s'", i, a->title ? a->title : "-",
				 b->title ? b->title : "-");
			return false;
		}
	}
	return true;
}

static void test_shapes(void)
{
	struct arena a;
	struct diag_list d = {0};
	arena_init(&a);
	struct run r = {&a, &d, NULL, NULL};
	struct book *disk = NULL;
	CHECK("backend: the fixture book loads from its SUMMARY.md", book_load(&disk, &r, FX "/book") == 0);
	const char *shapes[] = {"v04.json", "v05.json"};
	for (int s = 0; s < 2 && disk; s++) {
		size_t len;
		char *json = fixture_json(shapes[s], &len);
		struct diag_list d2 = {0};
		struct run r2 = {&a, &d2, NULL, NULL};
		struct book *b = NULL;
		const char *dest = NULL;
		char name[160], why[200] = "";
		int rc = json ? renderctx_load(&b, &dest, &r2, json, len) : -1;
		free(json);
		snprintf(name, sizeof name, "backend: %s loads without a diagnostic", shapes[s]);
		CHECK(name, rc == 0 && count(&d2, DIAG_WARNING, NULL) + count(&d2, DIAG_ERROR, NULL) == 0);
		if (rc != 0) {
			diag_list_free(&d2);
			continue;
		}
		snprintf(name, sizeof name, "backend: %s destination", shapes[s]);
		CHECK_STR(name, dest, "/nonexistent/dest");
		bool same = same_toc(disk, b, why, sizeof why);
		snprintf(name, sizeof name, "backend: %s gives the contents SUMMARY.md gives%s%s",
			 shapes[s], same ? "" : ": ", why);
		CHECK(name, same);
		struct chapter *intro = folder_chapter(b, "src/README.md");
		snprintf(name, sizeof name, "backend: %s chapter text is the JSON's content", shapes[s]);
		CHECK(name, intro && intro->blocks && intro->blocks->next &&
			    strstr(model_plain(&a, intro->blocks->next->inlines), "Preprocessed:"));
		snprintf(name, sizeof name, "backend: %s metadata from config.book", shapes[s]);
		CHECK(name, !strcmp(b->meta.title, "Backend Fixture") && b->meta.nauthors == 1 &&
			    !strcmp(b->meta.authors[0], "Ada Lovelace") && b->mdbook);
		diag_list_free(&d2);
	}
	diag_list_free(&d);
	arena_free(&a);
}

/* rc and the diagnostics of one RenderContext given as text. */
static int load_text(const char *json, struct diag_list *d, struct arena *a)
{
	struct run r = {a, d, NULL, NULL};
	struct book *b = NULL;
	const char *dest = NULL;
	return renderctx_load(&b, &dest, &r, json, strlen(json));
}

/* A chapter whose path leaves the book is an unwritten entry; the
 * chapters under it are kept. */
static void test_subchapters_kept(const char *root)
{
	struct arena a;
	struct diag_list d = {0};
	arena_init(&a);
	struct run r = {&a, &d, NULL, NULL};
	struct book *b = NULL;
	const char *dest = NULL;
	const char *json = arena_printf(&a, "{\"root\": \"%s\", \"destination\": \"d\", "
		"\"book\": {\"items\": [{\"Chapter\": {\"name\": \"Out\", \"content\": \"# Out\", "
		"\"number\": [1], \"path\": \"../../x.md\", \"sub_items\": [{\"Chapter\": "
		"{\"name\": \"In\", \"content\": \"# In\", \"number\": [1, 1], "
		"\"path\": \"in.md\"}}]}}]}}", root);
	int rc = renderctx_load(&b, &dest, &r, json, strlen(json));
	CHECK("backend: a chapter out of the book is unwritten, its sub-chapter kept",
	      rc == 0 && b->ntoc == 2 && b->toc[0].kind == TOC_DRAFT &&
	      !strcmp(b->toc[0].number, "1.") && b->toc[1].kind == TOC_CHAPTER &&
	      b->toc[1].depth == 1 && b->toc[1].parent == 0 && b->nchapters == 1 &&
	      !strcmp(b->chapters[0]->path, "src/in.md") && count(&d, DIAG_ERROR, "leaves") == 1);
	diag_list_free(&d);
	arena_free(&a);
}

static void test_bad(void)
{
	char root[PATH_MAX];
	if (!realpath(FX "/book", root)) {
		CHECK("backend: fixture book found", false);
		return;
	}
	struct {
		const char *name, *fmt;
		int rc;
		enum diag_level level;
		const char *needle;
	} cases[] = {
		{"not JSON", "hello %s", -1, DIAG_FATAL, "not mdBook's RenderContext JSON"},
		{"a JSON array", "[\"%s\"]", -1, DIAG_FATAL, "not a JSON object"},
		{"root a number", "{\"root\": 5, \"x\": \"%s\"}", -1, DIAG_FATAL, "'root' is not a folder name"},
		{"no destination", "{\"root\": \"%s\", \"book\": {\"items\": []}}", -1, DIAG_FATAL,
		 "'destination' is missing"},
		{"book.items an object", "{\"root\": \"%s\", \"destination\": \"d\", \"book\": {\"items\": {}}}",
		 -1, DIAG_FATAL, "no list of chapters"},
		{"only drafts", "{\"root\": \"%s\", \"destination\": \"d\", \"book\": {\"items\": "
		 "[{\"Chapter\": {\"name\": \"Later\", \"path\": null}}]}}", -1, DIAG_FATAL, "no chapter"},
		{"a chapter out of the book", "{\"root\": \"%s\", \"destination\": \"d\", \"book\": {\"items\": "
		 "[{\"Chapter\": {\"name\": \"P\", \"content\": \"# P\", \"source_path\": \"../../../etc/passwd\"}},"
		 "{\"Chapter\": {\"name\": \"Ok\", \"content\": \"# Ok\", \"path\": \"ok.md\"}}]}}", 0, DIAG_ERROR,
		 "leaves the book folder"},
		{"a number of the wrong type", "{\"root\": \"%s\", \"destination\": \"d\", \"book\": {\"items\": "
		 "[{\"Chapter\": {\"name\": \"Ok\", \"content\": \"# Ok\", \"path\": \"ok.md\", \"number\": [1, -2]}}]}}",
		 0, DIAG_ERROR, "number is not a list of section numbers"},
		{"a NUL in a name and a text", "{\"root\": \"%s\", \"destination\": \"d\", \"book\": {\"items\": "
		 "[{\"Chapter\": {\"name\": \"N\\u0000ul\", \"content\": \"# A\\u0000B\", \"path\": \"ok.md\"}}]}}",
		 0, DIAG_WARNING, "control characters removed"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct arena a;
		struct diag_list d = {0};
		arena_init(&a);
		char *json = arena_printf(&a, cases[i].fmt, root);
		int rc = load_text(json, &d, &a);
		char name[200];
		snprintf(name, sizeof name, "backend: %s: status %d and a diagnostic", cases[i].name,
			 cases[i].rc);
		CHECK(name, rc == cases[i].rc &&
			    (!cases[i].needle || count(&d, cases[i].level, cases[i].needle) == 1));
		diag_list_free(&d);
		arena_free(&a);
	}
	test_subchapters_kept(root);
}

int main(void)
{
	test_shapes();
	test_bad();
	UNIT_END();
}
