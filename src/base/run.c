/* run.c - the run's stage clock (run.h). */
#include "base/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct stage_clock *run_clock_start(struct stage_clock *c)
{
	if (!getenv("FOLIO_TIMING"))
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
