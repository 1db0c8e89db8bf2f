/*
 * main.c - folio's command line: parse arguments, run the pipeline, print
 * diagnostics, choose the exit status.
 *
 * Exit status: 0 success; 1 content errors (or warnings under --strict);
 * 2 usage or environment errors.
 */
#include "app/backend.h"
#include "app/build.h"
#include "app/commit.h"
#include "base/version.h"
#include "base/options.h"
#include "base/run.h"
#include "base/util.h"
#include "epub/cover.h"
#include "load/book.h"
#include "model/model.h"
#include "resolve/resolve.h"
#include "resolve/resources.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* Used for dates in outputs when neither SOURCE_DATE_EPOCH nor the book's
 * date is set: 2000-01-01T00:00:00Z, so builds stay reproducible. */
#define FOLIO_FIXED_DATE 946684800LL

static const char usage[] =
	"usage: folio build [BOOK_DIR] [-o OUT_DIR] [--pdf] [--epub] [--strict]\n"
	"                   [--paper a4|letter] [--duplex] [--quiet] [--verbose]\n"
	"       folio check [BOOK_DIR] [--strict] [--paper a4|letter] [--duplex]\n"
	"       folio handouts [BOOK_DIR] [-o OUT_DIR] [--paper a4|letter] [--duplex] [--strict]\n"
	"       folio mdbook-backend [--strict] [--quiet] [--verbose]   (run by mdbook build)\n"
	"       folio --help | --version\n";

static const char help[] =
	"folio - build a Markdown book into a print-quality PDF and an EPUB 3.\n"
	"\n"
	"Commands:\n"
	"  build [BOOK_DIR]   build BOOK_DIR (default: book) into OUT_DIR (default: out)\n"
	"  check [BOOK_DIR]   the pre-flight of a build: load, resolve and lay out the book,\n"
	"                     read the print style, report problems, write nothing\n"
	"  handouts [BOOK_DIR] one PDF per module into OUT_DIR/handouts/ (modules: the\n"
	"                     chapters the root page links, or folio.ini [handouts] modules)\n"
	"  mdbook-backend     as an mdBook backend: the RenderContext JSON on stdin,\n"
	"                     PDF and EPUB into its destination ([output.folio] in\n"
	"                     book.toml: command = \"folio mdbook-backend\")\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR   output folder (created if missing); also --output=DIR\n"
	"  --pdf, --epub      build only these formats (default: both)\n"
	"  --strict           warnings count as errors (exit status 1; files are still\n"
	"                     written, and the summary says so)\n"
	"  --paper a4|letter  paper size (default: from the print style); files of\n"
	"                     editions other than A4 one-sided are named for theirs\n"
	"  --duplex           mirrored margins, chapters open on a right-hand page\n"
	"  -q, --quiet        print only diagnostics\n"
	"  -v, --verbose      also print notes\n"
	"  -h, --help         this help\n"
	"  --version          print the version\n"
	"\n"
	"Exit status: 0 success, 1 content errors (or warnings with --strict),\n"
	"2 usage or environment errors.\n"
	"\n"
	"Environment: SOURCE_DATE_EPOCH sets the date recorded in the outputs;\n"
	"FOLIO_DATA_DIR overrides where fonts/ and styles/ are found;\n"
	"FOLIO_TIMING=1 prints the time each stage takes (0: off).\n";

struct cli {
	const char *command;
	const char *book_dir;
	const char *out_dir;
	bool pdf, epub, strict;
	struct build_opts opts;
};

/* "--name=value": the value after '=' when a names the long option name,
 * else NULL. */
static const char *inline_value(const char *a, const char *name)
{
	size_t n = strlen(name);
	return strncmp(a, name, n) == 0 && a[n] == '=' ? a + n + 1 : NULL;
}

/* The value of an option that takes one, written "--opt VALUE",
 * "--opt=VALUE" or "-o VALUE"; NULL after a message when it is missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	const char *v = inline_value(argv[*i], name);
	if (v)
		return v;
	if (*i + 1 >= argc) {
		fprintf(stderr, "folio: %s needs a value\n", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* Options that make no sense for the command are refused, not ignored:
 * a CI job that says `check -o out` or `handouts --epub` expects
 * something folio would not do. */
