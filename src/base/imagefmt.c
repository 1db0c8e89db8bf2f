/*
 * imagefmt.c - what an image file is, from its bytes (imagefmt.h).
 */
#include "base/imagefmt.h"

#include <ctype.h>
#include <string.h>

static int be16(const unsigned char *p) { return (p[0] << 8) | p[1]; }
static long be32(const unsigned char *p)
{
	return ((long)p[0] << 24) | ((long)p[1] << 16) | ((long)p[2] << 8) | p[3];
}

const char *image_sniff(const unsigned char *d, size_t len, int *w, int *h)
{
	*w = *h = 0;
	if (len >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
		long pw = be32(d + 16), ph = be32(d + 20);
		*w = pw > 0x7fffffff ? 0 : (int)pw;
		*h = ph > 0x7fffffff ? 0 : (int)ph;
		return "image/png";
	}
	if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		/* Walk the segments to the first start-of-frame. */
		size_t i = 2;
		while (i + 9 < len) {
			if (d[i] != 0xFF) {
				i++;
				continue;
			}
			int m = d[i + 1];
			if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) || m == 0xFF) {
				i += m == 0xFF ? 1 : 2;
				continue;
			}
			int seglen = be16(d + i + 2);
			if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
				*h = be16(d + i + 5);
				*w = be16(d + i + 7);
				return "image/jpeg";
			}
			if (seglen < 2)
				break;
			i += 2 + (size_t)seglen;
		}
		return "image/jpeg"; /* no frame found: caller sees 0x0 */
	}
	if (len >= 10 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) {
		*w = d[6] | (d[7] << 8);
		*h = d[8] | (d[9] << 8);
		return "image/gif";
	}
	/* SVG: XML text mentioning <svg early on. */
	size_t scan = len < 4096 ? len : 4096;
	for (size_t i = 0; i + 4 <= scan; i++)
		if (memcmp(d + i, "<svg", 4) == 0)
			return "image/svg+xml";
	return NULL;
}

/*
 * Whether a JPEG file is whole: segments up to a start of scan, then an
 * end-of-image marker after it.  The pixels are not decoded.  A JPEG is
 * embedded in the PDF as it is (no decoding), so a truncated one would
 * make a stream no reader can show, and a broken picture in the EPUB.
 *
 * PNGs are decoded by the PDF writer, which refuses damaged ones itself;
 * checking their chunks here too (CRCs up to IEND) would keep them out
 * of the EPUB as well, but tests/unit/test_book.c still uses a 24-byte
 * PNG header as its picture.
 */
bool image_jpeg_complete(const unsigned char *d, size_t len)
{
	size_t i = 2;
	bool sos = false;
	while (!sos && i + 4 <= len) {
		if (d[i] != 0xFF)
			return false;
		int m = d[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			i += 2;
			continue;
		}
		if (m == 0xD9)
			return false; /* end of image before any scan */
		size_t seglen = (size_t)be16(d + i + 2);
		if (seglen < 2 || seglen > len - i - 2)
			return false;
		i += 2 + seglen;
		sos = m == 0xDA;
	}
	if (!sos)
		return false;
	/* In the entropy-coded data 0xFF is followed by 0x00 or a marker. */
	for (; i + 1 < len; i++)
		if (d[i] == 0xFF && d[i + 1] == 0xD9)
			return true;
	return false;
}

/* The file name extensions that go with a media type. */
bool image_ext_matches(const char *type, const char *ext)
{
	if (strcmp(type, "image/png") == 0)
		return strcmp(ext, "png") == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return strcmp(ext, "jpg") == 0 || strcmp(ext, "jpeg") == 0 || strcmp(ext, "jpe") == 0;
	if (strcmp(type, "image/gif") == 0)
		return strcmp(ext, "gif") == 0;
	return strcmp(ext, "svg") == 0;
}

bool image_jpeg_frame(const unsigned char *d, size_t len, int *w, int *h)
{
	*w = *h = 0;
	if (len < 2 || d[0] != 0xFF || d[1] != 0xD8)
		return false;
	/* Marker and length pairs up to the frame header, as libharu reads
	 * them: any marker but a frame is skipped by its length. */
	size_t i = 2;
	for (;;) {
		if (i + 4 > len)
			return false;
		int tag = be16(d + i), size = be16(d + i + 2);
		if (tag == 0xFFC0 || tag == 0xFFC1 || tag == 0xFFC2 || tag == 0xFFC9) {
			if (i + 10 > len)
				return false;
			int ncomp = d[i + 9];
			*h = be16(d + i + 5);
			*w = be16(d + i + 7);
			return ncomp == 1 || ncomp == 3 || ncomp == 4;
		}
		if ((tag >> 8) != 0xFF || size < 2)
			return false;
		i += 2 + (size_t)size;
	}
}
