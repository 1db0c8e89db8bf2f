/* alloc.c - allocations that never return NULL (base.h: OUT OF MEMORY). */
#include "base/base.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void folio_oom(void)
{
	fputs("folio: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		folio_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		folio_oom();
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		folio_oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q)
		folio_oom();
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}
