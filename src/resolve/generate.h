/*
 * generate.h - the pages folio adds to a book, made once as model blocks
 * (struct generated in model.h) so both editions show the same words:
 *
 *   title page  the title (heading, ROLE_TITLE), then paragraphs: the
 *               subtitle, the authors ("A, B and C"), the edition
 *               ("Version 1.0 · 2026-11-26"; a date only when it is a
 *               date);
 *   contents    its title (a heading), then one ROLE_CONTENTS_ENTRY
 *               paragraph per book->toc entry (parts, chapters, drafts,
 *               separators - these without text), each chapter followed
 *               by its sections (its level-2 headings, depth + 1); a
 *               chapter's text is "NUMBER TITLE" when it is numbered;
 *   Resources   its title (a heading), a paragraph saying what the list
 *               is, then for each group of entries its heading (the
 *               author's list, the chapter that first cites them, or
 *               "Other") and one ROLE_RESOURCE paragraph per entry (its
 *               title, or its URL when it has none).
 *
 * A handout lists only what its chapters cite: generate_resources() makes
 * that appendix for a range of chapters.
 */
#ifndef FOLIO_GENERATE_H
#define FOLIO_GENERATE_H

#include "base/run.h"
#include "model/model.h"

/* The titles the print style gives the generated pages ([contents]
 * title, [links] title and author-group). */
struct generate_titles {
	const char *contents;
	const char *resources;
	const char *author_group;
};

/* Fills book->gen (in run->arena).  Call once resolve() and
 * resources_collect() have run. */
void generate_pages(struct run *run, struct book *book, const struct generate_titles *t);

/* The Resources appendix of the chapters [first, end) alone (a handout):
 * the entries they cite, in the order they first cite them, grouped by
 * that chapter.  NULL if they cite none. */
struct chapter *generate_resources(struct arena *a, const struct book *book,
				   const struct generate_titles *t, int first, int end);

/* The text of a generated block (its inlines' plain text), "" if none. */
const char *generate_text(const struct block *b);

#endif
