/*
 * pdfpage.h - a laid-out page's content stream: the PDF operators that
 * draw its items.
 *
 * folio writes these itself instead of through libharu's page operators
 * (HPDF_Page_TextOut and friends), for three reasons measured on a
 * 350-page book: libharu writes each word as a hex string with its own
 * Td, twice the bytes of a literal string in one TJ per run of text; it
 * formats every number through its own slow routines; and its content
 * streams are compressed one after another at save time.  Here a page is
 * a pure function of its items, so pdf.c builds and compresses pages on
 * both cores.  libharu still owns the document: pdf.c registers each
 * page's fonts and images with it (their resource names come from
 * libharu) and marks the glyphs the font subsets must keep.
 *
 * Text is written in the encoding libharu's "UTF-8" Type0 fonts use: each
 * character as its 2-byte Unicode value (the CID; the font's CIDToGIDMap
 * and ToUnicode map do the rest).  Layout never passes characters above
 * U+FFFF (fonts.h); one that got here anyway would be drawn as U+FFFD.
 */
#ifndef FOLIO_PDFPAGE_H
#define FOLIO_PDFPAGE_H

#include <stddef.h>

#include "base/arena.h"
#include "print/fonts.h"
#include "print/layout.h"

/* The names a page's resources have in its /Resources dictionary. */
struct pdfpage_names {
	const char *font[FONT_NROLES]; /* e.g. "F1"; NULL if the page has none */
	/* One per LO_IMAGE item, in item order; NULL: not drawn. */
	const char **image;
};

/* Appends the content stream drawing pg's items to out.  Thread-safe:
 * fonts and names are only read. */
void pdfpage_content(struct buf *out, const struct lo_page *pg,
		     const struct fonts *fonts, const struct pdfpage_names *names);

#endif
