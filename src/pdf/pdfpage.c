/*
 * pdfpage.c - a laid-out page's content stream (pdfpage.h).
 *
 * Coordinates are written in thousandths of a point, rounded once from
 * the layout's absolute positions, so relative moves (Td) never drift.
 * A run of text items on one baseline in one font, size and colour
 * becomes one TJ array: the viewer advances by the glyphs' widths (the
 * /W widths fonts.h reads, the same libharu writes) and the numbers
 * between the strings move the pen to where layout put the next item.
 */
#include "pdf/pdfpage.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "base/util.h"

/* ---- Numbers ---------------------------------------------------------- */

/* Writes v (an integer count of 10^-places units) as a PDF number with
 * at most places decimals, trailing zeros dropped: 12345 -> "12.345". */
static char *put_fixed(char *p, long long v, int places)
{
	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	long long unit = 1;
	for (int i = 0; i < places; i++)
		unit *= 10;
	long long ip = v / unit, fp = v % unit;
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + ip % 10);
	while ((ip /= 10) > 0);
	while (n)
		*p++ = tmp[--n];
	if (fp) {
		*p++ = '.';
		for (long long d = unit / 10; d && fp; d /= 10) {
			*p++ = (char)('0' + fp / d);
			fp %= d;
		}
	}
	return p;
}

/* Coordinates are written with PLACES decimals: units of 1/SCALE pt. */
#define PLACES 5
#define SCALE 1e5

static long long milli(double v)
{
	return llround(v * SCALE);
}

/* Room for the longest thing one step below writes (a number is at most
 * ~24 bytes; a colour three of them). */
#define STEP_ROOM 128

struct out {
	struct buf *b;
	char *p; /* write position inside b's buffer */
};

/* Makes room for n more bytes at o->p. */
static void reserve(struct out *o, size_t n)
{
	o->b->len = (size_t)(o->p - o->b->data);
	buf_grow(o->b, n);
	o->p = o->b->data + o->b->len;
}

static void put_str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o->p, s, n);
	o->p += n;
}

static void put_num(struct out *o, long long v, int places)
{
	o->p = put_fixed(o->p, v, places);
}

/* "r g b rg" or "r g b RG" for 0xRRGGBB (four decimals per channel). */
static void put_color(struct out *o, uint32_t c, const char *op)
{
	for (int shift = 16; shift >= 0; shift -= 8) {
		long long v = llround((double)((c >> shift) & 255) * 10000.0 / 255.0);
		put_num(o, v, 4);
		*o->p++ = ' ';
	}
	put_str(o, op);
	*o->p++ = '\n';
}

/* ---- Text ------------------------------------------------------------- */

/* The state of the text object being written. */
struct text {
	bool open;       /* inside BT ... ET */
	bool in_array;   /* inside [ ... ] TJ */
	int font;
	float size;
	long long lx, ly; /* line start (Td origin), thousandths of a point */
	double pen;      /* where the next glyph goes on the line, points */
	float y;         /* the run's baseline, as layout gave it */
};

static void end_array(struct out *o, struct text *t)
{
	if (t->in_array) {
		put_str(o, "]TJ\n");
		t->in_array = false;
	}
}

static void end_text(struct out *o, struct text *t)
{
	end_array(o, t);
	if (t->open) {
		put_str(o, "ET\n");
		t->open = false;
	}
}

/* Appends text as a literal string of 2-byte codes; returns its advance
 * in 1/1000 em. */
static long long put_string(struct out *o, const struct fonts *fonts,
			    int font, const char *text, size_t len)
{
	long long adv = 0;
	/* at most 4 bytes (two escaped) per byte of UTF-8, plus the parens */
	reserve(o, len * 4 + 4);
	*o->p++ = '(';
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += (size_t)utf8_decode(text + i, len - i, &cp);
		if (cp > 0xFFFF)
			cp = 0xFFFD;
		adv += fonts_advance(fonts, font, cp);
		unsigned char bytes[2] = {(unsigned char)(cp >> 8), (unsigned char)cp};
		for (int k = 0; k < 2; k++) {
			unsigned char c = bytes[k];
			switch (c) {
			case '(': case ')': case '\\':
				*o->p++ = '\\';
				*o->p++ = (char)c;
				break;
			case '\r': /* a bare end of line in a string reads as LF */
				*o->p++ = '\\';
				*o->p++ = 'r';
				break;
			case '\n':
				*o->p++ = '\\';
				*o->p++ = 'n';
				break;
			default:
				*o->p++ = (char)c;
			}
		}
	}
	*o->p++ = ')';
	return adv;
}

