/*
 * images.c - the print edition's figures, decoded once (images.h).
 */
#include "print/images.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <png.h>

#include "base/base.h"
#include "load/svg.h"
#include "base/deflate.h"
#include "base/imagefmt.h"
#include "base/util.h"
#include "load/folder.h"

struct print_images {
	struct print_image *v; /* one per book->images entry */
	int n;
	const struct book *book;
	pthread_t thread; /* drawing and compressing the figures */
	bool started;
	bool draw;        /* the figures are still to be drawn */
	int failed;       /* images whose pixels could not be compressed */
};

/* ---- PNG ------------------------------------------------------------ */

/* Reads a PNG of the book and begins decoding it: the file's bytes (the
 * caller frees them) and img, its header read; NULL, or why not. */
static const char *open_png(png_image *img, char **data, size_t *plen,
			    const struct book *book, const char *rel)
{
	size_t len = 0;
	*data = NULL;
	*plen = 0;
	memset(img, 0, sizeof *img);
	img->version = PNG_IMAGE_VERSION;
	if (folder_read_file(book, rel, data, &len) != 0)
		return "unreadable PNG";
	*plen = len;
	if (!png_image_begin_read_from_memory(img, *data, len))
		return "unreadable PNG";
	img->format = PNG_FORMAT_RGB;
	if (img->width == 0 || img->height == 0 || img->width > 20000 || img->height > 20000) {
		png_image_free(img);
		return "PNG too large";
	}
	return NULL;
}

/* libpng's reader of a PNG in memory. */
struct png_mem {
	const unsigned char *p;
	size_t len, at;
};

static void png_mem_read(png_structp png, png_bytep out, size_t n)
{
	struct png_mem *m = png_get_io_ptr(png);
	if (n > m->len - m->at)
		png_error(png, "truncated");
	memcpy(out, m->p + m->at, n);
	m->at += n;
}

static void png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* libpng's error handler, without its message on stderr: the damage is
 * told once, as a warning naming the file. */
static void png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

/* Whether all of a PNG's image data decodes, read a row at a time into
 * one row's memory: a file damaged past its header is found when the
 * book is measured, so the layout shows its alt text, in every edition
 * alike, without holding its pixels. */
static bool png_data_sound(const char *data, size_t len)
{
	struct png_mem m = {(const unsigned char *)data, len, 0};
	unsigned char *volatile row = NULL;
	volatile bool ok = false;
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
						     png_quiet);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_read_fn(png, &m, png_mem_read);
	png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_DEFAULT);
	png_read_info(png, info);
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	row = malloc(png_get_rowbytes(png, info) + 1); /* one row: sized by the input */
	if (!row)
		goto out;
	png_uint_32 h = png_get_image_height(png, info);
	for (int p = 0; p < passes; p++)
		for (png_uint_32 y = 0; y < h; y++)
			png_read_row(png, row, NULL);
	png_read_end(png, NULL);
	ok = true;
out:
	free(row);
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	return ok;
}

/* The size a PNG is laid out by, from its header, once its data is
 * known to decode. */
static const char *measure_png(struct print_image *pi, const struct book *book,
			       const char *rel)
{
	png_image img;
	char *data;
	size_t len;
	const char *why = open_png(&img, &data, &len, book, rel);
	if (why) {
		free(data);
		return why;
	}
	png_image_free(&img);
	if (png_data_sound(data, len)) {
		pi->kind = PIMG_RGB;
		pi->px_w = pi->width = (int)img.width;
		pi->px_h = pi->height = (int)img.height;
	} else {
		why = "damaged PNG";
	}
	free(data);
	return why;
}

/* A PNG decoded to 8-bit RGB over white (16-bit samples reduced): the
 * pixels, or NULL with *why. */
static unsigned char *decode_png(const struct book *book, const char *rel, const char **why)
{
	png_image img;
	char *data;
	size_t len;
	unsigned char *px = NULL;
	*why = open_png(&img, &data, &len, book, rel);
	if (*why)
		goto out;
	px = malloc(PNG_IMAGE_SIZE(img)); /* sized by the input */
	if (!px) {
		png_image_free(&img);
		*why = "out of memory";
		goto out;
	}
	png_color white = {255, 255, 255};
	if (!png_image_finish_read(&img, &white, px, 0, NULL)) {
		free(px);
		px = NULL;
		*why = "damaged PNG";
	}
out:
	free(data);
	return px;
}

/* ---- SVG ------------------------------------------------------------ */

/* The intrinsic size of an SVG in CSS pixels: its width and height, else
 * its viewBox.  Returns false if it has none usable. */
static bool svg_size(RsvgHandle *h, double *w, double *hgt)
{
	*w = *hgt = 0;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, w, hgt)) {
		gboolean has_w, has_h, has_vb;
		RsvgLength lw, lh;
		RsvgRectangle vb;
		rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh,
						     &has_vb, &vb);
		if (has_vb) {
			*w = vb.width;
			*hgt = vb.height;
		}
	}
	return *w >= 1 && *hgt >= 1 && *w <= 1e6 && *hgt <= 1e6;
}

