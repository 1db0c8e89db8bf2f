/*
 * preproc.c - mdBook's {{#include}} family and rustdoc's hidden lines
 * (see preproc.h for what each directive does).
 *
 * Expansion copies the chapter's text into one buffer, replacing each
 * directive by what it names.  While it copies, it records "runs": where
 * in the expanded text a stretch of the chapter file (or of included
 * text) begins, so positions can be mapped back after md_parse.
 */
#include "load/preproc.h"
#include "load/folder.h"
#include "base/base.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- The position map ---------------------------------------------------- */

/* From (exp_line, exp_col) on, the expanded text is the chapter file's
 * text from (line, col) on, or (included) text brought in by the
 * directive at (line, col). */
struct pp_run {
	int exp_line, exp_col;
	int line, col;
	bool included;
};

struct preproc_map {
	struct pp_run *runs;
	size_t n;
};

/* ---- Expansion state ----------------------------------------------------- */

/* One text being expanded: the chapter, or an included file's excerpt. */
struct src {
	const char *text;
	size_t len;
	const char *path;    /* file it came from, relative to the book folder */
	const char *display; /* that file as shown in diagnostics */
	const int *lines;    /* file line of each text line; NULL: 1, 2, 3 ... */
	int depth;           /* 0 for the chapter itself */
	/* scanning cursor, moved forward only */
	size_t off;
	int line_idx, col;   /* 0-based line of text, 1-based byte column */
};

struct pp {
	struct run *run;
	struct book *book;
	struct chapter *ch;
	struct buf out;
	int out_line, out_col; /* position of the next byte appended */
	struct pp_run *runs;
	size_t nruns, cap;
	bool need_run;
	const char *title;
	const char *chain[PREPROC_MAX_DEPTH + 2]; /* files being expanded */
	bool size_warned;
	long *budget;       /* expansions the book has left */
	bool budget_warned;
};

static void advance(struct src *s, size_t to)
{
	for (; s->off < to; s->off++) {
		if (s->text[s->off] == '\n') {
			s->line_idx++;
			s->col = 1;
		} else {
			s->col++;
		}
	}
}

static int file_line(const struct src *s)
{
	return s->lines ? s->lines[s->line_idx] : s->line_idx + 1;
}

static void out_put(struct pp *p, const char *t, size_t n)
{
	buf_put(&p->out, t, n);
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\n') {
			p->out_line++;
			p->out_col = 1;
		} else {
			p->out_col++;
		}
	}
}

static void add_run(struct pp *p, int line, int col, bool included)
{
	if (p->nruns == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->runs = xrealloc(p->runs, p->cap * sizeof *p->runs);
	}
	p->runs[p->nruns++] = (struct pp_run){p->out_line, p->out_col, line, col, included};
}

/* Copies s->text[from, to) to the output as text of its own file. */
static void emit_src(struct pp *p, struct src *s, size_t from, size_t to)
{
	if (from >= to)
		return;
	advance(s, from);
	if (s->depth == 0 && p->need_run) {
		add_run(p, file_line(s), s->col, false);
		p->need_run = false;
	}
	out_put(p, s->text + from, to - from);
}

/* ---- Finding directives ----------------------------------------------------- */

struct directive {
	size_t start, end;   /* [start, end) in the text */
	bool escaped;        /* \{{#...}}: copied without the backslash */
	const char *type;    /* include, rustdoc_include, ... (not terminated) */
	size_t type_len;
	const char *arg;     /* the rest up to "}}" (not terminated) */
	size_t arg_len;
};

static bool is_type_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Scanning moves forward only, so what a scan learnt about the text ahead
 * stays true for later calls: this keeps a text full of unclosed "{{#"
 * linear rather than quadratic. */
struct scan {
	size_t brace;      /* first '}' at or after the last search, or n */
	size_t brace_from; /* where that search started (valid if <= brace) */
	size_t eol;        /* end of the line last examined for an escape */
	size_t last_close; /* end of that line's last "}}", or 0 */
	bool have_line;
};