static void put_text(struct out *o, struct text *t, const struct lo_item *it,
		     const struct fonts *fonts, const struct pdfpage_names *names,
		     uint32_t *fill)
{
	const char *fname = names->font[it->font];
	if (!fname || it->len == 0)
		return; /* nothing registered for it: pdf.c had no font */
	reserve(o, STEP_ROOM * 2);
	if (!t->open) {
		put_str(o, "BT\n");
		t->open = true;
		t->font = -1;
		t->lx = t->ly = 0;
	}
	if (it->color != *fill) {
		end_array(o, t);
		put_color(o, it->color, "rg");
		*fill = it->color;
	}
	if (it->font != t->font || it->size != t->size) {
		end_array(o, t);
		*o->p++ = '/';
		put_str(o, fname);
		*o->p++ = ' ';
		put_num(o, milli(it->size), PLACES);
		put_str(o, " Tf\n");
		t->font = it->font;
		t->size = it->size;
	}
	long long x = milli(it->x);
	double gap = (double)x / SCALE - t->pen;
	/* A gap no wider than a word space stays in the run; a wider one (a
	 * leader's page number, a table cell) starts a new one, as text
	 * extractors read a wide TJ move as a column break. */
	if (t->in_array && it->y == t->y && gap >= -0.01 * it->size &&
	    gap <= 0.6 * it->size) {
		/* Same run: move the pen from where the glyphs left it. */
		long long adj = llround(-gap * 1000.0 / it->size * 100.0); /* 1/100 */
		if (adj) {
			put_num(o, adj, 2);
			t->pen -= (double)adj / 100.0 * it->size / 1000.0;
		}
	} else {
		end_array(o, t);
		long long y = milli(it->y);
		put_num(o, x - t->lx, PLACES);
		*o->p++ = ' ';
		put_num(o, y - t->ly, PLACES);
		put_str(o, " Td[");
		t->lx = x;
		t->ly = y;
		t->pen = (double)x / SCALE;
		t->y = it->y;
		t->in_array = true;
	}
	long long adv = put_string(o, fonts, it->font, it->text, it->len);
	t->pen += (double)adv * it->size / 1000.0;
}

/* ---- The page --------------------------------------------------------- */

void pdfpage_content(struct buf *out, const struct lo_page *pg,
		     const struct fonts *fonts, const struct pdfpage_names *names)
{
	buf_grow(out, STEP_ROOM); /* out->data may still be NULL */
	struct out o = {out, out->data + out->len};
	struct text t = {0};
	uint32_t fill = 0; /* the initial fill colour is black */
	size_t image = 0;
	for (size_t i = 0; i < pg->nitems; i++) {
		const struct lo_item *it = &pg->items[i];
		if (it->kind == LO_LINK)
			continue;
		if (it->kind == LO_TEXT) {
			put_text(&o, &t, it, fonts, names, &fill);
			continue;
		}
		end_text(&o, &t);
		reserve(&o, STEP_ROOM * 2);
		switch (it->kind) {
		case LO_FILL:
			if (it->color != fill) {
				put_color(&o, it->color, "rg");
				fill = it->color;
			}
			put_num(&o, milli(it->x), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->y), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->w), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->h), PLACES);
			put_str(&o, " re f\n");
			break;
		case LO_LINE:
			put_color(&o, it->color, "RG");
			put_num(&o, milli(it->size), PLACES);
			put_str(&o, " w ");
			put_num(&o, milli(it->x), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->y), PLACES);
			put_str(&o, " m ");
			put_num(&o, milli(it->x + it->w), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->y + it->h), PLACES);
			put_str(&o, " l S\n");
			break;
		case LO_IMAGE: {
			const char *name = names->image ? names->image[image] : NULL;
			image++;
			if (!name)
				break;
			put_str(&o, "q ");
			put_num(&o, milli(it->w), PLACES);
			put_str(&o, " 0 0 ");
			put_num(&o, milli(it->h), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->x), PLACES);
			*o.p++ = ' ';
			put_num(&o, milli(it->y), PLACES);
			put_str(&o, " cm /");
			reserve(&o, strlen(name) + 16);
			put_str(&o, name);
			put_str(&o, " Do Q\n");
			break;
		}
		case LO_TEXT:
		case LO_LINK:
			break;
		}
	}
	reserve(&o, STEP_ROOM);
	end_text(&o, &t);
	out->len = (size_t)(o.p - out->data);
	out->data[out->len] = '\0';
}
