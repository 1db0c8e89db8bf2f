/*
 * diag.h - diagnostics collected during a build.
 *
 * Problems in the content (broken link, bad UTF-8, missing image) are
 * recorded here with their file, line and column and the build goes on;
 * main() prints them gcc-style and decides the exit status.  No stage
 * prints or exits on its own.
 *
 * A diag's strings are owned by the list (heap memory, freed by
 * diag_list_free).
 */
#ifndef FOLIO_DIAG_H
#define FOLIO_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_NOTE,
	DIAG_WARNING,
	DIAG_ERROR, /* content error: exit status 1 */
	DIAG_FATAL  /* environment/usage error: exit status 2 */
};

struct diag {
	enum diag_level level;
	char *file; /* path as shown to the user, or NULL */
	int line, col; /* 1-based; 0 when unknown */
	char *msg;
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
	int nwarn, nerr, nfatal;
};

void diag_add(struct diag_list *d, enum diag_level level, const char *file,
	      int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#define diag_warn(d, file, line, col, ...) \
	diag_add((d), DIAG_WARNING, (file), (line), (col), __VA_ARGS__)
#define diag_error(d, file, line, col, ...) \
	diag_add((d), DIAG_ERROR, (file), (line), (col), __VA_ARGS__)
#define diag_fatal(d, file, ...) \
	diag_add((d), DIAG_FATAL, (file), 0, 0, __VA_ARGS__)

/* Moves every diagnostic of from to the end of to; from is left empty. */
void diag_append(struct diag_list *to, struct diag_list *from);

/* Prints every diagnostic as "file:line:col: level: message", control
 * characters in the file name and message as \xNN. */
void diag_print(const struct diag_list *d, FILE *out);
void diag_list_free(struct diag_list *d);

#endif
