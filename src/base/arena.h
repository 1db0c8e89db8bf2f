/*
 * arena.h - one allocation arena per build, and a growable byte buffer.
 *
 * Everything in the book model (chapters, blocks, inlines, strings) is
 * allocated from one arena and freed at once by arena_free().  Nothing in
 * the model is ever freed individually.
 *
 * struct buf is a plain heap buffer (not arena memory) for building output
 * text; its owner calls buf_free().
 */
#ifndef FOLIO_ARENA_H
#define FOLIO_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total; /* bytes handed out, for reporting */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);

/* Zeroed memory, aligned for any type.  Aborts only if malloc fails. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A growable, NUL-terminated byte buffer on the heap. */
struct buf {
	char *data;
	size_t len, cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_grow(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Copies the buffer's contents into the arena. */
char *buf_to_arena(const struct buf *b, struct arena *a);

/*
 * A growable array of pointers (heap memory, freed by vec_free).
 */
struct vec {
	void **v;
	size_t n, cap;
};

void vec_push(struct vec *vec, void *p);
void vec_free(struct vec *vec);

#endif
