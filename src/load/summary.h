/*
 * summary.h - reading an mdBook SUMMARY.md into an outline.
 *
 * SUMMARY.md is read the way mdBook reads it:
 *
 *   # Summary                  optional title (the first block), ignored
 *   [Preface](preface.md)      prefix chapters: links in paragraphs before
 *                              the first list or part title; unnumbered
 *   ---                        a separator (anywhere)
 *   # Part One                 a part title
 *   - [Intro](intro.md)        numbered chapters "1.", nested lists give
 *     - [Setup](setup.md)      "1.1." ...; numbers run on across parts
 *     - [Later]()              a draft: listed and numbered, no page
 *   [Appendix](appendix.md)    suffix chapters: paragraphs after the
 *                              numbered section; unnumbered
 *
 * Where mdBook would refuse the file (a list after the suffix chapters, a
 * list item without a link ...) folio warns and keeps whatever it can, so
 * no chapter is lost.
 */
#ifndef FOLIO_SUMMARY_H
#define FOLIO_SUMMARY_H

#include "base/run.h"
#include "model/model.h"

/* One line of the outline.  kind, title, number, depth and parent mean
 * what they mean in struct toc_entry; path is the chapter file (relative
 * to the book folder, normalised) for TOC_CHAPTER, or NULL. */
struct summary_item {
	enum toc_kind kind;
	const char *title;
	const char *path;
	const char *url;    /* the link as written, or NULL */
	const char *number;
	int depth;
	int parent;     /* index of the enclosing item, or -1 */
	int line, col;  /* where SUMMARY.md names it */
	const char *content; /* the chapter's text, given (mdBook's
				RenderContext), or NULL: read path */
	size_t content_len;
};

struct summary {
	const char *path;         /* SUMMARY.md, relative to the book folder */
	const char *display_path; /* as shown in diagnostics */
	struct summary_item *items;
	int nitems;
};

/* Reads src_dir/SUMMARY.md (src_dir relative to the book folder, "" for
 * the book folder itself).  Returns 0 and fills *out (arena memory), or -1
 * if the file cannot be read (nothing recorded).  Problems in the file are
 * warnings at SUMMARY.md's line:col; an entry whose file is missing or is
 * not a Markdown file in the book stays in the outline as a TOC_DRAFT, so
 * the contents and the numbering stay as the author wrote them. */
int summary_read(struct summary *out, struct run *run, struct book *book,
		 const char *src_dir);

#endif
