/*
 * model.h - folio's book model.
 *
 * The pipeline fills this in one direction:
 *
 *   load/     - metadata, chapter files, reading order; cmark-gfm tree ->
 *               blocks and inlines below
 *   resolve/  - slugs, link targets, images, external links, Resources
 *   print/    - the print edition (typeset), read as const from here on
 *   pdf/, epub/ - the writers, which read the model as const
 *
 * All memory is owned by the run's arena (base/run.h).  Text is UTF-8
 * that has been made valid (invalid bytes replaced by U+FFFD) and has no
 * NUL bytes.
 */
#ifndef FOLIO_MODEL_H
#define FOLIO_MODEL_H

#include <stdbool.h>
#include <stddef.h>


struct chapter;
struct block;

/* ---- Inlines ---------------------------------------------------------- */

enum inline_type {
	INL_TEXT,      /* text, len */
	INL_SOFTBREAK, /* a line ending inside a paragraph */
	INL_LINEBREAK, /* hard break */
	INL_CODE,      /* inline code: text, len */
	INL_HTML,      /* raw inline HTML: text, len; load/html.c maps it into
			  the types here, so none is left after md_parse */
	INL_EMPH,      /* children */
	INL_STRONG,    /* children */
	INL_STRIKE,    /* children */
	INL_LINK,      /* children = link text; link */
	INL_IMAGE,     /* children = alt text; link (kind LINK_IMAGE/LINK_BROKEN) */
	INL_FOOTNOTE_REF, /* footnote: the definition it refers to */
	INL_SPAN,      /* HTML formatting: children; span (enum span_kind) */
	INL_ANCHOR     /* an HTML <a id|name> target: text = the id, or NULL
			  when the id repeats a heading's slug or an earlier
			  anchor (resolve.c), so it is not written again */
};

/* How an INL_SPAN from HTML is formatted (load/html.c). */
enum span_kind {
	SPAN_KBD,       /* <kbd>: monospace key cap */
	SPAN_SUP,       /* <sup> */
	SPAN_SUB,       /* <sub> */
	SPAN_CODE,      /* <code> holding markup, <samp>, <tt>: monospace */
	SPAN_VAR,       /* <var>: italic */
	SPAN_UNDERLINE, /* <u>, <ins> */
	SPAN_MARK,      /* <mark>: highlighted */
	SPAN_SMALL      /* <small> */
};

enum link_kind {
	LINK_UNRESOLVED, /* before resolve() runs */
	LINK_EXTERNAL,   /* http, https, mailto: url */
	LINK_INTERNAL,   /* a chapter of this book: chapter (+ anchor) */
	LINK_KNOWN,      /* declared out-of-book target: note explains it */
	LINK_BROKEN,     /* unresolvable or refused: render the text plainly */
	LINK_IMAGE       /* an image inside the book: image */
};

/* An image file inside the book folder. */
struct image {
	const char *path;       /* relative to the book folder, normalised */
	const char *media_type; /* image/png, image/jpeg, image/svg+xml, image/gif */
	int width, height;      /* pixels, from the file header; 0 if unknown */
	int index;              /* 0-based, order of first use */
};

struct link {
	enum link_kind kind;
	const char *url;   /* destination as written (entities decoded) */
	const char *title; /* link title attribute, or NULL */
	/* LINK_INTERNAL: */
	struct chapter *chapter;
	const char *anchor;      /* slug in chapter, or NULL for its start */
	struct block *heading;   /* the heading the anchor names, or NULL */
	/* LINK_KNOWN: */
	const char *note;
	/* LINK_EXTERNAL: index into book->externals' distinct URLs (-1 none) */
	int ext_index;
	/* LINK_IMAGE: */
	struct image *image;
	/* LINK_INTERNAL to an HTML <a id> anchor: the anchor (heading is then
	 * the section holding it, or NULL before the first heading) */
	const struct inline_node *target;
};

struct footnote;

struct inline_node {
	enum inline_type type;
	int line, col; /* position in the chapter source; 0 if unknown */
	struct inline_node *next;
	struct inline_node *children;
	const char *text; /* TEXT, CODE, HTML */
	size_t len;
	struct link *link; /* LINK, IMAGE */
	struct footnote *footnote; /* FOOTNOTE_REF */
	enum span_kind span;       /* SPAN */
	/* IMAGE from an HTML <img>: its width as the author sized it, in
	 * CSS pixels or (width_pct) percent of the text column; 0 = natural */
	int width;
	bool width_pct;
};

/* ---- Blocks ----------------------------------------------------------- */

