/* unreached.c - .md files no link reaches (unreached.h). */
#include "load/unreached.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/util.h"
#include "load/folder.h"

struct walk {
	struct run *run;
	const struct book *b;
	struct vec found; /* relative paths, in walking order */
	int budget;
};

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The folder rel (relative to the book folder; "" for it), its entries in
 * name order so that the warnings come in a stable order. */
static void walk_dir(struct walk *w, const char *rel, int depth)
{
	struct arena *a = w->run->arena;
	const char *full = *rel ? arena_printf(a, "%s/%s", w->b->realdir, rel) : w->b->realdir;
	DIR *dir = opendir(full);
	if (!dir)
		return;
	struct vec names = {0};
	struct dirent *de;
	while ((de = readdir(dir)) != NULL && w->budget-- > 0)
		if (de->d_name[0] != '.')
			vec_push(&names, arena_strdup(a, de->d_name));
	closedir(dir);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, by_name);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		const char *sub = *rel ? arena_printf(a, "%s/%s", rel, name) : name;
		struct stat st;
		if (lstat(arena_printf(a, "%s/%s", full, name), &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 16 && strcmp(name, "node_modules") != 0 &&
			    strcmp(name, "target") != 0)
				walk_dir(w, sub, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			size_t n = strlen(name);
			if (n > 3 && strcasecmp(name + n - 3, ".md") == 0)
				vec_push(&w->found, (void *)sub);
		}
	}
	vec_free(&names);
}

void unreached_warn(struct run *run, const struct book *b)
{
	if (b->mdbook || !b->realdir)
		return;
	struct walk w = {run, b, {0}, 20000};
	walk_dir(&w, "", 0);
	for (size_t i = 0; i < w.found.n; i++) {
		const char *rel = w.found.v[i];
		if (folder_chapter(b, rel))
			continue;
		diag_warn(run->diags, arena_printf(run->arena, "%s%s", b->display_dir, rel), 1, 1,
			  "no link reaches this file: it is not part of the book (link it "
			  "from a chapter to include it)");
	}
	vec_free(&w.found);
}
