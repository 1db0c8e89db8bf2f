/*
 * mdbook.h - the Markdown conventions of mdBook 0.5 (and GitHub) that
 * CommonMark does not know, made into folio's model after md_parse:
 *
 *   > [!NOTE] ... [!TIP] [!IMPORTANT] [!WARNING] [!CAUTION]
 *                               GitHub alerts -> BLK_CALLOUT
 *   ```admonish warning "Title" mdbook-admonish fences -> BLK_CALLOUT
 *   Term                        definition lists -> BLK_DEFLIST of
 *   : definition                BLK_DEF_TERM and BLK_DEF_DATA
 *   # Heading {#id .class}      heading attributes: the id is the anchor,
 *                               the braces are not printed
 *
 * and, for a book read from SUMMARY.md, each chapter's opening: its number
 * before its first heading ("4.1 What Is Ownership?"), or its SUMMARY.md
 * title as a heading when the file opens without one.
 */
#ifndef FOLIO_MDBOOK_H
#define FOLIO_MDBOOK_H

#include "base/run.h"
#include "model/model.h"

/* The admonish fences of one chapter, found in its source before
 * md_parse (mdbook_admonish_source) and made callouts after it
 * (mdbook_blocks).  Arena memory. */
struct admonitions;

/* Rewrites each ```admonish fence of ch->source into a block quote
 * opening with a marker line (same line numbers), so that md_parse reads
 * its body as Markdown.  Returns what mdbook_blocks needs, or NULL when
 * the chapter has none.  An unknown kind is a warning (shown as a note). */
struct admonitions *mdbook_admonish_source(struct run *run, struct chapter *ch);

/* Callouts, definition lists and heading attributes in ch's blocks
 * (after md_parse; adm from mdbook_admonish_source or NULL).  Heading
 * plain texts are recomputed where attributes were removed. */
void mdbook_blocks(struct run *run, struct chapter *ch, const struct admonitions *adm);

/* Chapter openings of a book whose chapters come from SUMMARY.md. */
void mdbook_openings(struct run *run, struct book *b);

#endif
