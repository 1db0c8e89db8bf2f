/*
 * test_resources.c - the Resources appendix model: deduplication by
 * normalised URL, titles, the author's list first, grouping by chapter.
 */
#include "unit.h"

#include "load/book.h"
#include "resolve/resolve.h"
#include "resolve/resources.h"

#include <stdlib.h>
#include <sys/stat.h>

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	snprintf(root, sizeof root, "%s/res", getenv("TMP") ? getenv("TMP") : "/tmp");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, root);
	if (system(cmd) != 0)
		return 2;
	put("index.md",
	    "# Book\n\n"
	    "Read [the guide](https://Example.org:443/guide) and [a](a.md).\n\n"
	    "## Resources\n\n"
	    "- [Async Book](https://rust-lang.github.io/async-book/) — the official guide\n"
	    "- <https://tokio.rs/tokio/tutorial>: the Tokio tutorial\n"
	    "- [Guide again](https://example.org/guide#)\n\n"
	    "## After\n\n[not author-listed](https://after.example/)\n");
	put("a.md", "# A\n\n[The Async Book](https://rust-lang.github.io/async-book/) and "
		    "[new](https://new.example/x?q=1) and https://bare.example/p and "
		    "[after again](https://after.example/).\n");
	struct arena a;
	struct diag_list d = {0};
	struct book *b = NULL;
	arena_init(&a);
	struct run run = {&a, &d, NULL, NULL};
	if (book_load(&b, &run, root) != 0) {
		printf("FAIL: resources: book did not load\n");
		return 1;
	}
	resolve(&run, b);
	resources_collect(&run, b);
	CHECK("resources: one entry per distinct normalised URL",
	      b->nresources == 6 && b->next_distinct == 6 && b->nextrefs == 9);
	const struct resource *r = b->resources;
	/* Author's list, in the author's order: async-book, tokio, guide. */
	CHECK_STR("resources: author's first entry", r[0].norm, "https://rust-lang.github.io/async-book/");
	CHECK("resources: author's entries flagged", r[0].author_listed && r[1].author_listed &&
		  r[2].author_listed && !r[3].author_listed);
	CHECK_STR("resources: author's description kept", r[0].description, "the official guide");
	CHECK_STR("resources: bare autolink titled by its item's text", r[1].title, "the Tokio tutorial");
	CHECK_STR("resources: title from first appearance", r[2].title, "the guide");
	CHECK("resources: first appearance's places kept", r[2].nrefs == 2 &&
		  b->extrefs[r[2].refs[0]].line == 3);
	CHECK_STR("resources: then by first citing chapter (root)", r[3].norm, "https://after.example/");
	CHECK("resources: root group", r[3].chapter == b->root && r[3].nrefs == 2);
	CHECK_STR("resources: then chapter a", r[4].norm, "https://new.example/x?q=1");
	CHECK_STR("resources: bare URL in prose titled by the URL", r[5].title, "https://bare.example/p");
	CHECK("resources: numbering 1..n", r[0].number == 1 && r[5].number == 6);
	bool map_ok = true;
	for (int i = 0; i < b->nextrefs; i++) {
		const struct extref *e = &b->extrefs[i];
		map_ok = map_ok && b->resource_of[e->distinct] &&
			 strcmp(b->resource_of[e->distinct]->norm, e->norm) == 0;
	}
	CHECK("resources: every body link maps to the entry with its URL", map_ok);
	CHECK("resources: author's section found", b->resources_section &&
		  strcmp(b->resources_section->plain, "Resources") == 0);
	diag_list_free(&d);
	arena_free(&a);
	UNIT_END();
}
