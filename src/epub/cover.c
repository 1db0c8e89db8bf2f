/*
 * cover.c - the EPUB's cover image and cover page (cover.h).
 *
 * A drawn cover is an SVG of 1600 x 2400 units (the 2:3 of most covers):
 * a plain dark ground, a light rule, the title large and centred, the
 * subtitle in italic below it, the authors near the foot.  Lines are
 * broken by an estimate of each character's width in a serif face (the
 * reader's own serif draws it); a line still too wide is squeezed to fit
 * with textLength, so no text ever leaves the cover.
 */
#include "epub/cover.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/imagefmt.h"
#include "base/util.h"
#include "epub/xhtml.h"
#include "load/folder.h"
#include "load/svg.h"

#define COVER_W 1600
#define COVER_H 2400
#define MARGIN 170

const char *epub_full_title(struct arena *a, const char *title,
			    const char *subtitle)
{
	if (!title || !*title)
		return subtitle && *subtitle ? subtitle : "Untitled";
	if (!subtitle || !*subtitle)
		return title;
	size_t n = strlen(title);
	while (n > 0 && (title[n - 1] == ' ' || title[n - 1] == '\t'))
		n--;
	char last = n > 0 ? title[n - 1] : '\0';
	bool punct = last == '?' || last == '!' || last == ':' || last == '.' ||
		     last == ';' || last == ',';
	return arena_printf(a, "%.*s%s %s", (int)n, title, punct ? "" : ":", subtitle);
}

/* ---- A drawn cover ----------------------------------------------------- */

/* Grounds for the drawn cover, each with the light text at over 9:1. */
static const char *const grounds[] = {
	"#1f3a5f", "#2d4a3e", "#5a2a35", "#3b3355", "#33393f", "#4f3420",
};

/* Width of a character in a serif face, in ems (a generous estimate). */
static double char_em(uint32_t cp)
{
	if (cp == ' ')
		return 0.26;
	if (cp > 0 && cp < 0x80 && strchr("ijlt.,;:!'|()[]fr", (int)cp))
		return 0.33;
	if (cp == 'm' || cp == 'w' || cp == 'M' || cp == 'W')
		return 0.86;
	if (cp >= 'A' && cp <= 'Z')
		return 0.70;
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x1F300 && cp <= 0x1FAFF))
		return 1.0;
	return 0.54;
}

static double text_em(const char *s, size_t n)
{
	double w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, n - i, &cp);
		w += char_em(cp);
	}
	return w;
}

/* Up to MAX_LINES lines of a text broken at spaces to fit a width. */
#define MAX_LINES 8
struct lines {
	const char *s[MAX_LINES];
	size_t n[MAX_LINES];
	int count;
	bool overflow; /* more lines were needed */
};

/* Breaks text (spaces collapsed) into lines of at most width units at
 * font size size; a word wider than a line stands on a line of its own. */
static void break_lines(const char *text, double size, double width,
			struct lines *out)
{
	const char *p = text;

	memset(out, 0, sizeof *out);
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		const char *start = p, *end = p;
		double w = 0;
		while (*p) {
			const char *ws = p;
			while (*ws && *ws != ' ' && *ws != '\t' && *ws != '\n')
				ws++;
			double ww = text_em(p, (size_t)(ws - p)) * size;
			double gap = end > start ? char_em(' ') * size : 0;
			if (end > start && w + gap + ww > width)
				break;
			w += gap + ww;
			end = ws;
			p = ws;
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
		}
		if (out->count == MAX_LINES) {
			out->overflow = true;
			return;
		}
		out->s[out->count] = start;
		out->n[out->count] = (size_t)(end - start);
		out->count++;
		p = end;
	}
}

/* The largest size from size down to min (in tenths) at which text fits
 * in max_lines lines; min when none does.  Fills *out at that size. */
static double fit_lines(const char *text, double size, double min, double width,
			int max_lines, struct lines *out)
{
	for (;;) {
		break_lines(text, size, width, out);
		if ((out->count <= max_lines && !out->overflow) || size <= min)
			break;
		size = size * 0.9 < min ? min : size * 0.9;
	}
	if (out->count > max_lines)
		out->count = max_lines;
	return size;
}

/* Writes lines centred, the first baseline at y; returns the last
 * baseline. */
static double svg_lines(struct buf *b, const struct lines *l, double y,
			double size, double leading, const char *attrs)
{
	double width = COVER_W - 2 * MARGIN;

	for (int i = 0; i < l->count; i++) {
		if (i > 0)
			y += leading;
		buf_printf(b, "<text x=\"%d\" y=\"%.0f\" font-size=\"%.0f\" %s",
			   COVER_W / 2, y, size, attrs);
		if (text_em(l->s[i], l->n[i]) * size > width)
			buf_printf(b, " textLength=\"%.0f\" lengthAdjust=\"spacingAndGlyphs\"",
				   width);
		buf_putc(b, '>');
		xhtml_escape(b, l->s[i], l->n[i]);
		buf_puts(b, "</text>\n");
	}
	return y;
}

static const char *authors_line(struct arena *a, const struct metadata *m)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < m->nauthors; i++) {
		if (!m->authors[i] || !*m->authors[i])
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, m->authors[i]);
	}
	const char *s = b.len ? buf_to_arena(&b, a) : "";
	buf_free(&b);
	return s;
}

/* The ground's colour: by a hash of the identifier (else the title), so a
 * book keeps its colour and two books seldom share one. */
static const char *ground(const struct book *book, const char *title)
{
	const char *key = book->meta.identifier ? book->meta.identifier : title;
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; p && *p; p++)
		h = (h ^ *p) * 16777619u;
	return grounds[h % (sizeof grounds / sizeof *grounds)];
}

