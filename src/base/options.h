/*
 * options.h - what the command line decides for one build.
 */
#ifndef FOLIO_OPTIONS_H
#define FOLIO_OPTIONS_H

#include <stdbool.h>

struct build_opts {
	const char *data_dir;    /* folder holding fonts/ and styles/ */
	const char *style_file;  /* print style (INI); NULL = data_dir/styles/print.ini */
	const char *paper;       /* "a4", "letter" or NULL (style decides) */
	bool duplex;
	long long source_date;   /* seconds since the epoch, for dates in outputs */
	int verbose;             /* 0 quiet .. 2 verbose */
	/* Test hooks, from the environment (main.c): where to write the
	 * print layout's text dump (FOLIO_LAYOUT_DUMP), one per handout into
	 * a folder (FOLIO_HANDOUT_DUMP), the pagination's
	 * (FOLIO_PAGINATION_DUMP); NULL: none. */
	const char *layout_dump;
	const char *handout_dump;
	const char *pagination_dump;
};

#endif
