/*
 * parse.h - Markdown (cmark-gfm) to folio's model.  The only file that
 * includes cmark headers.
 */
#ifndef FOLIO_PARSE_H
#define FOLIO_PARSE_H

#include "base/run.h"
#include "model/model.h"

/* Deepest block / inline nesting kept in the model.  Deeper containers are
 * flattened into their ancestor at this depth (their content is kept) and
 * a warning is recorded, so no writer recurses without bound. */
#define PARSE_MAX_BLOCK_DEPTH 72 /* 32 nested lists (list + item each) */
#define PARSE_MAX_INLINE_DEPTH 24

/* Parses chapter->source into chapter->blocks, headings and footnotes.
 * Links are left LINK_UNRESOLVED for resolve(). */
void md_parse(struct run *run, struct chapter *chapter);

#endif
