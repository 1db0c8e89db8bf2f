/*
 * fuzz_chapter.c - arbitrary bytes through folio's whole pipeline, as
 * `folio build` runs it: book_load -> resolve -> resources_collect ->
 * build_prepare (style, generated pages) -> typeset_book -> pdf_write and
 * epub_write (with the print pagination).
 *
 * The input becomes a small book in a private temporary folder.  Plain
 * input is the root page, index.md, beside fixed neighbours to link to
 * (other.md with headings, sub/deep.md, pic.png, pic.svg, a folio.ini).
 * Input that starts with a line "%%% NAME" is split into files instead,
 * one per such line, NAME one of those below; so the fuzzer can also
 * reach folio.ini, mdBook's book.toml and SUMMARY.md, and the print style:
 *
 *     %%% folio.ini        %%% book.toml       %%% src/SUMMARY.md
 *     %%% index.md         %%% other.md        %%% src/a.md
 *     %%% print.ini        (the print style, given as opts.style_file)
 *
 * Built two ways: by mk/fuzz.mk with clang -fsanitize=fuzzer (libFuzzer
 * supplies main), and into tests/unit/test_hostile.c, whose plain main()
 * runs every file of tests/fuzz/corpus through LLVMFuzzerTestOneInput
 * as a regression test (gcc; no clang needed).
 *
 * Environment: FOLIO_DATA_DIR (fonts/, styles/; default: the current
 * folder, the repository root), FUZZ_VERBOSE=1 prints the diagnostics.
 */
#include "app/build.h"
#include "load/book.h"
#include "epub/epub.h"
#include "model/model.h"
#include "base/options.h"
#include "model/pagination.h"
#include "pdf/pdf.h"
#include "print/typeset.h"
#include "resolve/resolve.h"
#include "resolve/resources.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_root[4096]; /* the private folder: book/ and out/ in it */

/* A whole PNG (16x8 RGB) and a harmless SVG for links to find. */
static const unsigned char fuzz_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00,
	0x00, 0x7f, 0x14, 0xe8, 0xc0, 0x00, 0x00, 0x00, 0x0e, 0x49, 0x44, 0x41, 0x54, 0x78,
	0xda, 0x63, 0x60, 0x18, 0x05, 0x83, 0x01, 0x00, 0x00, 0x01, 0x88, 0x00, 0x01, 0xef,
	0x09, 0xe2, 0x27, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
	0x82};