static size_t next_brace(struct scan *sc, const char *t, size_t n, size_t j)
{
	if (sc->brace_from <= j && j <= sc->brace)
		return sc->brace;
	const char *p = memchr(t + j, '}', n - j);
	sc->brace_from = j;
	sc->brace = p ? (size_t)(p - t) : n;
	return sc->brace;
}

/* End of the last "}}" on the line of i, or 0. */
static size_t line_close(struct scan *sc, const char *t, size_t n, size_t i)
{
	if (sc->have_line && i < sc->eol)
		return sc->last_close;
	const char *nl = memchr(t + i, '\n', n - i);
	size_t eol = nl ? (size_t)(nl - t) : n;
	sc->have_line = true;
	sc->eol = eol;
	sc->last_close = 0;
	for (size_t k = eol; k >= i + 2; k--) {
		if (t[k - 2] == '}' && t[k - 1] == '}') {
			sc->last_close = k;
			break;
		}
	}
	return sc->last_close;
}

/*
 * The next directive at or after i, as mdBook's regex finds them:
 *   \\\{\{#.*\}\}                              (escaped, to the last }} of the line)
 *   \{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}
 */
static bool next_directive(struct scan *sc, const char *t, size_t n, size_t i,
			   struct directive *d)
{
	for (; i + 1 < n; i++) {
		if (t[i] == '\\' && i + 3 < n && t[i + 1] == '{' && t[i + 2] == '{' && t[i + 3] == '#') {
			size_t k = line_close(sc, t, n, i);
			if (k >= i + 6) {
				*d = (struct directive){.start = i, .end = k, .escaped = true};
				return true;
			}
			continue;
		}
		if (t[i] != '{' || t[i + 1] != '{')
			continue;
		size_t j = i + 2;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		if (j >= n || t[j] != '#')
			continue;
		size_t ts = ++j;
		while (j < n && is_type_char((unsigned char)t[j]))
			j++;
		size_t te = j;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		if (te == ts || j == te)
			continue;
		size_t as = j;
		j = next_brace(sc, t, n, as);
		if (j == as || j + 1 >= n || t[j + 1] != '}')
			continue;
		*d = (struct directive){.start = i, .end = j + 2, .type = t + ts, .type_len = te - ts,
					.arg = t + as, .arg_len = j - as};
		return true;
	}
	return false;
}

static bool type_is(const struct directive *d, const char *name)
{
	return d->type_len == strlen(name) && memcmp(d->type, name, d->type_len) == 0;
}

/* ---- Lines and anchors ------------------------------------------------------ */

/* A file split into lines as Rust's str::lines() does (no final empty
 * line after a trailing newline). */
struct lines {
	const char **v;
	size_t *len;
	size_t n;
};

static void split_lines(struct arena *a, const char *t, size_t n, struct lines *L)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i] == '\n')
			count++;
	count++;
	L->v = arena_calloc(a, count, sizeof *L->v);
	L->len = arena_calloc(a, count, sizeof *L->len);
	L->n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || t[i] == '\n') {
			if (i == n && start == n)
				break; /* nothing after the last newline */
			L->v[L->n] = t + start;
			L->len[L->n] = i - start;
			L->n++;
			start = i + 1;
		}
	}
}

static bool is_name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* If the line holds marker ("ANCHOR:" or "ANCHOR_END:") followed by a
 * name, stores the name and returns true. */
static bool find_marker(const char *l, size_t n, const char *marker, const char **name,
			size_t *name_len)
{
	size_t m = strlen(marker);
	for (size_t i = 0; i + m <= n; i++) {
		if (memcmp(l + i, marker, m) != 0)
			continue;
		size_t j = i + m;
		while (j < n && isspace((unsigned char)l[j]))
			j++;
		size_t s = j;
		while (j < n && is_name_char((unsigned char)l[j]))
			j++;
		if (j > s) {
			*name = l + s;
			*name_len = j - s;
			return true;
		}
	}
	return false;
}

static bool is_marker_line(const char *l, size_t n)
{
	const char *name;
	size_t nl;
	return find_marker(l, n, "ANCHOR:", &name, &nl) || find_marker(l, n, "ANCHOR_END:", &name, &nl);
}

