/*
 * epub.c - the book as an EPUB 3 file.
 *
 * Layout of the archive, always in this order (so two builds of the same
 * book are byte-identical):
 *
 *   mimetype                     stored, first
 *   META-INF/container.xml
 *   OEBPS/content.opf            metadata, manifest, spine
 *   OEBPS/toc.ncx                table of contents for EPUB 2 readers
 *   OEBPS/nav.xhtml              table of contents and landmarks
 *   OEBPS/css/epub.css           styles/epub.css from the data folder
 *   OEBPS/cover.xhtml            the cover image alone (cover.c)
 *   OEBPS/titlepage.xhtml
 *   OEBPS/chapter001.xhtml ...   one per chapter, in reading order
 *   OEBPS/resources.xhtml        the Resources appendix (books with links)
 *   OEBPS/images/cover.svg       the book's cover, or one drawn (cover.c)
 *   OEBPS/images/image001.png ...
 *   OEBPS/fonts/NAME.ttf         with folio.ini's epub_fonts = yes,
 *   OEBPS/fonts/LICENSE-*.txt    and the fonts' licences
 *
 * The chapters themselves come from xhtml.c; the archive from zipw.c.
 */
#include "epub/epub.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sha1.h>

#include "base/base.h"
#include "base/imagefmt.h"
#include "load/folder.h"
#include "load/svg.h"
#include "base/util.h"
#include "epub/cover.h"
#include "epub/xhtml.h"
#include "epub/zipw.h"
#include "resolve/generate.h"

#define CSS_HREF "css/epub.css"
#define RESOURCES_FILE "resources.xhtml"

/* Used when styles/epub.css cannot be read: enough to be readable. */
static const char builtin_css[] =
	"body { margin: 0 4%; line-height: 1.5; }\n"
	"pre { white-space: pre-wrap; overflow-wrap: break-word; }\n"
	"img { max-width: 100%; height: auto; }\n"
	"table { border-collapse: collapse; }\n"
	"th, td { border: 1px solid rgba(128, 128, 128, 0.6); padding: 0.2em 0.4em; }\n"
	".left { text-align: left; } .center { text-align: center; }\n"
	".right { text-align: right; }\n";

/* "urn:uuid:..." for the book: the identifier itself when it already is
 * such a URN, else a version 5 (SHA-1, name-based) UUID of it in the URL
 * namespace, so the same identifier always gives the same UUID. */
static void book_uuid(const char *ident, char out[46])
{
	static const unsigned char ns_url[16] = {
		0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
		0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
	};
	SHA1_CTX s;
	uint8_t h[SHA1_DIGEST_LENGTH];

	if (!ident)
		ident = "";
	if (strncasecmp(ident, "urn:uuid:", 9) == 0 && strlen(ident) == 45) {
		bool ok = true;
		for (int i = 9; i < 45; i++) {
			char c = ident[i];
			bool dash = i == 17 || i == 22 || i == 27 || i == 32;
			if (dash ? c != '-' :
				   !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
				     (c >= 'A' && c <= 'F')))
				ok = false;
		}
		if (ok) {
			for (int i = 0; i < 45; i++) {
				char c = ident[i];
				out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
			}
			out[45] = '\0';
			return;
		}
	}
	SHA1Init(&s);
	SHA1Update(&s, ns_url, sizeof ns_url);
	SHA1Update(&s, (const uint8_t *)ident, strlen(ident));
	SHA1Final(h, &s);
	h[6] = (unsigned char)((h[6] & 0x0F) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3F) | 0x80);
	snprintf(out, 46,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9],
		 h[10], h[11], h[12], h[13], h[14], h[15]);
}

/* ---- Metadata checks ---------------------------------------------------- */

/* A well-formed BCP 47 tag (the shape, not the registry): 1-8 letters,
 * then subtags of 1-8 letters or digits. */
static bool lang_ok(const char *s)
{
	size_t n = 0;
	if (!s || !*s)
		return false;
	while (*s && *s != '-') {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
		s++;
		n++;
	}
	if (n < 1 || n > 8)
		return false;
	while (*s == '-') {
		s++;
		n = 0;
		while (*s && *s != '-') {
			if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			      (*s >= '0' && *s <= '9')))
				return false;
			s++;
			n++;
		}
		if (n < 1 || n > 8)
			return false;
	}
	return true;
}

/* ---- Resources: stylesheet and images ----------------------------------- */

struct epub_res {
	char *data; /* heap */
	size_t len;
	const char *href;       /* relative to OEBPS/ */
	const char *media_type;
};

static bool bytes_start(const char *d, size_t n, const char *magic, size_t m)
{
	return n >= m && memcmp(d, magic, m) == 0;
}

/* Reads the book's images.  res[i] stays zeroed for one that cannot go
 * into the EPUB (warned; its alt text is shown instead). */
static void load_images(struct diag_list *diags, const struct book *book, struct arena *a,
			struct epub_res *res)
{
	for (int i = 0; i < book->nimages; i++) {
		const struct image *img = book->images[i];
		const char *ext = NULL;
		char *data = NULL;
		size_t len = 0;
		const char *why = NULL;

		if (!img || img->index < 0 || img->index >= book->nimages)
			continue;
		const char *mt = img->media_type ? img->media_type : "";
		if (strcmp(mt, "image/png") == 0)
			ext = "png";
		else if (strcmp(mt, "image/jpeg") == 0)
			ext = "jpg";
		else if (strcmp(mt, "image/gif") == 0)
			ext = "gif";
		else if (strcmp(mt, "image/svg+xml") == 0)
			ext = "svg";
		const char *shown = arena_printf(a, "%s%s",
						 book->display_dir ? book->display_dir : "",
						 img->path);
		if (!ext) {
			diag_warn(diags, shown, 0, 0,
				  "image type '%s' cannot go into an EPUB; its alt text is shown instead",
				  mt);
			continue;
		}
		if (folder_read_file(book, img->path, &data, &len) != 0) {
			diag_warn(diags, shown, 0, 0,
				  "cannot read image: %s; its alt text is shown instead",
				  strerror(errno));
			continue;
		}
		/* the file must still be what its type says (resolve/ looked
		 * at it first, by the same rules: base/imagefmt.h), and an SVG
		 * must not script (EPUB readers would run it) */
		int w, h;
		const unsigned char *u = (const unsigned char *)data;
		const char *got = image_sniff(u, len, &w, &h);
		if (ext[0] == 's' && (!got || strcmp(got, mt) != 0)) {
			why = "is no SVG file";
		} else if (ext[0] == 's') {
			/* the sanitized SVG goes in, never the file's bytes
			 * (load/svg.h); resolve/ said what it removes */
			if (svg_sanitize_buffer(&data, &len) != 0)
				why = "is a damaged SVG file";
		} else if (!got || strcmp(got, mt) != 0)
			why = ext[0] == 'p' ? "is not a PNG file"
			      : ext[0] == 'j' ? "is not a JPEG file" : "is not a GIF file";
		if (why) {
			diag_warn(diags, shown, 0, 0,
				  "image %s; not embedded, its alt text is shown instead", why);
			free(data);
			continue;
		}
		res[img->index].data = data;
		res[img->index].len = len;
		res[img->index].href = arena_printf(a, "images/image%03d.%s",
						    img->index + 1, ext);
		res[img->index].media_type = mt;
	}
}

