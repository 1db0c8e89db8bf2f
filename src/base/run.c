/* run.c - the run's stage clock (run.h). */
#include "base/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct stage_clock *run_clock_start(struct stage_clock *c)
{
	/* FOLIO_TIMING=1 (any value but empty, 0, no, off) turns it on. */
	const char *v = getenv("FOLIO_TIMING");
	if (!v || !*v || strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0)
		return NULL;
	c->last = now();
	return c;
}

void run_stage(const struct run *r, const char *stage)
{
	if (!r || !r->clock)
		return;
	double t = now();
	fprintf(stderr, "folio: time: %-10s %6.3f s\n", stage, t - r->clock->last);
	r->clock->last = t;
}