static int check_applicable(const struct cli *c, bool have_out)
{
	if (strcmp(c->command, "check") == 0 && have_out) {
		fprintf(stderr, "folio: check writes nothing; -o/--output does not apply "
			"(use folio build -o DIR)\n");
		return 2;
	}
	if (strcmp(c->command, "check") == 0 && (c->pdf || c->epub)) {
		fprintf(stderr, "folio: check lays out the print edition and checks both "
			"formats; --pdf/--epub do not apply\n");
		return 2;
	}
	if (strcmp(c->command, "handouts") == 0 && (c->pdf || c->epub)) {
		fprintf(stderr, "folio: handouts are PDFs only; --pdf/--epub do not apply "
			"(use folio build --epub for the EPUB)\n");
		return 2;
	}
	return -1;
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	c->book_dir = "book";
	c->out_dir = "out";
	c->opts.verbose = 1;
	int i = 1;
	/* Installed as mdbook-folio, mdBook's default name for the backend
	 * of [output.folio], it is the backend (no arguments). */
	const char *base = strrchr(argv[0], '/');
	if (strcmp(base ? base + 1 : argv[0], "mdbook-folio") == 0) {
		c->command = "mdbook-backend";
		i = 1;
		goto options;
	}
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(help, stdout);
		fputs("\n", stdout);
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("folio %s (commit %s)\n", FOLIO_VERSION, folio_commit());
		return 0;
	}
	c->command = argv[i++];
	if (strcmp(c->command, "build") != 0 && strcmp(c->command, "check") != 0 &&
	    strcmp(c->command, "handouts") != 0 && strcmp(c->command, "mdbook-backend") != 0) {
		fprintf(stderr, "folio: unknown command '%s'\n%s", c->command, usage);
		return 2;
	}
options:;
	bool have_dir = false, have_out = false, backend = strcmp(c->command, "mdbook-backend") == 0;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (backend && strcmp(a, "--strict") != 0 && strcmp(a, "-q") != 0 &&
		    strcmp(a, "--quiet") != 0 && strcmp(a, "-v") != 0 &&
		    strcmp(a, "--verbose") != 0 && strcmp(a, "-h") != 0 && strcmp(a, "--help") != 0) {
			fprintf(stderr, "folio: mdbook-backend takes its book and output folder "
				"from mdBook; unexpected '%s'\n%s", a, usage);
			return 2;
		}
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
		    inline_value(a, "--output")) {
			c->out_dir = option_value(argc, argv, &i, "--output");
			if (!c->out_dir)
				return 2;
			have_out = true;
		} else if (strcmp(a, "--pdf") == 0) {
			c->pdf = true;
		} else if (strcmp(a, "--epub") == 0) {
			c->epub = true;
		} else if (strcmp(a, "--strict") == 0) {
			c->strict = true;
		} else if (strcmp(a, "--duplex") == 0) {
			c->opts.duplex = true;
		} else if (strcmp(a, "--paper") == 0 || inline_value(a, "--paper")) {
			const char *v = option_value(argc, argv, &i, "--paper");
			if (!v || (strcmp(v, "a4") != 0 && strcmp(v, "letter") != 0)) {
				fputs("folio: --paper takes a4 or letter\n", stderr);
				return 2;
			}
			c->opts.paper = v;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			c->opts.verbose = 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->opts.verbose = 2;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(help, stdout);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "folio: unknown option '%s'\n%s", a, usage);
			return 2;
		} else if (!have_dir) {
			c->book_dir = a;
			have_dir = true;
		} else {
			fprintf(stderr, "folio: unexpected argument '%s'\n%s", a, usage);
			return 2;
		}
	}
	int rc = check_applicable(c, have_out);
	if (rc >= 0)
		return rc;
	if (!c->pdf && !c->epub)
		c->pdf = c->epub = true;
	return -1; /* go on */
}

/* fonts/ and styles/ live beside the binary's parent (the repository:
 * build/folio -> ./) or in PREFIX/share/folio for an installed binary. */
static const char *find_data_dir(struct arena *a)
{
	const char *env = getenv("FOLIO_DATA_DIR");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* build/folio, PREFIX/bin/folio, beside it, and
			 * build/<variant>/folio (make asan). */
			const char *cands[] = {"%s/..", "%s/../share/folio", "%s", "%s/../.."};
			for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
				char probe[PATH_MAX + 64];
				snprintf(probe, sizeof probe, cands[i], exe);
				char test[PATH_MAX + 80];
				snprintf(test, sizeof test, "%s/styles", probe);
				struct stat st;
				if (stat(test, &st) == 0 && S_ISDIR(st.st_mode)) {
					char real[PATH_MAX];
					return arena_strdup(a, realpath(probe, real) ? real : probe);
				}
			}
		}
	}
	return ".";
}