enum block_type {
	BLK_PARAGRAPH,  /* inlines */
	BLK_HEADING,    /* inlines; level, slug, text */
	BLK_CODE,       /* text, len, info, lang */
	BLK_HTML,       /* raw HTML block: text, len */
	BLK_QUOTE,      /* children */
	BLK_LIST,       /* children = items; ordered, start, tight */
	BLK_ITEM,       /* children; task */
	BLK_TABLE,      /* children = rows; ncols, align */
	BLK_TABLE_ROW,  /* children = cells; header */
	BLK_TABLE_CELL, /* inlines */
	BLK_THEMATIC,
	BLK_FOOTNOTE_DEF, /* children; footnote */
	BLK_CALLOUT,    /* children; callout, plain = its label ("Warning" or
			   the author's title): GitHub alerts, admonish fences */
	BLK_DEFLIST,    /* children = BLK_DEF_TERM and BLK_DEF_DATA, in order */
	BLK_DEF_TERM,   /* inlines: a term of a definition list */
	BLK_DEF_DATA,   /* children: its definition */
	BLK_FIGURE      /* from HTML (load/html.c): children = the figure (a
			   paragraph holding an image, or a code block for a
			   listing) and its captions: paragraphs with role
			   ROLE_CAPTION (after) or ROLE_LISTING_FILE (before) */
};

/* The kind of a callout box (> [!NOTE] ... and ```admonish fences). */
enum callout_kind { CALLOUT_NOTE, CALLOUT_TIP, CALLOUT_IMPORTANT, CALLOUT_WARNING,
		    CALLOUT_CAUTION };

enum cell_align { ALIGN_NONE, ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* What a block of a page folio generates is (struct generated below); the
 * author's own blocks are ROLE_NONE. */
enum block_role {
	ROLE_NONE,
	ROLE_TITLE,           /* title page: the book's title (a heading) */
	ROLE_SUBTITLE,        /* paragraphs: the subtitle, */
	ROLE_AUTHORS,         /* the authors ("A, B and C"), */
	ROLE_EDITION,         /* the edition ("Version 1.0 \u00b7 2026-11-26"):
				 info is the date in it, or NULL */
	ROLE_CONTENTS_ENTRY,  /* contents: one entry (a paragraph): toc, or
				 section for a chapter's section; depth */
	ROLE_RESOURCES_INTRO, /* Resources: the paragraph under the title, */
	ROLE_RESOURCES_GROUP, /* a group's heading, */
	ROLE_RESOURCE,        /* one entry (a paragraph: its title): resource */
	ROLE_CAPTION,         /* a BLK_FIGURE's caption (a paragraph) */
	ROLE_LISTING_FILE     /* a listing's file name (a paragraph) */
};
enum task_state { TASK_NONE, TASK_OPEN, TASK_DONE };

struct block {
	enum block_type type;
	int line, col;
	struct block *next;
	struct block *children;
	struct block *parent;
	struct inline_node *inlines;

	/* BLK_HEADING */
	int level;          /* 1..6 */
	const char *slug;   /* unique within the chapter (resolve.c) */
	const char *plain;  /* heading text without markup */
	int number;         /* 0-based index in chapter->headings */

	/* BLK_CODE, BLK_HTML */
	const char *text;
	size_t len;
	const char *info; /* full info string, or "" */
	const char *lang; /* first word of info, lowercased; "" if none */

	/* BLK_LIST */
	bool ordered, tight;
	int start;
	/* BLK_ITEM */
	enum task_state task;
	/* BLK_TABLE */
	int ncols;
	enum cell_align *align; /* ncols entries */
	/* BLK_TABLE_ROW */
	bool header;
	/* BLK_FOOTNOTE_DEF */
	struct footnote *footnote;

	/* A block of a generated page (ROLE_NONE otherwise) */
	enum block_role role;
	const struct toc_entry *toc;     /* ROLE_CONTENTS_ENTRY of a toc entry */
	const struct block *section;     /* ROLE_CONTENTS_ENTRY of a section:
					    its heading (toc is the chapter's) */
	const struct resource *resource; /* ROLE_RESOURCE */

	/* BLK_HEADING: the id its {#id} attribute gives, or NULL */
	const char *id;
	/* BLK_CALLOUT */
	enum callout_kind callout;
};

/* A footnote definition and the references to it, numbered per chapter in
 * order of first reference (1-based). Unreferenced definitions keep number
 * 0 and are still rendered at the end (no lost words). */
struct footnote {
	const char *label;
	int number;
	struct block *def;  /* BLK_FOOTNOTE_DEF, or NULL if only referenced */
	int nrefs;
};

/* ---- Chapters and the book ------------------------------------------- */

struct chapter {
	int index;          /* 0-based position in reading order */
	const char *path;   /* relative to the book folder, e.g. "module1/index.md" */
	const char *display_path; /* as shown in diagnostics, e.g. "book/module1/index.md" */
	const char *title;  /* {{#title}} (mdBook), else the name SUMMARY.md
			       gives it, else the first heading's text, else
			       the file name */
	const char *source; /* file contents (valid UTF-8); for mdBook books
			       after {{#include}} expansion, while line:col
			       in the model still refer to the file */
	size_t source_len;
	struct block *blocks;

