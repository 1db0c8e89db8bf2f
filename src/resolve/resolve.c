/*
 * resolve.c - slugs, cross-chapter links, images and external links.
 */
#include "resolve/resolve.h"
#include "load/book.h"
#include "model/words.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest image accepted, per side and in all (pixels): beyond this,
 * decoding would cost gigabytes for no printable gain (a 600 dpi A3 page
 * is 70 million pixels).  A small file can claim any size in its header. */
#define IMAGE_MAX_SIDE 20000
#define IMAGE_MAX_PIXELS (80LL * 1000 * 1000)

/* ---- Slugs ------------------------------------------------------------- */

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/*
 * A string -> int map (open addressing, heap memory, keys not owned), so
 * that 10,000 headings or links cost linear time, not quadratic.
 */
struct strmap {
	const char **keys;
	int *vals;
	size_t cap, n;
};

static int *strmap_slot(struct strmap *m, const char *key, bool add)
{
	if (add && (m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		const char **keys = calloc(cap, sizeof *keys);
		int *vals = calloc(cap, sizeof *vals);
		if (!keys || !vals)
			abort();
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t h = hash_str(m->keys[i]) & (cap - 1);
			while (keys[h])
				h = (h + 1) & (cap - 1);
			keys[h] = m->keys[i];
			vals[h] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	if (!m->cap)
		return NULL;
	size_t h = hash_str(key) & (m->cap - 1);
	while (m->keys[h]) {
		if (strcmp(m->keys[h], key) == 0)
			return &m->vals[h];
		h = (h + 1) & (m->cap - 1);
	}
	if (!add)
		return NULL;
	m->keys[h] = key;
	m->vals[h] = 0;
	m->n++;
	return &m->vals[h];
}

static void strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static void make_slugs(struct book *b, struct chapter *ch)
{
	/* slug -> next number to try for a repeat of it (0: never repeated) */
	struct strmap taken = {0};
	for (int i = 0; i < ch->nheadings; i++) {
		struct block *h = ch->headings[i];
		char *base = slug_make(b->arena, h->plain);
		if (!*base)
			base = "section";
		const char *s = base;
		int *next = strmap_slot(&taken, base, false);
		if (next) {
			/* GitHub numbers repeats -1, -2 ...; skip numbers
			 * already taken by a heading that literally ends in -1. */
			int k = *next ? *next : 1;
			do
				s = arena_printf(b->arena, "%s-%d", base, k++);
			while (strmap_slot(&taken, s, false));
			/* The slot may have moved if the map grew: look again. */
			*strmap_slot(&taken, base, false) = k;
		}
		strmap_slot(&taken, s, true);
		h->slug = s;
	}
	strmap_free(&taken);
}

struct block *resolve_anchor(const struct book *b, const struct chapter *ch,
			     const char *fragment)
{
	for (int i = 0; i < ch->nheadings; i++)
		if (strcmp(ch->headings[i]->slug, fragment) == 0)
			return ch->headings[i];
	char *dec = percent_decode(b->arena, fragment);
	if (!dec)
		return NULL;
	/* Authors sometimes write the heading text rather than its slug. */
	const char *s = slug_make(b->arena, dec);
	for (int i = 0; i < ch->nheadings; i++)
		if (strcmp(ch->headings[i]->slug, dec) == 0 || strcmp(ch->headings[i]->slug, s) == 0)
			return ch->headings[i];
	return NULL;
}

/* ---- Images ------------------------------------------------------------ */

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
static bool jpeg_complete(const unsigned char *d, size_t len)
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

/* Case-insensitive search for needle (lowercase) in d[0..len). */
static const unsigned char *find_ci(const unsigned char *d, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++) {
		size_t k = 0;
		while (k < n && tolower(d[i + k]) == needle[k])
			k++;
		if (k == n)
			return d + i;
	}
	return NULL;
}

/*
 * Why an SVG file may not go into a book, or NULL.  An SVG is a document:
 * it can carry scripts and event handlers, which an EPUB must not, and
 * entity declarations, which can make an XML reader expand a few bytes
 * into gigabytes.  Anything like that refuses the image (its alt text is
 * shown); there is no attempt to clean it.
 */
static const char *svg_refusal(const unsigned char *d, size_t len)
{
	if (find_ci(d, len, "<script") || find_ci(d, len, "javascript:") ||
	    find_ci(d, len, "<foreignobject") || find_ci(d, len, "<iframe") ||
	    find_ci(d, len, "<handler"))
		return "holds a script";
	if (find_ci(d, len, "<!entity"))
		return "declares entities";
	/* An event-handler attribute: whitespace, "on", letters, '='. */
	for (size_t i = 0; i + 3 < len; i++) {
		if (!isspace(d[i]) || tolower(d[i + 1]) != 'o' || tolower(d[i + 2]) != 'n')
			continue;
		size_t k = i + 3;
		while (k < len && isalpha(d[k]))
			k++;
		while (k < len && isspace(d[k]))
			k++;
		if (k > i + 3 && k < len && d[k] == '=')
			return "holds a script";
	}
	return NULL;
}

/* The file name extensions that go with a media type. */
static bool ext_matches(const char *type, const char *ext)
{
	if (strcmp(type, "image/png") == 0)
		return strcmp(ext, "png") == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return strcmp(ext, "jpg") == 0 || strcmp(ext, "jpeg") == 0 || strcmp(ext, "jpe") == 0;
	if (strcmp(type, "image/gif") == 0)
		return strcmp(ext, "gif") == 0;
	return strcmp(ext, "svg") == 0;
}

/* ---- Links --------------------------------------------------------------- */

struct resolver {
	struct book *book;
	struct chapter *ch;
	struct vec images;
	struct strmap image_index; /* path -> index in images */
	struct strmap *anchors;    /* by chapter index: slug -> heading number */
	struct vec extrefs;
	/* distinct normalised URLs: open-addressing hash of indexes */
	const char **urls;
	int *url_ids;
	size_t url_cap;
	int nurls;
};

static bool scheme_is(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return strncasecmp(url, scheme, n) == 0 && url[n] == ':';
}

static int distinct_url(struct resolver *r, const char *norm)
{
	if ((size_t)(r->nurls + 1) * 2 > r->url_cap) {
		size_t cap = r->url_cap ? r->url_cap * 2 : 256;
		const char **urls = calloc(cap, sizeof *urls);
		int *ids = calloc(cap, sizeof *ids);
		if (!urls || !ids)
			abort();
		for (size_t i = 0; i < r->url_cap; i++) {
			if (!r->urls[i])
				continue;
			size_t h = hash_str(r->urls[i]) & (cap - 1);
			while (urls[h])
				h = (h + 1) & (cap - 1);
			urls[h] = r->urls[i];
			ids[h] = r->url_ids[i];
		}
		free(r->urls);
		free(r->url_ids);
		r->urls = urls;
		r->url_ids = ids;
		r->url_cap = cap;
	}
	size_t h = hash_str(norm) & (r->url_cap - 1);
	while (r->urls[h]) {
		if (strcmp(r->urls[h], norm) == 0)
			return r->url_ids[h];
		h = (h + 1) & (r->url_cap - 1);
	}
	r->urls[h] = norm;
	r->url_ids[h] = r->nurls;
	return r->nurls++;
}

static void broken(struct resolver *r, struct inline_node *in, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void broken(struct resolver *r, struct inline_node *in, const char *fmt, ...)
{
	in->link->kind = LINK_BROKEN;
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_warn(r->book->diags, r->ch->display_path, in->line, in->col, "%s", msg.data);
	buf_free(&msg);
}

static void resolve_image(struct resolver *r, struct inline_node *in)
{
	struct book *b = r->book;
	struct link *l = in->link;
	const char *url = l->url;
	if (!*url) {
		broken(r, in, "image has no source; its alt text is shown instead");
		return;
	}
	if (url_has_scheme(url)) {
		broken(r, in, "remote image '%s' is not embedded (books are read offline); "
			      "its alt text is shown instead", url);
		return;
	}
	const char *path;
	const char *hash = strchr(url, '#');
	const char *dest = hash ? arena_strndup(b->arena, url, (size_t)(hash - url)) : url;
	const char *q = strchr(dest, '?');
	if (q)
		dest = arena_strndup(b->arena, dest, (size_t)(q - dest));
	enum target_status st = book_target(b, r->ch->path, dest, &path);
	if (st != TARGET_OK) {
		const char *why = st == TARGET_OUTSIDE ? "is outside the book folder; not embedded"
				: st == TARGET_NOT_FILE ? "is not a regular file"
				: st == TARGET_BAD ? "is malformed (bad percent-encoding or too long)"
						   : "not found";
		broken(r, in, "image '%s' %s; its alt text is shown instead", url, why);
		return;
	}
	int *slot = strmap_slot(&r->image_index, path, false);
	struct image *img = slot ? r->images.v[*slot] : NULL;
	if (!img) {
		char *data;
		size_t len;
		if (book_read_file(b, path, &data, &len) != 0) {
			broken(r, in, "cannot read image '%s': %s", url, strerror(errno));
			return;
		}
		int w, h;
		const char *type = image_sniff((const unsigned char *)data, len, &w, &h);
		const char *refusal = type && strcmp(type, "image/svg+xml") == 0
					      ? svg_refusal((const unsigned char *)data, len) : NULL;
		bool complete = !type || strcmp(type, "image/jpeg") != 0 ||
				jpeg_complete((const unsigned char *)data, len);
		free(data);
		if (!type) {
			broken(r, in, "'%s' is not a PNG, JPEG, GIF or SVG image; not embedded", url);
			return;
		}
		if (refusal) {
			broken(r, in, "SVG image '%s' %s; not embedded", url, refusal);
			return;
		}
		if (!complete) {
			broken(r, in, "image '%s' is truncated or damaged; not embedded", url);
			return;
		}
		if (!ext_matches(type, path_ext(path)))
			diag_warn(b->diags, r->ch->display_path, in->line, in->col,
				  "image '%s' is an %s file named .%s; embedded as %s", url, type,
				  path_ext(path), type);
		if (strcmp(type, "image/svg+xml") != 0 &&
		    (w <= 0 || h <= 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE ||
		     (long long)w * h > IMAGE_MAX_PIXELS)) {
			broken(r, in, "image '%s' has unusable dimensions %dx%d; not embedded", url, w, h);
			return;
		}
		img = arena_alloc(b->arena, sizeof *img);
		img->path = path;
		img->media_type = type;
		img->width = w;
		img->height = h;
		img->index = (int)r->images.n;
		*strmap_slot(&r->image_index, path, true) = img->index;
		vec_push(&r->images, img);
		b->images = (struct image **)r->images.v;
		b->nimages = (int)r->images.n;
	}
	l->kind = LINK_IMAGE;
	l->image = img;
}

/* resolve_anchor() through a per-chapter slug map built on first use. */
static struct block *find_anchor(struct resolver *r, const struct chapter *ch,
				 const char *fragment)
{
	struct book *b = r->book;
	struct strmap *m = &r->anchors[ch->index];
	if (!m->cap) {
		for (int i = 0; i < ch->nheadings; i++)
			if (!strmap_slot(m, ch->headings[i]->slug, false))
				*strmap_slot(m, ch->headings[i]->slug, true) = i;
		if (!m->cap)
			return NULL;
	}
	int *k = strmap_slot(m, fragment, false);
	if (k)
		return ch->headings[*k];
	char *dec = percent_decode(b->arena, fragment);
	if (!dec)
		return NULL;
	/* Authors sometimes write the heading text rather than its slug;
	 * like resolve_anchor(), the earlier heading wins. */
	int *k1 = strmap_slot(m, dec, false);
	int *k2 = strmap_slot(m, slug_make(b->arena, dec), false);
	if (k1 && k2)
		return ch->headings[*k1 < *k2 ? *k1 : *k2];
	return k1 ? ch->headings[*k1] : k2 ? ch->headings[*k2] : NULL;
}

static void resolve_link(struct resolver *r, struct block *owner, struct inline_node *in)
{
	struct book *b = r->book;
	struct link *l = in->link;
	const char *url = l->url;

	if (!*url) {
		broken(r, in, "link has an empty target; shown as text");
		return;
	}
	if (url_has_scheme(url)) {
		if (scheme_is(url, "http") || scheme_is(url, "https") || scheme_is(url, "mailto")) {
			l->kind = LINK_EXTERNAL;
			struct extref *e = arena_alloc(b->arena, sizeof *e);
			e->url = url;
			e->norm = url_normalize(b->arena, url);
			e->text = model_plain(b->arena, in->children);
			e->chapter = r->ch;
			e->line = in->line;
			e->col = in->col;
			e->node = in;
			e->owner = owner;
			e->distinct = distinct_url(r, e->norm);
			l->ext_index = e->distinct;
			vec_push(&r->extrefs, e);
		} else if (scheme_is(url, "ftp") || scheme_is(url, "tel") || scheme_is(url, "irc") ||
			   scheme_is(url, "news")) {
			l->kind = LINK_EXTERNAL;
		} else {
			const char *colon = strchr(url, ':');
			char scheme[40];
			snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - url), url);
			broken(r, in, "'%s:' links are not allowed in a book; shown as text", scheme);
		}
		return;
	}

	const char *known_dest = url;
	const char *hash = strchr(url, '#');
	const char *dest = hash ? arena_strndup(b->arena, url, (size_t)(hash - url)) : url;
	const char *frag = hash ? hash + 1 : NULL;
	const struct known_target *k = book_known(b, r->ch->path, dest);
	if (!k && hash)
		k = book_known(b, r->ch->path, known_dest);
	if (k) {
		l->kind = LINK_KNOWN;
		l->note = k->note;
		return;
	}

	struct chapter *target = r->ch;
	if (*dest) {
		const char *q = strchr(dest, '?');
		if (q)
			dest = arena_strndup(b->arena, dest, (size_t)(q - dest));
		const char *path;
		enum target_status st = book_target(b, r->ch->path, dest, &path);
		switch (st) {
		case TARGET_OK:
			break;
		case TARGET_MISSING:
			broken(r, in, "link target '%s' not found", url);
			return;
		case TARGET_OUTSIDE:
			broken(r, in, "link target '%s' is outside the book folder "
				      "(declare it in folio.ini [external] if it is known)", url);
			return;
		case TARGET_NOT_FILE:
			broken(r, in, "link target '%s' is not a regular file (a folder without "
				      "index.md or README.md, or a special file)", url);
			return;
		case TARGET_BAD:
			broken(r, in, "link target '%s' is malformed (bad percent-encoding or too long)",
			       url);
			return;
		}
		target = book_chapter(b, path);
		if (!target) {
			const char *e = path_ext(path);
			if (strcmp(e, "md") == 0 || strcmp(e, "markdown") == 0)
				broken(r, in, "link target '%s' is not part of the book "
					      "(not listed in SUMMARY.md)", url);
			else
				broken(r, in, "link target '%s' is a file, not a chapter; "
					      "shown as text", url);
			return;
		}
	}
	l->kind = LINK_INTERNAL;
	l->chapter = target;
	if (frag && *frag) {
		struct block *h = find_anchor(r, target, frag);
		if (!h) {
			broken(r, in, "link target '%s': no heading '#%s' in '%s'", url, frag,
			       target->display_path);
			return;
		}
		l->heading = h;
		l->anchor = h->slug;
	}
}

