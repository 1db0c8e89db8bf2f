/* diag.c - collecting and printing diagnostics. */
#include "base/diag.h"
#include "base/arena.h"
#include "base/base.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A new slot at the end of d. */
static struct diag *diag_push(struct diag_list *d)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, cap * sizeof *d->v);
		d->cap = cap;
	}
	return &d->v[d->n++];
}

void diag_add(struct diag_list *d, enum diag_level level, const char *file,
	      int line, int col, const char *fmt, ...)
{
	struct diag *g = diag_push(d);
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);

	g->level = level;
	g->file = file ? xstrdup(file) : NULL;
	g->line = line;
	g->col = col;
	g->msg = b.data ? b.data : xstrdup("");
	if (level == DIAG_WARNING)
		d->nwarn++;
	else if (level == DIAG_ERROR)
		d->nerr++;
	else if (level == DIAG_FATAL)
		d->nfatal++;
}

void diag_append(struct diag_list *to, struct diag_list *from)
{
	for (size_t i = 0; i < from->n; i++)
		*diag_push(to) = from->v[i];
	to->nwarn += from->nwarn;
	to->nerr += from->nerr;
	to->nfatal += from->nfatal;
	free(from->v);
	memset(from, 0, sizeof *from);
}

static const char *level_name(enum diag_level l)
{
	switch (l) {
	case DIAG_NOTE: return "note";
	case DIAG_WARNING: return "warning";
	case DIAG_ERROR: return "error";
	case DIAG_FATAL: return "error";
	}
	return "error";
}

/* Writes s with every control character (C0, DEL) as \xNN: a file name
 * or a book's text must not be able to drive the user's terminal
 * (an escape sequence that retitles or clears it). */
static void put_safe(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			fprintf(out, "\\x%02X", *p);
		else
			fputc(*p, out);
	}
}

void diag_print(const struct diag_list *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		put_safe(out, g->file ? g->file : "folio");
		/* Always the full file:line:col form problem matchers
		 * (gcc's, GitHub's) expect: line 1 column 1 for what
		 * concerns a whole file. */
		if (g->file)
			fprintf(out, ":%d:%d", g->line > 0 ? g->line : 1, g->col > 0 ? g->col : 1);
		fprintf(out, ": %s: ", level_name(g->level));
		put_safe(out, g->msg);
		fputc('\n', out);
	}
}

void diag_list_free(struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
