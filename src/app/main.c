/*
 * main.c - folio's command line: parse arguments, run the pipeline, print
 * diagnostics, choose the exit status.
 *
 * Exit status: 0 success; 1 content errors (or warnings under --strict);
 * 2 usage or environment errors.
 */
#include "app/version.h"
#include "load/book.h"
#include "epub/epub.h"
#include "app/manifest.h"
#include "model/model.h"
#include "base/options.h"
#include "print/pagination.h"
#include "pdf/pdf.h"
#include "resolve/resolve.h"
#include "resolve/resources.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
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
	"       folio check [BOOK_DIR] [--strict]\n"
	"       folio handouts [BOOK_DIR] [-o OUT_DIR] [--paper a4|letter] [--duplex]\n"
	"       folio --help | --version\n";

static const char help[] =
	"folio - build a Markdown book into a print-quality PDF and an EPUB 3.\n"
	"\n"
	"Commands:\n"
	"  build [BOOK_DIR]   build BOOK_DIR (default: book) into OUT_DIR (default: out)\n"
	"  check [BOOK_DIR]   load, parse and resolve the book, report problems, write nothing\n"
	"  handouts [BOOK_DIR] one PDF per module into OUT_DIR/handouts/ (modules: the\n"
	"                     chapters the root page links, or folio.ini [handouts] modules)\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR   output folder (created if missing)\n"
	"  --pdf, --epub      build only these formats (default: both)\n"
	"  --strict           warnings count as errors (exit status 1)\n"
	"  --paper a4|letter  paper size (default: from the print style)\n"
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
	"FOLIO_DATA_DIR overrides where fonts/ and styles/ are found.\n";

struct cli {
	const char *command;
	const char *book_dir;
	const char *out_dir;
	bool pdf, epub, strict;
	struct build_opts opts;
};

