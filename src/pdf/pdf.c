/*
 * pdf.c - the PDF writer: loads the print style, fonts and images into a
 * libharu document, asks layout.c for the pages and draws them.
 *
 * The environment variable FOLIO_LAYOUT_DUMP=path makes it also write the
 * layout dump (layout_dump()) there: the page tests read it to count
 * widows, orphans and headings at a page foot and to check geometry.
 */
#include "app/manifest.h"
#include "app/version.h"
#include "pdf/pdf.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_pages.h>
#include <zlib.h>
#include <png.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

#include "load/book.h"
#include "print/fonts.h"
#include "resolve/handouts.h"
#include "print/layout.h"
#include "print/pagination.h"
#include "pdf/pdfpage.h"
#include "print/style.h"
#include "base/util.h"


/* libharu reports errors here; they go into the diagnostics, once each
 * kind, and the document goes on (each call's result is checked too). */
struct hpdf_ctx {
	struct diag_list *diags;
	const char *path;
	int nerrors;
};

static void hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct hpdf_ctx *ctx = data;
	if (ctx->nerrors++ < 5)
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, 0, 0,
			 "PDF library error 0x%04X (detail %u)",
			 (unsigned)error, (unsigned)detail);
}

/* ---- Images ----------------------------------------------------------- */

/* Decodes any PNG (palette, grey, 16-bit, alpha, interlaced) to 8-bit RGB
 * over white: libharu mangles 16-bit samples and paper has no alpha. */
/*
 * libharu deflates an image's pixels when it saves the document: on one
 * thread, after everything else (the bundled book's three diagrams are
 * 10 MB of RGB).  Instead the decoded pixels are handed to a second
 * thread that deflates them while the book is laid out and drawn, and go
 * into the image's stream as FlateDecode data before the save, as the
 * pages' content streams do (pdfpage.h).
 */
struct image_job {
	HPDF_Image im;
	struct buf data; /* the pixels; deflated once done */
	int failed;
};

struct image_jobs {
	struct image_job *v;
	int n, cap;
	pthread_t thread;
	bool started;
};

static void *deflate_images(void *arg)
{
	struct image_jobs *j = arg;
	struct pdfpage_deflater *z = pdfpage_deflater_new(Z_DEFAULT_COMPRESSION);
	for (int i = 0; i < j->n; i++)
		if (!z || pdfpage_deflate(z, &j->v[i].data) != 0)
			j->v[i].failed = 1;
	pdfpage_deflater_free(z);
	return NULL;
}

/* A libharu image of w x h RGB pixels (buf, which this frees).  With
 * jobs, the pixels wait there to be deflated and libharu's copy of them
 * is dropped; without (nothing will be written), libharu keeps them. */
static HPDF_Image raw_image(HPDF_Doc pdf, struct image_jobs *jobs,
			    unsigned char *buf, int w, int h)
{
	HPDF_Image im = HPDF_LoadRawImageFromMem(pdf, buf, (HPDF_UINT)w, (HPDF_UINT)h,
						 HPDF_CS_DEVICE_RGB, 8);
	if (!im || !jobs || im->write_fn || !im->stream) {
		free(buf);
		return im; /* libharu deflates it at save, as before */
	}
	if (jobs->n == jobs->cap) {
		int cap = jobs->cap ? jobs->cap * 2 : 8;
		struct image_job *v = realloc(jobs->v, (size_t)cap * sizeof *v);
		if (!v) {
			free(buf);
			return im;
		}
		jobs->v = v;
		jobs->cap = cap;
	}
	size_t len = (size_t)w * (size_t)h * 3;
	jobs->v[jobs->n++] = (struct image_job){im, {(char *)buf, len, len}, 0};
	HPDF_MemStream_FreeData(im->stream);
	return im;
}

/* Starts deflating the images' pixels beside this thread. */
static void images_start(struct image_jobs *jobs)
{
	if (jobs->n && threads_allowed() &&
	    pthread_create(&jobs->thread, NULL, deflate_images, jobs) == 0)
		jobs->started = true;
}

/* libharu writes no /Filter for a stream it did not compress itself;
 * this adds it to a stream's dictionary (page contents, images). */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
	(void)dict;
	return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Waits for the deflated pixels and gives them to their images; pixels
 * that could not be deflated go back to libharu, which deflates them at
 * save.  Returns 0, or -1 if libharu failed. */
static int images_finish(struct image_jobs *jobs)
{
	if (jobs->started) {
		pthread_join(jobs->thread, NULL);
		jobs->started = false;
	} else if (jobs->n) {
		deflate_images(jobs); /* one thread (FOLIO_THREADS=1) */
	}
	int rc = 0;
	for (int i = 0; i < jobs->n; i++) {
		struct image_job *j = &jobs->v[i];
		if (!j->failed) {
			j->im->filter = HPDF_STREAM_FILTER_NONE;
			j->im->write_fn = write_flate_filter;
		}
		if (HPDF_Stream_Write(j->im->stream, (const HPDF_BYTE *)j->data.data,
				      (HPDF_UINT)j->data.len) != HPDF_OK)
			rc = -1;
		buf_free(&j->data);
	}
	jobs->n = 0;
	return rc;
}

