/*
 * build.c - the build and handouts pipelines (build.h).
 */
#include "app/build.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/manifest.h"
#include "base/version.h"
#include "base/base.h"
#include "base/util.h"
#include "epub/epub.h"
#include "pdf/pdf.h"
#include "print/typeset.h"
#include "resolve/generate.h"
#include "resolve/handouts.h"

/* Whether name is a temporary file folio writes beside an artifact:
 * "X.tmp-XXXXXX" (base/util.h) for a PDF, SHA256SUMS or build.json, or
 * "X.epub.XXXXXX" (the EPUB writer), with mkstemp's six characters. */
static bool temp_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 7)
		return false;
	for (size_t i = n - 6; i < n; i++)
		if (!isalnum((unsigned char)name[i]))
			return false;
	size_t stem = n - 6;
	if (stem >= 5 && memcmp(name + stem - 5, ".tmp-", 5) == 0) {
		stem -= 5;
		static const char *const kinds[] = {".pdf", "SHA256SUMS", "build.json"};
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
			size_t kl = strlen(kinds[k]);
			if (stem >= kl && memcmp(name + stem - kl, kinds[k], kl) == 0)
				return true;
		}
		return false;
	}
	return stem >= 6 && memcmp(name + stem - 6, ".epub.", 6) == 0;
}

/* Temporary files an earlier build left in dir (killed, or out of
 * memory, before it renamed them): regular files only, never a link. */
static void remove_stale_temps(const char *dir, struct diag_list *d)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		struct stat st;
		if (!temp_name(e->d_name) ||
		    fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(dp), e->d_name, 0) == 0)
			n++;
	}
	closedir(dp);
	if (n)
		diag_add(d, DIAG_NOTE, dir, 0, 0, "removed %d temporary file%s an earlier "
			 "build left", n, n == 1 ? "" : "s");
}

static int build_lock_dir(const char *dir, struct diag_list *d)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag_fatal(d, dir, "cannot open the output folder: %s", strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			diag_fatal(d, dir, "another folio build is writing into this folder; "
				   "run one build per output folder at a time");
		else
			diag_fatal(d, dir, "cannot lock the output folder: %s", strerror(e));
		return -1;
	}
	remove_stale_temps(dir, d);
	return fd;
}

int build_make_dir(const char *dir, struct diag_list *d)
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

/* Appends "PATH (N pages, SIZE)" (pages > 0) or "PATH (SIZE)" to the
 * summary, joined by " and ". */
static void summarize(struct buf *summary, const char *path, int pages)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	char sz[32];
	human_size((long long)st.st_size, sz, sizeof sz);
	if (pages > 0)
		buf_printf(summary, "%s (%d pages, %s)", path, pages, sz);
	else
		buf_printf(summary, "%s%s (%s)", summary->len ? " and " : "", path, sz);
}

/*
 * PDF + EPUB on both cores.  The EPUB needs only the edition's
 * pagination: it is written on a second thread while this one draws and
 * saves the PDF, with a run of its own (arena, diagnostics; the book and
 * the pagination are only read) whose diagnostics are appended after the
 * PDF's once it is joined, so output and diagnostics are those of a
 * one-thread build.
 */
struct epub_job {
	struct run run;          /* the EPUB's own */
	struct arena arena;
	struct diag_list diags;
	const struct book *book;
	const struct pagination *pages;
	const char *path;
	pthread_t thread;
	bool started;
	int rc;
};

static void *epub_thread(void *arg)
{
	struct epub_job *j = arg;
	j->rc = epub_write(&j->run, j->book, j->pages, j->path);
	return NULL;
}

/* Starts the EPUB beside the PDF when it may: no failure so far, a second
 * thread allowed, and the EPUB's own path writable (else that is told
 * after the PDF's diagnostics, and there is no EPUB). */
static void epub_start(struct epub_job *j, struct run *run)
{
	if (run->diags->nfatal || !threads_allowed())
		return;
	j->run = (struct run){&j->arena, &j->diags, run->opts, NULL};
	arena_init(&j->arena);
	if (check_output_file(j->path, &j->diags) != 0)
		return;
	if (pthread_create(&j->thread, NULL, epub_thread, j) == 0)
		j->started = true;
}

/* Waits for the EPUB thread; returns whether the EPUB was dealt with (written,
 * or told why not). */