	struct block **headings; /* in document order */
	int nheadings;

	struct footnote **footnotes; /* in number order (referenced ones first) */
	int nfootnotes;

	/* Structure (from SUMMARY.md for mdBook books; else 0/NULL) */
	int depth;               /* 0 = top level */
	const char *number;      /* "1.2." or NULL */
	const char *part;        /* part title that opens before this chapter */
	struct chapter *parent;  /* enclosing chapter in SUMMARY.md's nesting;
				    NULL at top level or under a draft */
	int toc_index;           /* this chapter's entry in book->toc */

	/* HTML <a id|name> anchors (INL_ANCHOR, load/html.c) in document
	 * order, each with the heading whose section holds it (or NULL) */
	struct html_anchor *anchors;
	int nanchors;
};

struct html_anchor {
	struct inline_node *node; /* INL_ANCHOR */
	const char *id;
	struct block *heading;
};

/* The book's table of contents, in order (book->toc).  For mdBook books it
 * is SUMMARY.md as mdBook reads it: prefix chapters (no number), part
 * titles, numbered chapters and drafts ("1.", "1.1." ...), separators,
 * suffix chapters (no number).  Other books get one TOC_CHAPTER entry per
 * chapter in reading order.  Every chapter has exactly one entry. */
enum toc_kind {
	TOC_CHAPTER,   /* a chapter of the book: chapter */
	TOC_DRAFT,     /* listed but unwritten ("[Title]()"): no page */
	TOC_PART,      /* a part title ("# Part" in SUMMARY.md) */
	TOC_SEPARATOR  /* a separator line ("---") */
};

struct toc_entry {
	enum toc_kind kind;
	const char *title;       /* as SUMMARY.md names it; NULL for separators */
	const char *number;      /* "1.2." for numbered chapters/drafts, else NULL */
	int depth;               /* 0 = top level (parts and separators: 0) */
	int parent;              /* index of the enclosing entry, or -1 */
	struct chapter *chapter; /* TOC_CHAPTER only; else NULL */
};

/* One occurrence of an external link, in reading order. */
struct extref {
	const char *url;        /* as written */
	const char *norm;       /* normalised for deduplication */
	const char *text;       /* plain link text */
	struct chapter *chapter;
	int line, col;
	struct inline_node *node;
	int distinct;           /* distinct-URL index (link->ext_index) */
	struct block *owner;    /* paragraph/heading/cell holding the link */
	bool in_resources;      /* inside the root page's Resources section */
};

/* One entry of the Resources appendix (resources.c): a distinct external
 * URL, with every place that cites it. */
struct resource {
	int number;              /* 1-based, in appendix order */
	const char *url;         /* as first written */
	const char *norm;        /* normalised (the deduplication key) */
	const char *title;       /* link text where it first appears */
	const char *description; /* the author's, from the root's Resources list */
	bool author_listed;      /* listed in the root page's Resources section */
	struct chapter *chapter; /* chapter that first cites it (group) */
	int *refs;               /* indexes into book->extrefs, reading order */
	int nrefs;
};

/* mdBook: in code blocks of language lang, lines starting with prefix
 * (after leading spaces) are hidden, as rustdoc hides "# " in Rust. */
struct hidelines {
	const char *lang;
	const char *prefix;
};

/* A declared out-of-book target from the metadata. */
struct known_target {
	const char *path; /* as the author writes it in links */
	const char *note; /* shown to readers */
};

struct metadata {
	const char *title;
	const char *subtitle;
	const char **authors;
	int nauthors;
	const char *language;   /* BCP 47, default "en" */
	const char *identifier; /* stable id; default derived from title */
	const char *version;
	const char *date;       /* YYYY-MM-DD or NULL */
	const char *description;
	const char *keywords;
	const char *source_file; /* metadata file, relative path, or NULL */
	const char *site_url;    /* book.toml [output.html] site-url when it is
				    an absolute http(s) URL ending in '/', or NULL */
	struct hidelines *hidelines; /* book.toml [output.html.code.hidelines] */
	int nhidelines;
	struct known_target *known;
	int nknown;
	bool epub_fonts;         /* folio.ini [book] epub_fonts = yes: the EPUB
				    embeds the fonts its stylesheet names */
	const char **handout_modules; /* folio.ini [handouts] modules: chapter
					 paths as written, or NULL (derived) */
	int nhandout_modules;
	int handout_modules_line;     /* its line in the metadata file */
	/* book.toml [output.folio] (mdBook books): what the command line
	 * would otherwise say; --paper and --duplex win over them. */
	const char *paper;       /* "a4", "letter" or NULL */
	bool duplex;             /* duplex = true */
	const char *style;       /* print style: absolute path of a file
				    inside the book folder, or NULL */
	const char *cover;       /* folio.ini [book] cover: an image (path as
				    written, relative to the book folder) for
				    the EPUB's cover, or NULL (one is drawn) */
	int cover_line;          /* its line in the metadata file */
	const char *cover_file;  /* where cover was given when not the metadata
				    file (front matter: the root page), or NULL */
	int language_line;            /* the language's line there, or 0 */
};

/* The book.  load/ and resolve/ fill it; from there on every stage reads
 * it as const.  It holds no run state: the arena its memory comes from
 * and the diagnostics travel beside it (base/run.h). */
/* The pages folio adds to a book (resolve/generate.c): the title page, the
 * contents and the Resources appendix, made once as chapters of ordinary
 * blocks with roles (enum block_role), so that both editions show the
 * same words.  What only one edition shows (page numbers and leaders in
 * print, back links in the EPUB) its writer adds.  These chapters are in
 * no list of the book's chapters; their index is -1. */
struct generated {
	struct chapter *title_page;
	struct chapter *contents;   /* its title (a heading), then the entries */
	struct chapter *resources;  /* NULL when the book has no web links */
};

/* How both editions mark a web link in the text (styles/print.ini,
 * [links] references). */
enum link_refs {
	REFS_NUMBERS,   /* a superscript number leading to its Resources entry */
	REFS_FOOTNOTES, /* the same number, and the URL at the page foot */
	REFS_NONE       /* nothing: the Resources appendix alone lists them */
};

struct book {
	const char *dir;         /* book folder as given */
	const char *realdir;     /* canonical absolute path of the book folder */
	const char *display_dir; /* prefix for diagnostics ("book/") */
	struct metadata meta;

