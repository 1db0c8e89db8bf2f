/* meta.c - folio.ini / book.toml metadata. */
#include "meta.h"
#include "book.h"
#include "util.h"

#include <stdlib.h>
#include <stdio.h>

#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

struct meta_ctx {
	struct book *book;
	const char *file;    /* display path */
	bool toml;
	const char *src_dir;
	struct vec authors;
	struct vec known;
	const char *cursor; /* reading position in the file's text */
	int line;           /* line number of the last line handed to inih */
};

/* inih's line reader over text in memory; counts lines because Debian's
 * inih does not pass line numbers to the handler. */
static char *read_line(char *str, int num, void *stream)
{
	struct meta_ctx *c = stream;
	if (!*c->cursor)
		return NULL;
	const char *nl = strchr(c->cursor, '\n');
	size_t len = nl ? (size_t)(nl - c->cursor) + 1 : strlen(c->cursor);
	size_t take = len < (size_t)num - 1 ? len : (size_t)num - 1;
	memcpy(str, c->cursor, take);
	str[take] = '\0';
	c->cursor += len; /* an over-long line's tail is dropped */
	c->line++;
	return str;
}

static char *trim(struct arena *a, const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* TOML strings: strip one level of quotes; INI values are taken as is. */
static char *unquote(struct arena *a, const char *s)
{
	char *t = trim(a, s);
	size_t n = strlen(t);
	if (n >= 2 && (t[0] == '"' || t[0] == '\'') && t[n - 1] == t[0]) {
		t[n - 1] = '\0';
		return t + 1;
	}
	return t;
}

static void add_authors(struct meta_ctx *c, const char *value)
{
	struct arena *a = c->book->arena;
	char *v = trim(a, value);
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
		v[n - 1] = '\0';
		v++;
	}
	char *save = NULL;
	for (char *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *name = unquote(a, tok);
		if (*name)
			vec_push(&c->authors, name);
	}
}

static int on_value(void *user, const char *section, const char *name,
		    const char *value)
{
	struct meta_ctx *c = user;
	int lineno = c->line;
	struct book *b = c->book;
	struct arena *a = b->arena;
	struct metadata *m = &b->meta;

	if (strcmp(section, "external") == 0 && !c->toml) {
		struct known_target *k = arena_alloc(a, sizeof *k);
		k->path = trim(a, name);
		k->note = trim(a, value);
		vec_push(&c->known, k);
		return 1;
	}
	if (strcmp(section, "book") != 0) {
		if (!c->toml)
			diag_warn(b->diags, c->file, lineno, 1,
				  "unknown section [%s] (expected [book] or [external])", section);
		return 1;
	}
	char *v = unquote(a, value);
	if (strcmp(name, "title") == 0) m->title = v;
	else if (strcmp(name, "subtitle") == 0) m->subtitle = v;
	else if (strcmp(name, "authors") == 0 || strcmp(name, "author") == 0) add_authors(c, value);
	else if (strcmp(name, "language") == 0) m->language = v;
	else if (strcmp(name, "identifier") == 0) m->identifier = v;
	else if (strcmp(name, "version") == 0) m->version = v;
	else if (strcmp(name, "date") == 0) {
		int y, mo, d;
		char tail;
		if (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 || mo > 12 ||
		    d < 1 || d > 31)
			diag_warn(b->diags, c->file, lineno, 1,
				  "date '%s' is not YYYY-MM-DD; ignored", v);
		else
			m->date = v;
	} else if (strcmp(name, "description") == 0) m->description = v;
	else if (strcmp(name, "keywords") == 0) m->keywords = v;
	else if (strcmp(name, "src") == 0 && c->toml) c->src_dir = v;
	else if (!c->toml)
		diag_warn(b->diags, c->file, lineno, 1, "unknown key '%s' in [book]", name);
	return 1;
}

static bool load_file(struct meta_ctx *c, const char *name, bool toml)
{
	struct book *b = c->book;
	char *data;
	size_t len;
	if (book_read_file(b, name, &data, &len) != 0)
		return false;
	c->file = arena_printf(b->arena, "%s%s", b->display_dir, name);
	c->toml = toml;
	b->meta.source_file = arena_strdup(b->arena, name);
	c->cursor = data;
	c->line = 0;
	int err = ini_parse_stream(read_line, c, on_value, c);
	if (err > 0 && !toml)
		diag_warn(b->diags, c->file, err, 1, "cannot parse this line (expected key = value)");
	free(data);
	return true;
}

void meta_load(struct book *b, const char **src_dir)
{
	struct meta_ctx c = {0};
	c.book = b;
	*src_dir = NULL;
	/* folio.ini wins; book.toml is read only in its absence. */
	if (!load_file(&c, "folio.ini", false) && load_file(&c, "book.toml", true))
		*src_dir = c.src_dir ? c.src_dir : "src";
	struct metadata *m = &b->meta;
	if (c.authors.n) {
		m->nauthors = (int)c.authors.n;
		m->authors = arena_calloc(b->arena, c.authors.n, sizeof *m->authors);
		for (size_t i = 0; i < c.authors.n; i++)
			m->authors[i] = c.authors.v[i];
	}
	if (c.known.n) {
		m->nknown = (int)c.known.n;
		m->known = arena_calloc(b->arena, c.known.n, sizeof *m->known);
		for (size_t i = 0; i < c.known.n; i++)
			m->known[i] = *(struct known_target *)c.known.v[i];
	}
	vec_free(&c.authors);
	vec_free(&c.known);
}

void meta_defaults(struct book *b)
{
	struct metadata *m = &b->meta;
	struct arena *a = b->arena;
	const char *file = m->source_file ? arena_printf(a, "%s%s", b->display_dir, m->source_file)
					  : (b->root ? b->root->display_path : b->display_dir);
	if (!m->source_file)
		diag_warn(b->diags, file, 0, 0,
			  "no folio.ini metadata file; using defaults (title from the first heading)");
	if (!m->title || !*m->title) {
		m->title = b->root && b->root->nheadings ? b->root->headings[0]->plain : "Untitled";
		if (m->source_file)
			diag_warn(b->diags, file, 0, 0, "no title; using '%s'", m->title);
	}
	if (!m->language || !*m->language)
		m->language = "en";
	if (!m->identifier || !*m->identifier) {
		/* The title's slug, with runs of '-' folded: it names files. */
		char *id = slug_make(a, m->title), *o = id;
		for (const char *p = id; *p; p++)
			if (*p != '-' || (o > id && o[-1] != '-'))
				*o++ = *p;
		while (o > id && o[-1] == '-')
			o--;
		*o = '\0';
		m->identifier = *id ? id : "book";
	}
	if (!m->nauthors) {
		static const char *anon[] = {"Anonymous"};
		m->authors = anon;
		m->nauthors = 1;
		if (m->source_file)
			diag_warn(b->diags, file, 0, 0, "no authors; using 'Anonymous'");
	}
}
