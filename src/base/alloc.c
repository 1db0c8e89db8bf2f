/* alloc.c - allocations that never return NULL (base.h: OUT OF MEMORY). */
#include "base/base.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void folio_oom(const char *doing, size_t size)
{
	/* No allocation here: stderr is unbuffered, the text is fixed but
	 * for one number, and _Exit() runs no handler that could allocate. */
	if (size)
		fprintf(stderr, "folio: error: out of memory while %s (a request for %.1f MB "
			"failed); the build stopped\n", doing, (double)size / 1e6);
	else
		fprintf(stderr, "folio: error: out of memory while %s; the build stopped\n", doing);
	_Exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		folio_oom("building", size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		folio_oom("building", SIZE_MAX);
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		folio_oom("building", n * size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q)
		folio_oom("building", size);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}