	struct chapter **chapters; /* reading order */
	int nchapters;
	struct chapter *root;

	struct toc_entry *toc;     /* table of contents (see struct toc_entry) */
	int ntoc;
	bool mdbook;               /* an mdBook book (book.toml or src/SUMMARY.md):
				      {{#include}} family expanded, rustdoc's
				      hidden lines removed from rust code */

	struct image **images;
	int nimages;

	struct extref *extrefs;   /* every external link occurrence */
	int nextrefs;
	int next_distinct;        /* number of distinct normalised URLs */

	/* Resources appendix (resources.c), in appendix order: first the
	 * entries of the root page's Resources section, then the rest by
	 * the chapter that first cites them.  resource_of[d] is the entry
	 * for distinct URL d (link->ext_index). */
	struct resource *resources;
	int nresources;
	struct resource **resource_of;
	struct block *resources_section; /* the author's heading, or NULL */

	/* The generated pages and how links are marked (generate.h). */
	struct generated gen;
	enum link_refs link_refs;

	/* private to load/folder.c: path -> chapter hash (open addressing) */
	struct chapter **chapter_hash;
	size_t chapter_hash_size;
};

/* ---- Walking the model (model.c) ----------------------------------------
 * Iterative (explicit stack), so depth costs no C stack.  Blocks are
 * visited in document order, parents before children; footnote
 * definitions are part of chapter->blocks (at the end, in number order). */

typedef void (*block_fn)(void *ctx, struct block *b);
typedef void (*inline_fn)(void *ctx, struct block *owner, struct inline_node *in);

void model_each_block(struct block *first, block_fn fn, void *ctx);
/* Every inline of every block from first on, pre-order (a link before the
 * text inside it); owner is the paragraph/heading/cell holding it. */
void model_each_inline(struct block *first, inline_fn fn, void *ctx);

/* Whether both editions' contents show book->toc[i]: every entry but a
 * draft ("[Title]()") with no written chapter under it, which is left
 * out (the loader notes it); a draft with chapters under it holds them. */
bool model_toc_shown(const struct book *b, int i);
/* The metadata file as diagnostics name it, with the book folder
 * ("book/folio.ini"); without one the root page's path, else the book
 * folder.  Allocated in a (struct arena *). */
struct arena;
const char *book_meta_display(struct arena *a, const struct book *b);

#endif
