/*
 * preproc.h - mdBook's {{#include}} family, expanded in a chapter's text
 * before md_parse, and rustdoc's hidden lines, removed from rust code
 * blocks after it.
 *
 * Directives, as mdBook's "links" preprocessor reads them:
 *
 *   {{#include FILE}}              the whole file
 *   {{#include FILE:NAME}}         the lines between "ANCHOR: NAME" and
 *                                  "ANCHOR_END: NAME"
 *   {{#include FILE:10:20}}        lines 10 to 20; FILE:10: from line 10 on,
 *                                  FILE::20 up to line 20, FILE:10 line 10
 *   {{#rustdoc_include FILE[:..]}} the whole file, the lines outside the
 *                                  range or anchor prefixed "# " (hidden)
 *   {{#playground FILE ATTR..}}    the file in a ```rust,ATTR,.. block
 *   {{#title TEXT}}                the chapter's title; removed
 *   \{{#include ...}}              kept as written, without the backslash
 *
 * FILE is relative to the folder of the file holding the directive and
 * must stay inside the book folder (folder_read_file).  Lines holding an
 * ANCHOR: or ANCHOR_END: marker are dropped from every included text.
 * Included text is expanded in turn, at most PREPROC_MAX_DEPTH levels
 * deep; a file that includes itself is reported once.  A directive that
 * fails (file missing or outside the book) is warned about at its
 * line:col and left in the text as written, as mdBook does; an anchor
 * that is not found, or a range past the end, includes nothing and warns.
 *
 * Positions: md_parse sees the expanded text, so afterwards
 * preproc_map_positions moves every line:col in the chapter's model (and
 * md_parse's diagnostics) back to the chapter file: text from the file
 * keeps its exact position, text that came from an include points at the
 * directive that brought it in.
 */
#ifndef FOLIO_PREPROC_H
#define FOLIO_PREPROC_H

#include "base/run.h"
#include "model/model.h"

#define PREPROC_MAX_DEPTH 10
/* Largest expanded chapter (bytes); beyond it directives stay unexpanded. */
#define PREPROC_MAX_OUTPUT (64u << 20)
/* Most directives expanded in one book, all chapters together: depth and
 * size alone do not bound the work (ten small files each including the
 * next ten times are 10^10 expansions).  Real books include each listing
 * once or a few times, far fewer. */
#define PREPROC_MAX_EXPANSIONS 20000

/* Where expanded text came from (arena memory, opaque). */
struct preproc_map;

/* Expands the directives in ch->source, replacing ch->source and
 * ch->source_len by the expanded text.  *title gets {{#title}}'s text or
 * NULL.  *budget is how many more directives the book may expand (start
 * it at PREPROC_MAX_EXPANSIONS); past it they stay as written, with one
 * warning in the chapter.  Returns the position map for
 * preproc_map_positions, or NULL when the text had no directive
 * (positions already right). */
struct preproc_map *preproc_expand(struct run *run, struct book *book,
				   struct chapter *ch, const char **title, long *budget);

/* Moves the line:col of every block and inline of ch, and of the
 * diagnostics from index first_diag on that name ch, back to the file. */
void preproc_map_positions(const struct preproc_map *map, struct chapter *ch,
			   struct diag_list *diags, size_t first_diag);

/* In each rust code block of ch, drops the lines rustdoc hides ("# "
 * prefix or a lone "#", after leading spaces) and turns a leading "##"
 * into "#".  A block whose info string has hidelines=PREFIX, or whose
 * language has a prefix in book.toml's [output.html.code.hidelines]
 * (mdBook), drops its lines starting with that prefix instead. */
void preproc_hide_lines(struct arena *a, const struct book *book, struct chapter *ch);

#endif