/* Copies an opaque cairo surface (premultiplied native-endian ARGB words,
 * painted over white, so plain RGB) into 8-bit RGB.  NULL if out of
 * memory. */
static unsigned char *surface_rgb(cairo_surface_t *surf, int pw, int ph)
{
	const unsigned char *px = cairo_image_surface_get_data(surf);
	int stride = cairo_image_surface_get_stride(surf);
	unsigned char *rgb = malloc((size_t)pw * (size_t)ph * 3); /* input-sized */
	if (!rgb)
		return NULL;
	for (int y = 0; y < ph; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
		unsigned char *o = rgb + (size_t)y * (size_t)pw * 3;
		for (int x = 0; x < pw; x++) {
			uint32_t v = row[x];
			o[3 * x] = (unsigned char)((v >> 16) & 255);
			o[3 * x + 1] = (unsigned char)((v >> 8) & 255);
			o[3 * x + 2] = (unsigned char)(v & 255);
		}
	}
	return rgb;
}

/* Opens an SVG of the book and measures it: the handle (the caller
 * unrefs it), the intrinsic size in CSS pixels and the raster size, 200
 * dpi of it, at most 4000 px a side.  The handle has no base file, so
 * librsvg loads no external resource (href to a file or URL): those parts
 * are simply not drawn.  Returns NULL, or why it cannot be drawn. */
static const char *open_svg(RsvgHandle **out, const struct book *book, const char *rel,
			    double *w, double *hgt, int *pw, int *ph)
{
	char *data = NULL;
	size_t len = 0;
	*out = NULL;
	if (folder_read_file(book, rel, &data, &len) != 0)
		return "unreadable SVG";
	/* the sanitized SVG, as the EPUB carries it (load/svg.h) */
	if (svg_sanitize_buffer(&data, &len) != 0) {
		free(data);
		return "damaged SVG";
	}
	GError *err = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	free(data);
	if (!h) {
		if (err)
			g_error_free(err);
		return "damaged SVG";
	}
	rsvg_handle_set_dpi(h, 96.0);
	if (!svg_size(h, w, hgt)) {
		g_object_unref(h);
		return "SVG without a usable size (width, height or viewBox)";
	}
	double scale = 200.0 / 96.0;
	if (*w * scale > 4000)
		scale = 4000 / *w;
	if (*hgt * scale > 4000)
		scale = 4000 / *hgt;
	*pw = (int)(*w * scale + 0.5);
	*ph = (int)(*hgt * scale + 0.5);
	if (*pw < 1)
		*pw = 1;
	if (*ph < 1)
		*ph = 1;
	*out = h;
	return NULL;
}

/* The size an SVG is laid out by, and its raster's, without drawing it. */
static const char *measure_svg(struct print_image *pi, const struct book *book,
			       const char *rel)
{
	RsvgHandle *h;
	double w, hgt;
	const char *why = open_svg(&h, book, rel, &w, &hgt, &pi->px_w, &pi->px_h);
	if (why)
		return why;
	g_object_unref(h);
	pi->kind = PIMG_RGB;
	pi->width = (int)(w + 0.5);
	pi->height = (int)(hgt + 0.5);
	return NULL;
}

/* Rasterises an SVG over white at the raster size measure_svg() found:
 * the pixels, or NULL with *why. */
static unsigned char *draw_svg(const struct book *book, const char *rel, int pw, int ph,
			       const char **why)
{
	RsvgHandle *h;
	double w, hgt;
	int pw2, ph2;
	*why = open_svg(&h, book, rel, &w, &hgt, &pw2, &ph2);
	if (*why)
		return NULL;
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		g_object_unref(h);
		*why = "out of memory";
		return NULL;
	}
	cairo_t *cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	RsvgRectangle vp = {0, 0, (double)pw, (double)ph};
	GError *err = NULL;
	gboolean ok = rsvg_handle_render_document(h, cr, &vp, &err);
	cairo_destroy(cr);
	g_object_unref(h);
	if (!ok) {
		if (err)
			g_error_free(err);
		cairo_surface_destroy(surf);
		*why = "SVG that could not be drawn";
		return NULL;
	}
	cairo_surface_flush(surf);
	unsigned char *rgb = surface_rgb(surf, pw, ph);
	cairo_surface_destroy(surf);
	if (!rgb)
		*why = "out of memory";
	return rgb;
}

/* ---- JPEG ----------------------------------------------------------- */

static const char *load_jpeg(struct print_image *pi, const struct book *book,
			     const char *rel)
{
	char *data = NULL;
	size_t len = 0;
	int w, h;
	if (folder_read_file(book, rel, &data, &len) != 0)
		return "unreadable JPEG";
	if (!image_jpeg_frame((const unsigned char *)data, len, &w, &h)) {
		free(data);
		return "unsupported JPEG (baseline or progressive 8-bit only)";
	}
	pi->kind = PIMG_JPEG;
	pi->data = (struct buf){data, len, len + 1};
	pi->px_w = pi->width = w;
	pi->px_h = pi->height = h;
	return NULL;
}