static void load_css(struct diag_list *diags, const struct build_opts *opts,
		     struct arena *a, struct epub_res *css)
{
	const char *dir = opts && opts->data_dir ? opts->data_dir : ".";
	const char *path = arena_printf(a, "%s/styles/epub.css", dir);
	char *data;
	size_t len;

	if (file_read(path, &data, &len) == 0) {
		css->data = data;
		css->len = len;
	} else {
		diag_warn(diags, path, 0, 0,
			  "cannot read the EPUB stylesheet: %s; using a minimal built-in one",
			  strerror(errno));
		css->len = sizeof builtin_css - 1;
		css->data = xmalloc(css->len);
		memcpy(css->data, builtin_css, css->len);
	}
	css->href = CSS_HREF;
	css->media_type = "text/css";
}

/* ---- Fonts (folio.ini: epub_fonts = yes) --------------------------------- */

/* The faces the stylesheet names: the serif text face, which becomes the
 * body's font when embedded, and the monospaced one epub.css already
 * asks for in code.  Files from the data folder's fonts/, each with the
 * licence that must travel with it (both allow embedding). */
static const struct epub_face {
	const char *file;
	const char *family;
	const char *weight, *style;
	int licence; /* index into epub_licences */
} epub_faces[] = {
	{"LiberationSerif-Regular.ttf", "Liberation Serif", "normal", "normal", 0},
	{"LiberationSerif-Bold.ttf", "Liberation Serif", "bold", "normal", 0},
	{"LiberationSerif-Italic.ttf", "Liberation Serif", "normal", "italic", 0},
	{"LiberationSerif-BoldItalic.ttf", "Liberation Serif", "bold", "italic", 0},
	{"DejaVuSansMono.ttf", "DejaVu Sans Mono", "normal", "normal", 1},
	{"DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono", "bold", "normal", 1},
};
#define NFACES (sizeof epub_faces / sizeof *epub_faces)

static const char *const epub_licences[] = {
	"LICENSE-Liberation.txt", /* SIL Open Font License 1.1 */
	"LICENSE-DejaVu.txt"      /* Bitstream Vera licence */
};
#define NLICENCES (sizeof epub_licences / sizeof *epub_licences)

/* Reads a file of the data folder's fonts/ into *res; -1 (warned) if it
 * cannot be read. */
static int load_font_file(struct diag_list *diags, const char *dir,
			  struct arena *a, const char *name,
			  const char *media_type, struct epub_res *res)
{
	const char *path = arena_printf(a, "%s/fonts/%s", dir, name);
	char *data;
	size_t len;

	if (file_read(path, &data, &len) != 0) {
		diag_warn(diags, path, 0, 0,
			  "cannot read: %s; the EPUB leaves its font to the reader",
			  strerror(errno));
		return -1;
	}
	res->data = data;
	res->len = len;
	res->href = arena_printf(a, "fonts/%s", name);
	res->media_type = media_type;
	return 0;
}

/* Reads the faces into font[NFACES] and their licences into
 * lic[NLICENCES].  A face that cannot be read, is no TrueType file or
 * whose licence cannot be read stays zeroed (warned: the reader's font
 * is used); a licence no face needs is dropped. */
static void load_fonts(struct diag_list *diags, const struct build_opts *opts,
		       struct arena *a, struct epub_res *font, struct epub_res *lic)
{
	const char *dir = opts && opts->data_dir ? opts->data_dir : ".";
	bool lic_ok[NLICENCES], used[NLICENCES];

	for (size_t k = 0; k < NLICENCES; k++) {
		lic_ok[k] = load_font_file(diags, dir, a, epub_licences[k], "text/plain",
					   &lic[k]) == 0;
		used[k] = false;
	}
	for (size_t i = 0; i < NFACES; i++) {
		const char *path = arena_printf(a, "%s/fonts/%s", dir, epub_faces[i].file);
		char *data;
		size_t len;
		if (!lic_ok[epub_faces[i].licence])
			continue;
		if (file_read(path, &data, &len) != 0) {
			diag_warn(diags, path, 0, 0,
				  "cannot read font: %s; the EPUB leaves this face to the reader",
				  strerror(errno));
			continue;
		}
		if (!bytes_start(data, len, "\0\1\0\0", 4) && !bytes_start(data, len, "true", 4)) {
			diag_warn(diags, path, 0, 0,
				  "not a TrueType font; the EPUB leaves this face to the reader");
			free(data);
			continue;
		}
		font[i].data = data;
		font[i].len = len;
		font[i].href = arena_printf(a, "fonts/%s", epub_faces[i].file);
		font[i].media_type = "font/ttf";
		used[epub_faces[i].licence] = true;
	}
	for (size_t k = 0; k < NLICENCES; k++)
		if (!used[k]) {
			free(lic[k].data);
			memset(&lic[k], 0, sizeof lic[k]);
		}
}

/* Appends @font-face rules for the embedded faces to the stylesheet, and
 * makes the serif face the body's when its regular face is there. */
static void css_fonts(struct epub_res *css, const struct epub_res *font)
{
	struct buf b = BUF_INIT;

	buf_put(&b, css->data, css->len);
	buf_puts(&b, "\n/* ---- Embedded fonts (folio.ini: epub_fonts = yes) ---- */\n");
	for (size_t i = 0; i < NFACES; i++) {
		if (!font[i].href)
			continue;
		buf_printf(&b, "\n@font-face {\n\tfont-family: \"%s\";\n"
			       "\tfont-weight: %s;\n\tfont-style: %s;\n"
			       "\tsrc: url(\"../%s\") format(\"truetype\");\n}\n",
			   epub_faces[i].family, epub_faces[i].weight, epub_faces[i].style,
			   font[i].href);
	}
	if (font[0].href)
		buf_printf(&b, "\nbody {\n\tfont-family: \"%s\", serif;\n}\n",
			   epub_faces[0].family);
	free(css->data);
	css->data = b.data;
	css->len = b.len;
}

/* ---- Links: what the print style says --------------------------------- */

/* How both editions mark links and name the Resources appendix (read
 * from the print style once, app/build.c): references = none leaves the
 * numbers out of the EPUB too. */
struct links_style {
	bool numbers;
	const char *title;
};

static void links_style(const struct book *book, struct links_style *ls)
{
	ls->numbers = book->link_refs != REFS_NONE;
	ls->title = book->gen.resources ? book->gen.resources->title : "Resources";
}

