/* meta.c - folio.ini / book.toml metadata. */
#include "load/meta.h"
#include "load/folder.h"
#include "base/util.h"

#include <stdlib.h>
#include <stdio.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

struct meta_ctx {
	struct arena *arena;
	struct diag_list *diags;
	struct book *book;
	const char *file;    /* display path */
	const char *src_dir; /* book.toml's src, normalised */
	struct vec authors;
	struct vec known;
	struct vec hidelines; /* struct hidelines *, from book.toml */
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
	c->cursor += len;
	c->line++;
	/* inih reads a line into num bytes: say what a longer one loses */
	size_t text = nl ? len - 1 : len;
	if (text > take)
		diag_warn(c->diags, c->file, c->line, num,
			  "line longer than %d bytes: the rest of it is ignored", num - 1);
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

/* Values may be quoted ("x" or 'x'): one level of quotes is stripped. */
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
	struct arena *a = c->arena;
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

/* Comma-separated chapter paths (folio.ini's [handouts] modules), each
 * trimmed and unquoted, appended to paths. */
static void split_modules(struct arena *a, const char *value, struct vec *paths)
{
	for (const char *p = value; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *one = trim(a, arena_strndup(a, p, n));
		if (*one)
			vec_push(paths, unquote(a, one));
		p += n + (e ? 1 : 0);
	}
}

/* The chapters that open the handouts' modules, in order. */
static void set_modules(struct meta_ctx *c, const struct vec *paths, int line)
{
	struct metadata *m = &c->book->meta;
	m->nhandout_modules = (int)paths->n;
	m->handout_modules = arena_calloc(c->arena, paths->n + 1, sizeof *m->handout_modules);
	for (size_t i = 0; i < paths->n; i++)
		m->handout_modules[i] = paths->v[i];
	m->handout_modules_line = line;
}

static void set_date(struct meta_ctx *c, const char *v, int line)
{
	int y, mo, d;
	char tail;
	if (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31)
		diag_warn(c->diags, c->file, line, 1, "date '%s' is not YYYY-MM-DD; ignored", v);
	else
		c->book->meta.date = v;
}

/* "unknown key 'titel' in [book]; did you mean 'title'?" */
static void unknown_key(struct meta_ctx *c, int lineno, const char *name)
{
	static const char *const keys[] = {"title", "subtitle", "authors", "author", "language",
		"identifier", "version", "date", "description", "keywords", "epub_fonts", "cover", NULL};
	const char *near = suggest_word(name, keys);
	if (!near && (strcasecmp(name, "lang") == 0 || strcasecmp(name, "locale") == 0))
		near = "language";
	diag_warn(c->diags, c->file, lineno, 1, "unknown key '%s' in [book]%s%s%s", name,
		  near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

static int on_value(void *user, const char *section, const char *name,
		    const char *value)
{
	struct meta_ctx *c = user;
	int lineno = c->line;
	struct book *b = c->book;
	struct arena *a = c->arena;
	struct metadata *m = &b->meta;

	if (strcmp(section, "external") == 0) {
		struct known_target *k = arena_alloc(a, sizeof *k);
		k->path = trim(a, name);
		k->note = trim(a, value);
		vec_push(&c->known, k);
		return 1;
	}
	if (strcmp(section, "handouts") == 0) {
		if (strcmp(name, "modules") != 0) {
			diag_warn(c->diags, c->file, lineno, 1, "unknown key '%s' in [handouts]%s",
				  name, strcasecmp(name, "module") == 0 ? "; did you mean 'modules'?" : "");
			return 1;
		}
		struct vec paths = {0};
		split_modules(a, value, &paths);
		set_modules(c, &paths, lineno);
		vec_free(&paths);
		return 1;
	}
	if (strcmp(section, "book") != 0) {
		static const char *const sections[] = {"book", "external", "handouts", NULL};
		const char *near = suggest_word(section, sections);
		diag_warn(c->diags, c->file, lineno, 1,
			  "unknown section [%s] (expected [book], [external] or [handouts])%s%s%s",
			  section, near ? "; did you mean [" : "", near ? near : "", near ? "]?" : "");
		return 1;
	}
	char *v = unquote(a, value);
	if (strcmp(name, "title") == 0) m->title = v;
	else if (strcmp(name, "subtitle") == 0) m->subtitle = v;
	else if (strcmp(name, "authors") == 0 || strcmp(name, "author") == 0) add_authors(c, value);
	else if (strcmp(name, "language") == 0) {
		m->language = v;
		m->language_line = lineno;
	}
	else if (strcmp(name, "identifier") == 0) m->identifier = v;
	else if (strcmp(name, "version") == 0) m->version = v;
	else if (strcmp(name, "date") == 0) set_date(c, v, lineno);
	else if (strcmp(name, "cover") == 0) {
		m->cover = *v ? v : NULL;
		m->cover_line = lineno;
	} else if (strcmp(name, "description") == 0) m->description = v;
	else if (strcmp(name, "keywords") == 0) m->keywords = v;
	else if (strcmp(name, "epub_fonts") == 0) {
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
			m->epub_fonts = true;
		else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
			m->epub_fonts = false;
		else
			diag_warn(c->diags, c->file, lineno, 1,
				  "epub_fonts = '%s': expected yes or no; fonts are not embedded", v);
	} else
		unknown_key(c, lineno, name);
	return 1;
}

/* ---- book.toml -------------------------------------------------------------
 *
 * A small TOML reader, enough for mdBook's book.toml: tables and arrays of
 * tables, bare, quoted and dotted keys, basic and literal strings (also
 * multi-line), arrays (also multi-line, with comments), inline tables,
 * and other scalars (numbers, booleans, dates) taken as text.  Only
 * [book] and [output.html] site-url are used; everything else is skipped.
 */

enum tval_type { TV_OTHER, TV_STRING, TV_ARRAY };

struct tval {
	enum tval_type type;
	char *str;          /* TV_STRING */
	struct vec strings; /* TV_ARRAY: its string items (others skipped) */
};

struct toml {
	struct meta_ctx *c;
	const char *s;
	size_t n, i;
	int line;
	const char *err; /* why the current line failed */
};

static bool toml_ws(int ch)
{
	return ch == ' ' || ch == '\t';
}

static void toml_skip_ws(struct toml *t)
{
	while (t->i < t->n && toml_ws(t->s[t->i]))
		t->i++;
}

/* Whitespace, newlines and comments (inside arrays). */
static void toml_skip_space(struct toml *t)
{
	while (t->i < t->n) {
		char ch = t->s[t->i];
		if (toml_ws(ch) || ch == '\r') {
			t->i++;
		} else if (ch == '\n') {
			t->i++;
			t->line++;
		} else if (ch == '#') {
			while (t->i < t->n && t->s[t->i] != '\n')
				t->i++;
		} else {
			break;
		}
	}
}

static bool toml_eol(struct toml *t)
{
	toml_skip_ws(t);
	if (t->i < t->n && t->s[t->i] == '\r')
		t->i++;
	if (t->i < t->n && t->s[t->i] == '#')
		while (t->i < t->n && t->s[t->i] != '\n')
			t->i++;
	return t->i >= t->n || t->s[t->i] == '\n';
}

static bool toml_fail(struct toml *t, const char *why)
{
	if (!t->err)
		t->err = why;
	return false;
}

static int hex4(const char *p, int digits, uint32_t *cp)
{
	*cp = 0;
	for (int k = 0; k < digits; k++) {
		int ch = p[k], v;
		if (ch >= '0' && ch <= '9') v = ch - '0';
		else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
		else return -1;
		*cp = *cp * 16 + (uint32_t)v;
	}
	return 0;
}

/* A string starting at t->i (at its opening quote). */
static bool toml_string(struct toml *t, char **out)
{
	char q = t->s[t->i];
	bool multi = t->i + 2 < t->n && t->s[t->i + 1] == q && t->s[t->i + 2] == q;
	t->i += multi ? 3 : 1;
	if (multi && t->i < t->n && t->s[t->i] == '\n') {
		/* a newline right after the opening quotes is not part of it */
		t->i++;
		t->line++;
	} else if (multi && t->i + 1 < t->n && t->s[t->i] == '\r' && t->s[t->i + 1] == '\n') {
		t->i += 2;
		t->line++;
	}
	struct buf b = BUF_INIT;
	int dropped = 0; /* control characters escapes asked for */
	for (;;) {
		if (t->i >= t->n) {
			buf_free(&b);
			return toml_fail(t, "unterminated string");
		}
		char ch = t->s[t->i];
		if (ch == q && (!multi || (t->i + 2 < t->n && t->s[t->i + 1] == q &&
					   t->s[t->i + 2] == q))) {
			t->i += multi ? 3 : 1;
			/* up to two more quotes belong to a multi-line string */
			while (multi && t->i < t->n && t->s[t->i] == q) {
				buf_putc(&b, q);
				t->i++;
			}
			break;
		}
		if (ch == '\n') {
			if (!multi) {
				buf_free(&b);
				return toml_fail(t, "unterminated string");
			}
			t->line++;
		}
		if (ch == '\\' && q == '"') {
			char e = t->i + 1 < t->n ? t->s[t->i + 1] : '\0';
			const char *simple = strchr("btnfr\"\\", e);
			if (e && simple) {
				static const char map[] = "\b\t\n\f\r\"\\";
				char m = map[simple - "btnfr\"\\"];
				if (m == '\b' || m == '\f')
					dropped++; /* a control character: not kept */
				else
					buf_putc(&b, m);
				t->i += 2;
				continue;
			}
			if (e == 'u' || e == 'U') {
				int digits = e == 'u' ? 4 : 8;
				uint32_t cp;
				if (t->i + 2 + (size_t)digits > t->n || hex4(t->s + t->i + 2, digits, &cp) ||
				    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
					buf_free(&b);
					return toml_fail(t, "bad \\u escape in a string");
				}
				/* control characters (but tab, newline and
				 * carriage return) would reach the PDF's
				 * document info and the EPUB's metadata */
				bool control = (cp < 0x20 && cp != '\t' && cp != '\n' &&
						cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
				char u[4];
				if (control)
					dropped++;
				else
					buf_put(&b, u, (size_t)utf8_encode(cp, u));
				t->i += 2 + (size_t)digits;
				continue;
			}
			if (multi) {
				/* line-ending backslash: drop the newline and the
				 * whitespace after it */
				size_t j = t->i + 1;
				while (j < t->n && (toml_ws(t->s[j]) || t->s[j] == '\r'))
					j++;
				if (j < t->n && t->s[j] == '\n') {
					while (j < t->n && (isspace((unsigned char)t->s[j]))) {
						if (t->s[j] == '\n')
							t->line++;
						j++;
					}
					t->i = j;
					continue;
				}
			}
			buf_free(&b);
			return toml_fail(t, "bad escape in a string");
		}
		buf_putc(&b, ch);
		t->i++;
	}
	if (dropped)
		diag_warn(t->c->diags, t->c->file, t->line, 1,
			  "control characters removed from a string (%d)", dropped);
	*out = buf_to_arena(&b, t->c->arena);
	buf_free(&b);
	return true;
}

static bool toml_value(struct toml *t, struct tval *v, int depth);

static bool toml_array(struct toml *t, struct tval *v, int depth)
{
	t->i++; /* [ */
	v->type = TV_ARRAY;
	for (;;) {
		toml_skip_space(t);
		if (t->i >= t->n)
			return toml_fail(t, "unterminated array");
		if (t->s[t->i] == ']') {
			t->i++;
			return true;
		}
		struct tval item = {0};
		if (!toml_value(t, &item, depth + 1)) {
			vec_free(&item.strings);
			return false;
		}
		if (item.type == TV_STRING)
			vec_push(&v->strings, item.str);
		vec_free(&item.strings);
		toml_skip_space(t);
		if (t->i < t->n && t->s[t->i] == ',')
			t->i++;
		else if (t->i < t->n && t->s[t->i] != ']')
			return toml_fail(t, "expected ',' or ']' in an array");
	}
}

static bool toml_key(struct toml *t, struct buf *key);

static bool toml_inline_table(struct toml *t, int depth)
{
	t->i++; /* { */
	toml_skip_ws(t);
	if (t->i < t->n && t->s[t->i] == '}') {
		t->i++;
		return true;
	}
	for (;;) {
		struct buf key = BUF_INIT;
		bool ok = toml_key(t, &key);
		buf_free(&key);
		if (!ok)
			return false;
		toml_skip_ws(t);
		if (t->i >= t->n || t->s[t->i] != '=')
			return toml_fail(t, "expected '=' in an inline table");
		t->i++;
		toml_skip_ws(t);
		struct tval item = {0};
		ok = toml_value(t, &item, depth + 1);
		vec_free(&item.strings);
		if (!ok)
			return false;
		toml_skip_ws(t);
		if (t->i < t->n && t->s[t->i] == ',') {
			t->i++;
			toml_skip_ws(t);
		} else if (t->i < t->n && t->s[t->i] == '}') {
			t->i++;
			return true;
		} else {
			return toml_fail(t, "expected ',' or '}' in an inline table");
		}
	}
}

static bool toml_value(struct toml *t, struct tval *v, int depth)
{
	if (depth > 32)
		return toml_fail(t, "values nested too deeply");
	if (t->i >= t->n)
		return toml_fail(t, "missing value");
	char ch = t->s[t->i];
	if (ch == '"' || ch == '\'') {
		v->type = TV_STRING;
		return toml_string(t, &v->str);
	}
	if (ch == '[')
		return toml_array(t, v, depth);
	if (ch == '{') {
		v->type = TV_OTHER;
		return toml_inline_table(t, depth);
	}
	size_t start = t->i;
	while (t->i < t->n && !isspace((unsigned char)t->s[t->i]) && !strchr(",]}#", t->s[t->i]))
		t->i++;
	/* a date-time may hold one space: 1979-05-27 07:32:00 */
	if (t->i - start == 10 && t->i + 1 < t->n && t->s[t->i] == ' ' &&
	    isdigit((unsigned char)t->s[t->i + 1]))
		for (t->i++; t->i < t->n && !isspace((unsigned char)t->s[t->i]) &&
			     !strchr(",]}#", t->s[t->i]); t->i++)
			;
	if (t->i == start)
		return toml_fail(t, "missing value");
	v->type = TV_OTHER;
	v->str = arena_strndup(t->c->arena, t->s + start, t->i - start);
	return true;
}

/* A dotted key (bare or quoted parts) appended to key as "a.b.c". */
static bool toml_key(struct toml *t, struct buf *key)
{
	for (;;) {
		toml_skip_ws(t);
		if (t->i >= t->n)
			return toml_fail(t, "missing key");
		char ch = t->s[t->i];
		if (key->len)
			buf_putc(key, '.');
		if (ch == '"' || ch == '\'') {
			char *part;
			if (t->i + 2 < t->n && t->s[t->i + 1] == ch && t->s[t->i + 2] == ch)
				return toml_fail(t, "a key cannot be a multi-line string");
			if (!toml_string(t, &part))
				return false;
			buf_puts(key, part);
		} else {
			size_t st = t->i;
			while (t->i < t->n && (isalnum((unsigned char)t->s[t->i]) ||
					       t->s[t->i] == '_' || t->s[t->i] == '-'))
				t->i++;
			if (t->i == st)
				return toml_fail(t, "expected a key");
			buf_put(key, t->s + st, t->i - st);
		}
		toml_skip_ws(t);
		if (t->i < t->n && t->s[t->i] == '.') {
			t->i++;
			continue;
		}
		return true;
	}
}

/* Preprocessors that mdBook runs by default, and mdbook-admonish, whose
 * work folio does itself. */
static bool builtin_preprocessor(const char *name)
{
	return strcmp(name, "links") == 0 || strcmp(name, "index") == 0 ||
	       strcmp(name, "admonish") == 0;
}

static void toml_table(struct toml *t, const char *table, int line)
{
	struct meta_ctx *c = t->c;
	if (strncmp(table, "preprocessor.", 13) == 0 && !strchr(table + 13, '.') &&
	    !builtin_preprocessor(table + 13))
		diag_add(c->diags, DIAG_NOTE, c->file, line, 1,
			 "preprocessor '%s' is not run by folio; its markup stays as written",
			 table + 13);
}

static const char *toml_str(struct toml *t, const struct tval *v, const char *key, int line)
{
	if (v->type == TV_STRING)
		return v->str;
	diag_warn(t->c->diags, t->c->file, line, 1, "'%s' should be a string; ignored", key);
	return NULL;
}

/* A string, or a bare scalar (a number, a date) as written; else a warning. */
static const char *folio_text(struct toml *t, const struct tval *v, const char *key, int line)
{
	if (v->type == TV_STRING || (v->type == TV_OTHER && v->str))
		return v->str;
	diag_warn(t->c->diags, t->c->file, line, 1,
		  "[output.folio] %s should be a string; ignored", key);
	return NULL;
}

/* true / false; -1 (with a warning) for anything else. */
static int folio_bool(struct toml *t, const struct tval *v, const char *key, int line)
{
	if (v->type == TV_OTHER && v->str && strcmp(v->str, "true") == 0)
		return 1;
	if (v->type == TV_OTHER && v->str && strcmp(v->str, "false") == 0)
		return 0;
	diag_warn(t->c->diags, t->c->file, line, 1,
		  "[output.folio] %s should be true or false; ignored", key);
	return -1;
}

/* The print style named in book.toml: a file inside the book folder. */
static void folio_style(struct toml *t, const char *path, int line)
{
	struct meta_ctx *c = t->c;
	struct book *b = c->book;
	const char *rel = path[0] == '/' ? NULL : path_normalize(c->arena, path);
	if (!rel || !folder_is_file(b, rel)) {
		diag_warn(c->diags, c->file, line, 1, "[output.folio] style '%s' %s; "
			  "the default style is used", path, rel ? "is not a file in the book folder"
			  : "leaves the book folder");
		return;
	}
	b->meta.style = arena_printf(c->arena, "%s/%s", b->realdir, rel);
}

/*
 * book.toml [output.folio]: folio's own settings for an mdBook book (mdBook
 * 0.5 refuses unknown keys in [book]).  The keys of folio.ini's [book] that
 * book.toml has no place for, paper, duplex and style, handout-modules and
 * an [output.folio.external] table; '_' and '-' are the same in names.
 * command and optional are mdBook's own.
 */
static void toml_folio(struct toml *t, const char *key, const struct tval *v, int line)
{
	struct meta_ctx *c = t->c;
	struct arena *a = c->arena;
	struct metadata *m = &c->book->meta;
	char *k = arena_strdup(a, key);
	for (char *p = k; *p; p++)
		if (*p == '_')
			*p = '-';
	const char *s;
	int flag;
	if (strncmp(key, "external.", 9) == 0) {
		if ((s = folio_text(t, v, key, line))) {
			struct known_target *kt = arena_alloc(a, sizeof *kt);
			kt->path = key + 9;
			kt->note = s;
			vec_push(&c->known, kt);
		}
	} else if (strcmp(k, "command") == 0 || strcmp(k, "optional") == 0) {
		/* mdBook's: how to run folio as its backend */
	} else if (strcmp(k, "subtitle") == 0 || strcmp(k, "identifier") == 0 ||
		   strcmp(k, "version") == 0 || strcmp(k, "date") == 0) {
		if ((s = folio_text(t, v, key, line)) && k[0] == 's')
			m->subtitle = s;
		else if (s && k[0] == 'i')
			m->identifier = s;
		else if (s && k[0] == 'v')
			m->version = s;
		else if (s)
			set_date(c, s, line);
	} else if (strcmp(k, "keywords") == 0) {
		if (v->type == TV_ARRAY) {
			struct buf b = BUF_INIT;
			for (size_t i = 0; i < v->strings.n; i++)
				buf_printf(&b, "%s%s", i ? ", " : "", (char *)v->strings.v[i]);
			m->keywords = buf_to_arena(&b, a);
			buf_free(&b);
		} else if ((s = folio_text(t, v, key, line))) {
			m->keywords = s;
		}
	} else if (strcmp(k, "epub-fonts") == 0 || strcmp(k, "duplex") == 0) {
		if ((flag = folio_bool(t, v, key, line)) >= 0 && k[0] == 'e')
			m->epub_fonts = flag;
		else if (flag >= 0)
			m->duplex = flag;
	} else if (strcmp(k, "paper") == 0) {
		if ((s = folio_text(t, v, key, line)) && (strcmp(s, "a4") == 0 ||
							  strcmp(s, "letter") == 0))
			m->paper = s;
		else if (s)
			diag_warn(c->diags, c->file, line, 1, "[output.folio] paper = '%s': "
				  "expected a4 or letter; ignored", s);
	} else if (strcmp(k, "style") == 0) {
		if ((s = folio_text(t, v, key, line)))
			folio_style(t, s, line);
	} else if (strcmp(k, "cover") == 0) {
		if ((s = folio_text(t, v, key, line))) {
			m->cover = *s ? s : NULL;
			m->cover_line = line;
		}
	} else if (strcmp(k, "handout-modules") == 0) {
		struct vec paths = {0};
		if (v->type == TV_ARRAY) {
			for (size_t i = 0; i < v->strings.n; i++)
				vec_push(&paths, v->strings.v[i]);
		} else if ((s = folio_text(t, v, key, line))) {
			split_modules(a, s, &paths);
		}
		if (paths.n)
			set_modules(c, &paths, line);
		vec_free(&paths);
	} else {
		diag_warn(c->diags, c->file, line, 1, "unknown key '%s' in [output.folio]", key);
	}
}

static void toml_pair(struct toml *t, const char *key, const struct tval *v, int line)
{
	if (strncmp(key, "output.folio.", 13) == 0) {
		toml_folio(t, key + 13, v, line);
		return;
	}
	struct meta_ctx *c = t->c;
	struct book *b = c->book;
	struct metadata *m = &b->meta;
	if (strcmp(key, "book.title") == 0) {
		m->title = toml_str(t, v, key, line);
	} else if (strcmp(key, "book.description") == 0) {
		m->description = toml_str(t, v, key, line);
	} else if (strcmp(key, "book.language") == 0) {
		m->language = toml_str(t, v, key, line);
		m->language_line = line;
	} else if (strcmp(key, "book.src") == 0) {
		const char *src = toml_str(t, v, key, line);
		if (src) {
			char *norm = path_normalize(c->arena, src);
			if (!norm || src[0] == '/')
				diag_warn(c->diags, c->file, line, 1,
					  "src '%s' leaves the book folder; using 'src'", src);
			else
				c->src_dir = norm;
		}
	} else if (strcmp(key, "book.authors") == 0) {
		if (v->type == TV_ARRAY) {
			for (size_t i = 0; i < v->strings.n; i++)
				if (*(char *)v->strings.v[i])
					vec_push(&c->authors, v->strings.v[i]);
		} else if (v->type == TV_STRING && *v->str) {
			vec_push(&c->authors, v->str);
		}
	} else if (strncmp(key, "output.html.code.hidelines.", 27) == 0 && v->type == TV_STRING &&
		   *v->str) {
		struct hidelines *h = arena_alloc(c->arena, sizeof *h);
		h->lang = key + 27;
		h->prefix = v->str;
		vec_push(&c->hidelines, h);
	} else if (strcmp(key, "output.html.site-url") == 0 && v->type == TV_STRING) {
		/* Only an absolute URL names the book's own pages. */
		const char *u = v->str;
		if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0) {
			size_t n = strlen(u);
			m->site_url = n && u[n - 1] == '/' ? u : arena_printf(c->arena, "%s/", u);
		}
	}
}

static void toml_parse(struct meta_ctx *c, const char *text, size_t len)
{
	struct toml t = {c, text, len, 0, 1, NULL};
	char table[512] = "";
	struct buf key = BUF_INIT;
	while (t.i < t.n) {
		toml_skip_ws(&t);
		if (t.i >= t.n)
			break;
		char ch = t.s[t.i];
		int line = t.line;
		t.err = NULL;
		bool ok = true;
		buf_reset(&key);
		if (ch == '\n' || ch == '\r' || ch == '#') {
			toml_eol(&t);
		} else if (ch == '[') {
			bool aot = t.i + 1 < t.n && t.s[t.i + 1] == '[';
			t.i += aot ? 2 : 1;
			ok = toml_key(&t, &key);
			if (ok && (t.i >= t.n || t.s[t.i] != ']' ||
				   (aot && (t.i + 1 >= t.n || t.s[t.i + 1] != ']'))))
				ok = toml_fail(&t, "expected ']' after the table name");
			if (ok) {
				t.i += aot ? 2 : 1;
				snprintf(table, sizeof table, "%s", key.data);
				toml_table(&t, table, line);
			}
		} else {
			ok = toml_key(&t, &key);
			if (ok) {
				toml_skip_ws(&t);
				if (t.i >= t.n || t.s[t.i] != '=')
					ok = toml_fail(&t, "expected '=' after the key");
			}
			struct tval v = {0};
			if (ok) {
				t.i++;
				toml_skip_ws(&t);
				ok = toml_value(&t, &v, 0);
			}
			if (ok) {
				const char *full = *table ? arena_printf(c->arena, "%s.%s", table,
									 key.data) : key.data;
				toml_pair(&t, full, &v, line);
			}
			vec_free(&v.strings);
		}
		if (ok && !toml_eol(&t))
			ok = toml_fail(&t, "unexpected text after the value");
		if (!ok) {
			diag_warn(c->diags, c->file, t.line, 1, "cannot read this line of "
				  "book.toml (%s); ignored", t.err ? t.err : "syntax error");
			while (t.i < t.n && t.s[t.i] != '\n')
				t.i++;
		}
		if (t.i < t.n && t.s[t.i] == '\n') {
			t.i++;
			t.line++;
		}
	}
	buf_free(&key);
}

static bool load_file(struct meta_ctx *c, const char *name, bool toml)
{
	struct book *b = c->book;
	char *data;
	size_t len;
	if (folder_read_file(b, name, &data, &len) != 0)
		return false;
	c->file = arena_printf(c->arena, "%s%s", b->display_dir, name);
	b->meta.source_file = arena_strdup(c->arena, name);
	if (toml) {
		struct clean_report rep;
		size_t clen;
		char *text = text_clean(c->arena, data, len, &clen, &rep);
		free(data);
		toml_parse(c, text, clen);
		return true;
	}
	c->cursor = data;
	c->line = 0;
	int err = ini_parse_stream(read_line, c, on_value, c);
	if (err > 0)
		diag_warn(c->diags, c->file, err, 1, "cannot parse this line (expected key = value)");
	free(data);
	return true;
}

void meta_load(struct run *r, struct book *b, const char **src_dir)
{
	struct meta_ctx c = {0};
	c.arena = r->arena;
	c.diags = r->diags;
	c.book = b;
	*src_dir = NULL;
	/* folio.ini wins; book.toml is read only in its absence. */
	if (!load_file(&c, "folio.ini", false) && load_file(&c, "book.toml", true))
		*src_dir = c.src_dir ? c.src_dir : "src";
	struct metadata *m = &b->meta;
	if (c.authors.n) {
		m->nauthors = (int)c.authors.n;
		m->authors = arena_calloc(r->arena, c.authors.n, sizeof *m->authors);
		for (size_t i = 0; i < c.authors.n; i++)
			m->authors[i] = c.authors.v[i];
	}
	if (c.known.n) {
		m->nknown = (int)c.known.n;
		m->known = arena_calloc(r->arena, c.known.n, sizeof *m->known);
		for (size_t i = 0; i < c.known.n; i++)
			m->known[i] = *(struct known_target *)c.known.v[i];
	}
	if (c.hidelines.n) {
		m->nhidelines = (int)c.hidelines.n;
		m->hidelines = arena_calloc(r->arena, c.hidelines.n, sizeof *m->hidelines);
		for (size_t i = 0; i < c.hidelines.n; i++)
			m->hidelines[i] = *(struct hidelines *)c.hidelines.v[i];
	}
	vec_free(&c.authors);
	vec_free(&c.known);
	vec_free(&c.hidelines);
}

/* A language written as a name ("english", "Deutsch") rather than a
 * BCP 47 tag: the tag it means, or NULL. */
static const char *language_tag_of(const char *name)
{
	static const char *const names[][2] = {
		{"english", "en"}, {"german", "de"}, {"deutsch", "de"}, {"french", "fr"},
		{"francais", "fr"}, {"spanish", "es"}, {"espanol", "es"}, {"italian", "it"},
		{"portuguese", "pt"}, {"dutch", "nl"}, {"russian", "ru"}, {"chinese", "zh"},
		{"japanese", "ja"}, {"korean", "ko"}, {"polish", "pl"}, {"swedish", "sv"},
		{"danish", "da"}, {"norwegian", "nb"}, {"finnish", "fi"}, {"czech", "cs"},
		{"turkish", "tr"}, {"greek", "el"}, {"ukrainian", "uk"}, {"hungarian", "hu"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(name, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

/* The language must be a BCP 47 tag: a primary subtag of 2 or 3 letters
 * ("en", "fil"), then subtags of 1 to 8 letters or digits ("en-US",
 * "zh-Hant-TW").  Anything else is warned and replaced by the tag it
 * names, else "en": hyphenation and the EPUB need a real tag. */
static void check_language(struct run *r, struct book *b, const char *file)
{
	const char *lang = b->meta.language;
	size_t n = 0;
	bool ok = true;
	while (isalpha((unsigned char)lang[n]))
		n++;
	ok = n >= 2 && n <= 3;
	for (const char *p = lang + n; ok && *p;) {
		if (*p++ != '-') {
			ok = false;
			break;
		}
		size_t k = 0;
		while (isalnum((unsigned char)p[k]))
			k++;
		ok = k >= 1 && k <= 8;
		p += k;
	}
	if (ok)
		return;
	const char *tag = language_tag_of(lang);
	diag_warn(r->diags, file, b->meta.language_line, 1,
		  "language '%s' is not a BCP 47 tag (expected the form en, en-US, de, "
		  "pt-BR)%s%s%s; using '%s'", lang, tag ? "; did you mean '" : "",
		  tag ? tag : "", tag ? "'?" : "", tag ? tag : "en");
	b->meta.language = tag ? tag : "en";
}

/* A title from the book folder's name ("my-notes/" -> "my-notes"), or
 * "Untitled" when it has none ("."). */
static const char *folder_title(struct arena *a, const char *dir)
{
	const char *d = dir ? dir : "";
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		n--;
	size_t s = n;
	while (s > 0 && d[s - 1] != '/')
		s--;
	const char *base = arena_strndup(a, d + s, n - s);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0)
		return "Untitled";
	if (strcmp(base, "src") == 0 && s > 0)
		return folder_title(a, arena_strndup(a, d, s));
	return base;
}

void meta_defaults(struct run *r, struct book *b)
{
	struct metadata *m = &b->meta;
	struct arena *a = r->arena;
	const char *file = m->source_file ? arena_printf(a, "%s%s", b->display_dir, m->source_file)
					  : (b->root ? b->root->display_path : b->display_dir);
	/* mdBook needs neither a title nor authors: for its books the
	 * defaults are notes, not warnings. */
	enum diag_level lvl = b->mdbook ? DIAG_NOTE : DIAG_WARNING;
	bool untitled = !m->title || !*m->title;
	const char *from = "the first heading";
	if (untitled) {
		if (b->root && b->root->nheadings) {
			m->title = b->root->headings[0]->plain;
		} else {
			m->title = folder_title(a, b->dir);
			from = "the book folder's name: the root page has no heading";
		}
	}
	if (!m->identifier || !*m->identifier)
		m->identifier = slug_make(a, m->title);
	/* The warning says what the defaults are, as the output files will
	 * show them. */
	if (!m->source_file)
		diag_add(r->diags, lvl, file, 0, 0, "no %s; using defaults: title '%s' (from %s), "
			 "identifier '%s' (output files %s.pdf, %s.epub)",
			 b->mdbook ? "book.toml" : "folio.ini metadata file", m->title, from,
			 m->identifier, m->identifier, m->identifier);
	else if (untitled)
		diag_add(r->diags, lvl, file, 0, 0, "no title; using '%s' (from %s)", m->title, from);
	if (!m->language || !*m->language)
		m->language = "en";
	else
		check_language(r, b, file);
	if (!m->nauthors) {
		m->authors = arena_alloc(a, sizeof *m->authors);
		m->authors[0] = "Anonymous";
		m->nauthors = 1;
		if (m->source_file)
			diag_add(r->diags, lvl, file, 0, 0, "no authors; using 'Anonymous'");
	}
}
