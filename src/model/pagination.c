/* pagination.c - the page marks' memory (pagination.h). */
#include "model/pagination.h"

#include <stdlib.h>

void pagination_free(struct pagination *p)
{
	if (!p)
		return;
	free(p->marks);
	p->marks = NULL;
	p->nmarks = 0;
}
