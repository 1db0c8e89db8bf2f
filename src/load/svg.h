/*
 * svg.h - the SVG images of a book made safe to carry (issue 25 S2).
 *
 * An SVG is a document: it can script, load other files and declare
 * entities.  svg_sanitize() parses it with libxml2 (no network, no DTD
 * loaded, no entity substituted) and writes back only what is on an
 * allowlist, judged by namespace and local name after the parser has
 * decoded every character reference: SVG elements (no script, no
 * foreignObject, no animation of an href), attributes without a namespace
 * or xlink:href / xml:space / xml:lang (no on* event handler), links only
 * to "#fragment" or data:image/ (not SVG) URIs, no CSS url() that leads
 * out.  The DOCTYPE, entity declarations, comments and processing
 * instructions go.  The same bytes come out for the same input.
 */
#ifndef FOLIO_SVG_H
#define FOLIO_SVG_H

#include <stddef.h>

/* What svg_sanitize() removed (bits of *removed). */
enum svg_removed {
	SVG_RM_SCRIPT = 1,   /* script, handler, event attributes, javascript: */
	SVG_RM_FOREIGN = 2,  /* foreignObject, elements of other vocabularies */
	SVG_RM_EXTERNAL = 4, /* references to other files or the web */
	SVG_RM_ENTITY = 8    /* entity declarations or references */
};

/* Sanitizes the SVG data[0..len) into *out (heap memory the caller frees,
 * *out_len bytes, NUL-terminated) and returns 0, with *removed the
 * svg_removed bits of what went.  Returns -1 with *why set (static text)
 * when data is no well-formed SVG document; *out is then NULL. */
int svg_sanitize(char **out, size_t *out_len, const char *data, size_t len,
		 unsigned *removed, const char **why);

/* Replaces the SVG *data (*len bytes of heap memory, which it frees) by
 * its sanitized copy and returns 0; returns -1 and leaves *data as it
 * was when the file is no well-formed SVG. */
int svg_sanitize_buffer(char **data, size_t *len);

/* The words for the svg_removed bits of removed ("scripts and entities")
 * into out[0..cap). */
void svg_removed_text(char *out, size_t cap, unsigned removed);

#endif
