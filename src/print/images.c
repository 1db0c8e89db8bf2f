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
#include "base/deflate.h"
#include "base/imagefmt.h"
#include "base/util.h"
#include "load/folder.h"

struct print_images {
	struct print_image *v; /* one per book->images entry */
	int n;
	pthread_t thread; /* compressing the pixels */
	bool started;
	bool deflate;     /* compress at all */
	int failed;       /* images whose pixels could not be compressed */
};

/* ---- PNG ------------------------------------------------------------ */

/* A PNG decoded to 8-bit RGB over white, or why it cannot be. */
struct png_job {
	const struct book *book;
	const char *path; /* relative to the book folder */
	unsigned char *px;
	int w, h;
	char why[128];
};

static void decode_png(struct png_job *p)
{
	char *data = NULL;
	size_t len = 0;
	if (folder_read_file(p->book, p->path, &data, &len) != 0) {
		snprintf(p->why, sizeof p->why, "unreadable PNG");
		return;
	}
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len)) {
		snprintf(p->why, sizeof p->why, "%s",
			 img.message[0] ? img.message : "unreadable PNG");
		goto out;
	}
	img.format = PNG_FORMAT_RGB;
	if (img.width == 0 || img.height == 0 || img.width > 20000 ||
	    img.height > 20000) {
		png_image_free(&img);
		snprintf(p->why, sizeof p->why, "PNG too large");
		goto out;
	}
	unsigned char *px = malloc(PNG_IMAGE_SIZE(img)); /* sized by the input */
	if (!px) {
		png_image_free(&img);
		snprintf(p->why, sizeof p->why, "out of memory");
		goto out;
	}
	png_color white = {255, 255, 255};
	if (!png_image_finish_read(&img, &white, px, 0, NULL)) {
		free(px);
		snprintf(p->why, sizeof p->why, "damaged PNG");
		goto out;
	}
	p->px = px;
	p->w = (int)img.width;
	p->h = (int)img.height;
out:
	free(data);
}

/* The book's PNGs are decoded on both cores (libpng keeps no shared
 * state); each result stays in its own slot, so the order in which they
 * finish changes nothing. */
struct png_batch {
	struct png_job *v;
	int n;
	atomic_int next;
};

