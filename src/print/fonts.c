/*
 * fonts.c - loads the print fonts and reads the few TrueType tables layout
 * needs: cmap (which characters a font has), hmtx/hhea (advance widths),
 * head (units per em), hhea (ascent, descent).
 */
#include "print/fonts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"

/* One loaded TrueType font.  gid maps every BMP code point to its glyph
 * (0 = none); adv holds each glyph's advance in 1/1000 em. */
struct font {
	uint16_t *gid;    /* 65536 entries */
	int16_t *adv;     /* nglyphs entries */
	int nglyphs;
	int ascent, descent;
	char *path; /* the font file */
};

struct fonts {
	struct font f[FONT_NROLES];
};

static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Finds table tag; stores its bytes.  Returns 0, or -1 if absent or out
 * of bounds. */
static int find_table(const unsigned char *d, size_t n, const char *tag,
		      const unsigned char **out, size_t *len)
{
	if (n < 12)
		return -1;
	unsigned ntables = rd16(d + 4);
	if (12 + (size_t)ntables * 16 > n)
		return -1;
	for (unsigned i = 0; i < ntables; i++) {
		const unsigned char *e = d + 12 + i * 16;
		if (memcmp(e, tag, 4) != 0)
			continue;
		uint32_t off = rd32(e + 8), l = rd32(e + 12);
		if (off > n || l > n - off)
			return -1;
		*out = d + off;
		*len = l;
		return 0;
	}
	return -1;
}

static void cmap_format4(struct font *ft, const unsigned char *t, size_t len)
{
	if (len < 14)
		return;
	unsigned segx2 = rd16(t + 6);
	size_t need = 16 + (size_t)segx2 * 4;
	if (need > len)
		return;
	const unsigned char *ends = t + 14, *starts = t + 16 + segx2,
			    *deltas = starts + segx2, *ranges = deltas + segx2;
	for (unsigned s = 0; s < segx2 / 2; s++) {
		unsigned end = rd16(ends + 2 * s), start = rd16(starts + 2 * s);
		unsigned delta = rd16(deltas + 2 * s), ro = rd16(ranges + 2 * s);
		for (unsigned c = start; c <= end && c < 0xFFFF; c++) {
			unsigned g;
			if (ro == 0) {
				g = (c + delta) & 0xFFFF;
			} else {
				size_t at = (size_t)(ranges + 2 * s - t) + ro + 2 * (c - start);
				if (at + 2 > len)
					continue;
				g = rd16(t + at);
				if (g)
					g = (g + delta) & 0xFFFF;
			}
			if ((int)g < ft->nglyphs)
				ft->gid[c] = (uint16_t)g;
		}
	}
}

static void cmap_format12(struct font *ft, const unsigned char *t, size_t len)
{
	if (len < 16)
		return;
	uint32_t ngroups = rd32(t + 12);
	if (ngroups > (len - 16) / 12)
		return;
	for (uint32_t i = 0; i < ngroups; i++) {
		const unsigned char *g = t + 16 + i * 12;
		uint32_t start = rd32(g), end = rd32(g + 4), gid = rd32(g + 8);
		for (uint32_t c = start; c <= end && c < 0xFFFF; c++, gid++)
			if ((int)gid < ft->nglyphs && !ft->gid[c])
				ft->gid[c] = (uint16_t)gid;
	}
}