/* 0: not a marker for anchor; 1: its ANCHOR line; 2: its ANCHOR_END line. */
static int marker_of(const char *l, size_t n, const char *anchor)
{
	const char *name;
	size_t nl;
	size_t al = strlen(anchor);
	if (find_marker(l, n, "ANCHOR_END:", &name, &nl))
		return nl == al && memcmp(name, anchor, al) == 0 ? 2 : 0;
	if (find_marker(l, n, "ANCHOR:", &name, &nl))
		return nl == al && memcmp(name, anchor, al) == 0 ? 1 : 0;
	return 0;
}

/* What a directive includes: text plus the file line of each line. */
struct excerpt {
	struct buf text;
	int *lines;
	size_t n, cap;
};

static void ex_line(struct excerpt *e, const char *prefix, const char *l, size_t n, int file_line)
{
	if (e->n)
		buf_putc(&e->text, '\n');
	buf_puts(&e->text, prefix);
	buf_put(&e->text, l, n);
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->lines = xrealloc(e->lines, e->cap * sizeof *e->lines);
	}
	e->lines[e->n++] = file_line;
}

/* ---- Directives --------------------------------------------------------------- */

enum what { W_INCLUDE, W_RUSTDOC, W_PLAYGROUND };

/* A parsed FILE[:a[:b]] spec.  Lines are 0-based, end exclusive. */
struct spec {
	const char *file;
	const char *anchor; /* or NULL for a range */
	size_t start, end;  /* end SIZE_MAX: to the end */
	bool has_range;
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static size_t to_count(const char *s)
{
	/* Large numbers saturate: "past the end" is all they can mean. */
	size_t v = 0;
	for (; *s; s++)
		v = v > 100000000u ? v : v * 10 + (size_t)(*s - '0');
	return v;
}

static void parse_spec(struct arena *a, const char *tok, struct spec *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->end = SIZE_MAX;
	const char *colon = strchr(tok, ':');
	if (!colon) {
		sp->file = tok;
		return;
	}
	sp->file = arena_strndup(a, tok, (size_t)(colon - tok));
	char *rest = arena_strdup(a, colon + 1);
	char *p2 = strchr(rest, ':');
	if (p2) {
		*p2++ = '\0';
		char *p3 = strchr(p2, ':');
		if (p3)
			*p3 = '\0'; /* a third part is ignored, as by mdBook */
	}
	sp->has_range = true;
	if (all_digits(rest)) {
		size_t v = to_count(rest);
		sp->start = v ? v - 1 : 0;
		if (!p2)
			sp->end = sp->start + 1;
		else if (all_digits(p2))
			sp->end = to_count(p2);
	} else if (!*rest) {
		if (p2 && all_digits(p2))
			sp->end = to_count(p2);
	} else {
		sp->anchor = rest;
		sp->has_range = false;
	}
}

struct dctx {
	struct pp *p;
	struct src *s;
	const struct directive *d;
	const char *name;   /* "{{#include FILE:..}}" for messages */
	int line, col;      /* where the directive is */
};

static void dwarn(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dwarn(struct dctx *c, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	diag_warn(c->p->run->diags, c->s->display, c->line, c->col, "%s: %s", c->name, m.data);
	buf_free(&m);
}

/* Reads the file sp names (relative to the including file), cleaned and
 * split into lines into *L.  Returns its path, or NULL (warned) when it
 * is outside the book folder, unreadable or already being expanded. */
static const char *read_included(struct dctx *c, const struct spec *sp, struct lines *L)
{
	struct book *b = c->p->book;
	struct arena *a = c->p->run->arena;
	const char *path = NULL;
	if (sp->file[0] != '/')
		path = path_normalize(a, path_join(a, path_dirname(a, c->s->path), sp->file));
	char *data = NULL;
	size_t len = 0;
	if (!path || !*path) {
		dwarn(c, "'%s' is outside the book folder; left as written", sp->file);
		goto fail;
	}
	if (folder_read_file(b, path, &data, &len) != 0) {
		const char *why = errno == ENOENT ? "not found"
				: errno == EACCES ? "is outside the book folder"
				: errno == EISDIR ? "is not a file" : strerror(errno);
		dwarn(c, "'%s' %s; left as written", sp->file, why);
		goto fail;
	}
	for (int i = 0; i <= c->s->depth; i++) {
		if (c->p->chain[i] && strcmp(c->p->chain[i], path) == 0) {
			dwarn(c, "'%s' includes itself (an include cycle); left as written", sp->file);
			goto fail;
		}
	}
	struct clean_report rep;
	size_t clen;
	const char *shown = arena_printf(a, "%s%s", b->display_dir, path);
	char *text = text_clean(a, data, len, &clen, &rep);
	free(data);
	if (rep.bad_utf8)
		diag_warn(c->p->run->diags, shown, rep.utf8_line, rep.utf8_col,
			  "invalid UTF-8 (%d sequence%s replaced by U+FFFD)", rep.bad_utf8,
			  rep.bad_utf8 == 1 ? "" : "s");
	split_lines(a, text, clen, L);
	return path;
fail:
	free(data);
	return NULL;
}

/* {{#playground}}: the whole file in a rust fence whose info string
 * carries the attributes toks[1..]; anchor marker lines dropped. */
static void excerpt_playground(struct excerpt *e, const struct vec *toks,
			       const struct lines *L)
{
	struct buf fence = BUF_INIT;
	buf_puts(&fence, "```rust");
	for (size_t i = 1; i < toks->n; i++)
		buf_printf(&fence, ",%s", (char *)toks->v[i]);
	ex_line(e, "", fence.data, fence.len, 1);
	buf_free(&fence);
	for (size_t k = 0; k < L->n; k++)
		if (!is_marker_line(L->v[k], L->len[k]))
			ex_line(e, "", L->v[k], L->len[k], (int)k + 1);
	ex_line(e, "", "```", 3, (int)(L->n ? L->n : 1));
	buf_putc(&e->text, '\n');
}

/* FILE:anchor.  Include: the first section so named, up to its end
 * marker.  Rustdoc: every section so named shown, the rest hidden. */
static void excerpt_anchor(struct dctx *c, enum what what, const struct spec *sp,
			   const struct lines *L, struct excerpt *e)
{
	bool found = false, inside = false, done = false;
	for (size_t k = 0; k < L->n; k++) {
		int m = marker_of(L->v[k], L->len[k], sp->anchor);
		if (m == 1) {
			found = true;
			if (!done || what == W_RUSTDOC)
				inside = true;
			continue;
		}
		if (m == 2 && inside) {
			inside = false;
			done = true;
			continue;
		}
		if (is_marker_line(L->v[k], L->len[k]))
			continue;
		if (inside)
			ex_line(e, "", L->v[k], L->len[k], (int)k + 1);
		else if (what == W_RUSTDOC)
			ex_line(e, "# ", L->v[k], L->len[k], (int)k + 1);
	}
	if (!found)
		dwarn(c, "no anchor '%s' in '%s'%s", sp->anchor, sp->file,
		      what == W_RUSTDOC ? "; the whole file is hidden" : "; nothing included");
}

/* FILE or FILE:a:b.  Include: the lines in range.  Rustdoc: those shown,
 * the rest hidden.  Anchor marker lines are dropped either way. */
static void excerpt_range(struct dctx *c, enum what what, const struct spec *sp,
			  const struct lines *L, struct excerpt *e)
{
	if (sp->has_range && sp->end <= sp->start)
		dwarn(c, "the range of lines is empty%s", what == W_RUSTDOC
		      ? "; the whole file is hidden" : "; nothing included");
	else if (sp->has_range && sp->start >= L->n)
		dwarn(c, "line %zu is past the end of '%s' (%zu line%s)%s", sp->start + 1,
		      sp->file, L->n, L->n == 1 ? "" : "s",
		      what == W_RUSTDOC ? "; the whole file is hidden" : "; nothing included");
	for (size_t k = 0; k < L->n; k++) {
		if (is_marker_line(L->v[k], L->len[k]))
			continue;
		bool in = k >= sp->start && k < sp->end;
		if (in)
			ex_line(e, "", L->v[k], L->len[k], (int)k + 1);
		else if (what == W_RUSTDOC)
			ex_line(e, "# ", L->v[k], L->len[k], (int)k + 1);
	}
}

/* Builds what the directive includes into *e.  Returns the included
 * file's path, or NULL (warned) when the directive fails. */
static const char *render(struct dctx *c, enum what what, struct excerpt *e)
{
	struct arena *a = c->p->run->arena;
	/* FILE and attributes, separated by whitespace. */
	char *arg = arena_strndup(a, c->d->arg, c->d->arg_len);
	struct vec toks = {0};
	char *save = NULL;
	for (char *t = strtok_r(arg, " \t\r\n\f\v", &save); t; t = strtok_r(NULL, " \t\r\n\f\v", &save))
		vec_push(&toks, t);
	if (!toks.n) {
		vec_free(&toks);
		return NULL; /* "{{#include   }}": not a directive to mdBook either */
	}
	struct spec sp;
	if (what == W_PLAYGROUND) {
		memset(&sp, 0, sizeof sp);
		sp.file = toks.v[0];
		sp.end = SIZE_MAX;
	} else {
		parse_spec(a, toks.v[0], &sp);
	}

	struct lines L;
	const char *path = read_included(c, &sp, &L);
	if (path) {
		if (what == W_PLAYGROUND)
			excerpt_playground(e, &toks, &L);
		else if (sp.anchor)
			excerpt_anchor(c, what, &sp, &L, e);
		else
			excerpt_range(c, what, &sp, &L, e);
	}
	vec_free(&toks);
	return path;
}

static void expand(struct pp *p, struct src *s);

/* Included lines inherit what is written before the directive on its line
 * when that is only block-quote marks and indentation ("> ", "    "), so an
 * include inside a quote or a list item stays inside it. */
static void inherit_prefix(const struct src *s, const struct directive *d, struct buf *text)
{
	size_t ls = d->start;
	while (ls > 0 && s->text[ls - 1] != '\n')
		ls--;
	if (ls == d->start || !text->len)
		return;
	for (size_t i = ls; i < d->start; i++)
		if (s->text[i] != ' ' && s->text[i] != '\t' && s->text[i] != '>')
			return;
	size_t plen = d->start - ls;
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < text->len; i++) {
		buf_putc(&out, text->data[i]);
		/* not after the final newline: the directive's own line goes on */
		if (text->data[i] == '\n' && i + 1 < text->len)
			buf_put(&out, s->text + ls, plen);
	}
	buf_free(text);
	*text = out;
}

/* Handles the directive d of s; returns where scanning goes on. */
static size_t handle(struct pp *p, struct src *s, const struct directive *d)
{
	struct book *b = p->book;
	struct arena *a = p->run->arena;
	if (d->escaped) {
		p->need_run = true; /* the backslash is skipped */
		emit_src(p, s, d->start + 1, d->end);
		return d->end;
	}
	if (type_is(d, "title")) {
		size_t n = d->arg_len;
		while (n && isspace((unsigned char)d->arg[n - 1]))
			n--;
		p->title = arena_strndup(a, d->arg, n);
		p->need_run = true;
		return d->end;
	}
	enum what what;
	if (type_is(d, "include"))
		what = W_INCLUDE;
	else if (type_is(d, "rustdoc_include"))
		what = W_RUSTDOC;
	else if (type_is(d, "playground") || type_is(d, "playpen"))
		what = W_PLAYGROUND;
	else {
		/* Not one of mdBook's: text, as mdBook leaves it. */
		emit_src(p, s, d->start, d->end);
		return d->end;
	}

	advance(s, d->start);
	struct dctx c = {p, s, d, NULL, file_line(s), s->col};
	size_t shown_len = d->arg_len;
	while (shown_len && isspace((unsigned char)d->arg[shown_len - 1]))
		shown_len--;
	c.name = arena_printf(a, "{{#%.*s %.*s}}", (int)d->type_len, d->type, (int)shown_len,
			      d->arg);
	if (s->depth >= PREPROC_MAX_DEPTH) {
		dwarn(&c, "included files nested more than %d deep; left as written",
		      PREPROC_MAX_DEPTH);
		emit_src(p, s, d->start, d->end);
		return d->end;
	}
	if (*p->budget <= 0) {
		if (!p->budget_warned)
			dwarn(&c, "the book expands more than %d directives; this one and "
			      "the rest are left as written", PREPROC_MAX_EXPANSIONS);
		p->budget_warned = true;
		emit_src(p, s, d->start, d->end);
		return d->end;
	}
	--*p->budget;
	struct excerpt e = {0};
	const char *path = render(&c, what, &e);
	if (path && p->out.len + e.text.len > PREPROC_MAX_OUTPUT) {
		if (!p->size_warned)
			dwarn(&c, "the chapter would grow past %u MB; left as written",
			      PREPROC_MAX_OUTPUT >> 20);
		p->size_warned = true;
		path = NULL;
	}
	if (!path) {
		emit_src(p, s, d->start, d->end);
	} else {
		inherit_prefix(s, d, &e.text);
		if (s->depth == 0)
			add_run(p, c.line, c.col, true);
		struct src sub = {
			.text = e.text.data ? e.text.data : "",
			.len = e.text.len,
			.path = path,
			.display = arena_printf(a, "%s%s", b->display_dir, path),
			.lines = e.lines,
			.depth = s->depth + 1,
			.col = 1,
		};
		p->chain[sub.depth] = path;
		expand(p, &sub);
		p->chain[sub.depth] = NULL;
		p->need_run = true;
	}
	buf_free(&e.text);
	free(e.lines);
	return d->end;
}

static void expand(struct pp *p, struct src *s)
{
	size_t i = 0;
	struct directive d;
	struct scan sc = {.brace_from = SIZE_MAX};
	while (i < s->len && next_directive(&sc, s->text, s->len, i, &d)) {
		emit_src(p, s, i, d.start);
		i = handle(p, s, &d);
	}
	emit_src(p, s, i, s->len);
}

struct preproc_map *preproc_expand(struct run *run, struct book *b, struct chapter *ch,
				   const char **title, long *budget)
{
	*title = NULL;
	struct directive d;
	struct scan sc = {.brace_from = SIZE_MAX};
	if (!next_directive(&sc, ch->source, ch->source_len, 0, &d))
		return NULL;
	struct pp p = {.run = run, .book = b, .budget = budget, .ch = ch, .out_line = 1, .out_col = 1, .need_run = true};
	struct src s = {.text = ch->source, .len = ch->source_len, .path = ch->path,
			.display = ch->display_path, .col = 1};
	p.chain[0] = ch->path;
	expand(&p, &s);
	ch->source = buf_to_arena(&p.out, run->arena);
	ch->source_len = p.out.len;
	*title = p.title;

	struct preproc_map *m = arena_alloc(run->arena, sizeof *m);
	m->n = p.nruns;
	m->runs = arena_calloc(run->arena, p.nruns + 1, sizeof *m->runs);
	if (p.nruns)
		memcpy(m->runs, p.runs, p.nruns * sizeof *m->runs);
	free(p.runs);
	buf_free(&p.out);
	return m;
}

/* ---- Mapping positions back ------------------------------------------------------ */

static void map_pos(const struct preproc_map *m, int *line, int *col)
{
	if (*line <= 0 || !m->n)
		return;
	/* The last run starting at or before line:col. */
	size_t lo = 0, hi = m->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		const struct pp_run *r = &m->runs[mid];
		if (r->exp_line < *line || (r->exp_line == *line && r->exp_col <= *col))
			lo = mid;
		else
			hi = mid;
	}
	const struct pp_run *r = &m->runs[lo];
	if (r->included) {
		*line = r->line;
		*col = r->col;
	} else if (*line == r->exp_line) {
		*col = r->col + (*col - r->exp_col);
		*line = r->line;
	} else {
		*line = r->line + (*line - r->exp_line);
	}
}