static bool epub_join(struct epub_job *j, struct run *run)
{
	if (!j->run.arena)
		return false;
	if (j->started)
		pthread_join(j->thread, NULL);
	run_stage(run, "epub wait");
	bool done = j->started || j->diags.n;
	diag_append(run->diags, &j->diags);
	diag_list_free(&j->diags);
	arena_free(&j->arena);
	return done;
}

/* The first fatal diagnostic's message in d (copied into a), or "out of
 * memory". */
static const char *fatal_why(struct arena *a, const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_FATAL)
			return arena_strdup(a, d->v[i].msg);
	return "out of memory";
}

/*
 * A book's own print.ini, beside its chapters (beside book.toml for an
 * mdBook), read over the shared style: only the keys it sets change, so
 * an instructor need not copy fonts/ and styles/.  Its [fonts] name files
 * of the shared fonts/ folder.  A regular file only, never a symlink
 * (which could lead out of the book folder).
 */
static int book_style(struct run *run, const struct book *book, struct print_style *st,
		      struct diag_list *d, const char **why)
{
	const char *own = arena_printf(run->arena, "%sprint.ini", book->display_dir);
	struct stat sb;
	if (lstat(own, &sb) != 0)
		return 0;
	if (!S_ISREG(sb.st_mode)) {
		diag_warn(d, own, 0, 0, "not a regular file; the book's own style is not read");
		return 0;
	}
	if (style_load(st, own, run->opts->paper, d) != 0 && d->nfatal) {
		*why = fatal_why(run->arena, d);
		style_defaults(st);
		return -1;
	}
	return 0;
}

/* Two-sided printing needs a binding gutter: when the style leaves the
 * inner and outer margins equal (it chose none), duplex moves 5 mm of
 * the outer margin to the inner one - the text block keeps its width, so
 * the lines break as one-sided. */
static void duplex_gutter(struct print_style *st, const struct build_opts *opts)
{
	const double mm = 72.0 / 25.4;
	if (!opts->duplex || fabs(st->margin_inner - st->margin_outer) > 0.5 ||
	    st->margin_outer < 15 * mm)
		return;
	st->margin_inner += 5 * mm;
	st->margin_outer -= 5 * mm;
}

int build_prepare(struct run *run, struct book *book, struct print_style *st,
		  bool report, const char **why)
{
	const struct build_opts *opts = run->opts;
	struct diag_list quiet = {0};
	struct diag_list *d = report ? run->diags : &quiet;
	const char *path = opts->style_file ? opts->style_file
		: arena_printf(run->arena, "%s/styles/print.ini",
			       opts->data_dir ? opts->data_dir : ".");
	int rc = 0;
	style_defaults(st);
	if (style_load(st, path, opts->paper, d) != 0 && d->nfatal) {
		*why = fatal_why(run->arena, d);
		style_defaults(st);
		rc = -1;
	}
	if (rc == 0)
		rc = book_style(run, book, st, d, why);
	if (rc == 0)
		duplex_gutter(st, opts);
	diag_list_free(&quiet);
	book->link_refs = st->link_refs;
	struct generate_titles titles = {st->contents_title, st->resources_title,
					 st->resources_author};
	generate_pages(run, book, &titles);
	return rc;
}

/* The print edition for an EPUB written without the PDF: what the
 * layout finds to say concerns the print edition, which a build of the
 * PDF reports; here it is kept apart, and only a failure is told.
 * Returns NULL then (the EPUB has no print page numbers). */
static struct edition *pages_only(struct run *run, const struct book *book,
				  const struct print_style *st, const char *style_why)
{
	struct diag_list quiet = {0};
	struct run q = *run;
	q.diags = &quiet;
	struct edition *ed = NULL;
	const char *why = style_why;
	if (st && typeset_book(&ed, &q, book, st, TYPESET_PAGES) != 0)
		why = fatal_why(run->arena, &quiet);
	if (!ed)
		diag_warn(run->diags, NULL, 0, 0,
			  "the print edition could not be laid out (%s): the EPUB "
			  "has no print page numbers", why);
	diag_list_free(&quiet);
	return ed;
}

/*
 * The print edition an artifact follows: its paper and sides.  Files of
 * the default edition (A4, one-sided) keep the plain names; any other
 * edition is named in them ("book-letter.pdf", "book-a4-duplex.epub"), so
 * that A4 and Letter builds into one folder do not replace each other.
 */