/* Parses the font file's tables into ft.  Returns 0, or -1 with why. */
static int parse_ttf(struct font *ft, const unsigned char *d, size_t n,
		     const char **why)
{
	const unsigned char *head, *hhea, *hmtx, *maxp, *cmap;
	size_t lhead, lhhea, lhmtx, lmaxp, lcmap;
	if (n < 12 || (rd32(d) != 0x00010000 && memcmp(d, "true", 4) != 0)) {
		*why = "not a TrueType font (OpenType/CFF fonts cannot be embedded)";
		return -1;
	}
	if (find_table(d, n, "head", &head, &lhead) || lhead < 54 ||
	    find_table(d, n, "hhea", &hhea, &lhhea) || lhhea < 36 ||
	    find_table(d, n, "hmtx", &hmtx, &lhmtx) ||
	    find_table(d, n, "maxp", &maxp, &lmaxp) || lmaxp < 6 ||
	    find_table(d, n, "cmap", &cmap, &lcmap) || lcmap < 4) {
		*why = "missing or damaged TrueType tables";
		return -1;
	}
	unsigned upem = rd16(head + 18);
	if (upem < 16) {
		*why = "bad unitsPerEm";
		return -1;
	}
	ft->nglyphs = (int)rd16(maxp + 4);
	unsigned nhm = rd16(hhea + 34);
	if (nhm == 0 || (size_t)nhm * 4 > lhmtx) {
		*why = "bad hmtx table";
		return -1;
	}
	ft->ascent = (int)((int16_t)rd16(hhea + 4)) * 1000 / (int)upem;
	ft->descent = -(int)((int16_t)rd16(hhea + 6)) * 1000 / (int)upem;
	ft->adv = xcalloc((size_t)ft->nglyphs + 1, sizeof *ft->adv);
	ft->gid = xcalloc(65536, sizeof *ft->gid);
	for (int g = 0; g < ft->nglyphs; g++) {
		unsigned a = rd16(hmtx + 4 * ((unsigned)g < nhm ? (unsigned)g : nhm - 1));
		/* The same truncation libharu uses for the PDF /W array. */
		ft->adv[g] = (int16_t)((unsigned)a * 1000 / upem);
	}
	/* Prefer the Windows Unicode BMP table (what libharu draws with),
	 * then full-repertoire and Unicode-platform tables. */
	unsigned ntab = rd16(cmap + 2);
	const unsigned char *best = NULL;
	int best_rank = 0;
	for (unsigned i = 0; i < ntab && 4 + (size_t)i * 8 + 8 <= lcmap; i++) {
		const unsigned char *r = cmap + 4 + i * 8;
		unsigned plat = rd16(r), enc = rd16(r + 2);
		uint32_t off = rd32(r + 4);
		if (off + 4 > lcmap)
			continue;
		unsigned fmt = rd16(cmap + off);
		int rank = 0;
		if (plat == 3 && enc == 1 && fmt == 4)
			rank = 4;
		else if (plat == 3 && enc == 10 && fmt == 12)
			rank = 3;
		else if (plat == 0 && fmt == 4)
			rank = 2;
		else if (plat == 0 && fmt == 12)
			rank = 1;
		if (rank > best_rank) {
			best_rank = rank;
			best = cmap + off;
		}
	}
	if (!best) {
		*why = "no Unicode cmap";
		return -1;
	}
	size_t blen = lcmap - (size_t)(best - cmap);
	if (rd16(best) == 4)
		cmap_format4(ft, best, blen);
	else
		cmap_format12(ft, best, blen);
	return 0;
}

/* A font that cannot be used: where the style names it (issue 10), as
 * "print.ini:23:1: error: style key 'fonts.serif' = NoSuch.ttf: cannot
 * read font fonts/NoSuch.ttf: ...", or the font file alone when the file
 * is a built-in default. */
static void font_error(struct diag_list *diags, const struct print_style *st,
		       int role, const char *path, const char *what,
		       const char *why)
{
	if (st->font_line[role] > 0 && st->style_file[0])
		diag_add(diags, DIAG_FATAL, st->style_file, st->font_line[role], 0,
			 "style key 'fonts.%s' = %s: %s %s: %s",
			 style_font_key((enum font_role)role), st->font_file[role],
			 what, path, why);
	else
		diag_fatal(diags, path, "%s: %s", what, why);
}

struct fonts *fonts_open(const char *dir, const struct print_style *st,
			 struct diag_list *diags)
{
	struct fonts *fs = xcalloc(1, sizeof *fs);
	for (int i = 0; i < FONT_NROLES; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, st->font_file[i]);
		char *data = NULL;
		size_t n = 0;
		const char *why = NULL;
		if (file_read(path, &data, &n)) {
			font_error(diags, st, i, path, "cannot read font",
				   strerror(errno));
			goto fail;
		}
		int rc = parse_ttf(&fs->f[i], (const unsigned char *)data, n, &why);
		free(data);
		if (rc) {
			font_error(diags, st, i, path, "cannot use font", why);
			goto fail;
		}
		fs->f[i].path = xstrdup(path);
	}
	return fs;
fail:
	fonts_free(fs);
	return NULL;
}

void fonts_free(struct fonts *fs)
{
	if (!fs)
		return;
	for (int i = 0; i < FONT_NROLES; i++) {
		free(fs->f[i].gid);
		free(fs->f[i].adv);
		free(fs->f[i].path);
	}
	free(fs);
}

int fonts_lookup(const struct fonts *fs, int role, uint32_t cp)
{
	if (cp >= 0xFFFF)
		return -1;
	if (fs->f[role].gid[cp])
		return role;
	if (fs->f[FONT_FALLBACK].gid[cp])
		return FONT_FALLBACK;
	/* Spaces and controls that a font maps to no glyph still advance. */
	return -1;
}

int fonts_advance(const struct fonts *fs, int font, uint32_t cp)
{
	const struct font *ft = &fs->f[font];
	if (cp >= 0xFFFF)
		return 0;
	return ft->adv[ft->gid[cp]];
}

int fonts_ascent(const struct fonts *fs, int font)
{
	return fs->f[font].ascent;
}

int fonts_descent(const struct fonts *fs, int font)
{
	return fs->f[font].descent;
}

const char *fonts_file(const struct fonts *fs, int font)
{
	return fs->f[font].path;
}