static void images_free(struct image_jobs *jobs)
{
	if (jobs->started)
		pthread_join(jobs->thread, NULL);
	for (int i = 0; i < jobs->n; i++)
		buf_free(&jobs->v[i].data);
	free(jobs->v);
	memset(jobs, 0, sizeof *jobs);
}

/* A PNG decoded to 8-bit RGB over white (libpng reduces 16-bit samples,
 * which libharu would scramble), or why it cannot be. */
struct png_pixels {
	char path[4096];
	unsigned char *buf;
	int w, h;
	char why[128];
};

static void decode_png(struct png_pixels *p)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, p->path)) {
		snprintf(p->why, sizeof p->why, "%s",
			 img.message[0] ? img.message : "unreadable PNG");
		return;
	}
	img.format = PNG_FORMAT_RGB;
	if (img.width == 0 || img.height == 0 || img.width > 20000 ||
	    img.height > 20000) {
		png_image_free(&img);
		snprintf(p->why, sizeof p->why, "PNG too large");
		return;
	}
	unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
	if (!buf) {
		png_image_free(&img);
		snprintf(p->why, sizeof p->why, "out of memory");
		return;
	}
	png_color white = {255, 255, 255};
	if (!png_image_finish_read(&img, &white, buf, 0, NULL)) {
		free(buf);
		snprintf(p->why, sizeof p->why, "damaged PNG");
		return;
	}
	p->buf = buf;
	p->w = (int)img.width;
	p->h = (int)img.height;
}

/* The book's PNGs are decoded on both cores (libpng keeps no shared
 * state); each result stays in its own slot, so the order in which they
 * finish changes nothing. */
struct png_batch {
	struct png_pixels *v;
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

/* Rasterises an SVG (read through book_read_file, so confined to the book
 * folder) over white at 200 dpi of its intrinsic size, at most 4000 px a
 * side.  The handle has no base file, so librsvg loads no external
 * resource (href to a file or URL): those parts are simply not drawn.
 * *css_w and *css_h get the intrinsic size in CSS pixels (96 dpi), which
 * the layout sizes the figure by. */
static HPDF_Image load_svg(HPDF_Doc pdf, struct image_jobs *jobs,
			   const struct book *book,
			   const char *rel, int *css_w, int *css_h, const char **why)
{
	char *data = NULL;
	size_t len = 0;
	if (book_read_file(book, rel, &data, &len) != 0) {
		*why = "unreadable SVG";
		return NULL;
	}
	GError *err = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	free(data);
	if (!h) {
		if (err)
			g_error_free(err);
		*why = "damaged SVG";
		return NULL;
	}
	rsvg_handle_set_dpi(h, 96.0);
	double w = 0, hgt = 0;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt)) {
		gboolean has_w, has_h, has_vb;
		RsvgLength lw, lh;
		RsvgRectangle vb;
		rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh,
						     &has_vb, &vb);
		if (has_vb) {
			w = vb.width;
			hgt = vb.height;
		}
	}
	if (!(w >= 1 && hgt >= 1 && w <= 1e6 && hgt <= 1e6)) {
		g_object_unref(h);
		*why = "SVG without a usable size (width, height or viewBox)";
		return NULL;
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
		*why = "out of memory";
		return NULL;
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
		*why = "SVG that could not be drawn";
		return NULL;
	}
	cairo_surface_flush(surf);
	/* Opaque (painted over white), so the premultiplied native-endian
	 * ARGB words are plain RGB. */
	const unsigned char *px = cairo_image_surface_get_data(surf);
	int stride = cairo_image_surface_get_stride(surf);
	unsigned char *buf = malloc((size_t)pw * (size_t)ph * 3);
	if (!buf) {
		cairo_surface_destroy(surf);
		*why = "out of memory";
		return NULL;
	}
	for (int y = 0; y < ph; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
		unsigned char *o = buf + (size_t)y * (size_t)pw * 3;
		for (int x = 0; x < pw; x++) {
			uint32_t v = row[x];
			o[3 * x] = (unsigned char)((v >> 16) & 255);
			o[3 * x + 1] = (unsigned char)((v >> 8) & 255);
			o[3 * x + 2] = (unsigned char)(v & 255);
		}
	}
	cairo_surface_destroy(surf);
	HPDF_Image im = raw_image(pdf, jobs, buf, pw, ph);
	if (!im)
		*why = "the PDF library refused the image";
	*css_w = (int)(w + 0.5);
	*css_h = (int)(hgt + 0.5);
	return im;
}