static struct manifest_edition edition_of(struct arena *a, const struct print_style *st,
					  const struct build_opts *o)
{
	const char *paper = st && st->paper[0] ? st->paper : o->paper ? o->paper : "a4";
	paper = arena_strdup(a, paper);
	return (struct manifest_edition){
		arena_printf(a, "%s%s", paper, o->duplex ? "-duplex" : ""), paper, o->duplex};
}

static const char *edition_suffix(struct arena *a, const struct manifest_edition *ed)
{
	return strcmp(ed->name, "a4") == 0 ? "" : arena_printf(a, "-%s", ed->name);
}

static bool written_now(const struct artifact *arts, int nart, const char *name)
{
	for (int i = 0; i < nart; i++) {
		const char *s = strrchr(arts[i].path, '/');
		if (strcmp(s ? s + 1 : arts[i].path, name) == 0)
			return true;
	}
	return false;
}

/*
 * SHA256SUMS and build.json for what this build wrote into dir, after
 * settling what an earlier build left there, as its build.json lists it
 * (and nothing else): an artifact of this edition that this build did
 * not write again (an EPUB after `--pdf`, a module that is gone) is
 * removed, so that an upload of the whole folder ships only what the manifest vouches
 * for; one of another edition stays, and is listed again with its own
 * edition and a fresh checksum.
 */
static void build_finish(struct run *run, const struct book *book, const char *dir,
			 const struct artifact *arts, int nart,
			 const struct manifest_edition *ed, struct buf *summary)
{
	struct arena *a = run->arena;
	struct artifact *prev;
	int np;
	manifest_previous(a, dir, &prev, &np);
	struct artifact *all = arena_calloc(a, (size_t)(nart + np) + 1, sizeof *all);
	memcpy(all, arts, (size_t)nart * sizeof *all);
	int n = nart;
	for (int i = 0; i < np; i++) {
		if (written_now(arts, nart, prev[i].path))
			continue;
		const char *path = arena_printf(a, "%s/%s", dir, prev[i].path);
		struct stat st;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (prev[i].edition && strcmp(prev[i].edition, ed->name) != 0) {
			all[n] = prev[i];
			all[n++].path = path;
		} else if (unlink(path) == 0) {
			buf_printf(summary, "%sremoved %s (from an earlier build)",
				   summary->len ? "; " : "", path);
		} else {
			diag_warn(run->diags, path, 0, 0, "cannot remove this artifact of an "
				  "earlier build: %s", strerror(errno));
		}
	}
	manifest_write(run, book, dir, all, n, FOLIO_VERSION, ed);
}

void build_book(struct run *run, const struct book *book, const struct print_style *st,
		const char *style_why, const char *out_dir, bool pdf, bool epub,
		struct buf *summary)
{
	struct arena *a = run->arena;
	struct diag_list *d = run->diags;
	if (build_make_dir(out_dir, d) != 0)
		return;
	int lock = build_lock_dir(out_dir, d);
	if (lock < 0)
		return;
	const char *stem = output_stem(a, book->meta.identifier);
	struct manifest_edition edn = edition_of(a, st, run->opts);
	const char *sfx = edition_suffix(a, &edn);
	const char *pdf_path = arena_printf(a, "%s/%s%s.pdf", out_dir, stem, sfx);
	const char *epub_path = arena_printf(a, "%s/%s%s.epub", out_dir, stem, sfx);
	struct artifact arts[2];
	int nart = 0;
	struct edition *ed = NULL;
	bool epub_done = false;

