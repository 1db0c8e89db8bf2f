/*
 * cover.h - the EPUB's cover: the book's own image (folio.ini [book]
 * cover = PATH) or one drawn from its title, subtitle and authors, and
 * the cover page that shows it first.
 */
#ifndef FOLIO_EPUB_COVER_H
#define FOLIO_EPUB_COVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/model.h"

/* The cover image as it goes into the EPUB. */
struct epub_cover {
	char *data;             /* heap memory; the caller frees it */
	size_t len;
	const char *href;       /* relative to OEBPS/: "images/cover.svg" ... */
	const char *media_type;
	int width, height;      /* pixels (the SVG's user units) */
	bool given;             /* the book's own image, not a drawn one */
};

/* The title readers should show on their shelves: title and subtitle as
 * one ("Title: Subtitle"; no colon after a title ending in punctuation),
 * or the title alone.  Allocated in a. */
const char *epub_full_title(struct arena *a, const char *title,
			    const char *subtitle);

/* Fills *cover.  With book->meta.cover set, that file (relative to the
 * book folder, inside it) when it is a PNG, JPEG or GIF, or an SVG
 * without scripts; otherwise, and when it cannot be used (a warning
 * naming the metadata file and line), a drawn SVG: title (the book's, or
 * title when it has none), subtitle and authors, centred on a plain
 * ground whose colour follows the book's identifier.  Byte-reproducible. */
void epub_cover_load(struct diag_list *diags, const struct book *book,
		     const char *title, struct arena *a, struct epub_cover *cover);

/* What epub_cover_load() would warn about book->meta.cover, for `folio
 * check`, which writes no EPUB. */
void epub_cover_check(struct diag_list *diags, const struct book *book,
		      struct arena *a);

/* Appends the cover page (cover.xhtml): the image alone, fitted to the
 * screen, its alternative text "Cover: " and the full title. */
void epub_cover_page(struct buf *b, const char *lang, const char *css_href,
		     const char *full_title, const struct epub_cover *cover);

#endif