static void *decode_pngs(void *arg)
{
	struct png_batch *b = arg;
	for (;;) {
		int i = atomic_fetch_add(&b->next, 1);
		if (i >= b->n)
			return NULL;
		decode_png(&b->v[i]);
	}
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

/* Rasterises an SVG over white at 200 dpi of its intrinsic size, at most
 * 4000 px a side.  The handle has no base file, so librsvg loads no
 * external resource (href to a file or URL): those parts are simply not
 * drawn.  Returns NULL and sets *why when it cannot. */
static const char *load_svg(struct print_image *pi, const struct book *book,
			    const char *rel)
{
	char *data = NULL;
	size_t len = 0;
	if (folder_read_file(book, rel, &data, &len) != 0)
		return "unreadable SVG";
	GError *err = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	free(data);
	if (!h) {
		if (err)
			g_error_free(err);
		return "damaged SVG";
	}
	rsvg_handle_set_dpi(h, 96.0);
	double w, hgt;
	if (!svg_size(h, &w, &hgt)) {
		g_object_unref(h);
		return "SVG without a usable size (width, height or viewBox)";
	}
	double scale = 200.0 / 96.0;
	if (w * scale > 4000)
		scale = 4000 / w;
	if (hgt * scale > 4000)
		scale = 4000 / hgt;
	int pw = (int)(w * scale + 0.5), ph = (int)(hgt * scale + 0.5);
	if (pw < 1)
		pw = 1;
	if (ph < 1)
		ph = 1;
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		g_object_unref(h);
		return "out of memory";
	}
	cairo_t *cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	RsvgRectangle vp = {0, 0, (double)pw, (double)ph};
	gboolean ok = rsvg_handle_render_document(h, cr, &vp, &err);
	cairo_destroy(cr);
	g_object_unref(h);
	if (!ok) {
		if (err)
			g_error_free(err);
		cairo_surface_destroy(surf);
		return "SVG that could not be drawn";
	}
	cairo_surface_flush(surf);
	unsigned char *rgb = surface_rgb(surf, pw, ph);
	cairo_surface_destroy(surf);
	if (!rgb)
		return "out of memory";
	size_t n = (size_t)pw * (size_t)ph * 3;
	pi->kind = PIMG_RGB;
	pi->data = (struct buf){(char *)rgb, n, n};
	pi->px_w = pw;
	pi->px_h = ph;
	pi->width = (int)(w + 0.5);
	pi->height = (int)(hgt + 0.5);
	return NULL;
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

/* Compresses every PIMG_RGB image's pixels into its packed buffer. */
static void *deflate_images(void *arg)
{
	struct print_images *im = arg;
	struct deflater *z = deflater_new(DEFLATE_DEFAULT);
	for (int i = 0; i < im->n; i++) {
		struct print_image *pi = &im->v[i];
		if (pi->kind != PIMG_RGB)
			continue;
		buf_put(&pi->packed, pi->data.data, pi->data.len);
		if (!z || deflater_run(z, &pi->packed) != 0) {
			buf_free(&pi->packed);
			im->failed++;
		}
	}
	deflater_free(z);
	return NULL;
}

/* Decodes the PNGs among the used images, two at a time; their pixels go
 * to their slots of im, why one cannot be decoded to why[i] (in a). */
static void load_pngs(struct print_images *im, struct arena *a,
		      const struct book *book, const bool *used, const char **why)
{
	struct png_batch pngs = {xcalloc((size_t)book->nimages + 1, sizeof *pngs.v), 0, 0};
	for (int i = 0; i < book->nimages; i++)
		if ((!used || used[i]) && is_png(book->images[i]))
			pngs.v[pngs.n++] = (struct png_job){.book = book,
							    .path = book->images[i]->path};
	pthread_t helper;
	bool two = pngs.n > 1 && threads_allowed() &&
		   pthread_create(&helper, NULL, decode_pngs, &pngs) == 0;
	decode_pngs(&pngs);
	if (two)
		pthread_join(helper, NULL);
	int k = 0;
	for (int i = 0; i < book->nimages; i++) {
		if ((used && !used[i]) || !is_png(book->images[i]))
			continue;
		struct png_job *p = &pngs.v[k++];
		struct print_image *pi = &im->v[i];
		if (!p->px) {
			why[i] = arena_strdup(a, p->why);
			continue;
		}
		size_t n = (size_t)p->w * (size_t)p->h * 3;
		pi->kind = PIMG_RGB;
		pi->data = (struct buf){(char *)p->px, n, n};
		pi->px_w = pi->width = p->w;
		pi->px_h = pi->height = p->h;
	}
	free(pngs.v);
}

int print_images_load(struct print_images **out, struct run *run,
		      const struct book *book, int first, int end, bool deflate)
{
	struct print_images *im = xcalloc(1, sizeof *im);
	im->n = book->nimages;
	im->v = xcalloc((size_t)book->nimages + 1, sizeof *im->v);
	im->deflate = deflate;
	bool *used = NULL;
	if (first > 0 || end < book->nchapters) {
		used = xcalloc((size_t)book->nimages + 1, sizeof *used);
		for (int ci = first; ci < end; ci++)
			model_each_inline(book->chapters[ci]->blocks, mark_image, used);
	}
	const char **png_why = xcalloc((size_t)book->nimages + 1, sizeof *png_why);
	load_pngs(im, run->arena, book, used, png_why);
	/* Told in the images' order, PNG or not. */
	for (int i = 0; i < book->nimages; i++) {
		const struct image *img = book->images[i];
		struct print_image *pi = &im->v[i];
		if (used && !used[i])
			continue;
		const char *why = NULL;
		const char *mt = img->media_type ? img->media_type : "";
		if (is_png(img)) {
			why = png_why[i];
		} else if (strcmp(mt, "image/jpeg") == 0) {
			why = load_jpeg(pi, book, img->path);
		} else if (strcmp(mt, "image/svg+xml") == 0) {
			why = load_svg(pi, book, img->path);
		} else {
			why = "only PNG, JPEG and SVG images can go into the PDF";
		}
		if (why)
			diag_warn(run->diags, arena_printf(run->arena, "%s%s",
							   book->display_dir ? book->display_dir : "",
							   img->path), 0, 0,
				  "%s; the PDF shows its alt text instead", why);
	}
	free(png_why);
	free(used);
	if (deflate && threads_allowed() &&
	    pthread_create(&im->thread, NULL, deflate_images, im) == 0)
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
	} else if (im->deflate) {
		deflate_images(im); /* one thread (FOLIO_THREADS=1) */
		im->deflate = false;
	}
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
	if (im->started)
		pthread_join(im->thread, NULL);
	for (int i = 0; i < im->n; i++) {
		buf_free(&im->v[i].data);
		buf_free(&im->v[i].packed);
	}
	free(im->v);
	free(im);
}
