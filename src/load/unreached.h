/*
 * unreached.h - Markdown files in the book folder that no link reaches.
 *
 * The reading order follows links from the root page; a .md file that no
 * link reaches is not part of the book, which is what a writer rarely
 * means.  Each is a warning at its line 1.  mdBook books are left alone:
 * SUMMARY.md decides there, and files it does not list are {{#include}}
 * sources or drafts as often as not.
 */
#ifndef FOLIO_UNREACHED_H
#define FOLIO_UNREACHED_H

#include "base/run.h"
#include "model/model.h"

/* Walks the book folder (not following symlinks; not into folders whose
 * name starts with '.', nor node_modules or target; at most 16 deep and
 * 20,000 entries) and warns for each .md file that is no chapter. */
void unreached_warn(struct run *run, const struct book *b);

#endif