static void mark_image(void *ctx, struct block *owner, struct inline_node *in)
{
	(void)owner;
	bool *used = ctx;
	if (in->type == INL_IMAGE && in->link && in->link->kind == LINK_IMAGE &&
	    in->link->image)
		used[in->link->image->index] = true;
}

/* Loads the images of chapters [first, end) (every image a document holds
 * is written into it, drawn or not). */
static bool is_png(const struct image *img)
{
	return img->media_type && strcmp(img->media_type, "image/png") == 0;
}

static void load_images(HPDF_Doc pdf, struct image_jobs *jobs,
			const struct book *book, int first, int end,
			HPDF_Image *handles, struct lo_image_info *info)
{
	bool *used = NULL;
	if (first > 0 || end < book->nchapters) {
		used = calloc((size_t)book->nimages + 1, sizeof *used);
		if (!used)
			return;
		for (int ci = first; ci < end; ci++)
			model_each_inline(book->chapters[ci]->blocks, mark_image, used);
	}
	/* The PNGs first, decoded beside each other. */
	struct png_batch pngs = {0};
	pngs.v = calloc((size_t)book->nimages + 1, sizeof *pngs.v);
	if (!pngs.v) {
		free(used);
		return;
	}
	for (int i = 0; i < book->nimages; i++)
		if ((!used || used[i]) && is_png(book->images[i]))
			snprintf(pngs.v[pngs.n++].path, sizeof pngs.v->path, "%s/%s",
				 book->dir, book->images[i]->path);
	pthread_t helper;
	bool two = pngs.n > 1 && threads_allowed() &&
		   pthread_create(&helper, NULL, decode_pngs, &pngs) == 0;
	decode_pngs(&pngs);
	if (two)
		pthread_join(helper, NULL);

	int k = 0; /* the next decoded PNG */
	for (int i = 0; i < book->nimages; i++) {
		const struct image *img = book->images[i];
		if (used && !used[i])
			continue;
		const char *why = NULL;
		HPDF_Image im = NULL;
		int css_w = 0, css_h = 0;
		const char *mt = img->media_type ? img->media_type : "";
		if (is_png(img)) {
			struct png_pixels *p = &pngs.v[k++];
			if (p->buf) {
				im = raw_image(pdf, jobs, p->buf, p->w, p->h);
				p->buf = NULL; /* raw_image() frees it */
				if (!im)
					why = "the PDF library refused the image";
			} else {
				why = p->why;
			}
		} else if (strcmp(mt, "image/jpeg") == 0) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", book->dir, img->path);
			im = HPDF_LoadJpegImageFromFile(pdf, path);
			if (!im) {
				HPDF_ResetError(pdf);
				why = "unsupported JPEG (baseline or progressive 8-bit only)";
			}
		} else if (strcmp(mt, "image/svg+xml") == 0) {
			im = load_svg(pdf, jobs, book, img->path, &css_w, &css_h, &why);
		} else {
			why = "only PNG, JPEG and SVG images can go into the PDF";
		}
		if (!im) {
			diag_warn(book->diags, NULL, 0, 0,
				  "%s%s: %s; the PDF shows its alt text instead",
				  book->display_dir ? book->display_dir : "",
				  img->path, why);
			continue;
		}
		handles[i] = im;
		info[i].width = (int)HPDF_Image_GetWidth(im);
		info[i].height = (int)HPDF_Image_GetHeight(im);
		if (css_w > 0 && css_h > 0) {
			info[i].width = css_w;
			info[i].height = css_h;
		}
	}
	for (int i = 0; i < pngs.n; i++)
		free(pngs.v[i].buf);
	free(pngs.v);
	free(used);
}

/* ---- Drawing ---------------------------------------------------------- */

/*
 * Pages are drawn in three steps (pdfpage.h says why folio writes the
 * content streams itself):
 *  1. on this thread, each page is added to the document and given the
 *     fonts and images it uses (libharu names them in its resources), and
 *     each character's glyph is marked for the font subset;
 *  2. on both cores, each page's content stream is written and deflated
 *     into its own buffer (a page depends on nothing but its items, so
 *     the bytes are the same whichever thread writes it);
 *  3. on this thread, the buffers go into the pages' content streams, in
 *     page order.
 */
struct page_job {
	struct pdfpage_names names;
	struct buf content; /* deflated */
	int failed;
};

/* Glyphs already marked, per font: libharu marks a glyph for the subset
 * when it measures it, so each character is measured once. */
struct glyph_marks {
	unsigned char seen[FONT_NROLES][0x10000 / 8];
};

