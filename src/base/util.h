/*
 * util.h - small pure helpers: UTF-8, paths, slugs, files.
 *
 * None of these touch the book model; all are unit-tested in
 * tests/unit/test_util.c.
 */
#ifndef FOLIO_UTIL_H
#define FOLIO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/arena.h"

/* True unless FOLIO_THREADS=1 is set in the environment: whether a build
 * may use a second thread (the EPUB beside the PDF, PDF pages on both
 * cores).  The outputs are the same bytes either way; the tests check. */
bool threads_allowed(void);

/* Decodes one UTF-8 sequence at s (n bytes available).  Returns its length
 * (1..4) and stores the code point, or returns 1 and stores 0xFFFD for an
 * invalid or truncated sequence. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the length. */
int utf8_encode(uint32_t cp, char *out);

/* Cleans text for the model: invalid UTF-8 becomes U+FFFD, NUL and other C0
 * controls except tab and newline are dropped, CRLF and CR become LF, a
 * leading byte-order mark is removed; UTF-16 text (known by its byte-order
 * mark) is read as the UTF-8 it stands for.  Counts what was changed so the caller
 * can warn: *bad_utf8 (replaced sequences), *bad_ctrl (dropped controls),
 * and the first line:col of each kind (1-based, 0 if none). */
struct clean_report {
	int bad_utf8, bad_ctrl;
	int utf8_line, utf8_col, ctrl_line, ctrl_col;
	bool had_bom;
	bool utf16; /* the text was UTF-16 (by its byte-order mark), now UTF-8 */
};
char *text_clean(struct arena *a, const char *s, size_t n, size_t *out_len,
		 struct clean_report *rep);

/* Heading slug as mdBook makes it (GitHub's for ASCII): the text trimmed,
 * letters (any script, lowercased), digits, '-' and '_' kept, each white
 * space character becomes '-', everything else is dropped.  The caller
 * makes duplicates unique ("section" when empty, then -1, -2 ...). */
char *slug_make(struct arena *a, const char *text);

/* Normalises a relative path: removes "." segments and empty segments and
 * folds "dir/.." pairs.  Returns NULL if the path climbs above its start
 * (a leading ".." remains), so the caller can refuse it. */
char *path_normalize(struct arena *a, const char *path);
/* The same, but keeps leading ".." segments ("a/../../b" -> "../b"). */
char *path_normalize_up(struct arena *a, const char *path);
/* The folder part of a relative path ("a/b/c.md" -> "a/b", "c.md" -> ""). */
char *path_dirname(struct arena *a, const char *path);
/* Joins dir and rel with one '/' (dir may be ""). */
char *path_join(struct arena *a, const char *dir, const char *rel);
/* Decodes %XX escapes; returns NULL for a malformed escape or %00. */
char *percent_decode(struct arena *a, const char *s);
/* The lowercased file extension without the dot ("" if none, or longer
 * than 15 bytes), written to ext; returns ext. */
const char *path_ext(char ext[16], const char *path);

/* True if url starts with a URI scheme ("http:", "mailto:", "file:" ...). */
bool url_has_scheme(const char *url);
/* Normalised URL for deduplication: scheme and host lowercased, default
 * port and a trailing '#' dropped; path and query kept exactly. */
char *url_normalize(struct arena *a, const char *url);

/* Reads a whole file into heap memory (NUL-terminated).  Returns 0, or -1
 * with errno set.  The caller frees *out. */
int file_read(const char *path, char **out, size_t *len);
/* The same from an open descriptor, which it closes. */
int file_read_fd(int fd, char **out, size_t *len);
/* The same from a stream (NULL: fails with errno as it is), which it
 * closes. */
int file_read_stream(FILE *f, char **out, size_t *len);

/* The process's umask, read without changing it (thread-safe). */
mode_t file_umask(void);

/* Writes data to path through a temporary file in the same folder and
 * rename(), so readers never see a partial file.  The temporary file is
 * created with a name of its own (mkstemp: O_EXCL), so nothing planted in
 * the folder - a symlink at a guessable name - is ever opened or
 * overwritten; the file gets mode 0644 less the umask.  Returns 0, or -1
 * with errno set (the temporary file is removed). */
int write_file_atomic(const char *path, const void *data, size_t len);

/* Whether s is a date as book metadata gives it: YYYY, YYYY-MM or
 * YYYY-MM-DD (month 01-12, day 01-31). */
bool date_valid(const char *s);

/* Renders a time_t (UTC) as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void time_iso8601(long long t, char out[21]);

/* For "did you mean": the candidate closest to word (case-insensitive
 * edit distance, at most 1 for short words, 2 for words of 5+ bytes, and
 * less than half the word), or NULL when none is that close.  cands ends
 * with NULL. */
const char *suggest_word(const char *word, const char *const *cands);

#endif