static const char fuzz_svg[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\">"
	"<rect width=\"20\" height=\"10\"/></svg>\n";

static const char fuzz_other[] =
	"# Other page\n\n## Section one\n\nText with a footnote[^a].\n\n"
	"[^a]: The note.\n\n## Section one\n\nBack to [the start](index.md) and "
	"[deeper](sub/deep.md#deep).\n";

static const char fuzz_deep[] = "# Deep\n\n![a picture](../pic.png)\n";

/* The print style when the input brings none: every role in one small
 * font, since loading and embedding nine TrueType files costs about 60
 * ms a run (libharu), which would make fuzzing ten times slower.  The
 * corpus's multi-style seed brings the real styles/print.ini. */
static const char fuzz_style[] =
	"[fonts]\nserif = DejaVuSansMono.ttf\nserif-bold = DejaVuSansMono.ttf\n"
	"serif-italic = DejaVuSansMono.ttf\nserif-bold-italic = DejaVuSansMono.ttf\n"
	"sans = DejaVuSansMono.ttf\nsans-bold = DejaVuSansMono.ttf\nmono = DejaVuSansMono.ttf\n"
	"mono-bold = DejaVuSansMono.ttf\nfallback = DejaVuSansMono.ttf\n";

static const char fuzz_ini[] =
	"[book]\ntitle = Fuzz\nauthors = Folio Fuzzer\nlanguage = en\nidentifier = fuzz\n"
	"[external]\n../outside.md = A page elsewhere\n";

/* The names an input may give its parts, and where they go. */
static const char *const fuzz_names[] = {
	"folio.ini", "book.toml", "src/SUMMARY.md", "index.md", "other.md", "src/a.md", "print.ini",
};

static int fuzz_write(const char *rel, const void *p, size_t n)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", fuzz_root, rel);
	/* parent folders */
	for (char *s = path + strlen(fuzz_root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = n ? fwrite(p, 1, n, f) : 0;
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static int fuzz_unlink_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Empties the book folder and the output folder. */
static void fuzz_clean(void)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/book", fuzz_root);
	nftw(path, fuzz_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof path, "%s/out", fuzz_root);
	nftw(path, fuzz_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fuzz_remove_root(void)
{
	if (fuzz_root[0])
		nftw(fuzz_root, fuzz_unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int fuzz_setup(void)
{
	if (fuzz_root[0])
		return 0;
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_root, sizeof fuzz_root, "%s/folio-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_root)) {
		perror("fuzz_chapter: mkdtemp");
		abort();
	}
	atexit(fuzz_remove_root);
	return 0;
}

/* The length of a "%%% NAME" line's NAME if data[0..n) starts with one of
 * the known names; sets *which. */
static size_t fuzz_header(const uint8_t *d, size_t n, int *which)
{
	if (n < 4 || memcmp(d, "%%% ", 4) != 0)
		return 0;
	for (int i = 0; i < (int)(sizeof fuzz_names / sizeof *fuzz_names); i++) {
		size_t l = strlen(fuzz_names[i]);
		if (n >= 4 + l && memcmp(d + 4, fuzz_names[i], l) == 0 &&
		    (n == 4 + l || d[4 + l] == '\n')) {
			*which = i;
			return l;
		}
	}
	return 0;
}

/* Writes the book for one input; returns whether a print style was given. */
static bool fuzz_book(const uint8_t *data, size_t size)
{
	bool style = false;
	bool have[sizeof fuzz_names / sizeof *fuzz_names] = {0};
	int which;
	if (!fuzz_header(data, size, &which)) {
		fuzz_write("book/index.md", data, size);
		have[3] = true;
	} else {
		size_t i = 0;
		while (i < size) {
			size_t l = fuzz_header(data + i, size - i, &which);
			size_t start = i + 4 + l + (i + 4 + l < size ? 1 : 0);
			/* the part runs to the next header line */
			size_t end = start;
			while (end < size) {
				int w2;
				if ((end == start || data[end - 1] == '\n') &&
				    fuzz_header(data + end, size - end, &w2))
					break;
				end++;
			}
			char rel[64];
			if (which == 6) {
				snprintf(rel, sizeof rel, "print.ini");
				style = true;
			} else {
				snprintf(rel, sizeof rel, "book/%s", fuzz_names[which]);
			}
			fuzz_write(rel, data + start, end - start);
			have[which] = true;
			i = end;
		}
	}
	if (!have[0] && !have[1])
		fuzz_write("book/folio.ini", fuzz_ini, sizeof fuzz_ini - 1);
	if (!have[4])
		fuzz_write("book/other.md", fuzz_other, sizeof fuzz_other - 1);
	fuzz_write("book/sub/deep.md", fuzz_deep, sizeof fuzz_deep - 1);
	fuzz_write("book/pic.png", fuzz_png, sizeof fuzz_png);
	fuzz_write("book/pic.svg", fuzz_svg, sizeof fuzz_svg - 1);
	if (!style)
		fuzz_write("print.ini", fuzz_style, sizeof fuzz_style - 1);
	if (have[2] && !have[5])
		fuzz_write("book/src/a.md", "# A\n\nChapter a.\n", 16);
	return style;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_clean();
	fuzz_book(data, size);

	char dir[4200], out[4200], pdf[4300], epub[4300], style_path[4200];
	snprintf(dir, sizeof dir, "%s/book", fuzz_root);
	snprintf(out, sizeof out, "%s/out", fuzz_root);
	snprintf(pdf, sizeof pdf, "%s/fuzz.pdf", out);
	snprintf(epub, sizeof epub, "%s/fuzz.epub", out);
	snprintf(style_path, sizeof style_path, "%s/print.ini", fuzz_root);
	mkdir(out, 0755);

	struct arena arena;
	arena_init(&arena);
	struct diag_list diags = {0};
	struct book *book = NULL;
	struct run run = {&arena, &diags, NULL, NULL};
	if (book_load(&book, &run, dir) == 0) {
		resolve(&run, book);
		resources_collect(&run, book);
		const char *data_dir = getenv("FOLIO_DATA_DIR");
		struct build_opts opts = {0};
		opts.data_dir = data_dir && *data_dir ? data_dir : ".";
		opts.style_file = style_path;
		opts.source_date = 946684800LL;
		run.opts = &opts;
		struct print_style st;
		const char *why = NULL;
		struct edition *ed = NULL;
		int npages = 0;
		bool paged = build_prepare(&run, book, &st, true, &why) == 0 &&
			     typeset_book(&ed, &run, book, &st, TYPESET_DRAW) == 0;
		/* the pagination is read by the EPUB before the PDF is drawn
		 * (drawing consumes the pages' items, not the marks) */
		epub_write(&run, book, paged ? &ed->pages : NULL, epub);
		if (paged)
			pdf_write(&run, book, ed, pdf, &npages);
		edition_free(ed);
	}
	if (getenv("FUZZ_VERBOSE"))
		diag_print(&diags, stderr);
	diag_list_free(&diags);
	arena_free(&arena);
	return 0;
}