static void mark_glyphs(struct glyph_marks *m, struct fonts *fonts,
			int font, const char *text, size_t len)
{
	HPDF_Font handle = fonts_handle(fonts, font); /* registered: not NULL */
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = (size_t)utf8_decode(text + i, len - i, &cp);
		const char *ch = text + i;
		i += n;
		if (cp > 0xFFFF) { /* pdfpage draws U+FFFD */
			cp = 0xFFFD;
			ch = FONTS_REPLACEMENT;
			n = 3;
		}
		unsigned char bit = (unsigned char)(1u << (cp & 7));
		if (m->seen[font][cp >> 3] & bit)
			continue;
		m->seen[font][cp >> 3] |= bit;
		HPDF_Font_TextWidth(handle, (const HPDF_BYTE *)ch, (HPDF_UINT)n);
	}
}

/* Step 1 for one page.  Returns 0, or -1 (libharu's error is recorded). */
static int register_page(HPDF_Page page, const struct lo_page *pg,
			 struct fonts *fonts, HPDF_Image *images,
			 struct glyph_marks *marks, struct page_job *job)
{
	size_t nimages = 0, k = 0;
	for (size_t i = 0; i < pg->nitems; i++)
		nimages += pg->items[i].kind == LO_IMAGE;
	if (nimages) {
		job->names.image = calloc(nimages, sizeof *job->names.image);
		if (!job->names.image)
			return -1;
	}
	for (size_t i = 0; i < pg->nitems; i++) {
		const struct lo_item *it = &pg->items[i];
		if (it->kind == LO_TEXT && it->len) {
			if (!job->names.font[it->font]) {
				HPDF_Font h = fonts_handle(fonts, it->font);
				if (!h)
					return -1;
				job->names.font[it->font] = HPDF_Page_GetLocalFontName(page, h);
				if (!job->names.font[it->font])
					return -1;
			}
			mark_glyphs(marks, fonts, it->font, it->text, it->len);
		} else if (it->kind == LO_IMAGE) {
			if (images[it->image]) {
				job->names.image[k] = HPDF_Page_GetXObjectName(page, images[it->image]);
				if (!job->names.image[k])
					return -1;
			}
			k++;
		}
	}
	return 0;
}

struct render {
	const struct layout *lo;
	const struct fonts *fonts;
	struct page_job *jobs;
	atomic_int next;
};

/* Step 2: takes pages until none is left. */
static void *render_pages(void *arg)
{
	struct render *r = arg;
	struct pdfpage_deflater *z = pdfpage_deflater_new(Z_DEFAULT_COMPRESSION);
	for (;;) {
		int i = atomic_fetch_add(&r->next, 1);
		if (i >= r->lo->npages)
			break;
		struct page_job *job = &r->jobs[i];
		pdfpage_content(&job->content, &r->lo->pages[i], r->fonts, &job->names);
		if (!z || pdfpage_deflate(z, &job->content) != 0)
			job->failed = 1;
	}
	pdfpage_deflater_free(z);
	return NULL;
}

/* Step 3 for one page. */
static int attach_content(HPDF_Page page, const struct page_job *job)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	if (job->failed || !attr->contents || attr->contents->write_fn ||
	    attr->contents->filter != HPDF_STREAM_FILTER_NONE)
		return -1;
	attr->contents->write_fn = write_flate_filter;
	return HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)job->content.data,
				 (HPDF_UINT)job->content.len) == HPDF_OK ? 0 : -1;
}

/* Draws lo's pages into pages[] (already added).  Returns 0, or -1. */
static int draw_pages(HPDF_Page *pages, const struct layout *lo,
		      struct fonts *fonts, HPDF_Image *images)
{
	int rc = -1;
	struct page_job *jobs = calloc((size_t)lo->npages + 1, sizeof *jobs);
	struct glyph_marks *marks = calloc(1, sizeof *marks);
	if (!jobs || !marks)
		goto out;
	for (int i = 0; i < lo->npages; i++)
		if (register_page(pages[i], &lo->pages[i], fonts, images, marks,
				  &jobs[i]) != 0)
			goto out;
	stage_time("pdf pages");
	struct render r = {lo, fonts, jobs, 0};
	pthread_t helper;
	bool two = threads_allowed() &&
		   pthread_create(&helper, NULL, render_pages, &r) == 0;
	render_pages(&r);
	if (two)
		pthread_join(helper, NULL);
	stage_time("pdf content");
	for (int i = 0; i < lo->npages; i++)
		if (attach_content(pages[i], &jobs[i]) != 0)
			goto out;
	rc = 0;
out:
	for (int i = 0; jobs && i < lo->npages; i++) {
		free(jobs[i].names.image);
		buf_free(&jobs[i].content);
	}
	free(jobs);
	free(marks);
	return rc;
}

/* Percent-encodes what may not stand in a URI (spaces, non-ASCII ...);
 * existing escapes are kept. */
