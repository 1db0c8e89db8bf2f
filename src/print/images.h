/*
 * images.h - the print edition's figures: each image of the book measured
 * from its header, so the layout knows its size and whether it can be
 * drawn, then (for a PDF) drawn one at a time beside the layout, so the
 * PDF writer gets compressed pixels (or a JPEG's bytes) to embed without
 * reading any file itself.
 *
 *   PNG   decoded by libpng to 8-bit RGB over white (paper has no alpha;
 *         16-bit samples reduced, as libharu scrambles them);
 *   SVG   drawn by librsvg over white at 200 dpi of its intrinsic size (at
 *         most 4000 px a side); the layout sizes it by that intrinsic
 *         size in CSS pixels (96 dpi);
 *   JPEG  embedded as it is (DCTDecode), when its frame is one the PDF
 *         can carry: baseline, extended or progressive, 1, 3 or 4
 *         components (libharu's rule);
 *   else  not drawn: the PDF shows the alt text, with a warning.
 *
 * Every file is read through the book folder's confinement (folder.h).
 * The layout needs only sizes: PNG and JPEG headers, an SVG's intrinsic
 * size.  When the edition is drawn, a second thread decodes each PNG (or
 * rasterises each SVG) and compresses its pixels (zlib) while the book is
 * laid out, one figure at a time, keeping only the compressed bytes; the
 * PDF writer collects them with print_images_deflated().  The bytes are
 * the same on one thread (FOLIO_THREADS=1).  An EPUB-only build decodes
 * no pixels at all.
 */
#ifndef FOLIO_PRINT_IMAGES_H
#define FOLIO_PRINT_IMAGES_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/run.h"
#include "model/model.h"

enum print_image_kind {
	PIMG_NONE, /* not drawn (not used by the edition, or cannot be) */
	PIMG_RGB,  /* pixels: px_w x px_h x 3 bytes */
	PIMG_JPEG  /* the file's bytes */
};

struct print_image {
	enum print_image_kind kind;
	int width, height; /* the size the layout sizes the figure by (pixels;
			      CSS pixels for an SVG); 0 when not drawn */
	int px_w, px_h;    /* pixel size of the data */
	struct buf data;   /* PIMG_JPEG: the file (drawn editions); PIMG_RGB:
			      the pixels, only if they could not be compressed */
	struct buf packed; /* PIMG_RGB: the pixels compressed, once
			      print_images_deflated() returned */
	const char *why;   /* drawn as PIMG_RGB, found PIMG_NONE: why (its
			      data damaged past the header) */
};

struct print_images;

/*
 * Measures the images of chapters [first, end) of book (the others stay
 * PIMG_NONE).  One that cannot be drawn is a warning in run->diags naming
 * the file and why ("the PDF shows its alt text instead").  With draw,
 * drawing and compressing the figures starts beside the caller.  Returns
 * 0 and *out (the caller frees it with print_images_free()).
 */
int print_images_load(struct print_images **out, struct run *run,
		      const struct book *book, int first, int end, bool draw);

/* Image i (book->images[i]->index order). */
const struct print_image *print_images_get(const struct print_images *im, int i);

/* Waits for the drawing started by print_images_load() (or draws on this
 * thread) and returns 0 when every PIMG_RGB image has its packed bytes,
 * -1 when some could not be compressed (their packed buffer is empty:
 * embed the pixels in data).  Images that could not be drawn after all
 * are PIMG_NONE now, with why. */
int print_images_deflated(struct print_images *im);

/* Frees every image's pixels and bytes (the PDF writer has them now);
 * the sizes stay. */
void print_images_release(struct print_images *im);

void print_images_free(struct print_images *im);

#endif