/* ---- The table of contents --------------------------------------------- */

/* One entry of the contents: a chapter, a heading in it, or a part title
 * (href NULL) grouping the chapters after it. */
struct toc {
	const char *label; /* raw text; escaped when written */
	const char *href;  /* relative to OEBPS/, or NULL for a part */
	struct toc *first, *last, *next;
};

static struct toc *toc_add(struct arena *a, struct toc *parent,
			   const char *label, const char *href)
{
	struct toc *t = arena_calloc(a, 1, sizeof *t);
	t->label = label;
	t->href = href;
	if (parent->last)
		parent->last->next = t;
	else
		parent->first = t;
	parent->last = t;
	return t;
}

static const char *chapter_label(const struct chapter *ch)
{
	if (ch->title && *ch->title)
		return ch->title;
	return ch->path ? ch->path : "Chapter";
}

/* A chapter's headings of levels 1-3 (its title heading aside), nested
 * by level under its entry. */
static void toc_headings(struct arena *a, struct toc *cn,
			 const struct chapter *ch, const char *file)
{
	struct toc *stack[4] = {cn, NULL, NULL, NULL};
	int levels[4] = {0, 0, 0, 0};
	int depth = 0;

	for (int h = 0; h < ch->nheadings; h++) {
		const struct block *hd = ch->headings[h];
		if (!hd || hd->level > 3 || !hd->slug || !*hd->slug)
			continue;
		/* the heading that opens the chapter is its entry */
		if (h == 0 && (hd == ch->blocks ||
			       (hd->plain && ch->title &&
				strcmp(hd->plain, ch->title) == 0)))
			continue;
		while (depth > 0 && levels[depth] >= hd->level)
			depth--;
		struct buf href = BUF_INIT;
		buf_puts(&href, file);
		buf_putc(&href, '#');
		xhtml_id(&href, hd->slug);
		struct toc *t = toc_add(a, stack[depth], hd->plain ? hd->plain : "",
					buf_to_arena(&href, a));
		buf_free(&href);
		if (depth < 3) {
			depth++;
			stack[depth] = t;
			levels[depth] = hd->level;
		}
	}
}

static struct toc *toc_chapter(struct arena *a, struct toc *parent,
			       const struct chapter *ch, const char *title,
			       const char *number)
{
	char file[32];
	const char *label = title && *title ? title : chapter_label(ch);

	xhtml_chapter_file(file, ch);
	if (number && *number)
		label = arena_printf(a, "%s %s", number, label);
	struct toc *cn = toc_add(a, parent, label, arena_strdup(a, file));
	toc_headings(a, cn, ch, file);
	return cn;
}

/* The text of each book->toc entry in the generated contents
 * (generate.h): "1.2. Title" - the words the print contents show. */
static const char **entry_texts(const struct book *book, struct arena *a)
{
	const char **t = arena_calloc(a, (size_t)book->ntoc + 1, sizeof *t);
	const struct chapter *c = book->gen.contents;
	for (const struct block *b = c ? c->blocks : NULL; b; b = b->next)
		if (b->role == ROLE_CONTENTS_ENTRY && b->toc && !b->section &&
		    b->toc >= book->toc && b->toc < book->toc + book->ntoc)
			t[b->toc - book->toc] = generate_text(b);
	return t;
}

/* From book->toc (mdBook's SUMMARY.md, or one entry per chapter): entries
 * nest by their parent; top-level numbered entries go under the part
 * title before them (a separator or an unnumbered chapter ends a part);
 * drafts have no page, so they only appear to hold their children. */
static void toc_build(const struct book *book, struct arena *a, struct toc *root)
{
	struct toc **node = arena_calloc(a, (size_t)book->ntoc + 1, sizeof *node);
	struct toc *part = NULL;
	const char **text = entry_texts(book, a);

	for (int i = 0; i < book->ntoc; i++) {
		const struct toc_entry *e = &book->toc[i];
		struct toc *parent = root;

		if (e->kind == TOC_SEPARATOR) {
			part = NULL;
			continue;
		}
		if (e->kind == TOC_PART) {
			part = toc_add(a, root, e->title ? e->title : "", NULL);
			node[i] = part;
			continue;
		}
		if (e->parent >= 0 && e->parent < i && node[e->parent]) {
			parent = node[e->parent];
		} else {
			if (!e->number)
				part = NULL; /* prefix and suffix chapters */
			if (part)
				parent = part;
		}
		if (e->kind == TOC_DRAFT && model_toc_shown(book, i))
			node[i] = toc_add(a, parent, e->title ? e->title : "", NULL);
		else if (e->kind == TOC_DRAFT)
			continue;
		else if (e->chapter && text[i])
			node[i] = toc_chapter(a, parent, e->chapter, text[i], NULL);
		else if (e->chapter)
			node[i] = toc_chapter(a, parent, e->chapter, e->title,
					      e->number);
	}
}

/* Without book->toc: chapters in reading order, nested by their parent,
 * top-level ones under the part title that opens before them. */
static void toc_build_chapters(const struct book *book, struct arena *a,
			       struct toc *root)
{
	struct toc **node = arena_calloc(a, (size_t)book->nchapters + 1, sizeof *node);
	struct toc *part = NULL;

	for (int i = 0; i < book->nchapters; i++) {
		const struct chapter *ch = book->chapters[i];
		struct toc *parent = root;

		if (ch->parent && ch->parent->index >= 0 &&
		    ch->parent->index < book->nchapters &&
		    node[ch->parent->index]) {
			parent = node[ch->parent->index];
		} else {
			if (ch->part && *ch->part)
				part = toc_add(a, root, ch->part, NULL);
			if (part)
				parent = part;
		}
		struct toc *cn = toc_chapter(a, parent, ch, NULL, ch->number);
		if (ch->index >= 0 && ch->index < book->nchapters)
			node[ch->index] = cn;
	}
}

/* An entry is shown when it has a page or holds entries that have. */
static bool toc_shown(const struct toc *t)
{
	if (t->href)
		return true;
	for (const struct toc *c = t->first; c; c = c->next)
		if (toc_shown(c))
			return true;
	return false;
}

static bool toc_has_shown(const struct toc *t)
{
	for (const struct toc *c = t->first; c; c = c->next)
		if (toc_shown(c))
			return true;
	return false;
}

static void nav_list(struct buf *b, const struct toc *first, int depth)
{
	buf_printf(b, "%*s<ol>\n", depth * 2, "");
	for (const struct toc *t = first; t; t = t->next) {
		if (!toc_shown(t))
			continue;
		buf_printf(b, "%*s<li>", depth * 2 + 1, "");
		if (t->href) {
			buf_puts(b, "<a href=\"");
			xhtml_escape_str(b, t->href);
			buf_puts(b, "\">");
			xhtml_label(b, t->label, "Untitled");
			buf_puts(b, "</a>");
		} else {
			buf_puts(b, "<span>");
			xhtml_label(b, t->label, "Part");
			buf_puts(b, "</span>");
		}
		if (toc_has_shown(t)) {
			buf_putc(b, '\n');
			nav_list(b, t->first, depth + 1);
			buf_printf(b, "%*s", depth * 2 + 1, "");
		}
		buf_puts(b, "</li>\n");
	}
	buf_printf(b, "%*s</ol>\n", depth * 2, "");
}