static long long source_date(const struct book *b, struct diag_list *d)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (s && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!errno && !*end && v >= 0 && v < 253402300800LL)
			return v;
		/* A warning like any other: counted, and an error under
		 * --strict, since the outputs' dates are not what CI asked. */
		diag_warn(d, NULL, 0, 0, "SOURCE_DATE_EPOCH '%s' is not a date (seconds "
			  "since 1970); ignored", s);
	}
	if (b->meta.date) {
		struct tm tm = {0};
		if (sscanf(b->meta.date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3 &&
		    tm.tm_year >= 1970 && tm.tm_year <= 9999) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			long long t = (long long)timegm(&tm);
			if (t >= 0 && t < 253402300800LL)
				return t;
		}
	}
	return FOLIO_FIXED_DATE;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads and resolves the book, then runs the command's pipeline
 * (build.h); prints the diagnostics and the summary line; returns the
 * exit status. */
static int run(struct cli *c)
{
	double t0 = now_seconds();
	struct arena arena;
	arena_init(&arena);
	struct diag_list diags = {0};
	struct stage_clock clock;
	struct run r = {&arena, &diags, NULL, run_clock_start(&clock)};
	struct book *book = NULL;
	struct buf summary = BUF_INIT;
	int status = 0;

	bool backend = strcmp(c->command, "mdbook-backend") == 0;
	int loaded = backend ? backend_load(&book, &c->out_dir, &r)
			     : book_load(&book, &r, c->book_dir);
	if (loaded == 0) {
		backend_settings(&c->opts, book);
		run_stage(&r, "load+parse");
		resolve(&r, book);
		resources_collect(&r, book);
		run_stage(&r, "resolve");
		c->opts.source_date = source_date(book, &diags);
		c->opts.data_dir = find_data_dir(&arena);
		c->opts.layout_dump = getenv("FOLIO_LAYOUT_DUMP");
		c->opts.handout_dump = getenv("FOLIO_HANDOUT_DUMP");
		c->opts.pagination_dump = getenv("FOLIO_PAGINATION_DUMP");
		r.opts = &c->opts;
		bool building = backend || strcmp(c->command, "build") == 0;
		bool handouts = strcmp(c->command, "handouts") == 0;
		bool checking = strcmp(c->command, "check") == 0;
		struct print_style st;
		const char *why = NULL;
		{
			/* An EPUB alone uses only the style's titles and
			 * link marks; its problems are the PDF's to tell.
			 * check is the pre-flight of a full build: the
			 * style's problems and the layout's are its own. */
			int rc = build_prepare(&r, book, &st, handouts || checking || c->pdf, &why);
			if (checking) {
				if (rc == 0)
					build_check(&r, book, &st);
				/* what the EPUB would say about its cover */
				epub_cover_check(r.diags, book, &arena);
			} else if (building) {
				build_book(&r, book, rc == 0 ? &st : NULL, why, c->out_dir,
					   c->pdf, c->epub, &summary);
			} else if (rc == 0) {
				build_handouts(&r, book, &st, c->out_dir, &summary);
			}
		}
	}

	if (c->opts.verbose < 2) {
		/* Notes are for --verbose only. */
		size_t k = 0;
		for (size_t i = 0; i < diags.n; i++) {
			if (diags.v[i].level == DIAG_NOTE) {
				free(diags.v[i].file);
				free(diags.v[i].msg);
			} else {
				diags.v[k++] = diags.v[i];
			}
		}
		diags.n = k;
	}
	diag_print(&diags, stderr);

	if (diags.nfatal)
		status = 2;
	else if (diags.nerr || (c->strict && diags.nwarn))
		status = 1;

	if (book && c->opts.verbose > 0 && status != 2) {
		double dt = now_seconds() - t0;
		const char *what = strcmp(c->command, "check") == 0 ? "checked"
				 : summary.len ? summary.data : NULL;
		printf("folio: %s%s: %d chapter%s, %d warning%s, %d error%s in %.2f s\n",
		       what && strcmp(what, "checked") != 0 ? "wrote " : "",
		       what ? what : "nothing written", book->nchapters,
		       book->nchapters == 1 ? "" : "s", diags.nwarn, diags.nwarn == 1 ? "" : "s",
		       diags.nerr, diags.nerr == 1 ? "" : "s", dt);
		/* --strict judges the build after it: what was written
		 * stays (a CI job fails on the status), and says so. */
		if (status == 1 && c->strict && !diags.nerr)
			printf("folio: --strict: warnings count as errors%s\n",
			       summary.len ? "; the files above were written all the same: "
			       "do not publish them" : "");
	}
	buf_free(&summary);
	diag_list_free(&diags);
	arena_free(&arena);
	return status;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	int rc = parse_args(&c, argc, argv);
	if (rc >= 0)
		return rc;
	return run(&c);
}
