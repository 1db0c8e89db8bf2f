/*
 * fonts.h - the print fonts: one TrueType font per role (style.h), their
 * metrics and glyph coverage, read from the font files themselves (cmap,
 * hmtx, hhea) so layout can measure text without libharu.
 *
 * Widths are in 1/1000 em and truncated exactly as libharu writes them in
 * the PDF's /W array, so what layout measures is what a viewer draws.
 *
 * libharu draws only the Basic Multilingual Plane: fonts_lookup() reports
 * code points above U+FFFF as missing from every font, so the caller draws
 * a visible replacement instead of the blank libharu would produce.
 */
#ifndef FOLIO_FONTS_H
#define FOLIO_FONTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "print/style.h"

struct fonts;

/* U+FFFD, the replacement character, as UTF-8. */
#define FONTS_REPLACEMENT "\xef\xbf\xbd"

/*
 * Reads the style's font files from dir.  Returns NULL after a DIAG_FATAL
 * naming the file if one cannot be used.  The caller frees the result
 * with fonts_free().
 */
struct fonts *fonts_open(const char *dir, const struct print_style *st,
			 struct diag_list *diags);
void fonts_free(struct fonts *f);

/* Which font draws cp for a text in font role: role itself if it has the
 * glyph, else FONT_FALLBACK if that has it, else -1 (no font). */
int fonts_lookup(const struct fonts *f, int role, uint32_t cp);

/* Advance width of cp in font (a role), 1/1000 em; 0 if unmapped. */
int fonts_advance(const struct fonts *f, int font, uint32_t cp);

/* Vertical metrics of font in 1/1000 em (descent is positive, below the
 * baseline). */
int fonts_ascent(const struct fonts *f, int font);
int fonts_descent(const struct fonts *f, int font);

/* The file of font (a role), for the writer that embeds it. */
const char *fonts_file(const struct fonts *f, int font);

#endif