static void resolve_inline(void *ctx, struct block *owner, struct inline_node *in)
{
	struct resolver *r = ctx;
	if (in->type == INL_LINK)
		resolve_link(r, owner, in);
	else if (in->type == INL_IMAGE)
		resolve_image(r, in);
}

void resolve(struct book *b)
{
	for (int i = 0; i < b->nchapters; i++)
		make_slugs(b, b->chapters[i]);

	struct resolver r = {0};
	r.book = b;
	r.anchors = calloc((size_t)b->nchapters + 1, sizeof *r.anchors);
	if (!r.anchors)
		abort();
	for (int i = 0; i < b->nchapters; i++) {
		r.ch = b->chapters[i];
		model_each_inline(r.ch->blocks, resolve_inline, &r);
	}

	b->images = arena_calloc(b->arena, r.images.n + 1, sizeof *b->images);
	for (size_t i = 0; i < r.images.n; i++)
		b->images[i] = r.images.v[i];
	b->nimages = (int)r.images.n;
	b->nextrefs = (int)r.extrefs.n;
	b->extrefs = arena_calloc(b->arena, r.extrefs.n + 1, sizeof *b->extrefs);
	for (size_t i = 0; i < r.extrefs.n; i++)
		b->extrefs[i] = *(struct extref *)r.extrefs.v[i];
	b->next_distinct = r.nurls;
	for (int i = 0; i < b->nchapters; i++)
		strmap_free(&r.anchors[i]);
	free(r.anchors);
	strmap_free(&r.image_index);
	vec_free(&r.images);
	vec_free(&r.extrefs);
	free(r.urls);
	free(r.url_ids);
}
