/* manifest.c - SHA256SUMS and build.json beside the artifacts. */
#include "app/manifest.h"
#include "app/commit.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sha2.h>

/* The artifact's name relative to the output folder (handouts live in
 * OUT_DIR/handouts/), as `cd OUT_DIR && sha256sum -c SHA256SUMS` needs. */
static const char *rel_name(const char *out_dir, const char *path)
{
	size_t n = strlen(out_dir);
	while (n > 1 && out_dir[n - 1] == '/')
		n--;
	if (strncmp(path, out_dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

int manifest_write(struct run *run, const struct book *book, const char *out_dir,
		   const struct artifact *arts, int nart, const char *version,
		   const struct manifest_edition *ed)
{
	const struct build_opts *opts = run->opts;
	struct buf sums = BUF_INIT, js = BUF_INIT;
	int rc = 0;
	char date[21];
	time_iso8601(opts->source_date, date);

	buf_puts(&js, "{\n  \"folio_version\": ");
	json_str(&js, version);
	buf_puts(&js, ",\n  \"folio_commit\": ");
	json_str(&js, folio_commit());
	buf_puts(&js, ",\n  \"edition\": ");
	json_str(&js, ed->name);
	buf_puts(&js, ",\n  \"paper\": ");
	json_str(&js, ed->paper);
	buf_printf(&js, ",\n  \"duplex\": %s", ed->duplex ? "true" : "false");
	buf_printf(&js, ",\n  \"source_date\": \"%s\",\n  \"source_date_epoch\": %lld,\n", date,
		   opts->source_date);
	buf_puts(&js, "  \"book\": {\n    \"title\": ");
	json_str(&js, book->meta.title);
	buf_puts(&js, ",\n    \"identifier\": ");
	json_str(&js, book->meta.identifier);
	buf_puts(&js, ",\n    \"version\": ");
	if (book->meta.version)
		json_str(&js, book->meta.version);
	else
		buf_puts(&js, "null");
	buf_puts(&js, ",\n    \"language\": ");
	json_str(&js, book->meta.language);
	buf_printf(&js, ",\n    \"chapters\": %d,\n    \"external_links\": %d,\n"
			"    \"resources\": %d,\n    \"images\": %d\n  },\n",
		   book->nchapters, book->nextrefs, book->nresources, book->nimages);

	buf_puts(&js, "  \"artifacts\": [");
	for (int i = 0; i < nart; i++) {
		char hex[SHA256_DIGEST_STRING_LENGTH];
		struct stat st;
		if (!SHA256File(arts[i].path, hex) || stat(arts[i].path, &st) != 0) {
			diag_fatal(run->diags, arts[i].path, "cannot read artifact back: %s",
				   strerror(errno));
			rc = -1;
			goto out;
		}
		buf_printf(&sums, "%s  %s\n", hex, rel_name(out_dir, arts[i].path));
		buf_puts(&js, i ? ",\n    {" : "\n    {");
		buf_puts(&js, "\"file\": ");
		json_str(&js, rel_name(out_dir, arts[i].path));
		buf_puts(&js, ", \"format\": ");
		json_str(&js, arts[i].format);
		buf_printf(&js, ", \"bytes\": %lld", (long long)st.st_size);
		if (arts[i].pages)
			buf_printf(&js, ", \"pages\": %d", arts[i].pages);
		buf_puts(&js, ", \"edition\": ");
		json_str(&js, arts[i].edition ? arts[i].edition : ed->name);
		buf_printf(&js, ", \"sha256\": \"%s\"}", hex);
	}
	buf_puts(&js, nart ? "\n  ],\n" : "],\n");

	const struct diag_list *d = run->diags;
	buf_printf(&js, "  \"warnings\": %d,\n  \"errors\": %d,\n  \"diagnostics\": [",
		   d->nwarn, d->nerr + d->nfatal);
	int k = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		if (g->level == DIAG_NOTE)
			continue;
		buf_puts(&js, k++ ? ",\n    {" : "\n    {");
		buf_puts(&js, "\"level\": ");
		json_str(&js, g->level == DIAG_WARNING ? "warning" : "error");
		buf_puts(&js, ", \"file\": ");
		json_str(&js, g->file ? g->file : "");
		buf_printf(&js, ", \"line\": %d, \"column\": %d, \"message\": ", g->line, g->col);
		json_str(&js, g->msg);
		buf_putc(&js, '}');
	}
	buf_puts(&js, k ? "\n  ]\n}\n" : "]\n}\n");

	const char *names[2] = {"SHA256SUMS", "build.json"};
	struct buf *bodies[2] = {&sums, &js};
	for (int i = 0; i < 2; i++) {
		struct buf path = BUF_INIT;
		buf_printf(&path, "%s/%s", out_dir, names[i]);
		if (write_file_atomic(path.data, bodies[i]->data ? bodies[i]->data : "",
				      bodies[i]->len) != 0) {
			diag_fatal(run->diags, path.data, "cannot write: %s", strerror(errno));
			rc = -1;
		}
		buf_free(&path);
	}
out:
	buf_free(&sums);
	buf_free(&js);
	return rc;
}

/* The JSON string value of "key": on line, when it is a plain one (no
 * escapes); NULL otherwise. */
static const char *json_field(struct arena *a, const char *line, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	const char *p = strstr(line, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	const char *e = p;
	while (*e && *e != '"' && *e != '\\' && (unsigned char)*e >= 0x20)
		e++;
	if (*e != '"')
		return NULL;
	return arena_strndup(a, p, (size_t)(e - p));
}

void manifest_previous(struct arena *a, const char *out_dir, struct artifact **out, int *n)
{
	*out = NULL;
	*n = 0;
	char *path = arena_printf(a, "%s/build.json", out_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	struct vec v = {0};
	char line[4096];
	bool in_arts = false;
	/* build.json as manifest_write() writes it: "artifacts": [ then one
	 * line per artifact, "    {...}", up to the line closing the list. */
	while (fgets(line, sizeof line, f)) {
		if (!in_arts) {
			in_arts = strstr(line, "\"artifacts\": [\n") != NULL;
			continue;
		}
		if (strncmp(line, "    {", 5) != 0)
			break;
		const char *file = json_field(a, line, "file");
		/* a plain name in this folder, never a path */
		if (!file || !*file || file[0] == '.' || strchr(file, '/'))
			continue;
		struct artifact *art = arena_calloc(a, 1, sizeof *art);
		art->path = file;
		art->format = json_field(a, line, "format");
		art->edition = json_field(a, line, "edition");
		const char *pg = strstr(line, "\"pages\": ");
		art->pages = pg ? atoi(pg + 9) : 0;
		vec_push(&v, art);
	}
	fclose(f);
	if (v.n) {
		*out = arena_calloc(a, v.n, sizeof **out);
		for (size_t i = 0; i < v.n; i++)
			(*out)[i] = *(struct artifact *)v.v[i];
		*n = (int)v.n;
	}
	vec_free(&v);
}