static void map_block(void *ctx, struct block *b)
{
	map_pos(ctx, &b->line, &b->col);
}

static void map_inline(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	map_pos(ctx, &in->line, &in->col);
}

void preproc_map_positions(const struct preproc_map *m, struct chapter *ch,
			   struct diag_list *diags, size_t first_diag)
{
	if (!m)
		return;
	model_each_block(ch->blocks, map_block, (void *)m);
	model_each_inline(ch->blocks, map_inline, (void *)m);
	for (size_t i = first_diag; i < diags->n; i++) {
		struct diag *g = &diags->v[i];
		if (g->file && strcmp(g->file, ch->display_path) == 0)
			map_pos(m, &g->line, &g->col);
	}
}

/* ---- Hidden lines ------------------------------------------------------------------ */

/* The PREFIX of a "hidelines=PREFIX" attribute in info, or NULL. */
static const char *hidelines_of(struct arena *a, const char *info)
{
	const char *h = strstr(info, "hidelines=");
	if (!h || (h != info && h[-1] != ',' && !isspace((unsigned char)h[-1])))
		return NULL;
	h += strlen("hidelines=");
	size_t n = 0;
	while (h[n] && h[n] != ',' && !isspace((unsigned char)h[n]))
		n++;
	return n ? arena_strndup(a, h, n) : NULL;
}