static void uri_encode(struct buf *b, const char *url)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_reset(b);
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7F || strchr("\"<>\\^`{|}", *p)) {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		} else {
			buf_putc(b, *p);
		}
	}
	if (!b->data)
		buf_puts(b, "");
}

static HPDF_Destination dest_at(HPDF_Page *pages, const struct layout *lo,
				const struct lo_anchor *a);

static void add_links(HPDF_Page *pages, const struct layout *lo,
		      struct buf *tmp)
{
	for (int p = 0; p < lo->npages; p++) {
		const struct lo_page *pg = &lo->pages[p];
		for (size_t i = 0; i < pg->nitems; i++) {
			const struct lo_item *it = &pg->items[i];
			if (it->kind != LO_LINK || (!it->link && !it->dest))
				continue;
			HPDF_Rect r = {it->x, it->y, it->x + it->w, it->y + it->h};
			HPDF_Annotation an = NULL;
			const struct link *l = it->link;
			if (!l) {
				/* A footnote mark: to the note's text. */
				HPDF_Destination d = dest_at(pages, lo, it->dest);
				if (!d)
					continue;
				an = HPDF_Page_CreateLinkAnnot(pages[p], r, d);
			} else if (l->kind == LINK_EXTERNAL && l->url) {
				uri_encode(tmp, l->url);
				an = HPDF_Page_CreateURILinkAnnot(pages[p], r, tmp->data);
			} else if (l->kind == LINK_INTERNAL && l->chapter) {
				const struct lo_anchor *a = &lo->chapter_start[l->chapter->index];
				if (l->heading && l->heading->number >= 0 &&
				    l->heading->number < l->chapter->nheadings &&
				    lo->headings[l->chapter->index] &&
				    lo->headings[l->chapter->index][l->heading->number].page >= 0)
					a = &lo->headings[l->chapter->index][l->heading->number];
				HPDF_Destination d = dest_at(pages, lo, a);
				if (!d)
					continue;
				an = HPDF_Page_CreateLinkAnnot(pages[p], r, d);
			}
			if (an)
				HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
		}
	}
}

/* Page labels that match the printed numbers: roman front matter, then
 * arabic from 1. */
static void add_labels(HPDF_Doc pdf, const struct layout *lo)
{
	if (lo->module) {
		/* A handout: one run of numbers from its first page. */
		HPDF_AddPageLabel(pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, "");
		return;
	}
	if (lo->nfront > 0)
		HPDF_AddPageLabel(pdf, 0, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN, 1, "");
	if (lo->npages > lo->nfront)
		HPDF_AddPageLabel(pdf, (HPDF_UINT)lo->nfront,
				  HPDF_PAGE_NUM_STYLE_DECIMAL, 1, "");
}

static HPDF_Destination dest_at(HPDF_Page *pages, const struct layout *lo,
				const struct lo_anchor *a)
{
	if (a->page < 0 || a->page >= lo->npages)
		return NULL;
	HPDF_Destination d = HPDF_Page_CreateDestination(pages[a->page]);
	if (d)
		HPDF_Destination_SetXYZ(d, lo->pages[a->page].left, a->y, 1);
	return d;
}

/* Bookmarks: each chapter (nested as the contents nest them) with its
 * ## sections when the contents list them (contents.depth = 2). */
static void add_outline(HPDF_Doc pdf, HPDF_Page *pages, const struct book *book,
			const struct layout *lo, int depth)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	int n = book->nchapters;
	HPDF_Outline *of = calloc((size_t)n + 1, sizeof *of);
	if (!of)
		return;
	for (int i = lo->first_chapter; i < lo->end_chapter && i < n; i++) {
		const struct chapter *ch = book->chapters[i];
		HPDF_Outline parent = NULL;
		if (ch->parent && ch->parent->index >= lo->first_chapter && ch->parent->index < i)
			parent = of[ch->parent->index];
		const char *title = ch->title ? ch->title : ch->path;
		char *t = NULL;
		if (ch->number)
			t = arena_printf(book->arena, "%s %s", ch->number, title);
		of[i] = HPDF_CreateOutline(pdf, parent, t ? t : title, enc);
		if (!of[i])
			continue;
		HPDF_Outline_SetOpened(of[i], HPDF_FALSE);
		HPDF_Destination d = dest_at(pages, lo, &lo->chapter_start[i]);
		if (d)
			HPDF_Outline_SetDestination(of[i], d);
		for (int h = 0; depth >= 2 && h < ch->nheadings; h++) {
			const struct block *hb = ch->headings[h];
			if (hb->level != 2 || !hb->plain)
				continue;
			HPDF_Outline o = HPDF_CreateOutline(pdf, of[i], hb->plain, enc);
			d = dest_at(pages, lo, &lo->headings[i][h]);
			if (o && d)
				HPDF_Outline_SetDestination(o, d);
		}
	}
	free(of);
	if (lo->appendix) {
		HPDF_Outline o = HPDF_CreateOutline(pdf, NULL, lo->appendix->title, enc);
		HPDF_Destination d = dest_at(pages, lo, &lo->chapter_start[lo->appendix->index]);
		if (o && d)
			HPDF_Outline_SetDestination(o, d);
	}
	HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
}