/* ---- Print page numbers -------------------------------------------------- */

static bool chapter_of_book(const struct book *book, const struct chapter *ch)
{
	return ch && ch->index >= 0 && ch->index < book->nchapters &&
	       book->chapters[ch->index] == ch;
}

/* "page." and the label's letters and digits (any other byte as "_XX"),
 * with the page's number after it should two labels make one id. */
static const char *page_id(struct arena *a, const struct xhtml_pagebreak *done,
			   int ndone, const char *label, int page)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "page.");
	for (const unsigned char *p = (const unsigned char *)label; *p; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z'))
			buf_putc(&b, *p);
		else
			buf_printf(&b, "_%02x", *p);
	}
	for (int i = 0; i < ndone; i++)
		if (strcmp(done[i].id, b.data) == 0) {
			buf_printf(&b, ".p%d", page + 1);
			break;
		}
	const char *id = buf_to_arena(&b, a);
	buf_free(&b);
	return id;
}

/*
 * One marker per printed page, placed where the page's text begins:
 * - a page that opens on text of a chapter: before that word;
 * - a page that opens on no text (a figure, a rule, a blank verso):
 *   together with the next page that does, when that is in the same
 *   chapter; else where its chapter's text ends;
 * - front matter: the first page (the title page) at the start of the
 *   title page, the others (the contents) at the start of nav.xhtml;
 * - pages of no chapter after the last text (the print Resources
 *   appendix): in the appendix, before the entry that opens the page
 *   (mark->resource; -1: at the appendix's start), or at the end of the
 *   last chapter when the EPUB has no appendix.
 */
static struct xhtml_pagebreak *page_breaks(const struct book *book,
					   const struct pagination *pages,
					   bool appendix, struct arena *a,
					   int *count)
{
	int n = pages && pages->marks ? pages->nmarks : 0;
	struct xhtml_pagebreak *v = arena_calloc(a, (size_t)n + 1, sizeof *v);
	bool title_seen = false;

	for (int i = 0; i < n; i++) {
		const struct page_mark *m = &pages->marks[i];
		struct xhtml_pagebreak *pb = &v[i];
		size_t len = strnlen(m->label, sizeof m->label);

		pb->label = len ? arena_strndup(a, m->label, len) :
				  arena_printf(a, "%d", m->page + 1);
		pb->id = page_id(a, v, i, pb->label, m->page);
		if (m->front) {
			pb->place = title_seen ? PB_NAV : PB_TITLEPAGE;
			title_seen = true;
			continue;
		}
		const struct chapter *ch = chapter_of_book(book, m->chapter) ?
						   m->chapter : NULL;
		pb->place = PB_CHAPTER;
		if (ch && m->block) {
			pb->chapter = ch;
			pb->block = m->block;
			pb->word = m->word;
			continue;
		}
		const struct page_mark *next = NULL;
		for (int j = i + 1; j < n && !next; j++)
			if (!pages->marks[j].front && pages->marks[j].block &&
			    chapter_of_book(book, pages->marks[j].chapter))
				next = &pages->marks[j];
		if (next && (!ch || next->chapter == ch)) {
			pb->chapter = next->chapter;
			pb->block = next->block;
			pb->word = next->word;
		} else if (ch) {
			pb->chapter = ch;
		} else if (appendix) {
			pb->place = PB_APPENDIX;
			pb->word = m->resource > 0 ? m->resource : 0;
		} else if (book->nchapters > 0) {
			pb->chapter = book->chapters[book->nchapters - 1];
		} else {
			pb->place = PB_NAV;
		}
	}
	*count = n;
	return v;
}

/* The document a marker is in, relative to OEBPS/. */
static void pagebreak_file(const struct xhtml_pagebreak *pb, char out[32])
{
	switch (pb->place) {
	case PB_CHAPTER:
		xhtml_chapter_file(out, pb->chapter);
		return;
	case PB_TITLEPAGE:
		snprintf(out, 32, "titlepage.xhtml");
		return;
	case PB_NAV:
		snprintf(out, 32, "nav.xhtml");
		return;
	case PB_APPENDIX:
		snprintf(out, 32, RESOURCES_FILE);
		return;
	}
	snprintf(out, 32, "nav.xhtml");
}

