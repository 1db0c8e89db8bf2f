/*
 * resolve.c - slugs, cross-chapter links, images and external links.
 */
#include "resolve/resolve.h"
#include "base/base.h"
#include "base/imagefmt.h"
#include "load/folder.h"
#include "load/svg.h"
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
		const char **keys = xcalloc(cap, sizeof *keys);
		int *vals = xcalloc(cap, sizeof *vals);
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

static void make_slugs(struct arena *a, struct chapter *ch)
{
	/* slug -> next number to try for a repeat of it (0: never repeated) */
	struct strmap taken = {0};
	for (int i = 0; i < ch->nheadings; i++) {
		struct block *h = ch->headings[i];
		if (h->id && *h->id && !strmap_slot(&taken, h->id, false)) {
			/* {#id}: the author's anchor, as written */
			strmap_slot(&taken, h->id, true);
			h->slug = h->id;
			continue;
		}
		char *base = slug_make(a, h->id && *h->id ? h->id : h->plain);
		if (!*base)
			base = "section";
		const char *s = base;
		int *next = strmap_slot(&taken, base, false);
		if (next) {
			/* GitHub numbers repeats -1, -2 ...; skip numbers
			 * already taken by a heading that literally ends in -1. */
			int k = *next ? *next : 1;
			do
				s = arena_printf(a, "%s-%d", base, k++);
			while (strmap_slot(&taken, s, false));
			/* The slot may have moved if the map grew: look again. */
			*strmap_slot(&taken, base, false) = k;
		}
		strmap_slot(&taken, s, true);
		h->slug = s;
	}
	strmap_free(&taken);
}

struct block *resolve_anchor(struct arena *a, const struct chapter *ch,
			     const char *fragment)
{
	for (int i = 0; i < ch->nheadings; i++)
		if (strcmp(ch->headings[i]->slug, fragment) == 0)
			return ch->headings[i];
	char *dec = percent_decode(a, fragment);
	if (!dec)
		return NULL;
	/* Authors sometimes write the heading text rather than its slug. */
	const char *s = slug_make(a, dec);
	for (int i = 0; i < ch->nheadings; i++)
		if (strcmp(ch->headings[i]->slug, dec) == 0 || strcmp(ch->headings[i]->slug, s) == 0)
			return ch->headings[i];
	return NULL;
}

/* ---- Links --------------------------------------------------------------- */

