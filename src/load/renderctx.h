/*
 * renderctx.h - folio as an mdBook backend: the RenderContext JSON that
 * `mdbook build` writes to a backend's standard input, read into a book.
 *
 * The JSON (read with json-c, the only file that includes it) is
 *
 *   { "version": "0.4.40", "root": "/abs/book", "destination": "/abs/book/book/folio",
 *     "config": { "book": { "title", "authors", "description", "language",
 *                           "src" }, "build": {...}, "preprocessor": {...},
 *                 "output": {...} },
 *     "book": { "sections": [ ITEM, ... ] } }          mdBook 0.4
 *     "book": { "items": [ ITEM, ... ] }               mdBook 0.5
 *
 *   ITEM = { "Chapter": { "name", "content", "number": [1, 2] | null,
 *                         "sub_items": [ ITEM, ... ], "path", "source_path",
 *                         "parent_names" } }
 *        | "Separator" | { "PartTitle": "Part One" }
 *
 * A chapter's text is its "content", as the user's preprocessors left it
 * (not the file on disk); its place in the book is "source_path" (the file
 * mdBook read; README.md where the index preprocessor renamed "path" to
 * index.md), else "path", relative to root/src and confined to the book
 * folder; a chapter without either is a draft.  Images and other files
 * still come from the book folder.  The outline is the same the SUMMARY.md
 * loader makes (summary.h), loaded by book_load_outline, so everything
 * after loading is shared.  {{#include}} directives are expanded by folio
 * only when mdBook's own links preprocessor did not run
 * (build.use-default-preprocessors = false without [preprocessor.links]).
 *
 * Problems with the JSON itself are told at "<stdin>": a syntax error at
 * its line:col, a missing or mistyped field by its place
 * ("book.items[2].Chapter.name").  Without a usable root, destination or
 * book it is a DIAG_FATAL; a bad item is an error (exit status 1) and is
 * left out, but a chapter whose path leaves the book folder stays in the
 * contents as unwritten (a draft), its sub-chapters kept.
 */
#ifndef FOLIO_RENDERCTX_H
#define FOLIO_RENDERCTX_H

#include "base/run.h"
#include "model/model.h"

/* JSON nesting deeper than this is refused (json-c's tokener limit). */
#define RENDERCTX_MAX_DEPTH 64

/* Reads the RenderContext in json (len bytes) and loads its book.  Returns
 * 0 with *out and *destination (where the outputs go), or -1 with a
 * DIAG_FATAL recorded. */
int renderctx_load(struct book **out, const char **destination, struct run *run,
		   const char *json, size_t len);

#endif
