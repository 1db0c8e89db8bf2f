/*
 * pdf.c - the PDF writer: draws a print edition (print/typeset.h) with
 * libharu.  It lays nothing out and reads no source file: the pages, the
 * fonts' files and the figures' pixels all come from the edition.
 *
 * libharu owns the document: its objects are made in a fixed order (the
 * font files, the figures, the pages), so the same edition always gives
 * the same bytes.  folio writes the page content streams itself
 * (pdfpage.h) and hands them to libharu compressed.
 */
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

#include "base/version.h"
#include "base/base.h"
#include "base/deflate.h"
#include "base/util.h"
#include "pdf/pdfpage.h"

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
	if (error == HPDF_FAILD_TO_ALLOC_MEM)
		folio_oom("writing the PDF", 0);
	if (ctx->nerrors++ < 5)
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, 0, 0,
			 "PDF library error 0x%04X (detail %u)",
			 (unsigned)error, (unsigned)detail);
}

/* ---- Fonts ------------------------------------------------------------ */

/* The edition's font files loaded into the document, one per role, and
 * their libharu fonts, made on first use: a font made with HPDF_GetFont
 * is written to the PDF whether or not any text uses it, and making it
 * maps all 65536 code points to glyphs. */
struct pdf_fonts {
	HPDF_Doc pdf;
	const char *name[FONT_NROLES]; /* libharu's name of each file */
	HPDF_Font handle[FONT_NROLES];
};

/* Loads every font file (embedded as a subset, UTF-8).  Returns 0, or -1
 * after a DIAG_FATAL naming the file libharu refused. */
static int load_fonts(struct pdf_fonts *pf, HPDF_Doc pdf, const struct fonts *fonts,
		      struct diag_list *diags)
{
	memset(pf, 0, sizeof *pf);
	pf->pdf = pdf;
	for (int i = 0; i < FONT_NROLES; i++) {
		pf->name[i] = HPDF_LoadTTFontFromFile(pdf, fonts_file(fonts, i), HPDF_TRUE);
		if (!pf->name[i]) {
			diag_fatal(diags, fonts_file(fonts, i),
				   "libharu cannot load this TrueType font");
			return -1;
		}
	}
	return 0;
}

static HPDF_Font font_handle(struct pdf_fonts *pf, int font)
{
	if (!pf->handle[font] && pf->name[font])
		pf->handle[font] = HPDF_GetFont(pf->pdf, pf->name[font], "UTF-8");
	return pf->handle[font];
}

/* ---- Figures ---------------------------------------------------------- */

/* libharu writes no /Filter for a stream it did not compress itself;
 * this adds it to a stream's dictionary (page contents, images). */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
	(void)dict;
	return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* The libharu image of an RGB figure.  Compressed pixels go into its
 * stream later (make_images): libharu is given a one-pixel image, whose
 * Width and Height are then set to the figure's, so it never holds a
 * copy of the pixels.  Pixels that could not be compressed go to libharu,
 * which deflates them at save. */
static HPDF_Image rgb_image(HPDF_Doc pdf, const struct print_image *pi)
{
	if (!pi->packed.len)
		return HPDF_LoadRawImageFromMem(pdf, (const HPDF_BYTE *)pi->data.data,
						(HPDF_UINT)pi->px_w, (HPDF_UINT)pi->px_h,
						HPDF_CS_DEVICE_RGB, 8);
	const HPDF_BYTE white[3] = {255, 255, 255};
	HPDF_Image x = HPDF_LoadRawImageFromMem(pdf, white, 1, 1, HPDF_CS_DEVICE_RGB, 8);
	if (x && (HPDF_Dict_AddNumber(x, "Width", (HPDF_INT32)pi->px_w) != HPDF_OK ||
		  HPDF_Dict_AddNumber(x, "Height", (HPDF_INT32)pi->px_h) != HPDF_OK))
		return NULL;
	return x;
}

/*
 * Makes the libharu image of each figure the edition draws, in the book's
 * order.  An RGB figure was drawn and compressed beside the layout
 * (images.h): the compressed bytes go into its stream with a /Filter, as
 * the page contents do.  The edition's bytes are freed once they are in.
 * One that could not be drawn after all, or that libharu refuses (the
 * layout has made room for it), is left out with a warning.  Returns 0,
 * or -1 if libharu failed (its error is recorded).
 */
