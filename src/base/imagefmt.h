/*
 * imagefmt.h - what an image file is, from its bytes: media type and
 * pixel size from the header, whether a JPEG is whole, whether an SVG may
 * go into a book.  The one place that knows image formats' signatures;
 * resolve/ (which images a book has), print/ (decoding) and epub/ use it.
 */
#ifndef FOLIO_IMAGEFMT_H
#define FOLIO_IMAGEFMT_H

#include <stdbool.h>
#include <stddef.h>

/* Sniffs an image file's type and size from its first bytes.  Returns the
 * media type ("image/png", "image/jpeg", "image/gif", "image/svg+xml") and
 * the pixel size (0 x 0 when the header does not give it), or NULL if the
 * bytes are none of these. */
const char *image_sniff(const unsigned char *data, size_t len, int *width, int *height);

/* Whether a JPEG file is whole: segments up to a start of scan, then an
 * end-of-image marker after it (the pixels are not decoded). */
bool image_jpeg_complete(const unsigned char *data, size_t len);

/* Whether a JPEG's frame is one a PDF can carry as it is (DCTDecode):
 * baseline, extended, progressive or arithmetic-coded sequential, with 1,
 * 3 or 4 components - the JPEGs libharu embeds.  *w and *h get the
 * frame's size (0 when there is none). */
bool image_jpeg_frame(const unsigned char *data, size_t len, int *w, int *h);

/* The largest raster folio decodes: a side and the pixels in all (a
 * book's image files, and a raster a data: URI carries inside an SVG). */
#define IMAGE_MAX_SIDE 20000
#define IMAGE_MAX_PIXELS (80LL * 1000 * 1000)

/* Whether a file name extension (lowercase, no dot) goes with a media type. */
bool image_ext_matches(const char *media_type, const char *ext);

#endif