	if (pdf && st && check_output_file(pdf_path, d) == 0) {
		if (typeset_book(&ed, run, book, st, TYPESET_DRAW) != 0) {
			if (!d->nfatal)
				diag_fatal(d, pdf_path, "PDF not written");
		} else {
			ed->pages.edition = edn.name;
			struct epub_job job = {.book = book, .pages = &ed->pages,
					       .path = epub_path};
			if (epub)
				epub_start(&job, run);
			int pages = 0;
			if (pdf_write(run, book, ed, pdf_path, &pages) == 0) {
				summarize(summary, pdf_path, pages);
				arts[nart++] = (struct artifact){pdf_path, "pdf", pages, edn.name};
			}
			epub_done = epub_join(&job, run);
			if (job.started && job.rc == 0) {
				summarize(summary, epub_path, 0);
				arts[nart++] = (struct artifact){epub_path, "epub", 0, edn.name};
			}
		}
	}
	if (epub && !epub_done && !d->nfatal) {
		/* the print edition's pages for the EPUB's page-list, the
		 * same whether or not the PDF is written */
		if (!ed)
			ed = pages_only(run, book, st, style_why);
		if (ed)
			ed->pages.edition = edn.name;
		if (check_output_file(epub_path, d) == 0 &&
		    epub_write(run, book, ed ? &ed->pages : NULL, epub_path) == 0) {
			summarize(summary, epub_path, 0);
			arts[nart++] = (struct artifact){epub_path, "epub", 0, edn.name};
		}
	}
	edition_free(ed);
	if (nart && !d->nfatal)
		build_finish(run, book, out_dir, arts, nart, &edn, summary);
	close(lock);
	run_stage(run, "manifest");
}

void build_check(struct run *run, const struct book *book, const struct print_style *st)
{
	struct edition *ed = NULL;
	if (typeset_book(&ed, run, book, st, TYPESET_PAGES) == 0)
		edition_free(ed);
	run_stage(run, "layout");
}

static void build_handout_pdfs(struct run *run, const struct book *book,
			       const struct print_style *st, const char *dir,
			       const struct module *mods, int n, struct buf *summary);

void build_handouts(struct run *run, const struct book *book, const struct print_style *st,
		    const char *out_dir, struct buf *summary)
{
	struct diag_list *d = run->diags;
	const char *dir = arena_printf(run->arena, "%s/handouts", out_dir);
	struct module *mods;
	int n;
	handouts_modules(run, book, &mods, &n);
	if (n == 0) {
		/* An error, not a warning: the command's whole output is
		 * missing, and no empty folder is left to look like one. */
		diag_error(d, book->root ? book->root->display_path : NULL, 0, 0,
			   "no handouts written: the book has no modules (the root page "
			   "links no chapter; list them in folio.ini: [handouts] modules = ...)");
		return;
	}
	if (n > HANDOUTS_MAX) {
		diag_error(d, book->root ? book->root->display_path : NULL, 1, 1,
			   "%d modules, more than the %d handouts folio writes in one run: "
			   "list the modules you want in folio.ini ([handouts] modules = ...)",
			   n, HANDOUTS_MAX);
		return;
	}
	if (build_make_dir(dir, d) != 0)
		return;
	int lock = build_lock_dir(dir, d);
	if (lock < 0)
		return;
	build_handout_pdfs(run, book, st, dir, mods, n, summary);
	close(lock);
}

/* The handouts of modules mods[0..n) into dir (locked), their manifest
 * beside them. */
static void build_handout_pdfs(struct run *run, const struct book *book,
			       const struct print_style *st, const char *dir,
			       const struct module *mods, int n, struct buf *summary)
{
	struct diag_list *d = run->diags;
	struct artifact *arts = arena_calloc(run->arena, (size_t)n, sizeof *arts);
	int nart = 0;
	struct manifest_edition edn = edition_of(run->arena, st, run->opts);
	const char *sfx = edition_suffix(run->arena, &edn);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(mods[i].file);
		if (len > 4 && strcmp(mods[i].file + len - 4, ".pdf") == 0)
			len -= 4;
		const char *path = arena_printf(run->arena, "%s/%.*s%s.pdf", dir, (int)len,
						mods[i].file, sfx);
		struct edition *ed = NULL;
		int pages = 0;
		if (typeset_module(&ed, run, book, st, mods, n, &mods[i]) != 0) {
			if (!d->nfatal)
				diag_fatal(d, path, "PDF not written");
			return;
		}
		int rc = pdf_write(run, book, ed, path, &pages);
		edition_free(ed);
		if (rc != 0)
			return;
		arts[nart++] = (struct artifact){path, "handout", pages, edn.name};
	}
	buf_printf(summary, "%d handout%s in %s", nart, nart == 1 ? "" : "s", dir);
	/* The handouts' own manifest, beside them, so it never replaces the
	 * book's in OUT_DIR. */
	if (!d->nfatal)
		build_finish(run, book, dir, arts, nart, &edn, summary);
}