static int make_images(struct run *run, HPDF_Doc pdf, const struct book *book,
		       struct print_images *im, HPDF_Image *out)
{
	int n = book->nimages;
	print_images_deflated(im);
	for (int i = 0; i < n; i++) {
		const struct print_image *pi = print_images_get(im, i);
		if (pi->why)
			diag_warn(run->diags, NULL, 0, 0,
				  "%s%s: %s; the PDF leaves its space empty",
				  book->display_dir ? book->display_dir : "",
				  book->images[i]->path, pi->why);
		if (pi->kind == PIMG_RGB)
			out[i] = rgb_image(pdf, pi);
		else if (pi->kind == PIMG_JPEG)
			out[i] = HPDF_LoadJpegImageFromMem(pdf, (const HPDF_BYTE *)pi->data.data,
							   (HPDF_UINT)pi->data.len);
		if (pi->kind != PIMG_NONE && !out[i]) {
			HPDF_ResetError(pdf);
			diag_warn(run->diags, arena_printf(run->arena, "%s%s",
							   book->display_dir ? book->display_dir : "",
							   book->images[i]->path), 0, 0,
				  "the PDF library refused the image; it is left out");
		}
		if (pi->kind == PIMG_RGB && pi->packed.len && out[i] && !out[i]->write_fn &&
		    out[i]->stream)
			HPDF_MemStream_FreeData(out[i]->stream);
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		const struct print_image *pi = print_images_get(im, i);
		HPDF_Image x = out[i];
		if (pi->kind != PIMG_RGB || !pi->packed.len || !x || x->write_fn || !x->stream)
			continue;
		x->filter = HPDF_STREAM_FILTER_NONE;
		x->write_fn = write_flate_filter;
		if (HPDF_Stream_Write(x->stream, (const HPDF_BYTE *)pi->packed.data,
				      (HPDF_UINT)pi->packed.len) != HPDF_OK)
			rc = -1;
	}
	print_images_release(im);
	return rc;
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

static void mark_glyphs(struct glyph_marks *m, struct pdf_fonts *fonts,
			int font, const char *text, size_t len)
{
	HPDF_Font handle = font_handle(fonts, font); /* registered: not NULL */
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
			 struct pdf_fonts *fonts, HPDF_Image *images,
			 struct glyph_marks *marks, struct page_job *job)
{
	size_t nimages = 0, k = 0;
	for (size_t i = 0; i < pg->nitems; i++)
		nimages += pg->items[i].kind == LO_IMAGE;
	if (nimages) {
		job->names.image = xcalloc(nimages, sizeof *job->names.image);
	}
	for (size_t i = 0; i < pg->nitems; i++) {
		const struct lo_item *it = &pg->items[i];
		if (it->kind == LO_TEXT && it->len) {
			if (!job->names.font[it->font]) {
				HPDF_Font h = font_handle(fonts, it->font);
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
	struct deflater *z = deflater_new(DEFLATE_DEFAULT);
	for (;;) {
		int i = atomic_fetch_add(&r->next, 1);
		if (i >= r->lo->npages)
			break;
		struct page_job *job = &r->jobs[i];
		pdfpage_content(&job->content, &r->lo->pages[i], r->fonts, &job->names);
		if (!z || deflater_run(z, &job->content) != 0)
			job->failed = 1;
	}
	deflater_free(z);
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
static int draw_pages(struct run *run, HPDF_Page *pages, const struct layout *lo,
		      const struct fonts *metrics, struct pdf_fonts *fonts,
		      HPDF_Image *images)
{
	int rc = -1;
	struct page_job *jobs = xcalloc((size_t)lo->npages + 1, sizeof *jobs);
	struct glyph_marks *marks = xcalloc(1, sizeof *marks);
	for (int i = 0; i < lo->npages; i++)
		if (register_page(pages[i], &lo->pages[i], fonts, images, marks,
				  &jobs[i]) != 0)
			goto out;
	run_stage(run, "pdf pages");
	struct render r = {lo, metrics, jobs, 0};
	pthread_t helper;
	bool two = threads_allowed() &&
		   pthread_create(&helper, NULL, render_pages, &r) == 0;
	render_pages(&r);
	if (two)
		pthread_join(helper, NULL);
	run_stage(run, "pdf content");
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

/* libharu refuses a string over 65,535 bytes, and fails the whole
 * document (issue 25 D6); its UTF-8 strings become UTF-16, up to twice
 * as long.  Bookmarks and document info are cut at PDF_MAX_TEXT bytes (on
 * a character boundary, with an ellipsis); a longer web address is not
 * made a link (its text stays). */
#define PDF_MAX_TEXT 16000
#define PDF_MAX_URI 65000

static const char *pdf_text(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	if (n <= PDF_MAX_TEXT)
		return s;
	n = PDF_MAX_TEXT;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return arena_printf(a, "%.*s\xe2\x80\xa6", (int)n, s);
}

static HPDF_Destination dest_at(HPDF_Page *pages, const struct layout *lo,
				const struct lo_anchor *a);

/* The link item after (p, i) in reading order, or NULL. */
static const struct lo_item *next_link(const struct layout *lo, int p, size_t i)
{
	for (i++; p < lo->npages; p++, i = 0)
		for (; i < lo->pages[p].nitems; i++)
			if (lo->pages[p].items[i].kind == LO_LINK)
				return &lo->pages[p].items[i];
	return NULL;
}

/* One web address set over several lines (or pages) is one URI action,
 * an indirect object every piece's annotation points at, so the address
 * is stored once, not once per piece (a 60,000-character address over
 * 750 lines made a 41.8 MB PDF: issue 25 D6). */
static HPDF_Annotation shared_uri_annot(HPDF_Doc pdf, HPDF_Page page, HPDF_Rect r,
					const char *uri, HPDF_Dict *action)
{
	if (!*action) {
		HPDF_Dict a = HPDF_Dict_New(pdf->mmgr);
		if (!a || HPDF_Xref_Add(pdf->xref, a) != HPDF_OK ||
		    HPDF_Dict_AddName(a, "Type", "Action") != HPDF_OK ||
		    HPDF_Dict_AddName(a, "S", "URI") != HPDF_OK ||
		    HPDF_Dict_Add(a, "URI", HPDF_String_New(pdf->mmgr, uri, NULL)) != HPDF_OK)
			return NULL;
		*action = a;
	}
	HPDF_Annotation an = HPDF_Page_CreateURILinkAnnot(page, r, "#");
	if (an && HPDF_Dict_Add(an, "A", *action) != HPDF_OK)
		return NULL;
	return an;
}

static void add_links(struct run *run, HPDF_Doc pdf, HPDF_Page *pages,
		      const struct layout *lo, struct buf *tmp)
{
	bool told = false;
	const struct link *prev = NULL; /* the last link item's */
	HPDF_Dict action = NULL;        /* prev's shared URI action */
	for (int p = 0; p < lo->npages; p++) {
		const struct lo_page *pg = &lo->pages[p];
		for (size_t i = 0; i < pg->nitems; i++) {
			const struct lo_item *it = &pg->items[i];
			if (it->kind != LO_LINK)
				continue;
			const struct link *was = prev;
			prev = it->link;
			if (it->link != was)
				action = NULL;
			if (!it->link && !it->dest)
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
				if (tmp->len > PDF_MAX_URI) {
					if (!told)
						diag_warn(run->diags, NULL, 0, 0, "a web address of "
							  "%zu bytes is too long for a PDF link; "
							  "its text is not linked", tmp->len);
					told = true;
					continue;
				}
				const struct lo_item *nx = next_link(lo, p, i);
				if (l == was || (nx && nx->link == l))
					an = shared_uri_annot(pdf, pages[p], r, tmp->data, &action);
				else
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
static void add_outline(HPDF_Doc pdf, struct arena *a, HPDF_Page *pages,
			const struct book *book, const struct layout *lo, int depth)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	int n = book->nchapters;
	HPDF_Outline *of = xcalloc((size_t)n + 1, sizeof *of);
	for (int i = lo->first_chapter; i < lo->end_chapter && i < n; i++) {
		const struct chapter *ch = book->chapters[i];
		HPDF_Outline parent = NULL;
		if (ch->parent && ch->parent->index >= lo->first_chapter && ch->parent->index < i)
			parent = of[ch->parent->index];
		const char *title = ch->title ? ch->title : ch->path;
		char *t = NULL;
		if (ch->number)
			t = arena_printf(a, "%s %s", ch->number, title);
		of[i] = HPDF_CreateOutline(pdf, parent, pdf_text(a, t ? t : title), enc);
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
			HPDF_Outline o = HPDF_CreateOutline(pdf, of[i], pdf_text(a, hb->plain), enc);
			d = dest_at(pages, lo, &lo->headings[i][h]);
			if (o && d)
				HPDF_Outline_SetDestination(o, d);
		}
	}
	free(of);
	if (lo->appendix) {
		HPDF_Outline o = HPDF_CreateOutline(pdf, NULL, pdf_text(a, lo->appendix->title),
						    enc);
		HPDF_Destination d = dest_at(pages, lo, &lo->chapter_start[lo->appendix->index]);
		if (o && d)
			HPDF_Outline_SetDestination(o, d);
	}
	HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
}

static void set_info(HPDF_Doc pdf, struct arena *a, const struct book *book,
		     const struct build_opts *opts, const struct module *m)
{
	HPDF_SetCurrentEncoder(pdf, "UTF-8");
	if (book->meta.title && m)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE,
				 pdf_text(a, arena_printf(a, "%s \xe2\x80\x94 Module %d: %s",
							  book->meta.title, m->number, m->title)));
	else if (book->meta.title)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, pdf_text(a, book->meta.title));
	if (book->meta.nauthors > 0) {
		struct buf b = BUF_INIT;
		for (int i = 0; i < book->meta.nauthors; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, book->meta.authors[i]);
		}
		HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, pdf_text(a, b.data));
		buf_free(&b);
	}
	if (book->meta.description)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, pdf_text(a, book->meta.description));
	if (book->meta.keywords)
		HPDF_SetInfoAttr(pdf, HPDF_INFO_KEYWORDS, pdf_text(a, book->meta.keywords));
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

/* Adds lo's pages to the document and draws them, with their links,
 * labels, outline and the document's info.  Returns 0, or -1. */
static int draw_edition(struct run *run, HPDF_Doc pdf, const struct book *book,
			struct edition *ed, struct pdf_fonts *fonts, HPDF_Image *images)
{
	struct layout *lo = ed->layout;
	int rc = -1;
	struct buf tmp = BUF_INIT;
	HPDF_Page *pages = xcalloc((size_t)lo->npages + 1, sizeof *pages);
	for (int i = 0; i < lo->npages; i++) {
		pages[i] = HPDF_AddPage(pdf);
		if (!pages[i])
			goto out; /* libharu's error is already recorded */
		HPDF_Page_SetWidth(pages[i], lo->page_width);
		HPDF_Page_SetHeight(pages[i], lo->page_height);
	}
	if (draw_pages(run, pages, lo, ed->fonts, fonts, images) != 0)
		goto out;
	layout_keep_links(lo); /* what is drawn is in the document now */
	add_links(run, pdf, pages, lo, &tmp);
	add_labels(pdf, lo);
	add_outline(pdf, run->arena, pages, book, lo, ed->style.contents_depth);
	set_info(pdf, run->arena, book, run->opts, ed->module);
	rc = 0;
out:
	buf_free(&tmp);
	free(pages);
	return rc;
}

int pdf_write(struct run *run, const struct book *book, struct edition *ed,
	      const char *path, int *npages)
{
	int rc = -1;
	struct hpdf_ctx ctx = {run->diags, path, 0};
	HPDF_Image *images = xcalloc((size_t)book->nimages + 1, sizeof *images);
	struct pdf_fonts fonts;

	if (npages)
		*npages = 0;
	HPDF_Doc pdf = HPDF_New(hpdf_error, &ctx);
	if (!pdf) {
		diag_fatal(run->diags, path, "cannot start the PDF library");
		goto out;
	}
	/* Not HPDF_COMP_TEXT: folio deflates the page contents (pdfpage.h). */
	HPDF_SetCompressionMode(pdf, HPDF_COMP_IMAGE | HPDF_COMP_METADATA);
	HPDF_UseUTFEncodings(pdf);
	if (load_fonts(&fonts, pdf, ed->fonts, run->diags) != 0 ||
	    make_images(run, pdf, book, ed->images, images) != 0)
		goto out;
	if (draw_edition(run, pdf, book, ed, &fonts, images) != 0) {
		diag_fatal(run->diags, path, "cannot draw the pages: out of "
			   "memory, or the PDF library failed");
		goto out;
	}
	run_stage(run, "pdf links");
	if (save_atomic(pdf, path, run->diags) != 0)
		goto out;
	run_stage(run, "pdf save");
	if (npages)
		*npages = ed->layout->npages;
	rc = 0;
out:
	if (rc && !run->diags->nfatal)
		diag_fatal(run->diags, path, "PDF not written");
	if (pdf)
		HPDF_Free(pdf);
	free(images);
	return rc;
}
