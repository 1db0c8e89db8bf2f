/* frontmatter.c - YAML front matter read as metadata (frontmatter.h). */
#include "load/frontmatter.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

struct fm {
	struct run *run;
	struct book *b;
	struct chapter *ch;
	bool root;
	const char *title;
	struct vec authors;
};

/* line [s, e) without surrounding blanks and one pair of quotes. */
static char *fm_value(struct arena *a, const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) {
		s++;
		e--;
	}
	return arena_strndup(a, s, (size_t)(e - s));
}

/* "[a, b]" or "a": names into f->authors. */
static void fm_authors(struct fm *f, const char *v)
{
	struct arena *a = f->run->arena;
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
		const char *p = v + 1, *end = v + n - 1;
		while (p < end) {
			const char *c = memchr(p, ',', (size_t)(end - p));
			const char *e = c ? c : end;
			char *one = fm_value(a, p, e);
			if (*one)
				vec_push(&f->authors, one);
			p = e + 1;
		}
	} else if (*v) {
		vec_push(&f->authors, (void *)v);
	}
}

static void fm_key(struct fm *f, const char *key, const char *v, int line)
{
	struct metadata *m = &f->b->meta;
	struct diag_list *d = f->run->diags;
	const char *shown = f->ch->display_path;
	static const char *const keys[] = {"title", "subtitle", "author", "date", "lang",
		"identifier", "cover-image", "description", "keywords", NULL};
	if (strcmp(key, "title") == 0) {
		f->title = v;
		if (f->root && !m->title)
			m->title = v;
		return;
	}
	if (!f->root)
		return; /* a chapter's front matter names only the chapter */
	if (strcmp(key, "subtitle") == 0 && !m->subtitle)
		m->subtitle = v;
	else if (strcmp(key, "author") == 0 || strcmp(key, "authors") == 0)
		fm_authors(f, v);
	else if (strcmp(key, "date") == 0 && !m->date) {
		if (date_valid(v))
			m->date = v;
		else
			diag_warn(d, shown, line, 1, "front matter: date '%s' is not "
				  "YYYY-MM-DD; ignored", v);
	} else if ((strcmp(key, "lang") == 0 || strcmp(key, "language") == 0) && !m->language) {
		m->language = v;
		m->language_line = 0;
	} else if (strcmp(key, "identifier") == 0 && !m->identifier)
		m->identifier = v;
	else if (strcmp(key, "description") == 0 && !m->description)
		m->description = v;
	else if (strcmp(key, "keywords") == 0 && !m->keywords)
		m->keywords = v;
	else if (strcmp(key, "cover-image") == 0 && !m->cover) {
		m->cover = v;
		m->cover_line = line;
		m->cover_file = shown;
	}
	else if (!strstr("subtitle date lang language identifier description keywords cover-image",
			 key)) {
		const char *near = suggest_word(key, keys);
		diag_warn(d, shown, line, 1, "front matter: unknown key '%s'%s%s%s; ignored", key,
			  near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	}
}

/* One "key: value" line, or a "- item" line continuing the key before. */
static void fm_line(struct fm *f, const char *s, const char *e, int line, const char **last)
{
	struct arena *a = f->run->arena;
	const char *p = s;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e || *p == '#')
		return;
	if (*p == '-' && p + 1 < e && p[1] == ' ' && *last &&
	    (strcmp(*last, "author") == 0 || strcmp(*last, "authors") == 0)) {
		if (f->root)
			fm_authors(f, fm_value(a, p + 2, e));
		return;
	}
	const char *colon = memchr(p, ':', (size_t)(e - p));
	if (p != s || !colon || colon == p) {
		diag_warn(f->run->diags, f->ch->display_path, line, (int)(p - s) + 1,
			  "front matter: cannot read this line (expected 'key: value'); ignored");
		return;
	}
	char *key = fm_value(a, p, colon);
	for (char *k = key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	char *v = fm_value(a, colon + 1, e);
	*last = key;
	if (*v == '|' || *v == '>' || *v == '{') {
		diag_warn(f->run->diags, f->ch->display_path, line, 1,
			  "front matter: '%s' is not a one-line value; ignored", key);
		return;
	}
	if (*v || strcmp(key, "author") != 0)
		fm_key(f, key, v, line);
}

/* Whether src opens with front matter ("---" then, later, a "---" or
 * "..." line): *close gets the closing line's start, *stop its end. */
static bool fm_find(char *src, size_t len, char **close, char **stop)
{
	if (len < 4 || strncmp(src, "---", 3) != 0 || (src[3] != '\n' && src[3] != '\r'))
		return false;
	char *end = src + len;
	for (char *p = memchr(src, '\n', len); p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
		p++;
		if (end - p >= 3 && (strncmp(p, "---", 3) == 0 || strncmp(p, "...", 3) == 0)) {
			char *q = p + 3;
			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == end || *q == '\n') {
				*close = p;
				*stop = q;
				return true;
			}
		}
	}
	return false;
}

const char *frontmatter_read(struct run *run, struct book *b, struct chapter *ch,
			     char *src, size_t len, bool root)
{
	char *close, *stop;
	if (!src || !fm_find(src, len, &close, &stop))
		return NULL;
	struct fm f = {run, b, ch, root, NULL, {0}};
	const char *last = NULL;
	int line = 2;
	for (char *s = strchr(src, '\n') + 1; s < close; line++) {
		char *e = memchr(s, '\n', (size_t)(close - s));
		fm_line(&f, s, e, line, &last);
		s = e + 1;
	}
	struct metadata *m = &b->meta;
	if (root && f.authors.n && !m->nauthors) {
		m->nauthors = (int)f.authors.n;
		m->authors = arena_calloc(run->arena, f.authors.n, sizeof *m->authors);
		for (size_t i = 0; i < f.authors.n; i++)
			m->authors[i] = f.authors.v[i];
	}
	vec_free(&f.authors);
	if (root && !m->source_file)
		m->source_file = ch->path; /* the metadata's file, for diagnostics */
	/* Blank it: a run of blank lines, every position after it as it was. */
	for (char *p = src; p < stop; p++)
		if (*p != '\n')
			*p = ' ';
	return f.title && *f.title ? f.title : NULL;
}
