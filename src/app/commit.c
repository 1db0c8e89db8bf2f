/* commit.c - the commit folio was built from (commit.h). */
#include "app/commit.h"

#ifndef FOLIO_COMMIT
#define FOLIO_COMMIT "unknown"
#endif

const char *folio_commit(void)
{
	return FOLIO_COMMIT[0] ? FOLIO_COMMIT : "unknown";
}