/* rustdoc's rule for one line: 0 shown as is, 1 hidden, 2 shown with its
 * leading "##" turned into "#". */
static int rust_line(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	size_t e = n;
	while (e > i && isspace((unsigned char)l[e - 1]))
		e--;
	if (e - i >= 2 && l[i] == '#' && l[i + 1] == '#')
		return 2;
	if (e - i >= 2 && l[i] == '#' && l[i + 1] == ' ')
		return 1;
	if (e - i == 1 && l[i] == '#')
		return 1;
	return 0;
}

static void hide_block(struct arena *a, struct block *blk, const char *prefix)
{
	struct buf out = BUF_INIT;
	bool changed = false;
	size_t plen = prefix ? strlen(prefix) : 0;
	const char *t = blk->text;
	size_t start = 0;
	while (start < blk->len) {
		const char *nl = memchr(t + start, '\n', blk->len - start);
		size_t end = nl ? (size_t)(nl - t) : blk->len;
		size_t next = nl ? end + 1 : end;
		const char *l = t + start;
		size_t n = end - start;
		int kind;
		if (prefix) {
			size_t i = 0;
			while (i < n && isspace((unsigned char)l[i]))
				i++;
			kind = n - i >= plen && memcmp(l + i, prefix, plen) == 0;
		} else {
			kind = rust_line(l, n);
		}
		if (kind == 1) {
			changed = true;
		} else if (kind == 2) {
			const char *hh = memchr(l, '#', n);
			buf_put(&out, l, (size_t)(hh - l));
			buf_put(&out, hh + 1, next - start - (size_t)(hh - l) - 1);
			changed = true;
		} else {
			buf_put(&out, l, next - start);
		}
		start = next;
	}
	if (changed) {
		blk->text = buf_to_arena(&out, a);
		blk->len = out.len;
	}
	buf_free(&out);
}

struct hide_ctx {
	struct arena *arena;
	const struct book *book;
};

static void hide_one(void *ctx, struct block *blk)
{
	struct hide_ctx *h = ctx;
	if (blk->type != BLK_CODE || !blk->len)
		return;
	const char *lang = blk->lang ? blk->lang : "";
	const char *prefix = hidelines_of(h->arena, blk->info ? blk->info : "");
	const struct metadata *m = &h->book->meta;
	for (int i = 0; !prefix && *lang && i < m->nhidelines; i++)
		if (strcmp(m->hidelines[i].lang, lang) == 0)
			prefix = m->hidelines[i].prefix;
	if (prefix)
		hide_block(h->arena, blk, prefix);
	else if (strcmp(lang, "rust") == 0)
		hide_block(h->arena, blk, NULL);
}

void preproc_hide_lines(struct arena *a, const struct book *b, struct chapter *ch)
{
	struct hide_ctx h = {a, b};
	model_each_block(ch->blocks, hide_one, &h);
}
