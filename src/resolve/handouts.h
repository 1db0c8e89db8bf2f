/*
 * handouts.h - the book's modules, for instructor handouts (issue 8).
 *
 * A module is a chapter that opens one (its "page") and every chapter
 * after it in reading order before the next module's page.  The pages are
 * those listed in folio.ini's [handouts] modules, else the top-level
 * chapters the root page links directly, in reading order: a linked
 * chapter inside another linked one (an mdBook sub-chapter, or a file in
 * the folder of a linked index.md / README.md) is part of that one's
 * module; chapters before the first module (the root page) are in none,
 * and so are chapters at the end of the reading order outside the last
 * module's folder when its page is a folder's index page the root page
 * links (an appendix the modules link to).  An mdBook book's modules come
 * from SUMMARY.md: one per part title, else one per top-level chapter
 * with its sub-chapters; its prefix chapters open the first module.
 * folio.ini's paths are relative to the book folder (where folio.ini is).
 */
#ifndef FOLIO_HANDOUTS_H
#define FOLIO_HANDOUTS_H

#include "base/run.h"
#include "model/model.h"

/* At most this many handouts in one run: a book of 10,000 one-line
 * chapters would otherwise write 10,000 PDFs (issue 25 D7). */
#define HANDOUTS_MAX 500

struct module {
	int number;              /* 1-based, in reading order */
	const struct chapter *page; /* the chapter that opens it */
	int first, end;          /* its chapters: book->chapters[first..end) */
	const char *title;       /* the page's title without "Module N:" */
	const char *file;        /* "module3-compiler-internals.pdf" */
};

/* Finds the modules of book.  *out (run->arena) gets them in order, *n
 * their count (0 if the book has none).  Paths in folio.ini that name no
 * chapter are warnings naming the file and line. */
void handouts_modules(struct run *run, const struct book *book, struct module **out,
		      int *n);

/* The module holding chapter index ci, or NULL. */
const struct module *handouts_module_of(const struct module *mods, int n, int ci);

#endif