/* The page-list nav: every printed page, in order. */
static void nav_pages(struct buf *b, const struct xhtml_env *env)
{
	if (env->nbreaks == 0)
		return;
	buf_puts(b, "<nav epub:type=\"page-list\" id=\"page-list\" role=\"doc-pagelist\" "
		    "hidden=\"hidden\">\n<h2>Pages</h2>\n<ol>\n");
	for (int i = 0; i < env->nbreaks; i++) {
		const struct xhtml_pagebreak *pb = &env->breaks[i];
		char file[32];
		pagebreak_file(pb, file);
		buf_printf(b, " <li><a href=\"%s#", file);
		xhtml_escape_str(b, pb->id);
		buf_puts(b, "\">");
		xhtml_label(b, pb->label, "?");
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ol>\n</nav>\n");
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The NCX pageList; *max gets the highest page number. */
static void ncx_pages(struct buf *b, const struct xhtml_env *env, int *max)
{
	*max = 0;
	if (env->nbreaks == 0)
		return;
	buf_puts(b, "<pageList>\n  <navLabel><text>Pages</text></navLabel>\n");
	for (int i = 0; i < env->nbreaks; i++) {
		const struct xhtml_pagebreak *pb = &env->breaks[i];
		bool front = pb->place == PB_TITLEPAGE || pb->place == PB_NAV;
		char file[32];
		pagebreak_file(pb, file);
		buf_printf(b, "  <pageTarget id=\"pt%d\" type=\"%s\"", i + 1,
			   front ? "front" : "normal");
		/* value: the page's number, when it is one and no other page
		 * of its type has it (the NCX wants them unique) */
		bool unique = all_digits(pb->label);
		for (int j = 0; j < i && unique; j++)
			if (strcmp(env->breaks[j].label, pb->label) == 0)
				unique = false;
		if (unique && strlen(pb->label) < 9) {
			buf_printf(b, " value=\"%s\"", pb->label);
			if (atoi(pb->label) > *max)
				*max = atoi(pb->label);
		}
		buf_puts(b, "><navLabel><text>");
		xhtml_label(b, pb->label, "?");
		buf_printf(b, "</text></navLabel><content src=\"%s#", file);
		xhtml_escape_str(b, pb->id);
		buf_puts(b, "\"/></pageTarget>\n");
	}
	buf_puts(b, "</pageList>\n");
}

/* ---- Contents and landmarks ---------------------------------------------- */

static void write_nav(struct buf *b, const struct book *book, const char *lang,
		      const struct toc *root, const struct xhtml_env *env,
		      const char *appendix_title)
{
	xhtml_begin(b, lang, "Contents", CSS_HREF);
	xhtml_pagebreaks_at(b, env, PB_NAV);
	buf_puts(b, "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">\n"
		    "<h1>Contents</h1>\n");
	if (toc_has_shown(root)) {
		nav_list(b, root->first, 0);
	} else {
		/* a book without chapters still has a non-empty contents */
		buf_puts(b, "<ol>\n <li><a href=\"titlepage.xhtml\">");
		xhtml_label(b, book->meta.title, "Title page");
		buf_puts(b, "</a></li>\n</ol>\n");
	}
	buf_puts(b, "</nav>\n"
		    "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n"
		    "<h2>Landmarks</h2>\n<ol>\n"
		    " <li><a epub:type=\"cover\" href=\"cover.xhtml\">Cover</a></li>\n"
		    " <li><a epub:type=\"titlepage\" href=\"titlepage.xhtml\">Title page</a></li>\n"
		    " <li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">Contents</a></li>\n");
	if (book->nchapters > 0) {
		char file[32];
		xhtml_chapter_file(file, book->chapters[0]);
		buf_printf(b, " <li><a epub:type=\"bodymatter\" href=\"%s\">Start of content</a></li>\n",
			   file);
	}
	if (env->resources_href) {
		buf_puts(b, " <li><a epub:type=\"backmatter\" href=\"" RESOURCES_FILE "\">");
		xhtml_label(b, appendix_title, "Resources");
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ol>\n</nav>\n");
	nav_pages(b, env);
	xhtml_end(b);
}

/* NCX: parts are left out (their chapters move up a level), as the NCX
 * needs a target for every entry. */
static void ncx_points(struct buf *b, const struct toc *first, int depth,
		       int *order, int *maxdepth)
{
	for (const struct toc *t = first; t; t = t->next) {
		if (!t->href) {
			/* parts and drafts: their entries move up a level */
			ncx_points(b, t->first, depth, order, maxdepth);
			continue;
		}
		if (depth + 1 > *maxdepth)
			*maxdepth = depth + 1;
		++*order;
		buf_printf(b, "%*s<navPoint id=\"np%d\" playOrder=\"%d\">"
			      "<navLabel><text>",
			   depth * 2 + 2, "", *order, *order);
		xhtml_label(b, t->label, "Untitled");
		buf_puts(b, "</text></navLabel><content src=\"");
		xhtml_escape_str(b, t->href);
		buf_puts(b, "\"/>");
		if (toc_has_shown(t)) {
			buf_putc(b, '\n');
			ncx_points(b, t->first, depth + 1, order, maxdepth);
			buf_printf(b, "%*s", depth * 2 + 2, "");
		}
		buf_puts(b, "</navPoint>\n");
	}
}

static void write_ncx(struct buf *b, const struct book *book, const char *lang,
		      const char *uuid, const char *title, const struct toc *root,
		      const struct xhtml_env *env)
{
	struct buf points = BUF_INIT, pagelist = BUF_INIT;
	int order = 0, maxdepth = 1, maxpage = 0;

	ncx_pages(&pagelist, env, &maxpage);
	ncx_points(&points, root->first, 0, &order, &maxdepth);
	if (order == 0) {
		buf_puts(&points, "  <navPoint id=\"np1\" playOrder=\"1\"><navLabel><text>");
		xhtml_label(&points, book->meta.title, "Title page");
		buf_puts(&points, "</text></navLabel><content src=\"titlepage.xhtml\"/></navPoint>\n");
	}
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"");
	xhtml_escape_str(b, lang);
	buf_printf(b, "\">\n<head>\n"
		      "  <meta name=\"dtb:uid\" content=\"%s\"/>\n"
		      "  <meta name=\"dtb:depth\" content=\"%d\"/>\n"
		      "  <meta name=\"dtb:totalPageCount\" content=\"%d\"/>\n"
		      "  <meta name=\"dtb:maxPageNumber\" content=\"%d\"/>\n"
		      "</head>\n<docTitle><text>",
		   uuid, maxdepth, env->nbreaks, maxpage);
	xhtml_label(b, title, "Untitled");
	buf_puts(b, "</text></docTitle>\n<navMap>\n");
	buf_put(b, points.data ? points.data : "", points.len);
	buf_puts(b, "</navMap>\n");
	buf_put(b, pagelist.data ? pagelist.data : "", pagelist.len);
	buf_puts(b, "</ncx>\n");
	buf_free(&points);
	buf_free(&pagelist);
}

/* ---- One EPUB being written ---------------------------------------------- */

/* The files an EPUB carries beside its documents: the stylesheet, the
 * images (by image->index) and the fonts with their licences.  An entry
 * with href NULL is not embedded; every data is heap memory, freed by
 * free_files(). */
struct epub_files {
	struct epub_res css;
	struct epub_res *img; /* nimg entries, by image->index */
	size_t nimg;          /* book->nimages */
	struct epub_res font[NFACES];
	struct epub_res lic[NLICENCES];
	struct epub_cover cover;
};

/* Everything the package and its documents are made from, gathered
 * (and its problems warned about) before the first entry goes out. */
struct epub {
	const struct book *book;
	const struct build_opts *opts;
	const char *lang;     /* a well-formed BCP 47 tag */
	const char *title;    /* never empty */
	const char *full_title; /* title: subtitle, for readers' shelves */
	char uuid[46];        /* the book's urn:uuid */
	char print_uuid[46];  /* the PDF edition's, the page numbers' source */
	const char *print_edition; /* "PDF edition, A4, one-sided" */
	struct epub_files files;
	struct toc root;      /* the contents */
	struct links_style ls;
	bool appendix;        /* the Resources appendix closes the book */
	struct xhtml_env env; /* what the chapter writer needs */
};

/* ---- Package document and title page ------------------------------------ */

static void opf_meta(struct buf *b, const char *property, const char *value)
{
	buf_printf(b, "    <meta property=\"%s\">", property);
	xhtml_escape_str(b, value);
	buf_puts(b, "</meta>\n");
}

/* open, the label text, close; nothing at all when the label shows
 * nothing (an element must not be empty). */
static void opf_label(struct buf *b, const char *open, const char *text,
		      const char *close)
{
	size_t mark = b->len;

	buf_puts(b, open);
	if (xhtml_label(b, text, NULL) == 0) {
		b->len = mark;
		b->data[mark] = '\0';
		return;
	}
	buf_puts(b, close);
}

/* One dc:subject per comma-separated keyword. */
static void opf_subjects(struct buf *b, const char *keywords)
{
	const char *p = keywords;

	while (*p) {
		size_t n = strcspn(p, ",");
		char *kw = xmalloc(n + 1);
		memcpy(kw, p, n);
		kw[n] = '\0';
		opf_label(b, "    <dc:subject>", kw, "</dc:subject>\n");
		free(kw);
		p += n;
		if (*p == ',')
			p++;
	}
}

/* The Dublin Core metadata: identifier, titles, authors, language, date,
 * description, subjects. */
static void opf_dublin_core(struct buf *b, const struct epub *e)
{
	const struct metadata *m = &e->book->meta;

	buf_printf(b, "    <dc:identifier id=\"book-id\">%s</dc:identifier>\n", e->uuid);
	/* the first title, the one readers show on their shelves, is the
	 * whole title; the subtitle is also given as such */
	buf_puts(b, "    <dc:title id=\"title\">");
	xhtml_label(b, e->full_title, "Untitled");
	buf_puts(b, "</dc:title>\n"
		    "    <meta refines=\"#title\" property=\"title-type\">main</meta>\n");
	if (m->subtitle && *m->subtitle)
		opf_label(b, "    <dc:title id=\"subtitle\">", m->subtitle,
			  "</dc:title>\n"
			  "    <meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>\n");
	for (int i = 0; i < m->nauthors; i++) {
		char open[64], close[160];
		snprintf(open, sizeof open, "    <dc:creator id=\"creator%d\">", i + 1);
		snprintf(close, sizeof close,
			 "</dc:creator>\n"
			 "    <meta refines=\"#creator%d\" property=\"role\" "
			 "scheme=\"marc:relators\">aut</meta>\n",
			 i + 1);
		opf_label(b, open, m->authors[i], close);
	}
	buf_printf(b, "    <dc:language>%s</dc:language>\n", e->lang);
	if (date_valid(m->date))
		buf_printf(b, "    <dc:date>%s</dc:date>\n", m->date);
	if (m->description && *m->description) {
		buf_puts(b, "    <dc:description>");
		xhtml_label(b, m->description, "");
		buf_puts(b, "</dc:description>\n");
	}
	if (m->keywords)
		opf_subjects(b, m->keywords);
}

/* Accessibility metadata (schema.org, as EPUB Accessibility 1.0 asks). */
static void opf_accessibility(struct buf *b, bool images, bool paged)
{
	opf_meta(b, "schema:accessMode", "textual");
	if (images)
		opf_meta(b, "schema:accessMode", "visual");
	opf_meta(b, "schema:accessModeSufficient", "textual");
	if (images)
		opf_meta(b, "schema:accessModeSufficient", "textual,visual");
	opf_meta(b, "schema:accessibilityFeature", "structuralNavigation");
	opf_meta(b, "schema:accessibilityFeature", "tableOfContents");
	opf_meta(b, "schema:accessibilityFeature", "readingOrder");
	opf_meta(b, "schema:accessibilityFeature", "displayTransformability");
	if (images)
		opf_meta(b, "schema:accessibilityFeature", "alternativeText");
	if (paged) {
		/* printPageNumbers is the older name of pageBreakMarkers */
		opf_meta(b, "schema:accessibilityFeature", "pageBreakMarkers");
		opf_meta(b, "schema:accessibilityFeature", "pageNavigation");
		opf_meta(b, "schema:accessibilityFeature", "printPageNumbers");
	}
	opf_meta(b, "schema:accessibilityHazard", "none");
	struct buf summary = BUF_INIT;
	buf_puts(&summary, "Reflowable text in reading order with a navigable table of "
			   "contents and structured headings.");
	if (images)
		buf_puts(&summary, " Images carry the alternative text their authors wrote.");
	buf_puts(&summary, " Code is real text, not pictures.");
	if (!images)
		buf_puts(&summary, " There are no images.");
	if (paged)
		buf_puts(&summary, " Page-break markers and a page list give the page "
				   "numbers of the PDF edition made from the same source.");
	buf_puts(&summary, " No known hazards.");
	opf_meta(b, "schema:accessibilitySummary", summary.data);
	buf_free(&summary);
}

/* The manifest items of the embedded files of one kind: ids prefix1,
 * prefix2 ... (the number at least digits wide) by their place in res. */
static void opf_items(struct buf *b, const char *prefix, int digits,
		      const struct epub_res *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (res[i].href)
			buf_printf(b, "    <item id=\"%s%0*zu\" href=\"%s\" media-type=\"%s\"/>\n",
				   prefix, digits, i + 1, res[i].href, res[i].media_type);
}

static void opf_manifest(struct buf *b, const struct epub *e)
{
	const struct book *book = e->book;
	const struct epub_files *f = &e->files;

	buf_puts(b, "  <manifest>\n"
		    "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
		    "    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n");
	buf_printf(b, "    <item id=\"css\" href=\"%s\" media-type=\"%s\"/>\n",
		   f->css.href, f->css.media_type);
	buf_printf(b, "    <item id=\"cover-image\" href=\"%s\" media-type=\"%s\" "
		      "properties=\"cover-image\"/>\n"
		      "    <item id=\"cover\" href=\"cover.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
		   f->cover.href, f->cover.media_type);
	buf_puts(b, "    <item id=\"titlepage\" href=\"titlepage.xhtml\" media-type=\"application/xhtml+xml\"/>\n");
	for (int i = 0; i < book->nchapters; i++) {
		char file[32];
		xhtml_chapter_file(file, book->chapters[i]);
		buf_printf(b, "    <item id=\"ch%03d\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n",
			   i + 1, file);
	}
	if (e->env.resources_href)
		buf_puts(b, "    <item id=\"resources\" href=\"" RESOURCES_FILE "\" "
			    "media-type=\"application/xhtml+xml\"/>\n");
	opf_items(b, "img", 3, f->img, f->nimg);
	opf_items(b, "font", 1, f->font, NFACES);
	opf_items(b, "font-licence", 1, f->lic, NLICENCES);
	buf_puts(b, "  </manifest>\n");
}

static void opf_spine(struct buf *b, const struct epub *e)
{
	buf_puts(b, "  <spine toc=\"ncx\">\n"
		    "    <itemref idref=\"cover\"/>\n"
		    "    <itemref idref=\"titlepage\"/>\n"
		    "    <itemref idref=\"nav\"/>\n");
	for (int i = 0; i < e->book->nchapters; i++)
		buf_printf(b, "    <itemref idref=\"ch%03d\"/>\n", i + 1);
	if (e->env.resources_href)
		buf_puts(b, "    <itemref idref=\"resources\"/>\n");
	buf_puts(b, "  </spine>\n");
}

/* content.opf: metadata, manifest, spine. */
static void write_opf(struct buf *b, const struct epub *e)
{
	char modified[21];
	bool images = false;
	bool paged = e->env.nbreaks > 0;

	for (int i = 0; i < e->book->nimages; i++)
		if (e->files.img[i].href)
			images = true;
	time_iso8601(e->opts ? e->opts->source_date : 0, modified);

	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
		    "unique-identifier=\"book-id\" xml:lang=\"");
	xhtml_escape_str(b, e->lang);
	buf_puts(b, "\">\n  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
	opf_dublin_core(b, e);
	if (paged) {
		/* the print edition the page numbers come from: the PDF.  (EPUB
		 * Accessibility 1.1 prefers a11y:pageBreakSource, which
		 * EPUBCheck 4 rejects as undefined; dc:source with source-of
		 * is the EPUB 3.2 way and still valid.) */
		buf_printf(b, "    <dc:source id=\"print-source\">%s</dc:source>\n"
			      "    <meta refines=\"#print-source\" property=\"source-of\">"
			      "pagination</meta>\n"
			      "    <meta refines=\"#print-source\" property=\"dcterms:description\">"
			      "%s</meta>\n",
			   e->print_uuid, e->print_edition);
	}
	opf_meta(b, "dcterms:modified", modified);
	/* the cover for EPUB 2 readers, which know no cover-image */
	buf_puts(b, "    <meta name=\"cover\" content=\"cover-image\"/>\n");
	opf_accessibility(b, images, paged);
	buf_puts(b, "  </metadata>\n");
	opf_manifest(b, e);
	opf_spine(b, e);
	buf_puts(b, "</package>\n");
}

/* The edition line, its date (blk->info) marked up as one. */
static void edition_line(struct buf *b, const struct block *blk)
{
	const char *t = generate_text(blk);
	const char *d = blk->info ? strstr(t, blk->info) : NULL;
	if (!d) {
		xhtml_label(b, t, "");
		return;
	}
	xhtml_escape(b, t, (size_t)(d - t));
	buf_puts(b, "<time>");
	xhtml_escape_str(b, blk->info);
	buf_puts(b, "</time>");
	xhtml_escape_str(b, d + strlen(blk->info));
}

/* The generated title page (book->gen.title_page, generate.h). */
static void write_titlepage(struct buf *b, const struct book *book,
			    const char *lang, const char *title,
			    const struct xhtml_env *env)
{
	static const char *const class[] = {
		[ROLE_SUBTITLE] = "subtitle", [ROLE_AUTHORS] = "authors",
		[ROLE_EDITION] = "edition",
	};

	xhtml_begin(b, lang, title, CSS_HREF);
	xhtml_pagebreaks_at(b, env, PB_TITLEPAGE);
	buf_puts(b, "<section class=\"titlepage\" epub:type=\"titlepage\">\n");
	for (const struct block *blk = book->gen.title_page->blocks; blk; blk = blk->next) {
		if (blk->role == ROLE_TITLE) {
			buf_puts(b, "<h1 class=\"title\">");
			xhtml_label(b, generate_text(blk), "Untitled");
			buf_puts(b, "</h1>\n");
			continue;
		}
		if (blk->role > ROLE_EDITION || !class[blk->role])
			continue;
		buf_printf(b, "<p class=\"%s\">", class[blk->role]);
		if (blk->role == ROLE_EDITION)
			edition_line(b, blk);
		else
			xhtml_label(b, generate_text(blk), "");
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "</section>\n");
	xhtml_end(b);
}

/* ---- Gathering what the EPUB is made from ------------------------------- */

/* The book's language when it is a BCP 47 tag, else "en" (warned). */
static const char *epub_lang(struct diag_list *diags, const struct book *book,
			     struct arena *a)
{
	const char *lang = book->meta.language;

	if (lang_ok(lang))
		return lang;
	diag_warn(diags, book_meta_display(a, book), 0, 0,
		  "language '%s' is not a BCP 47 tag; the EPUB says \"en\"",
		  lang ? lang : "");
	return "en";
}

/* The book's title, else its first chapter's label, else "Untitled". */
static const char *epub_title(const struct book *book)
{
	const char *title = book->meta.title;

	if (title && *title)
		return title;
	return book->nchapters > 0 ? chapter_label(book->chapters[0]) : "Untitled";
}

/* Reads the stylesheet, the images and (folio.ini: epub_fonts = yes)
 * the fonts, whose @font-face rules then join the stylesheet. */
static void load_files(struct diag_list *diags, const struct book *book, const struct build_opts *opts,
		       struct arena *a, struct epub_files *f)
{
	memset(f, 0, sizeof *f);
	load_css(diags, opts, a, &f->css);
	f->nimg = (size_t)book->nimages;
	f->img = xcalloc(f->nimg + 1, sizeof *f->img);
	load_images(diags, book, a, f->img);
	if (book->meta.epub_fonts) {
		load_fonts(diags, opts, a, f->font, f->lic);
		css_fonts(&f->css, f->font);
	}
}

static void free_res(struct epub_res *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(res[i].data);
}

static void free_files(struct epub_files *f)
{
	free_res(f->img, f->nimg);
	free(f->img);
	free_res(f->font, NFACES);
	free_res(f->lic, NLICENCES);
	free(f->css.data);
	free(f->cover.data);
}

/* What the chapter writer needs: each image's place in the EPUB, the
 * appendix's citations, the print edition's page breaks. */
static void make_env(struct epub *e, const struct pagination *pages,
		     struct arena *a)
{
	const struct book *book = e->book;
	struct xhtml_env *env = &e->env;
	const char **hrefs = arena_calloc(a, (size_t)book->nimages + 1, sizeof *hrefs);

	for (int i = 0; i < book->nimages; i++)
		hrefs[i] = e->files.img[i].href;
	env->book = book;
	env->lang = e->lang;
	env->css_href = CSS_HREF;
	env->image_href = hrefs;
	env->nimage_href = book->nimages;
	if (e->appendix) {
		env->resources_href = RESOURCES_FILE;
		env->resource_numbers = e->ls.numbers;
		env->refs = xhtml_refs(book, a, &env->nrefs);
		env->ref_written = arena_calloc(a, (size_t)book->nextrefs + 1,
						sizeof *env->ref_written);
	}
	env->breaks = page_breaks(book, pages, e->appendix, a, &env->nbreaks);
}

/* "PDF edition, A4, one-sided" for edition "a4"; "US Letter, duplex"
 * for "letter-duplex". */
static const char *print_edition_name(struct arena *a, const char *edition)
{
	bool duplex = strstr(edition, "-duplex") != NULL;
	const char *paper = strncmp(edition, "a4", 2) == 0 ? "A4"
			  : strncmp(edition, "letter", 6) == 0 ? "US Letter" : "custom paper";
	return arena_printf(a, "PDF edition, %s, %s", paper,
			    duplex ? "two-sided (duplex)" : "one-sided");
}

/* Fills e; the caller frees e->files with free_files(). */
static void epub_prepare(struct diag_list *diags, struct epub *e, const struct book *book,
			 const struct build_opts *opts,
			 const struct pagination *pages, struct arena *a)
{
	memset(e, 0, sizeof *e);
	e->book = book;
	e->opts = opts;
	e->lang = epub_lang(diags, book, a);
	e->title = epub_title(book);
	const char *ident = book->meta.identifier ? book->meta.identifier : e->title;
	book_uuid(ident, e->uuid);
	/* the PDF edition's identifier: the same derivation from the
	 * identifier followed by ".pdf" (A4, one-sided), or by the
	 * edition and ".pdf" ("-letter-duplex.pdf"): each edition's page
	 * numbers are its own */
	const char *edn = pages && pages->edition ? pages->edition : "a4";
	bool plain = strcmp(edn, "a4") == 0;
	book_uuid(plain ? arena_printf(a, "%s.pdf", ident)
			: arena_printf(a, "%s-%s.pdf", ident, edn), e->print_uuid);
	e->print_edition = print_edition_name(a, edn);

	load_files(diags, book, opts, a, &e->files);
	epub_cover_load(diags, book, e->title, a, &e->files.cover);
	e->full_title = epub_full_title(a, e->title, book->meta.subtitle);
	if (book->ntoc > 0)
		toc_build(book, a, &e->root);
	else
		toc_build_chapters(book, a, &e->root);
	/* the Resources appendix closes the book when it has web links */
	e->appendix = book->nresources > 0;
	links_style(book, &e->ls);
	if (e->appendix)
		toc_add(a, &e->root, e->ls.title, RESOURCES_FILE);
	make_env(e, pages, a);
}

/* ---- Writing the archive ------------------------------------------------ */

static const char container_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
	"  <rootfiles>\n"
	"    <rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n"
	"  </rootfiles>\n"
	"</container>\n";

/* Adds buf as OEBPS/name and empties it for the next document. */
static int add_doc(struct zipw *z, const char *name, struct buf *b)
{
	char full[64];
	snprintf(full, sizeof full, "OEBPS/%s", name);
	int rc = zipw_add(z, full, b->data ? b->data : "", b->len, true);
	buf_reset(b);
	return rc;
}

/* PNG, JPEG and GIF are compressed already: stored, not deflated. */
static bool compressed_already(const char *media_type)
{
	return strcmp(media_type, "image/png") == 0 ||
	       strcmp(media_type, "image/jpeg") == 0 ||
	       strcmp(media_type, "image/gif") == 0;
}

/* Adds each of res[0..n) that is embedded as OEBPS/href; stops at the
 * first failure. */
static int add_files(struct zipw *z, const struct epub_res *res, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!res[i].href)
			continue;
		char full[64];
		snprintf(full, sizeof full, "OEBPS/%s", res[i].href);
		rc = zipw_add(z, full, res[i].data, res[i].len,
			      !compressed_already(res[i].media_type));
	}
	return rc;
}

/* The archive's entries up to the last document, in the order the top
 * of this file lists. */
static int add_documents(struct zipw *z, const struct epub *e)
{
	const struct book *book = e->book;
	struct buf b = BUF_INIT;
	int rc = 0;

	rc |= zipw_add(z, "mimetype", "application/epub+zip", 20, false);
	rc |= zipw_add(z, "META-INF/container.xml", container_xml,
		       sizeof container_xml - 1, true);
	write_opf(&b, e);
	rc |= add_doc(z, "content.opf", &b);
	write_ncx(&b, book, e->lang, e->uuid, e->full_title, &e->root, &e->env);
	rc |= add_doc(z, "toc.ncx", &b);
	write_nav(&b, book, e->lang, &e->root, &e->env, e->ls.title);
	rc |= add_doc(z, "nav.xhtml", &b);
	rc |= add_files(z, &e->files.css, 1);
	epub_cover_page(&b, e->lang, CSS_HREF, e->full_title, &e->files.cover);
	rc |= add_doc(z, "cover.xhtml", &b);
	write_titlepage(&b, book, e->lang, e->title, &e->env);
	rc |= add_doc(z, "titlepage.xhtml", &b);
	for (int i = 0; i < book->nchapters && rc == 0; i++) {
		char file[32];
		xhtml_chapter_file(file, book->chapters[i]);
		xhtml_chapter(&b, &e->env, book->chapters[i]);
		rc |= add_doc(z, file, &b);
	}
	if (e->appendix && rc == 0) {
		/* after the chapters: it links back only to ids they wrote */
		xhtml_resources(&b, &e->env);
		rc |= add_doc(z, RESOURCES_FILE, &b);
	}
	buf_free(&b);
	return rc;
}

static int write_archive(struct diag_list *diags, struct zipw *z, const struct book *book,
			 const struct build_opts *opts,
			 const struct pagination *pages, struct arena *a)
{
	struct epub e;

	epub_prepare(diags, &e, book, opts, pages, a);
	int rc = add_documents(z, &e);
	if (rc == 0) {
		const struct epub_cover *c = &e.files.cover;
		rc = zipw_add(z, arena_printf(a, "OEBPS/%s", c->href), c->data, c->len,
			      !compressed_already(c->media_type));
	}
	if (rc == 0)
		rc = add_files(z, e.files.img, e.files.nimg);
	if (rc == 0)
		rc = add_files(z, e.files.font, NFACES);
	if (rc == 0)
		rc = add_files(z, e.files.lic, NLICENCES);
	free_files(&e.files);
	return rc ? -1 : 0;
}

int epub_write(struct run *run, const struct book *book,
	       const struct pagination *pages, const char *path)
{
	const struct build_opts *opts = run->opts;
	struct diag_list *diags = run->diags;
	struct arena a;
	struct zipw *z = NULL;
	char *tmp = NULL;
	int fd, rc = -1, err = 0;

	arena_init(&a);
	/* a temporary file beside the target, renamed into place when
	 * complete: a failed build never leaves half an EPUB behind */
	tmp = arena_printf(&a, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	if (fchmod(fd, 0666 & ~file_umask()) != 0)
		err = errno;
	close(fd);
	if (err)
		goto out_unlink;
	if (zipw_open(&z, tmp, opts ? opts->source_date : 0) != 0) {
		err = errno ? errno : EIO;
		goto out_unlink;
	}
	errno = 0;
	int wrc = write_archive(diags, z, book, opts, pages, &a);
	if (wrc != 0)
		err = errno ? errno : EIO;
	if (zipw_close(z) != 0 && !err)
		err = errno ? errno : EIO;
	if (err)
		goto out_unlink;
	if (rename(tmp, path) != 0) {
		err = errno;
		goto out_unlink;
	}
	rc = 0;
	goto out;

out_unlink:
	unlink(tmp);
out:
	if (rc != 0)
		diag_fatal(diags, path, "cannot write the EPUB: %s",
			   strerror(err ? err : EIO));
	arena_free(&a);
	return rc;
}