static void set_info(HPDF_Doc pdf, const struct book *book,
		     const struct build_opts *opts, const struct module *m)
{
	HPDF_SetCurrentEncoder(pdf, "UTF-8");
	if (book->meta.title && m)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE,
				 arena_printf(book->arena, "%s \xe2\x80\x94 Module %d: %s",
					      book->meta.title, m->number, m->title));
	else if (book->meta.title)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, book->meta.title);
	if (book->meta.nauthors > 0) {
		struct buf b = BUF_INIT;
		for (int i = 0; i < book->meta.nauthors; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, book->meta.authors[i]);
		}
		HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, b.data);
		buf_free(&b);
	}
	if (book->meta.description)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, book->meta.description);
	if (book->meta.keywords)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_KEYWORDS, book->meta.keywords);
	HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "folio " FOLIO_VERSION);
	HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "folio (libharu)");
	time_t t = (time_t)opts->source_date;
	struct tm tm;
	gmtime_r(&t, &tm);
	HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		       tm.tm_min, tm.tm_sec, 'Z', 0, 0};
	HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d);
	HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d);
}

/* Saves the document through memory into a temporary file renamed into
 * place, so a full disk or a killed build never leaves a partial PDF at
 * path, nor destroys the previous good one.  Returns 0, or -1 with a fatal
 * diagnostic naming path. */
static int save_atomic(HPDF_Doc pdf, const char *path, struct diag_list *diags)
{
	if (HPDF_SaveToStream(pdf) != HPDF_OK) {
		diag_fatal(diags, path, "cannot write the PDF: the PDF library failed");
		return -1;
	}
	HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
	unsigned char *data = malloc(size ? size : 1);
	if (!data) {
		diag_fatal(diags, path, "cannot write the PDF: out of memory");
		return -1;
	}
	HPDF_ResetStream(pdf);
	HPDF_UINT32 got = 0;
	while (got < size) {
		HPDF_UINT32 n = size - got;
		HPDF_STATUS st = HPDF_ReadFromStream(pdf, data + got, &n);
		got += n;
		if (st != HPDF_OK || n == 0)
			break;
	}
	int rc = 0;
	if (got != size) {
		diag_fatal(diags, path, "cannot write the PDF: the PDF library failed");
		rc = -1;
	} else if (write_file_atomic(path, data, size) != 0) {
		diag_fatal(diags, path, "cannot write the PDF: %s", strerror(errno));
		rc = -1;
	}
	free(data);
	return rc;
}

/* What pdf_write() and pdf_paginate() set up alike: the style, the
 * libharu document with the fonts and images loaded (the images' pixel
 * sizes, and whether they can be drawn at all, shape the layout). */
struct setup {
	struct print_style st;
	HPDF_Doc pdf;
	struct fonts *fonts;
	HPDF_Image *images;
	struct lo_image_info *info;
	struct image_jobs jobs; /* pixels being deflated (writing only) */
	struct hpdf_ctx ctx;
};

static void setup_close(struct setup *S)
{
	images_free(&S->jobs);
	free(S->images);
	free(S->info);
	fonts_free(S->fonts);
	if (S->pdf)
		HPDF_Free(S->pdf);
	memset(S, 0, sizeof *S);
}

/* Returns 0, or -1 (with diagnostics; S is closed). */
static int setup_open(struct setup *S, const struct book *book,
		      const struct build_opts *opts, const char *path,
		      const struct lo_part *part)
{
	char style_path[4096], font_dir[4096];
	const char *data = opts->data_dir ? opts->data_dir : ".";

	memset(S, 0, sizeof *S);
	S->ctx = (struct hpdf_ctx){book->diags, path, 0};
	style_defaults(&S->st);
	if (opts->style_file)
		snprintf(style_path, sizeof style_path, "%s", opts->style_file);
	else
		snprintf(style_path, sizeof style_path, "%s/styles/print.ini", data);
	if (style_load(&S->st, style_path, opts->paper, book->diags) != 0 &&
	    book->diags->nfatal)
		return -1;
	snprintf(font_dir, sizeof font_dir, "%s/fonts", data);

	S->pdf = HPDF_New(hpdf_error, &S->ctx);
	if (!S->pdf) {
		diag_fatal(book->diags, path, "cannot start the PDF library");
		return -1;
	}
	/* Not HPDF_COMP_TEXT: folio deflates the page contents (pdfpage.h). */
	HPDF_SetCompressionMode(S->pdf, HPDF_COMP_IMAGE | HPDF_COMP_METADATA);
	HPDF_UseUTFEncodings(S->pdf);
	S->fonts = fonts_open(S->pdf, font_dir, &S->st, book->diags);
	S->images = calloc((size_t)book->nimages + 1, sizeof *S->images);
	S->info = calloc((size_t)book->nimages + 1, sizeof *S->info);
	if (!S->fonts || !S->images || !S->info) {
		setup_close(S);
		return -1;
	}
	/* Only a document that will be written needs its pixels deflated. */
	load_images(S->pdf, path ? &S->jobs : NULL, book,
		    part ? part->module->first : 0,
		    part ? part->module->end : book->nchapters, S->images, S->info);
	images_start(&S->jobs);
	return 0;
}