static int parse_args(struct cli *c, int argc, char **argv)
{
	c->book_dir = "book";
	c->out_dir = "out";
	c->opts.verbose = 1;
	int i = 1;
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
		printf("folio %s\n", FOLIO_VERSION);
		return 0;
	}
	c->command = argv[i++];
	if (strcmp(c->command, "build") != 0 && strcmp(c->command, "check") != 0 &&
	    strcmp(c->command, "handouts") != 0) {
		fprintf(stderr, "folio: unknown command '%s'\n%s", c->command, usage);
		return 2;
	}
	bool have_dir = false;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (++i >= argc) {
				fprintf(stderr, "folio: %s needs a folder\n", a);
				return 2;
			}
			c->out_dir = argv[i];
		} else if (strcmp(a, "--pdf") == 0) {
			c->pdf = true;
		} else if (strcmp(a, "--epub") == 0) {
			c->epub = true;
		} else if (strcmp(a, "--strict") == 0) {
			c->strict = true;
		} else if (strcmp(a, "--duplex") == 0) {
			c->opts.duplex = true;
		} else if (strcmp(a, "--paper") == 0) {
			if (++i >= argc || (strcmp(argv[i], "a4") != 0 && strcmp(argv[i], "letter") != 0)) {
				fputs("folio: --paper takes a4 or letter\n", stderr);
				return 2;
			}
			c->opts.paper = argv[i];
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

static long long source_date(const struct book *b)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (s && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!errno && !*end && v >= 0 && v < 253402300800LL)
			return v;
		fprintf(stderr, "folio: warning: SOURCE_DATE_EPOCH '%s' is not a date; ignored\n", s);
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

static int make_dir(const char *dir, struct diag_list *d)
{
	char tmp[PATH_MAX];
	if (!*dir) {
		diag_fatal(d, NULL, "the output folder name is empty");
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) {
		diag_fatal(d, dir, "output path too long");
		return -1;
	}
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
			diag_fatal(d, tmp, "cannot create output folder: %s", strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
		diag_fatal(d, dir, "cannot create output folder: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_fatal(d, dir, "output path is not a folder");
		return -1;
	}
	if (access(dir, W_OK) != 0) {
		diag_fatal(d, dir, "output folder is not writable: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The output files' name: the book's identifier made safe as one file
 * name.  The identifier may come from folio.ini, so it may hold '/' or
 * "..", which must not place a file outside the output folder, and it may
 * be long or empty.  Keeps letters (any script), digits, '-', '_' and '.';
 * anything else becomes '-'; no leading '.' or '-'; at most 100 bytes, cut on a
 * character boundary; "book" if nothing is left.
 */
static const char *output_stem(struct arena *a, const char *id)
{
	char out[101];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)id; *p && o < sizeof out - 1;) {
		if (*p >= 0x80) {
			uint32_t cp;
			int n = utf8_decode((const char *)p, strlen((const char *)p), &cp);
			if (cp != 0xFFFD && o + (size_t)n <= sizeof out - 1) {
				memcpy(out + o, p, (size_t)n);
				o += (size_t)n;
			} else if (cp == 0xFFFD) {
				out[o++] = '-';
			} else {
				break;
			}
			p += n;
			continue;
		}
		char c = (char)*p++;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || ((c == '-' || c == '.') && o > 0);
		if (keep)
			out[o++] = c;
		else if (o > 0)
			out[o++] = '-';
	}
	out[o] = '\0';
	return arena_strdup(a, o ? out : "book");
}

/* An output file's path must not name a folder (or anything but a file):
 * say so plainly rather than leave it to a writer's library. */
static int check_output_file(const char *path, struct diag_list *d)
{
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		diag_fatal(d, path, "cannot write here: %s", S_ISDIR(st.st_mode)
				    ? "it is a folder" : "it is not a regular file");
		return -1;
	}
	return 0;
}

static void human_size(long long bytes, char *out, size_t n)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, n, "%lld KB", (bytes + 1023) / 1024);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * PDF + EPUB on both cores.  The EPUB needs only the print edition's
 * pagination, known as soon as pdf_write_ex() has laid the book out; from
 * there the EPUB is written on a second thread while this one draws and
 * saves the PDF.  The EPUB thread sees a shallow copy of the book with its
 * own diag list and arena (the model is read-only to the writers); its
 * diagnostics are appended after the PDF's once it is joined, so the output
 * and the diagnostics are those of a single-threaded build.
 */
struct epub_job {
	struct cli *c;
	const char *path;
	struct diag_list *main_diags; /* the build's (read on this thread only) */
	struct book eb; /* the book, with diags/arena below */
	struct diag_list diags;
	struct arena arena;
	struct pagination pages;
	pthread_t thread;
	bool started;
	int rc;
};

static void *epub_thread(void *arg)
{
	struct epub_job *j = arg;
	j->rc = epub_write(&j->eb, &j->c->opts, &j->pages, j->path);
	return NULL;
}

static void on_paginated(void *ctx, const struct pagination *p)
{
	struct epub_job *j = ctx;
	/* The sequential path's conditions: no failure so far, and the EPUB's
	 * own path is writable (its diagnostic goes to the EPUB's list). */
	if (j->started || !p || j->main_diags->nfatal || !threads_allowed())
		return; /* written after the PDF, on this thread */
	j->pages.marks = malloc(((size_t)p->nmarks + 1) * sizeof *p->marks);
	if (!j->pages.marks)
		return;
	memcpy(j->pages.marks, p->marks, (size_t)p->nmarks * sizeof *p->marks);
	j->pages.nmarks = p->nmarks;
	if (check_output_file(j->path, &j->diags) != 0)
		return; /* told after the PDF's diagnostics; no EPUB */
	if (pthread_create(&j->thread, NULL, epub_thread, j) == 0)
		j->started = true;
}

static int run(struct cli *c)
{
	double t0 = now_seconds();
	stage_time("start");
	struct arena arena;
	arena_init(&arena);
	struct diag_list diags = {0};
	struct book *book = NULL;
	struct buf summary = BUF_INIT;
	int status = 0;

	if (book_load(&book, c->book_dir, &arena, &diags) == 0) {
		stage_time("load+parse");
		resolve(book);
		resources_collect(book);
		stage_time("resolve");
		c->opts.source_date = source_date(book);
		c->opts.data_dir = find_data_dir(&arena);
		bool building = strcmp(c->command, "build") == 0;
		if (building && make_dir(c->out_dir, &diags) == 0) {
			const char *stem = output_stem(&arena, book->meta.identifier);
			struct artifact arts[2];
			int nart = 0;
			const char *epub_path = arena_printf(&arena, "%s/%s.epub", c->out_dir, stem);
			struct epub_job job = {.c = c, .path = epub_path, .main_diags = &diags};
			bool epub_done = false;
			if (c->pdf) {
				const char *path = arena_printf(&arena, "%s/%s.pdf", c->out_dir, stem);
				int pages = 0;
				struct stat st;
				if (c->epub) {
					job.eb = *book;
					job.eb.diags = &job.diags;
					job.eb.arena = &job.arena;
					arena_init(&job.arena);
				}
				if (check_output_file(path, &diags) == 0 &&
				    pdf_write_ex(book, &c->opts, path, &pages,
						 c->epub ? on_paginated : NULL, &job) == 0 &&
				    stat(path, &st) == 0) {
					char sz[32];
					human_size((long long)st.st_size, sz, sizeof sz);
					buf_printf(&summary, "%s (%d pages, %s)", path, pages, sz);
					arts[nart++] = (struct artifact){path, "pdf", pages};
				}
				if (c->epub) {
					if (job.started)
						pthread_join(job.thread, NULL);
					stage_time("epub wait");
					/* started, or told why not (its output file) */
					epub_done = job.started || job.diags.n;
					diag_append(&diags, &job.diags);
					if (job.started && job.rc == 0 && stat(epub_path, &st) == 0) {
						char sz[32];
						human_size((long long)st.st_size, sz, sizeof sz);
						buf_printf(&summary, "%s%s (%s)", summary.len ? " and " : "",
							   epub_path, sz);
						arts[nart++] = (struct artifact){epub_path, "epub", 0};
					}
					pagination_free(&job.pages);
					arena_free(&job.arena);
				}
			}
			if (c->epub && !epub_done && !diags.nfatal) {
				const char *path = epub_path;
				struct stat st;
				/* the print edition's pages for the EPUB's page-list,
				 * the same whether or not the PDF is written */
				struct pagination pages = {0};
				bool paged = pdf_paginate(book, &c->opts, &pages) == 0;
				if (check_output_file(path, &diags) == 0 &&
				    epub_write(book, &c->opts, paged ? &pages : NULL, path) == 0 &&
				    stat(path, &st) == 0) {
					char sz[32];
					human_size((long long)st.st_size, sz, sizeof sz);
					buf_printf(&summary, "%s%s (%s)", summary.len ? " and " : "", path, sz);
					arts[nart++] = (struct artifact){path, "epub", 0};
				}
				pagination_free(&pages);
			}
			if (nart && !diags.nfatal)
				manifest_write(book, &c->opts, c->out_dir, arts, nart, FOLIO_VERSION);
			stage_time("manifest");
		}
		if (strcmp(c->command, "handouts") == 0) {
			/* One PDF per module in OUT_DIR/handouts/ (pdf.h). */
			const char *dir = arena_printf(&arena, "%s/handouts", c->out_dir);
			struct artifact *arts = NULL;
			int nart = 0;
			if (make_dir(dir, &diags) == 0 &&
			    pdf_write_handouts(book, &c->opts, dir, &arts, &nart) == 0 && nart) {
				buf_printf(&summary, "%d handout%s in %s", nart, nart == 1 ? "" : "s", dir);
				/* The handouts' own manifest, beside them, so it never
				 * replaces the book's in OUT_DIR. */
				if (!diags.nfatal)
					manifest_write(book, &c->opts, dir, arts, nart, FOLIO_VERSION);
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
		const char *what = summary.len ? summary.data : "checked";
		printf("folio: %s%s: %d chapter%s, %d warning%s, %d error%s in %.2f s\n",
		       strcmp(c->command, "check") != 0 ? "wrote " : "", what, book->nchapters,
		       book->nchapters == 1 ? "" : "s", diags.nwarn, diags.nwarn == 1 ? "" : "s",
		       diags.nerr, diags.nerr == 1 ? "" : "s", dt);
		if (status == 1 && c->strict && !diags.nerr)
			printf("folio: --strict: warnings count as errors\n");
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
