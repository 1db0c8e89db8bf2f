/*
 * unit.h - the smallest test harness: CHECK prints PASS/FAIL lines that
 * tests/run counts.  Each tests/unit/test_*.c is its own program.
 */
#ifndef FOLIO_UNIT_H
#define FOLIO_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(name, cond) do { \
	if (cond) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: %s:%d: %s\n", name, __FILE__, __LINE__, #cond); unit_failed++; } \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if ((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0)) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: got \"%s\", want \"%s\"\n", name, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); unit_failed++; } \
} while (0)

#define UNIT_END() return unit_failed ? 1 : 0

#endif