/* ---- The edition's images ------------------------------------------- */

static void mark_image(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	bool *used = ctx;
	if (in->type == INL_IMAGE && in->link && in->link->kind == LINK_IMAGE &&
	    in->link->image)
		used[in->link->image->index] = true;
}

static bool is_png(const struct image *img)
{
	return img->media_type && strcmp(img->media_type, "image/png") == 0;
}

/*
 * Draws the edition's RGB figures one at a time - a PNG decoded, an SVG
 * rasterised - and compresses each at once, keeping only the compressed
 * bytes: the pixels of one figure are alive at a time, however many the
 * book has (or however often one file is used).  Pixels that cannot be
 * compressed are kept for the PDF library to compress; a figure that
 * cannot be drawn after all (its data damaged past the header) becomes
 * PIMG_NONE with why set.  Only kind, why, data and packed are written
 * here, which the PDF writer reads after print_images_deflated().
 */
static void *draw_images(void *arg)
{
	struct print_images *im = arg;
	struct deflater *z = deflater_new(DEFLATE_DEFAULT);
	for (int i = 0; i < im->n; i++) {
		struct print_image *pi = &im->v[i];
		const struct image *img = im->book->images[i];
		if (pi->kind != PIMG_RGB)
			continue;
		const char *why = NULL;
		unsigned char *px = is_png(img)
			? decode_png(im->book, img->path, &why)
			: draw_svg(im->book, img->path, pi->px_w, pi->px_h, &why);
		if (!px) {
			pi->kind = PIMG_NONE;
			pi->why = why;
			continue;
		}
		size_t n = (size_t)pi->px_w * (size_t)pi->px_h * 3;
		buf_put(&pi->packed, (const char *)px, n);
		if (z && deflater_run(z, &pi->packed) == 0) {
			free(px);
		} else {
			buf_free(&pi->packed);
			pi->data = (struct buf){(char *)px, n, n};
			im->failed++;
		}
	}
	deflater_free(z);
	return NULL;
}

int print_images_load(struct print_images **out, struct run *run,
		      const struct book *book, int first, int end, bool draw)
{
	struct print_images *im = xcalloc(1, sizeof *im);
	im->n = book->nimages;
	im->v = xcalloc((size_t)book->nimages + 1, sizeof *im->v);
	im->book = book;
	im->draw = draw;
	bool *used = NULL;
	if (first > 0 || end < book->nchapters) {
		used = xcalloc((size_t)book->nimages + 1, sizeof *used);
		for (int ci = first; ci < end; ci++)
			model_each_inline(book->chapters[ci]->blocks, mark_image, used);
	}
	/* Sizes from the headers (an SVG is parsed), in the images' order. */
	for (int i = 0; i < book->nimages; i++) {
		const struct image *img = book->images[i];
		struct print_image *pi = &im->v[i];
		if (used && !used[i])
			continue;
		const char *why = NULL;
		const char *mt = img->media_type ? img->media_type : "";
		if (is_png(img)) {
			why = measure_png(pi, book, img->path);
		} else if (strcmp(mt, "image/jpeg") == 0) {
			why = load_jpeg(pi, book, img->path);
			if (!why && !draw)
				buf_free(&pi->data);
		} else if (strcmp(mt, "image/svg+xml") == 0) {
			why = measure_svg(pi, book, img->path);
		} else {
			why = "only PNG, JPEG and SVG images can go into the PDF";
		}
		if (why)
			diag_warn(run->diags, arena_printf(run->arena, "%s%s",
							   book->display_dir ? book->display_dir : "",
							   img->path), 0, 0,
				  "%s; the PDF shows its alt text instead", why);
	}
	free(used);
	/* The figures are drawn beside the layout, which needs only sizes. */
	if (draw && threads_allowed() &&
	    pthread_create(&im->thread, NULL, draw_images, im) == 0)
		im->started = true;
	*out = im;
	return 0;
}

const struct print_image *print_images_get(const struct print_images *im, int i)
{
	return &im->v[i];
}

int print_images_deflated(struct print_images *im)
{
	if (im->started) {
		pthread_join(im->thread, NULL);
		im->started = false;
	} else if (im->draw) {
		draw_images(im); /* one thread (FOLIO_THREADS=1) */
	}
	im->draw = false;
	return im->failed ? -1 : 0;
}

void print_images_release(struct print_images *im)
{
	if (im->started) {
		pthread_join(im->thread, NULL);
		im->started = false;
	}
	for (int i = 0; i < im->n; i++) {
		buf_free(&im->v[i].data);
		buf_free(&im->v[i].packed);
	}
}

void print_images_free(struct print_images *im)
{
	if (!im)
		return;
	print_images_release(im);
	free(im->v);
	free(im);
}