/* pdf_paginate() lays the book out once per build: the result of the last
 * layout is kept for the same book and options (pdf_write's too, so a
 * build of both formats lays the book out once). */
static struct {
	const struct book *book;
	struct build_opts opts;
	struct pagination p;
} memo;

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool memo_matches(const struct book *book, const struct build_opts *opts)
{
	return memo.book == book && memo.p.marks &&
	       same_str(memo.opts.data_dir, opts->data_dir) &&
	       same_str(memo.opts.style_file, opts->style_file) &&
	       same_str(memo.opts.paper, opts->paper) &&
	       memo.opts.duplex == opts->duplex;
}

static void memo_keep(const struct book *book, const struct build_opts *opts,
		      const struct layout *lo)
{
	pagination_free(&memo.p);
	memo.book = NULL;
	if (layout_pagination(lo, book, &memo.p) == 0) {
		memo.book = book;
		memo.opts = *opts;
	}
}

static int copy_pagination(const struct pagination *from, struct pagination *to)
{
	to->marks = malloc(((size_t)from->nmarks + 1) * sizeof *to->marks);
	to->nmarks = 0;
	if (!to->marks)
		return -1;
	memcpy(to->marks, from->marks, (size_t)from->nmarks * sizeof *to->marks);
	to->nmarks = from->nmarks;
	return 0;
}

/* Lays the book out without writing anything.  What the layout finds to
 * say (characters no font has, images it cannot draw, a print style's
 * bad values) concerns the print edition, which pdf_write() reports when
 * it is built: here it is kept apart, and only a failure is told. */
static int paginate(const struct book *book, const struct build_opts *opts,
		    struct pagination *out)
{
	struct setup S;
	struct diag_list quiet = {0};
	struct book b = *book;
	b.diags = &quiet;
	out->marks = NULL;
	out->nmarks = 0;
	int rc = -1;
	if (setup_open(&S, &b, opts, NULL, NULL) == 0) {
		struct layout *lo = layout_book(&b, &S.st, S.fonts, S.info, opts->duplex);
		if (lo && layout_pagination(lo, book, out) == 0) {
			memo_keep(book, opts, lo);
			rc = 0;
		}
		layout_free(lo);
		setup_close(&S);
	}
	if (rc != 0) {
		const char *why = "out of memory";
		for (size_t i = 0; i < quiet.n; i++)
			if (quiet.v[i].level == DIAG_FATAL) {
				why = quiet.v[i].msg;
				break;
			}
		diag_warn(book->diags, NULL, 0, 0,
			  "the print edition could not be laid out (%s): the EPUB "
			  "has no print page numbers", why);
	}
	diag_list_free(&quiet);
	return rc;
}

int pdf_paginate(const struct book *book, const struct build_opts *opts,
		 struct pagination *out)
{
	if (memo_matches(book, opts))
		return copy_pagination(&memo.p, out);
	return paginate(book, opts, out);
}

/* FOLIO_PAGINATION_DUMP=path: the pages of the layout being written go to
 * path, and those of a separate pdf_paginate() run to path.paginate, so
 * the tests can see that both agree and that each mark opens its page. */
