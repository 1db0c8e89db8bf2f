/*
 * run.h - the context of one run of folio, passed to every stage beside
 * the (const) book: where the run allocates, where its diagnostics go,
 * what the command line decided.
 *
 * main() owns it.  A stage that runs on another thread (the EPUB writer
 * beside the PDF) gets a run of its own - its own arena and diagnostics
 * list, the same options - and main() appends that list after the PDF's
 * once the thread is joined, so output and diagnostics are those of a
 * one-thread build.
 */
#ifndef FOLIO_RUN_H
#define FOLIO_RUN_H

#include "base/arena.h"
#include "base/diag.h"
#include "base/options.h"

struct stage_clock;

struct run {
	struct arena *arena;           /* what the run makes, freed at its end */
	struct diag_list *diags;       /* every diagnostic */
	const struct build_opts *opts; /* NULL while the book is loaded */
	struct stage_clock *clock;     /* FOLIO_TIMING's clock, or NULL */
};

/* FOLIO_TIMING=1: the seconds since the clock's previous reading. */
struct stage_clock {
	double last;
};

/* With a clock, prints "folio: time: STAGE N.NNN s" to stderr: the
 * seconds since the previous call (or since run_clock_start()). */
void run_stage(const struct run *r, const char *stage);
/* Starts c when FOLIO_TIMING is set in the environment; returns c, or
 * NULL when it is not (no timing). */
struct stage_clock *run_clock_start(struct stage_clock *c);

#endif
