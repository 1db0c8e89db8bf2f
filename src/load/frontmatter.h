/*
 * frontmatter.h - YAML front matter at the top of a chapter, as pandoc
 * reads it:
 *
 *   ---
 *   title: The Book
 *   subtitle: A Subtitle
 *   author: [Ada Lovelace, Grace Hopper]     (or one name, or "- name" lines)
 *   date: 2026-11-26
 *   lang: en
 *   identifier: the-book
 *   ---
 *
 * The block ends with a "---" or "..." line.  In the root page its keys
 * are the book's metadata where folio.ini (or book.toml) does not set
 * them; in any chapter its title names the chapter when no heading does.
 * The block itself is blanked (its line breaks kept, so every position
 * after it stays right) and never shown as text.  What folio does not
 * use (cover-image, nested values, unknown keys) is a warning naming the
 * line.
 */
#ifndef FOLIO_FRONTMATTER_H
#define FOLIO_FRONTMATTER_H

#include <stdbool.h>

#include "base/run.h"
#include "model/model.h"

/* Reads and blanks the front matter of src (ch's text, len bytes), if it
 * has one; root: the book's root page (its keys become the metadata).
 * Returns the front matter's title, or NULL. */
const char *frontmatter_read(struct run *run, struct book *b, struct chapter *ch,
			     char *src, size_t len, bool root);

#endif