static void dump_pagination(const struct book *book,
			    const struct build_opts *opts,
			    const struct layout *lo, const char *path)
{
	struct pagination a = {0}, b = {0};
	struct buf name = BUF_INIT;
	buf_printf(&name, "%s.paginate", path);
	FILE *f = fopen(path, "w");
	FILE *g = fopen(name.data, "w");
	if (f && g && layout_pagination(lo, book, &a) == 0 &&
	    paginate(book, opts, &b) == 0) {
		pagination_dump(&a, f);
		pagination_dump(&b, g);
	} else {
		diag_warn(book->diags, path, 0, 0, "cannot write the pagination dump");
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	pagination_free(&a);
	pagination_free(&b);
	buf_free(&name);
}

/* Lays out the book, or one part of it, and writes it to path. */
static int write_pdf(const struct book *book, const struct build_opts *opts,
		     const char *path, const struct lo_part *part, int *npages,
		     pdf_paginated_fn on_paginated, void *ctx)
{
	int rc = -1;
	struct setup S;
	struct layout *lo = NULL;
	HPDF_Page *pages = NULL;
	struct buf tmp = BUF_INIT;

	if (npages)
		*npages = 0;
	if (setup_open(&S, book, opts, path, part) != 0) {
		if (!book->diags->nfatal)
			diag_fatal(book->diags, path, "PDF not written");
		return -1;
	}
	HPDF_Doc pdf = S.pdf;
	stage_time("pdf setup");

	lo = layout_part(book, &S.st, S.fonts, S.info, opts->duplex, part);
	if (!lo)
		goto out;
	stage_time("layout");
	if (!part)
		memo_keep(book, opts, lo);
	const char *dump = getenv(part ? "FOLIO_HANDOUT_DUMP" : "FOLIO_LAYOUT_DUMP");
	struct buf dump_path = BUF_INIT;
	if (part && dump && *dump) {
		/* one dump per handout: DIR/moduleN-....dump */
		buf_printf(&dump_path, "%s/%.*s.dump", dump,
			   (int)(strlen(part->module->file) - 4), part->module->file);
		dump = dump_path.data;
	}
	if (dump && *dump) {
		FILE *f = fopen(dump, "w");
		if (f) {
			layout_dump(lo, f);
			fclose(f);
		} else {
			diag_warn(book->diags, dump, 0, 0,
				  "cannot write the layout dump: %s", strerror(errno));
		}
	}
	buf_free(&dump_path);
	dump = getenv("FOLIO_PAGINATION_DUMP");
	if (!part && dump && *dump)
		dump_pagination(book, opts, lo, dump);
	/* The pagination is known: hand it out before the (long) drawing. */
	if (!part && on_paginated && memo_matches(book, opts))
		on_paginated(ctx, &memo.p);

	pages = calloc((size_t)lo->npages + 1, sizeof *pages);
	if (!pages)
		goto out;
	for (int i = 0; i < lo->npages; i++) {
		pages[i] = HPDF_AddPage(pdf);
		if (!pages[i])
			goto out; /* libharu's error is already recorded */
		HPDF_Page_SetWidth(pages[i], lo->page_width);
		HPDF_Page_SetHeight(pages[i], lo->page_height);
	}
	if (draw_pages(pages, lo, S.fonts, S.images) != 0) {
		diag_fatal(book->diags, path, "cannot draw the pages: out of "
			   "memory, or the PDF library failed");
		goto out;
	}
	layout_keep_links(lo); /* what is drawn is in the document now */
	add_links(pages, lo, &tmp);
	add_labels(pdf, lo);
	add_outline(pdf, pages, book, lo, S.st.contents_depth);
	set_info(pdf, book, opts, part ? part->module : NULL);

	stage_time("pdf links");
	if (images_finish(&S.jobs) != 0)
		goto out; /* libharu's error is already recorded */
	if (save_atomic(pdf, path, book->diags) != 0)
		goto out;
	stage_time("pdf save");
	if (npages)
		*npages = lo->npages;
	rc = 0;
out:
	if (rc && !book->diags->nfatal)
		diag_fatal(book->diags, path, "PDF not written");
	buf_free(&tmp);
	free(pages);
	layout_free(lo);
	setup_close(&S);
	return rc;
}

int pdf_write(const struct book *book, const struct build_opts *opts,
	      const char *path, int *npages)
{
	return write_pdf(book, opts, path, NULL, npages, NULL, NULL);
}

int pdf_write_ex(const struct book *book, const struct build_opts *opts,
		 const char *path, int *npages,
		 pdf_paginated_fn on_paginated, void *ctx)
{
	return write_pdf(book, opts, path, NULL, npages, on_paginated, ctx);
}

int pdf_write_handouts(const struct book *book, const struct build_opts *opts,
		       const char *dir, struct artifact **arts, int *nart)
{
	struct module *mods;
	int n;
	*arts = NULL;
	*nart = 0;
	handouts_modules(book, &mods, &n);
	if (n == 0) {
		diag_warn(book->diags, book->root ? book->root->display_path : NULL, 0, 0,
			  "no modules for handouts: the root page links no chapter "
			  "(list them in folio.ini: [handouts] modules = ...)");
		return 0;
	}
	*arts = arena_calloc(book->arena, (size_t)n, sizeof **arts);
	for (int i = 0; i < n; i++) {
		struct lo_part part = {&mods[i], mods, n};
		const char *path = arena_printf(book->arena, "%s/%s", dir, mods[i].file);
		int pages = 0;
		if (write_pdf(book, opts, path, &part, &pages, NULL, NULL) != 0)
			return -1;
		(*arts)[(*nart)++] = (struct artifact){path, "handout", pages};
	}
	return 0;
}