static void draw_cover(const struct book *book, const char *title,
		       struct arena *a, struct buf *b)
{
	const struct metadata *m = &book->meta;
	const char *sub = m->subtitle && *m->subtitle ? m->subtitle : NULL;
	const char *by = authors_line(a, m);
	double width = COVER_W - 2 * MARGIN;
	struct lines tl, sl, al;

	double ts = fit_lines(title, 170, 90, width, 4, &tl);
	double ss = sub ? fit_lines(sub, 84, 56, width, 3, &sl) : 0;
	double as = fit_lines(by, 66, 46, width, 3, &al);

	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>",
		   COVER_W, COVER_H, COVER_W, COVER_H);
	xhtml_label(b, epub_full_title(a, title, sub), "Untitled");
	buf_printf(b, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"%s\"/>\n"
		      "<rect x=\"%d\" y=\"520\" width=\"%d\" height=\"10\" fill=\"#e6d9b8\"/>\n",
		   COVER_W, COVER_H, ground(book, title), COVER_W / 2 - 160, 320);
	buf_puts(b, "<g font-family=\"'Liberation Serif', 'DejaVu Serif', Georgia, serif\" "
		    "text-anchor=\"middle\">\n");
	double y = svg_lines(b, &tl, 680 + ts * 0.8, ts, ts * 1.18,
			     "font-weight=\"bold\" fill=\"#ffffff\"");
	if (sub)
		svg_lines(b, &sl, y + ts * 0.45 + ss * 1.3, ss, ss * 1.25,
			  "font-style=\"italic\" fill=\"#eee8da\"");
	if (al.count > 0) {
		double top = 2170 - (al.count - 1) * as * 1.25;
		buf_printf(b, "<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"6\" fill=\"#e6d9b8\"/>\n",
			   COVER_W / 2 - 100, top - as - 70, 200);
		svg_lines(b, &al, top, as, as * 1.25, "fill=\"#ffffff\"");
	}
	buf_puts(b, "</g>\n</svg>\n");
}

/* ---- The book's own cover ------------------------------------------------ */

/* Reads book->meta.cover into *cover; false (warned) when it cannot be
 * used. */
static bool given_cover(struct diag_list *diags, const struct book *book,
			struct arena *a, struct epub_cover *cover)
{
	const struct metadata *m = &book->meta;
	const char *file = m->cover_file ? m->cover_file
			 : arena_printf(a, "%s%s", book->display_dir ? book->display_dir : "",
					m->source_file ? m->source_file : "folio.ini");
	char *data = NULL;
	size_t len = 0;
	int w = 0, h = 0;
	const char *ext = NULL, *why = NULL;

	if (folder_read_file(book, m->cover, &data, &len) != 0) {
		diag_warn(diags, file, m->cover_line, 1,
			  "cover '%s': cannot read: %s; a cover is drawn instead", m->cover,
			  errno == EACCES ? "it is outside the book folder" : strerror(errno));
		return false;
	}
	const unsigned char *u = (const unsigned char *)data;
	const char *mt = image_sniff(u, len, &w, &h);
	if (mt && strcmp(mt, "image/png") == 0)
		ext = "png";
	else if (mt && strcmp(mt, "image/jpeg") == 0)
		ext = "jpg";
	else if (mt && strcmp(mt, "image/gif") == 0)
		ext = "gif";
	else if (mt && strcmp(mt, "image/svg+xml") == 0)
		ext = "svg";
	if (!ext)
		why = "is not a PNG, JPEG, GIF or SVG image";
	/* Carried sanitized, as every SVG of the book (load/svg.h). */
	if (!why && ext[0] == 's' && svg_sanitize_buffer(&data, &len) != 0)
		why = "is a damaged SVG file";
	if (why) {
		diag_warn(diags, file, m->cover_line, 1,
			  "cover '%s' %s; a cover is drawn instead", m->cover, why);
		free(data);
		return false;
	}
	cover->data = data;
	cover->len = len;
	cover->href = arena_printf(a, "images/cover.%s", ext);
	cover->media_type = mt;
	cover->width = w;
	cover->height = h;
	cover->given = true;
	return true;
}

void epub_cover_load(struct diag_list *diags, const struct book *book,
		     const char *title, struct arena *a, struct epub_cover *cover)
{
	memset(cover, 0, sizeof *cover);
	if (book->meta.cover && given_cover(diags, book, a, cover))
		return;

	struct buf b = BUF_INIT;
	draw_cover(book, title && *title ? title : "Untitled", a, &b);
	cover->data = b.data;
	cover->len = b.len;
	cover->href = "images/cover.svg";
	cover->media_type = "image/svg+xml";
	cover->width = COVER_W;
	cover->height = COVER_H;
}

void epub_cover_check(struct diag_list *diags, const struct book *book,
		      struct arena *a)
{
	struct epub_cover cover;

	memset(&cover, 0, sizeof cover);
	if (book->meta.cover && given_cover(diags, book, a, &cover))
		free(cover.data);
}

void epub_cover_page(struct buf *b, const char *lang, const char *css_href,
		     const char *full_title, const struct epub_cover *cover)
{
	xhtml_begin(b, lang, "Cover", css_href);
	buf_puts(b, "<section class=\"cover\" epub:type=\"cover\">\n<img class=\"cover\" "
		    "role=\"doc-cover\" src=\"");
	xhtml_escape_str(b, cover->href);
	buf_puts(b, "\" alt=\"Cover: ");
	xhtml_label(b, full_title, "Untitled");
	buf_putc(b, '"');
	if (cover->width > 0 && cover->height > 0)
		buf_printf(b, " width=\"%d\" height=\"%d\"", cover->width, cover->height);
	buf_puts(b, "/>\n</section>\n");
	xhtml_end(b);
}