struct resolver {
	struct run *run;
	struct book *book;
	struct chapter *ch;
	struct vec images;
	struct strmap image_index; /* path -> index in images */
	struct strmap *anchors;    /* by chapter index: slug -> heading number */
	struct strmap *html_anchors; /* by chapter index: id -> anchor index */
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
		const char **urls = xcalloc(cap, sizeof *urls);
		int *ids = xcalloc(cap, sizeof *ids);
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
	diag_warn(r->run->diags, r->ch->display_path, in->line, in->col, "%s", msg.data);
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
	const char *dest = hash ? arena_strndup(r->run->arena, url, (size_t)(hash - url)) : url;
	const char *q = strchr(dest, '?');
	if (q)
		dest = arena_strndup(r->run->arena, dest, (size_t)(q - dest));
	enum target_status st = folder_target(r->run->arena, b, r->ch->path, dest, &path);
	if (st != TARGET_OK) {
		const char *why = st == TARGET_OUTSIDE ? "is outside the book folder; not embedded"
				: st == TARGET_NOT_FILE ? "is not a regular file"
				: st == TARGET_BAD ? "is malformed (bad percent-encoding or too long)"
				: st == TARGET_LOOP ? "is a loop of symbolic links"
						   : "not found";
		broken(r, in, "image '%s' %s; its alt text is shown instead", url, why);
		return;
	}
	int *slot = strmap_slot(&r->image_index, path, false);
	struct image *img = slot ? r->images.v[*slot] : NULL;
	if (!img) {
		char *data;
		size_t len;
		if (folder_read_file(b, path, &data, &len) != 0) {
			broken(r, in, "cannot read image '%s': %s", url, strerror(errno));
			return;
		}
		int w, h;
		const char *type = image_sniff((const unsigned char *)data, len, &w, &h);
		const char *refusal = NULL;
		unsigned removed = 0;
		if (type && strcmp(type, "image/svg+xml") == 0) {
			/* both editions draw the sanitized SVG (load/svg.h) */
			char *clean;
			size_t clen;
			if (svg_sanitize(&clean, &clen, data, len, &removed, &refusal) == 0)
				free(clean);
		}
		bool complete = !type || strcmp(type, "image/jpeg") != 0 ||
				image_jpeg_complete((const unsigned char *)data, len);
		free(data);
		if (!type) {
			broken(r, in, "'%s' is not a PNG, JPEG, GIF or SVG image; not embedded", url);
			return;
		}
		if (refusal) {
			broken(r, in, "SVG image '%s' %s; not embedded", url, refusal);
			return;
		}
		if (removed) {
			char what[96];
			svg_removed_text(what, sizeof what, removed);
			diag_warn(r->run->diags, r->ch->display_path, in->line, in->col,
				  "SVG image '%s': its %s are removed, the rest is embedded", url,
				  what);
		}
		if (!complete) {
			broken(r, in, "image '%s' is truncated or damaged; not embedded", url);
			return;
		}
		if (!image_ext_matches(type, path_ext((char[16]){0}, path)))
			diag_warn(r->run->diags, r->ch->display_path, in->line, in->col,
				  "image '%s' is an %s file named .%s; embedded as %s", url, type,
				  path_ext((char[16]){0}, path), type);
		if (strcmp(type, "image/svg+xml") != 0 &&
		    (w <= 0 || h <= 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE ||
		     (long long)w * h > IMAGE_MAX_PIXELS)) {
			broken(r, in, "image '%s' has unusable dimensions %dx%d; not embedded", url, w, h);
			return;
		}
		img = arena_alloc(r->run->arena, sizeof *img);
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
	char *dec = percent_decode(r->run->arena, fragment);
	if (!dec)
		return NULL;
	/* Authors sometimes write the heading text rather than its slug;
	 * like resolve_anchor(), the earlier heading wins. */
	int *k1 = strmap_slot(m, dec, false);
	int *k2 = strmap_slot(m, slug_make(r->run->arena, dec), false);
	if (k1 && k2)
		return ch->headings[*k1 < *k2 ? *k1 : *k2];
	return k1 ? ch->headings[*k1] : k2 ? ch->headings[*k2] : NULL;
}

/* An HTML <a id|name> anchor of ch (html.c), the first of that id. */
static const struct html_anchor *find_html_anchor(struct resolver *r, const struct chapter *ch,
						  const char *fragment)
{
	struct strmap *m = &r->html_anchors[ch->index];
	if (!m->cap) {
		for (int i = 0; i < ch->nanchors; i++)
			if (!strmap_slot(m, ch->anchors[i].id, false))
				*strmap_slot(m, ch->anchors[i].id, true) = i;
		if (!m->cap)
			return NULL;
	}
	int *k = strmap_slot(m, fragment, false);
	if (!k) {
		char *dec = percent_decode(r->run->arena, fragment);
		k = dec ? strmap_slot(m, dec, false) : NULL;
	}
	return k ? &ch->anchors[*k] : NULL;
}

/* An anchor whose id a heading's slug or an earlier anchor already is
 * is not written again (its text is cleared): ids stay unique. */
static void unique_anchors(struct chapter *ch)
{
	struct strmap seen = {0};
	for (int i = 0; i < ch->nheadings; i++)
		*strmap_slot(&seen, ch->headings[i]->slug, true) = i;
	for (int i = 0; i < ch->nanchors; i++) {
		struct html_anchor *a = &ch->anchors[i];
		if (strmap_slot(&seen, a->id, false))
			a->node->text = NULL;
		else
			*strmap_slot(&seen, a->id, true) = i;
	}
	strmap_free(&seen);
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
			struct extref *e = arena_alloc(r->run->arena, sizeof *e);
			e->url = url;
			e->norm = url_normalize(r->run->arena, url);
			e->text = model_plain(r->run->arena, in->children);
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
	const char *dest = hash ? arena_strndup(r->run->arena, url, (size_t)(hash - url)) : url;
	const char *frag = hash ? hash + 1 : NULL;
	const struct known_target *k = folder_known(r->run->arena, b, r->ch->path, dest);
	if (!k && hash)
		k = folder_known(r->run->arena, b, r->ch->path, known_dest);
	if (k) {
		l->kind = LINK_KNOWN;
		l->note = k->note;
		return;
	}

	struct chapter *target = r->ch;
	if (*dest) {
		const char *q = strchr(dest, '?');
		if (q)
			dest = arena_strndup(r->run->arena, dest, (size_t)(q - dest));
		const char *path;
		enum target_status st = folder_target(r->run->arena, b, r->ch->path, dest, &path);
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
		case TARGET_LOOP:
			broken(r, in, "link target '%s' is a loop of symbolic links", url);
			return;
		}
		target = folder_chapter(b, path);
		if (!target) {
			const char *e = path_ext((char[16]){0}, path);
			if ((strcmp(e, "md") == 0 || strcmp(e, "markdown") == 0) && b->mdbook)
				broken(r, in, "link target '%s' is not part of the book "
					      "(not listed in SUMMARY.md)", url);
			else if (strcmp(e, "md") == 0 || strcmp(e, "markdown") == 0)
				broken(r, in, "link target '%s' is not part of the book "
					      "(it could not be read as a chapter)", url);
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
		const struct html_anchor *ha = h ? NULL : find_html_anchor(r, target, frag);
		if (!h && !ha) {
			broken(r, in, "link target '%s': no heading '#%s' in '%s' (nor an <a id>)", url,
			       frag, target->display_path);
			return;
		}
		if (ha) {
			/* an <a id> in the text: the EPUB leads to it, the PDF
			 * to the section holding it */
			l->target = ha->node;
			l->heading = ha->heading;
			l->anchor = ha->id;
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

void resolve(struct run *run, struct book *b)
{
	for (int i = 0; i < b->nchapters; i++) {
		make_slugs(run->arena, b->chapters[i]);
		unique_anchors(b->chapters[i]);
	}

	struct resolver r = {0};
	r.run = run;
	r.book = b;
	r.anchors = xcalloc((size_t)b->nchapters + 1, sizeof *r.anchors);
	r.html_anchors = xcalloc((size_t)b->nchapters + 1, sizeof *r.html_anchors);
	for (int i = 0; i < b->nchapters; i++) {
		r.ch = b->chapters[i];
		model_each_inline(r.ch->blocks, resolve_inline, &r);
	}

	b->images = arena_calloc(run->arena, r.images.n + 1, sizeof *b->images);
	for (size_t i = 0; i < r.images.n; i++)
		b->images[i] = r.images.v[i];
	b->nimages = (int)r.images.n;
	b->nextrefs = (int)r.extrefs.n;
	b->extrefs = arena_calloc(run->arena, r.extrefs.n + 1, sizeof *b->extrefs);
	for (size_t i = 0; i < r.extrefs.n; i++)
		b->extrefs[i] = *(struct extref *)r.extrefs.v[i];
	b->next_distinct = r.nurls;
	for (int i = 0; i < b->nchapters; i++) {
		strmap_free(&r.anchors[i]);
		strmap_free(&r.html_anchors[i]);
	}
	free(r.anchors);
	free(r.html_anchors);
	strmap_free(&r.image_index);
	vec_free(&r.images);
	vec_free(&r.extrefs);
	free(r.urls);
	free(r.url_ids);
}
