/*
 * layout.c - blocks -> lines -> pages.
 *
 * Two stages, as in TeX:
 *
 *  1. Each chapter becomes a vertical list: boxes (a paragraph line, a
 *     code line, a table row slice, an image), glue (space between blocks,
 *     dropped at a page break) and penalties (the cost of breaking the
 *     page there: +INF forbids it, which is how widows, orphans, headings
 *     at a page foot and split figures are prevented).  Paragraph lines
 *     come from the Knuth-Plass breaker in linebreak.c.
 *
 *  2. The page builder fills pages from the list, breaking at the last
 *     legal breakpoint that fits, setting the footnotes first cited on a
 *     page at its foot and repeating a table's header after a break
 *     inside the table.
 *
 * Each box carries its own drawing (text, shading, quote bars, rules) in
 * box-relative coordinates, so splitting a code block or a quote across
 * pages needs no special case.  Every stage is linear in the input.
 */
#include "print/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "model/highlight.h"
#include "print/linebreak.h"
#include "base/util.h"
#include "model/words.h"

#define INF LB_INFINITY
#define MAX_BARS 8

/* ---- Vertical list ---------------------------------------------------- */

enum v_kind { V_BOX, V_GLUE, V_PENALTY };

struct vlist;

/*
 * One item of a vertical list.  Box items (and a glue's quote bars) use
 * box-relative coordinates: x from the text block's left edge, y measured
 * downwards from the box top to the item's baseline (text) or bottom edge
 * (rectangles), so placing the box at top T gives PDF y = T - y.
 */
struct vitem {
	enum v_kind kind;
	enum lo_box_kind box;
	float height;   /* box, glue */
	float baseline; /* box: first baseline below the top, or -1 */
	float penalty;  /* penalty */
	struct lo_item *items;
	int nitems;
	struct vlist *notes;  /* box: footnotes first cited in it */
	struct vlist *repeat; /* penalty: table header to repeat after a break */
	int block, line, nlines;
	const struct block *heading; /* box: the heading it starts */
	struct lo_anchor *anchor;    /* box: filled with where it lands */
	/* box: the leaf block whose words it shows and the first of them
	 * (pagination.h), or NULL / -1 */
	const struct block *src;
	int word;
};

struct vlist {
	struct vitem *v;
	size_t n, cap;
};

/* ---- Text pieces and tokens ------------------------------------------- */

enum family { FAM_SERIF, FAM_SANS, FAM_MONO };

/* The look of a run of inline text. */
struct istyle {
	enum family family;
	bool bold, italic, strike, codebg;
	float size, rise;
	uint32_t color;
	const struct link *link;
	struct footnote *note; /* a footnote mark */
	const struct lo_anchor *dest; /* a reference mark: where it leads */
	struct lo_anchor *land;       /* a citing link: where it lands */
	int unote;             /* footnoted URL: its entry's index + 1 */
	int line;              /* source line, for warnings */
	bool src;              /* source text: its words count (pagination.h) */
};

enum { FR_CODEBG = 1, FR_STRIKE = 2 };

/* The drawable part of a box: one font, one style, contiguous UTF-8. */
struct frag {
	const char *text;
	size_t len;
	int font;
	float size, rise;
	uint32_t color;
	unsigned flags;
	const struct link *link;
	struct footnote *note;
	const struct lo_anchor *dest;
	struct lo_anchor *land;
	int unote;
	/* Pagination words: the word its first character belongs to (cont),
	 * and the word that starts inside it (first, at byte first_at);
	 * -1 when none. */
	int cont, first;
	size_t first_at;
};

/* A paragraph as the line breaker sees it, with each box's frag
 * (fr[i] = -1 for items that draw nothing). */
struct toks {
	struct lb_item *it;
	int *fr;
	size_t n, cap;
	struct frag *frags;
	size_t nf, fcap;
};

/* One character of the word being collected. */
struct wch {
	const char *p;
	uint32_t cp;
	int n;
	int font; /* -1: no font has it */
	int style;
	int word;   /* pagination word it belongs to, or -1 */
	bool start; /* the first character of that word */
};

/* A set line: items relative to the line's left edge and baseline
 * (y measured downwards), its extent above and below the baseline. */
struct pline {
	struct lo_item *items;
	int nitems;
	float asc, desc, width;
	struct footnote **notes;
	int nnotes;
	int *unotes; /* footnoted URLs first cited here (entry indexes) */
	int nunotes;
	int word; /* first pagination word starting on the line (else the one
		     it continues), or -1 */
};

/* Where blocks go: a column of the text block. */
struct bctx {
	float x, w;
	enum family family;
	float size, leading;
	uint32_t color;
	bool italic;
	bool tight; /* inside a tight list item */
	float bars[MAX_BARS];
	int nbars;
	int depth;
	bool note; /* laying out a footnote */
};

/*
 * What a block was set as, kept across the page-reference passes
 * (lay_body): the lines of a paragraph or of a code block.
 *
 * A paragraph is set the same in every pass except for "(p. N)" after a
 * cross-reference (none in the first pass, then the pages the pass
 * before found), which footnotes its lines cite first (the line that
 * does carries the note) and the number of a footnoted URL (whose note
 * and anchor belong to the pass).  Paragraphs with the last are set anew
 * each pass; the others are kept with what decides the first two
 * (collect_refs), and a later pass in which that is the same emits the
 * kept lines and marks their notes cited.  The lines point at nothing
 * that changes between passes: text and links of the book or in L->a,
 * anchors made once per layout (res_at, ref_at) or per chapter
 * (note_at_of).  Keyed by the block; what else the lines depend on is
 * checked: the look they start in, the column width, the indent and
 * whether footnotes are being set (reference numbers there lead
 * elsewhere).
 */
struct block_memo {
	const struct block *b; /* NULL: free slot */
	/* A paragraph: */
	struct istyle s;
	float width, indent;
	bool in_notes;
	int *refs;         /* collect_refs() before setting, nrefs of them */
	size_t nrefs;
	struct pline *pl;  /* in L->keep, as refs */
	int n;
	/* A code block (same table: a block is one or the other) has no
	 * text that depends on the pass: its visual lines as
	 * code_lines() made them in column c (box-relative, with their
	 * quote bars), vitems and items in L->keep. */
	struct bctx c;
	struct vitem *lines;
	size_t nlines;
};

/* Scratch items while setting one line or one box: a heap array reused
 * (n reset, never shrunk) and freed with the layout. */
struct ibuf {
	struct lo_item *v;
	size_t n, cap;
};

/* Layout state for the whole book. */
struct lay {
	const struct book *book;
	const struct print_style *st;
	const struct fonts *fonts;
	const struct lo_image_info *images;
	struct layout *lo;
	/* Two arenas.  a (the layout's own) holds what outlives a chapter:
	 * everything a placed lo_item points at (text made here, such as
	 * "(p. 12)" or a footnote number, links, anchors) and what the next
	 * pass reads.  tmp holds a chapter's working copies: set lines, the
	 * vertical list's item arrays, its footnote lists.  place_chapter()
	 * copies the items onto the pages, so tmp is emptied after each
	 * chapter is placed (scratch_reset) and the layout's memory no
	 * longer grows with the book and with each page-reference pass. */
	struct arena *a;
	struct arena tmp;
	struct hyphenator *hyph;
	const struct chapter *ch;
	float W, H;
	int serial; /* block serial numbers, for the dump */
	bool duplex;

	struct vlist *out;    /* where boxes go now */
	float pending_space;  /* glue to add before the next box */
	int last_nbars;       /* quote depth of the previous box */
	float last_bars[MAX_BARS];
	bool after_para;      /* for paragraph indent */

	/* A list marker or footnote number waiting for the next line box. */
	struct lo_item *marker;
	int nmarker;
	const struct block *pending_heading;

	/* Per chapter footnotes: laid-out notes and whether placed yet. */
	struct vlist **notes;
	bool *note_cited;
	struct lo_anchor *note_at; /* where each note's text landed */
	int nnotes;
	struct lo_anchor **note_at_of; /* per chapter: its note_at, once made */

	/* Word scratch. */
	struct wch *w;
	size_t nw, wcap;
	unsigned char *opp; /* flush_word's scratch, oppcap bytes */
	size_t oppcap;
	struct istyle *styles;
	size_t nstyles, scap;
	struct toks para; /* scratch for paragraphs */
	/* set_lines()'s scratch for one line: its code shading, its text,
	 * and what goes over the text (strike-through rules, link areas). */
	struct ibuf line_fill, line_text, line_over;
	struct ibuf box_items; /* emit_box_at()'s: a box's quote bars */
	struct ibuf row_items; /* layout_table()'s: a row slice's items */
	struct lb_work lbw; /* the line breaker's, kept between paragraphs */

	/* lo->pages[0, spare_pages) hold item arrays, those past
	 * lo->npages empty ones left by an earlier pass (reset_pages). */
	int spare_pages;

	/* Where the previous pass put chapters and headings, for "(p. N)". */
	const struct lo_anchor *ref_starts;
	struct lo_anchor *const *ref_heads;
	/* A pass whose pages are laid out again for sure (the first of
	 * several, lay_body): only where boxes land counts, so the boxes
	 * get no drawing and the pages no items. */
	bool draft;

	/* Paragraphs' and code blocks' lines kept for the passes after the
	 * first (see struct block_memo), in their own arena; text_varies is
	 * set while tokenizing text that is never kept (a footnoted URL's
	 * number). */
	bool memo_on;
	struct arena keep;
	struct block_memo **memo; /* open addressing by block, memocap slots */
	size_t nmemo, memocap;
	bool text_varies;
	int *refs; /* collect_refs() scratch */
	size_t nrefs, refcap;

	/* Pagination words (pagination.h) of the leaf block being set:
	 * how many have started, whether the last source character was
	 * inside one, and a start not yet given to a stored character. */
	const struct block *pw_block;
	int pw_count;
	bool pw_inword;
	int pw_pending;
	int pw_off; /* > 0: setting text that holds no words (alt text) */

	/* The Resources appendix (issue 7): the entries this layout lists,
	 * in order (entry i prints number i + 1), the entry of each distinct
	 * URL (-1: none), a link to each entry's URL, where each entry and
	 * each citing link (book->extrefs) landed, and the extref of each
	 * link node (open addressing). */
	const struct resource **res;
	int nres;
	int *res_index;
	struct link *res_link;
	const struct chapter **res_group; /* NULL: the author's own list */
	struct lo_anchor *res_at;
	struct lo_anchor *ref_at;
	const struct inline_node **ref_key;
	int *ref_val;
	size_t ref_cap;
	/* Footnoted URLs (links.references = footnotes), per chapter: each
	 * entry's note, where it landed, and the chapter run (useq) that
	 * laid it out and cited it. */
	struct vlist **unote;
	struct lo_anchor **unote_at;
	int *unote_seq, *ucited_seq;
	int useq;
	bool in_notes; /* laying out footnotes: links there get numbers */
	int *ref_lo, *ref_hi; /* per chapter: its range of book->extrefs */
	struct chapter *appendix;

	/* A handout (layout_part), or NULL; the chapters laid out; what
	 * printed page numbers add to a page's index in the body. */
	const struct lo_part *part;
	int first, end;
	int page_offset;

	unsigned char *warned; /* bitset over code points */
	bool warned_hyph;
	int repl_font;         /* font drawing the replacement, or -1 for '?' */
	const char *repl_text;
};

#define GROW(arr, n, cap)                                                  \
	do {                                                               \
		if ((n) >= (cap)) {                                        \
			(cap) = (cap) ? (cap) * 2 : 16;                    \
			(arr) = xrealloc((arr), (cap) * sizeof *(arr));    \
		}                                                          \
	} while (0)

static struct vitem *vpush(struct vlist *l)
{
	GROW(l->v, l->n, l->cap);
	struct vitem *v = &l->v[l->n++];
	memset(v, 0, sizeof *v);
	v->baseline = -1;
	v->word = -1;
	return v;
}

static void vlist_free(struct vlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static float adv(const struct lay *L, int font, uint32_t cp, float size)
{
	return (float)fonts_advance(L->fonts, font, cp) * size / 1000.0f;
}

static float text_width(const struct lay *L, int font, float size,
			const char *s, size_t n)
{
	float w = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, n - i, &cp);
		w += adv(L, font, cp, size);
	}
	return w;
}

static int role_of(enum family fam, bool bold, bool italic)
{
	switch (fam) {
	case FAM_SANS:
		return bold ? FONT_SANS_BOLD : FONT_SANS;
	case FAM_MONO:
		return bold ? FONT_MONO_BOLD : FONT_MONO;
	case FAM_SERIF:
	default:
		if (bold && italic)
			return FONT_SERIF_BOLD_ITALIC;
		if (bold)
			return FONT_SERIF_BOLD;
		return italic ? FONT_SERIF_ITALIC : FONT_SERIF;
	}
}

/* Picks the font for cp in role; -1 after a warning if no font has it
 * (once per character). */
static int pick_font(struct lay *L, int role, uint32_t cp, int line)
{
	int f = fonts_lookup(L->fonts, role, cp);
	if (f >= 0)
		return f;
	if (cp < 0x110000 && !(L->warned[cp >> 3] & (1u << (cp & 7)))) {
		L->warned[cp >> 3] |= (unsigned char)(1u << (cp & 7));
		diag_warn(L->book->diags, L->ch ? L->ch->display_path : NULL,
			  line, 0,
			  "character U+%04X is in none of the PDF fonts%s; "
			  "drawn as a replacement mark", (unsigned)cp,
			  cp > 0xFFFF ? " (beyond U+FFFF)" : "");
	}
	return -1;
}

/* ---- Tokenizer: inline text -> boxes, glue, penalties ----------------- */

static size_t tok_add(struct toks *t, enum lb_kind kind, float width,
		      float stretch, float shrink, float penalty, bool flagged,
		      int fr)
{
	if (t->n >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->it = xrealloc(t->it, t->cap * sizeof *t->it);
		t->fr = xrealloc(t->fr, t->cap * sizeof *t->fr);
	}
	t->it[t->n] = (struct lb_item){kind, width, stretch, shrink, penalty,
				       flagged};
	t->fr[t->n] = fr;
	return t->n++;
}

static int frag_add(struct toks *t, const struct frag *f)
{
	GROW(t->frags, t->nf, t->fcap);
	t->frags[t->nf] = *f;
	return (int)t->nf++;
}

static void toks_reset(struct toks *t)
{
	t->n = 0;
	t->nf = 0;
}

static void toks_free(struct toks *t)
{
	free(t->it);
	free(t->fr);
	free(t->frags);
	memset(t, 0, sizeof *t);
}

static bool last_is_glue(const struct toks *t)
{
	return t->n > 0 && t->it[t->n - 1].kind == LB_GLUE;
}

static bool is_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x370 && cp <= 0x52F);
}

static bool is_alnum(uint32_t cp)
{
	return is_letter(cp) || (cp >= '0' && cp <= '9');
}

static int frag_flags(const struct istyle *s)
{
	return (s->codebg ? FR_CODEBG : 0) | (s->strike ? FR_STRIKE : 0);
}

static uint32_t ink_of(const struct lay *L, const struct istyle *s)
{
	if (s->link && s->link->kind == LINK_EXTERNAL)
		return L->st->link_color;
	if (s->link && s->link->kind == LINK_INTERNAL)
		return L->st->link_color;
	return s->color;
}

enum { OPP_NONE, OPP_HYPH, OPP_DASH, OPP_SOFT, OPP_FREE };

/* Marks in opp the hyphenation points of the letters w[k, e), one run of
 * letters the hyphenator may split. */
static void hyphen_points(struct lay *L, size_t k, size_t e, unsigned char *opp)
{
	const struct wch *w = L->w;
	if (e - k < 5 || e - k >= 64)
		return;
	char buf[256];
	unsigned char pts[256];
	size_t ends[64], bl = 0;
	bool fits = true, contiguous = true;
	for (size_t j = k; j < e; j++) {
		if (bl + (size_t)w[j].n > sizeof buf) {
			fits = false;
			break;
		}
		if (w[j].p != w[k].p + bl)
			contiguous = false;
		bl += (size_t)w[j].n;
		ends[j - k] = bl;
	}
	/* The letters are mostly one run of the source: hyphenate it in
	 * place, else a copy. */
	const char *word = w[k].p;
	if (fits && !contiguous) {
		for (size_t j = k; j < e; j++)
			memcpy(buf + (j > k ? ends[j - k - 1] : 0), w[j].p,
			       (size_t)w[j].n);
		word = buf;
	}
	if (!fits || hyph_word(L->hyph, word, bl, pts) <= 0)
		return;
	size_t j = 0;
	for (size_t b = 0; b + 1 < bl; b++) {
		if (!pts[b])
			continue;
		while (j < e - k && ends[j] < b + 1)
			j++;
		if (j < e - k && ends[j] == b + 1)
			opp[k + j] = OPP_HYPH;
	}
}

/* Hyphenation points inside the collected word's runs of letters (none
 * in monospaced text). */
static void word_hyphens(struct lay *L, unsigned char *opp)
{
	const struct wch *w = L->w;
	size_t nw = L->nw, k = 0;
	while (k < nw) {
		if (!is_letter(w[k].cp) || L->styles[w[k].style].family == FAM_MONO) {
			k++;
			continue;
		}
		size_t e = k;
		while (e < nw && is_letter(w[e].cp) &&
		       L->styles[w[e].style].family != FAM_MONO)
			e++;
		hyphen_points(L, k, e, opp);
		k = e;
	}
}

/* A technical word (code, a URL, anything long) may also break after
 * punctuation. */
static bool word_techy(const struct lay *L)
{
	bool techy = L->nw >= 16;
	for (size_t k = 0; k < L->nw; k++) {
		const struct istyle *s = &L->styles[L->w[k].style];
		if (s->family == FAM_MONO || (s->link && s->link->kind == LINK_EXTERNAL))
			techy = true;
	}
	return techy;
}

/* The other breaks in the collected word: after a dash between letters
 * or digits, after an en or em dash, and in a technical word after
 * punctuation. */
static void word_breaks(const struct lay *L, unsigned char *opp, bool techy)
{
	const struct wch *w = L->w;
	size_t nw = L->nw;
	for (size_t k = 1; k + 1 < nw; k++) {
		uint32_t c = w[k].cp, next = w[k + 1].cp;
		if (c == '-' && is_alnum(w[k - 1].cp) && is_alnum(next))
			opp[k] = OPP_DASH;
		else if (c == 0x2014 || c == 0x2013)
			opp[k] = OPP_FREE;
		else if (techy && next != c && k >= 1 && k + 3 <= nw &&
			 (c == '/' || c == '.' || c == '_' || c == '\\' ||
			  c == ':' || c == '?' || c == '&' || c == '=' ||
			  c == '#' || c == ',' || c == ';' || c == '-' ||
			  c == '(' || c == ')' || c == '<' || c == '>'))
			opp[k] = OPP_SOFT;
	}
}

/* Appends the box of the word's characters [r, k] (one font, one style,
 * contiguous in the source) and returns its width. */
static float word_piece(struct lay *L, struct toks *t, size_t r, size_t k)
{
	const struct wch *w = L->w;
	const struct istyle *s = &L->styles[w[k].style];
	struct frag f = {w[r].p, (size_t)(w[k].p + w[k].n - w[r].p),
			 w[k].font, s->size, s->rise, ink_of(L, s),
			 (unsigned)frag_flags(s), s->link, s->note, s->dest,
			 s->land, s->unote, w[r].word, -1, 0};
	for (size_t j = r; j <= k; j++) {
		if (w[j].start) {
			f.first = w[j].word;
			f.first_at = (size_t)(w[j].p - w[r].p);
			break;
		}
	}
	float width = 0;
	if (w[k].font < 0) {
		f.text = L->repl_text;
		f.len = strlen(L->repl_text);
		f.font = L->repl_font >= 0 ? L->repl_font : FONT_FALLBACK;
		width = text_width(L, f.font, f.size, f.text, f.len);
	} else {
		for (size_t j = r; j <= k; j++)
			width += adv(L, w[j].font, w[j].cp, s->size);
	}
	tok_add(t, LB_BOX, width, 0, 0, 0, false, frag_add(t, &f));
	return width;
}

/* Appends the break after the word's character k (whose piece is width
 * wide): the penalty opp[k] asks for or, in a spread word, glue. */
static void word_break_after(struct lay *L, struct toks *t, size_t k,
			     float width, bool spread)
{
	const struct wch *w = L->w;
	unsigned char op = L->opp[k];
	float size = L->styles[w[k].style].size;
	if (op == OPP_HYPH) {
		int hf = w[k].font >= 0 ? w[k].font : FONT_FALLBACK;
		tok_add(t, LB_PENALTY, adv(L, hf, '-', size), 0, 0,
			L->st->hyphen_penalty, true, -1);
	} else if (op == OPP_DASH) {
		tok_add(t, LB_PENALTY, 0, 0, 0, L->st->hyphen_penalty, true, -1);
	} else if (op == OPP_FREE) {
		tok_add(t, LB_PENALTY, 0, 0, 0, 0, false, -1);
	} else if (op == OPP_SOFT) {
		tok_add(t, LB_PENALTY, 0, 0, 0, L->st->looseness_penalty, false, -1);
	} else if (spread && k + 1 < L->nw) {
		tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
		tok_add(t, LB_GLUE, 0, width * 0.12f, width * 0.04f, 0, false, -1);
	}
}

/* Turns the collected word into boxes and the penalties between its
 * possible breaks. */
static void flush_word(struct lay *L, struct toks *t)
{
	size_t nw = L->nw;
	if (nw == 0)
		return;
	const struct wch *w = L->w;
	/* The break opportunity after each character: scratch kept as long
	 * as L->w, since this runs once per word. */
	if (L->oppcap < nw) {
		L->oppcap = L->wcap;
		L->opp = xrealloc(L->opp, L->oppcap);
	}
	unsigned char *opp = L->opp;
	memset(opp, 0, nw);
	bool techy = word_techy(L);
	if (L->hyph)
		word_hyphens(L, opp);
	word_breaks(L, opp, techy);

	/* A long technical word (a path, a long identifier) is often wider
	 * than a line and has no spaces to stretch: give its letters a
	 * little room so that such lines can still be justified. */
	bool spread = techy && nw >= 30;
	size_t r = 0;
	for (size_t k = 0; k < nw; k++) {
		bool end = k + 1 == nw || opp[k] || spread || w[k + 1].style != w[k].style ||
			   w[k + 1].font != w[k].font || w[k].font < 0 ||
			   w[k].p + w[k].n != w[k + 1].p;
		if (!end)
			continue;
		float width = word_piece(L, t, r, k);
		word_break_after(L, t, k, width, spread);
		r = k + 1;
	}
	L->nw = 0;
}

static void add_space(struct lay *L, struct toks *t, const struct istyle *s)
{
	if (t->n == 0 || last_is_glue(t))
		return;
	int f = role_of(s->family, s->bold, s->italic);
	float sp = adv(L, f, ' ', s->size);
	tok_add(t, LB_GLUE, sp, sp * 0.5f, sp * 0.33f, 0, false, -1);
}

/* Starts counting the words of leaf block b (NULL: stop counting). */
static void pw_begin(struct lay *L, const struct block *b)
{
	L->pw_block = b;
	L->pw_count = 0;
	L->pw_inword = false;
	L->pw_pending = -1;
}

/* Feeds text in style s (an index into L->styles). */
static void tok_text(struct lay *L, struct toks *t, int style, const char *s,
		     size_t n)
{
	const struct istyle *st = &L->styles[style];
	int role = role_of(st->family, st->bold, st->italic);
	bool count = st->src && L->pw_block && !L->pw_off;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		int word = -1;
		if (count) {
			if (words_space(cp)) {
				L->pw_inword = false;
				L->pw_pending = -1;
			} else {
				if (!L->pw_inword) {
					L->pw_inword = true;
					L->pw_pending = L->pw_count++;
				}
				word = L->pw_count - 1;
			}
		}
		if (cp == ' ' || cp == '\t' || cp == '\n') {
			flush_word(L, t);
			add_space(L, t, st);
		} else if (cp == 0xA0 || cp == 0x202F) {
			/* No break here, but the space still stretches. */
			flush_word(L, t);
			float sp = adv(L, role, ' ', st->size);
			tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
			tok_add(t, LB_GLUE, sp, sp * 0.5f, sp * 0.33f, 0, false, -1);
		} else if (cp == 0x200B) {
			flush_word(L, t);
			tok_add(t, LB_PENALTY, 0, 0, 0, 0, false, -1);
		} else if (cp == 0xAD) {
			/* soft hyphen: ignored (hyphenation finds the points) */
		} else {
			GROW(L->w, L->nw, L->wcap);
			bool start = word >= 0 && L->pw_pending == word;
			if (start)
				L->pw_pending = -1;
			L->w[L->nw++] = (struct wch){s + i, cp, len,
						     pick_font(L, role, cp, st->line),
						     style, word, start};
		}
		i += (size_t)len;
	}
}

static int push_style(struct lay *L, const struct istyle *s)
{
	GROW(L->styles, L->nstyles, L->scap);
	L->styles[L->nstyles] = *s;
	return (int)L->nstyles++;
}

static void tok_forced_break(struct lay *L, struct toks *t)
{
	flush_word(L, t);
	while (last_is_glue(t))
		t->n--;
	tok_add(t, LB_GLUE, 0, INFINITY, 0, 0, false, -1);
	tok_add(t, LB_PENALTY, 0, 0, 0, -INF, false, -1);
}

static void tok_finish(struct lay *L, struct toks *t)
{
	flush_word(L, t);
	while (last_is_glue(t))
		t->n--;
	if (t->n == 0)
		tok_add(t, LB_BOX, 0, 0, 0, 0, false, -1);
	tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
	tok_add(t, LB_GLUE, 0, INFINITY, 0, 0, false, -1);
	tok_add(t, LB_PENALTY, 0, 0, 0, -INF, false, -1);
}

static void tok_inlines(struct lay *L, struct toks *t,
			const struct inline_node *in,
			const struct inline_node *stop, struct istyle s);

/* ---- External links: reference numbers -------------------------------- */

/* The appendix entry (index into L->res) of an external link, or -1. */
static int link_entry(const struct lay *L, const struct link *l)
{
	if (!l || l->kind != LINK_EXTERNAL || !L->res_index || l->ext_index < 0 ||
	    l->ext_index >= L->book->next_distinct)
		return -1;
	return L->res_index[l->ext_index];
}

static size_t ptr_hash(const void *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= (uintptr_t)0x9E3779B97F4A7C15u;
	return (size_t)(x ^ (x >> 29)) & (cap - 1);
}

/* Where the citing link node in lands (book->extrefs' anchor), or NULL. */
static struct lo_anchor *cite_anchor(const struct lay *L,
				     const struct inline_node *in)
{
	if (!L->ref_cap)
		return NULL;
	for (size_t h = ptr_hash(in, L->ref_cap);; h = (h + 1) & (L->ref_cap - 1)) {
		if (!L->ref_key[h])
			return NULL;
		if (L->ref_key[h] == in)
			return &L->ref_at[L->ref_val[h]];
	}
}

/* After a link to a chapter a handout leaves out: "(see Module 2,
 * *Custom Runtimes*)", or "(see *Title* in the book)". */
static void tok_see(struct lay *L, struct toks *t, const struct istyle *s,
		    const struct chapter *ch)
{
	struct istyle n = *s;
	n.link = NULL;
	n.land = NULL;
	n.src = false;
	struct istyle it = n;
	it.italic = !n.italic;
	const struct module *m = L->part ? handouts_module_of(L->part->modules,
							      L->part->nmodules, ch->index)
					 : NULL;
	const char *title = m && m->page == ch ? m->title : ch->title ? ch->title : ch->path;
	const char *before = m ? arena_printf(L->a, "(see Module\xc2\xa0%d, ", m->number) : "(see ";
	const char *after = m ? ")" : " in the book)";
	flush_word(L, t);
	add_space(L, t, &n);
	tok_text(L, t, push_style(L, &n), before, strlen(before));
	tok_text(L, t, push_style(L, &it), title, strlen(title));
	tok_text(L, t, push_style(L, &n), after, strlen(after));
}

/* The small raised number after an external link: it leads to the
 * link's appendix entry, or with footnoted URLs to the URL at the foot
 * of the page (in the chapter's first citation's note). */
static void tok_reference(struct lay *L, struct toks *t,
			  const struct istyle *s, int entry)
{
	if (L->st->link_refs == REFS_NONE)
		return;
	struct istyle c = *s;
	c.size = s->size * 0.68f;
	c.rise = s->size * 0.36f;
	c.family = FAM_SERIF;
	c.bold = c.italic = c.strike = c.codebg = false;
	c.color = L->st->link_color;
	c.link = NULL;
	c.note = NULL;
	c.land = NULL;
	c.src = false;
	c.unote = 0;
	c.dest = &L->res_at[entry];
	if (L->st->link_refs == REFS_FOOTNOTES && L->unote && !L->in_notes &&
	    L->unote_seq[entry] == L->useq) {
		c.dest = L->unote_at[entry];
		c.unote = entry + 1;
		L->text_varies = true;
	}
	const char *num = arena_printf(L->a, "%d", entry + 1);
	tok_text(L, t, push_style(L, &c), num, strlen(num));
}

/* In a handout, the chapter a link leads to if the handout leaves it
 * out; else NULL. */
static const struct chapter *away_chapter(const struct lay *L,
					  const struct inline_node *in)
{
	if (in->link && in->link->kind == LINK_INTERNAL && in->link->chapter &&
	    (in->link->chapter->index < L->first ||
	     in->link->chapter->index >= L->end))
		return in->link->chapter;
	return NULL;
}

/* The printed page number in "(p. N)" after the link in (where the pass
 * before put its target), or -1 for none. */
static int page_ref(const struct lay *L, const struct inline_node *in)
{
	if (!in->link || in->link->kind != LINK_INTERNAL || !in->link->chapter ||
	    !L->ref_starts || !L->ch)
		return -1;
	const struct lo_anchor *a = &L->ref_starts[in->link->chapter->index];
	const struct block *hb = in->link->heading;
	if (hb && hb->number >= 0 && hb->number < in->link->chapter->nheadings &&
	    L->ref_heads[in->link->chapter->index][hb->number].page >= 0)
		a = &L->ref_heads[in->link->chapter->index][hb->number];
	return a->page >= 0 ? a->page + 1 + L->page_offset : -1;
}

/* Appends to refs (heap, *n used of *cap; *nlinks counts the links) what,
 * besides the inlines themselves, decides how the inlines in and after in
 * (and their children) are set: for each internal link what it prints
 * after it (the page_ref(), or -2 for a link a handout leaves out), and
 * for each footnote mark its note's number n as 2n + 1 if the note has
 * been cited already, else 2n (set_lines() attaches a note to the line
 * that first cites it).  The same inlines are set the same whenever
 * these are the same (see struct block_memo); entries are compared by
 * position, and a position is always the same kind of node. */
static void collect_refs(const struct lay *L, const struct inline_node *in,
			 int **refs, size_t *n, size_t *cap, int *nlinks)
{
	for (; in; in = in->next) {
		if (in->children)
			collect_refs(L, in->children, refs, n, cap, nlinks);
		if (in->type == INL_FOOTNOTE_REF && in->footnote) {
			int num = in->footnote->number;
			bool cited = num > 0 && num <= L->nnotes && L->note_cited[num - 1];
			GROW(*refs, *n, *cap);
			(*refs)[(*n)++] = 2 * num + (cited ? 1 : 0);
			continue;
		}
		if (in->type != INL_LINK || !in->link ||
		    in->link->kind != LINK_INTERNAL || !in->link->chapter)
			continue;
		GROW(*refs, *n, *cap);
		(*refs)[(*n)++] = away_chapter(L, in) ? -2 : page_ref(L, in);
		(*nlinks)++;
	}
}

static void tok_plain_children(struct lay *L, struct toks *t,
			       const struct inline_node *in, struct istyle s)
{
	tok_inlines(L, t, in, NULL, s);
}

static void tok_inlines(struct lay *L, struct toks *t,
			const struct inline_node *in,
			const struct inline_node *stop, struct istyle s)
{
	for (; in && in != stop; in = in->next) {
		struct istyle c = s;
		if (in->line)
			c.line = in->line;
		switch (in->type) {
		case INL_TEXT:
			c.src = true;
			tok_text(L, t, push_style(L, &c), in->text, in->len);
			break;
		case INL_SOFTBREAK:
			L->pw_inword = false;
			flush_word(L, t);
			add_space(L, t, &c);
			break;
		case INL_LINEBREAK:
			L->pw_inword = false;
			tok_forced_break(L, t);
			break;
		case INL_CODE:
		case INL_HTML:
			c.src = true;
			c.family = FAM_MONO;
			c.size = s.size * (float)L->st->code_inline_scale;
			c.codebg = in->type == INL_CODE;
			if (!c.link)
				c.color = L->st->code.color;
			tok_text(L, t, push_style(L, &c), in->text, in->len);
			break;
		case INL_EMPH:
			c.italic = !s.italic;
			tok_plain_children(L, t, in->children, c);
			break;
		case INL_STRONG:
			c.bold = true;
			tok_plain_children(L, t, in->children, c);
			break;
		case INL_STRIKE:
			c.strike = true;
			tok_plain_children(L, t, in->children, c);
			break;
		case INL_LINK: {
			const struct chapter *away = away_chapter(L, in);
			if (in->link && (in->link->kind == LINK_EXTERNAL ||
					 (in->link->kind == LINK_INTERNAL && !away)))
				c.link = in->link;
			int entry = link_entry(L, in->link);
			if (entry >= 0)
				c.land = cite_anchor(L, in);
			tok_plain_children(L, t, in->children, c);
			if (entry >= 0)
				tok_reference(L, t, &s, entry);
			int page = away ? -1 : page_ref(L, in);
			if (away) {
				tok_see(L, t, &s, away);
			} else if (page >= 0) {
				struct istyle n = s;
				flush_word(L, t);
				add_space(L, t, &n);
				char *ref = arena_printf(L->a, "(p.\xc2\xa0%d)", page);
				tok_text(L, t, push_style(L, &n), ref, strlen(ref));
			}
			if (in->link && in->link->kind == LINK_KNOWN &&
			    in->link->note) {
				struct istyle n = s;
				n.italic = !s.italic;
				flush_word(L, t);
				add_space(L, t, &n);
				int si = push_style(L, &n);
				tok_text(L, t, si, "(", 1);
				tok_text(L, t, si, in->link->note,
					 strlen(in->link->note));
				tok_text(L, t, si, ")", 1);
			}
			break;
		}
		case INL_IMAGE: {
			/* An image inside running text: its alt text. */
			c.italic = !s.italic;
			int si = push_style(L, &c);
			L->pw_off++; /* alt text is no words (pagination.h) */
			tok_text(L, t, si, "[", 1);
			tok_plain_children(L, t, in->children, c);
			tok_text(L, t, si, "]", 1);
			L->pw_off--;
			break;
		}
		case INL_FOOTNOTE_REF: {
			if (!in->footnote)
				break;
			char num[16];
			int len = snprintf(num, sizeof num, "%d",
					   in->footnote->number > 0 ? in->footnote->number : 0);
			c.size = s.size * 0.68f;
			c.rise = s.size * 0.36f;
			c.family = FAM_SERIF;
			c.bold = c.italic = false;
			c.note = in->footnote;
			c.link = NULL;
			c.codebg = false;
			char *txt = arena_strndup(L->a, num, (size_t)len);
			tok_text(L, t, push_style(L, &c), txt, (size_t)len);
			break;
		}
		}
	}
}

/* True if a line may end at item i. */
static bool legal_break(const struct toks *t, size_t i)
{
	const struct lb_item *it = &t->it[i];
	if (it->kind == LB_PENALTY)
		return it->penalty < INF;
	return it->kind == LB_GLUE && i > 0 && t->it[i - 1].kind == LB_BOX;
}

/* Splits every stretch without a legal break that is wider than width
 * into single characters with hyphenated breaks between them, so no line
 * can ever be overfull.  Returns true if t was changed. */
static bool split_wide(struct lay *L, struct toks *t, float width)
{
	/* A run must fit with the hyphen its closing break may add. */
	float limit = width + 0.01f;
	bool need = false;
	float run = 0;
	for (size_t i = 0; i < t->n && !need; i++) {
		if (legal_break(t, i)) {
			if (t->it[i].kind == LB_PENALTY && run + (float)t->it[i].width > limit)
				need = true;
			run = 0;
			continue;
		}
		if (t->it[i].kind != LB_PENALTY && !isinf(t->it[i].stretch))
			run += (float)t->it[i].width;
		if (run > limit)
			need = true;
	}
	if (!need)
		return false;
	struct toks o = {0};
	size_t i = 0;
	while (i < t->n) {
		/* The run [i, j) ends at the next legal break j. */
		size_t j = i;
		float w = 0;
		while (j < t->n && !legal_break(t, j)) {
			if (t->it[j].kind != LB_PENALTY && !isinf(t->it[j].stretch))
				w += (float)t->it[j].width;
			j++;
		}
		if (j < t->n && t->it[j].kind == LB_PENALTY)
			w += (float)t->it[j].width;
		bool split = w > limit;
		for (size_t k = i; k < j; k++) {
			const struct lb_item *it = &t->it[k];
			if (it->kind != LB_BOX || t->fr[k] < 0 || !split) {
				int fr = -1;
				if (t->fr[k] >= 0)
					fr = frag_add(&o, &t->frags[t->fr[k]]);
				tok_add(&o, it->kind, (float)it->width,
					(float)it->stretch, (float)it->shrink,
					(float)it->penalty, it->flagged, fr);
				continue;
			}
			struct frag f = t->frags[t->fr[k]];
			size_t p = 0;
			while (p < f.len) {
				uint32_t cp;
				int n = utf8_decode(f.text + p, f.len - p, &cp);
				struct frag g = f;
				g.text = f.text + p;
				g.len = (size_t)n;
				g.first = f.first >= 0 && p == f.first_at ? f.first : -1;
				g.first_at = 0;
				if (f.first >= 0 && p >= f.first_at)
					g.cont = f.first;
				float cw = f.len == (size_t)n ? (float)it->width
							       : adv(L, f.font, cp, f.size);
				tok_add(&o, LB_BOX, cw, 0, 0, 0, false, frag_add(&o, &g));
				p += (size_t)n;
				tok_add(&o, LB_PENALTY, adv(L, f.font, '-', f.size),
					0, 0, 500, true, -1);
			}
		}
		if (j < t->n) {
			const struct lb_item *it = &t->it[j];
			int fr = t->fr[j] >= 0 ? frag_add(&o, &t->frags[t->fr[j]]) : -1;
			tok_add(&o, it->kind, (float)it->width, (float)it->stretch,
				(float)it->shrink, (float)it->penalty, it->flagged, fr);
		}
		i = j + 1;
	}
	toks_free(t);
	*t = o;
	return true;
}

/* ---- Line breaking and setting lines ---------------------------------- */

/* Greedy first-fit breaking: the fallback when linebreak() refuses the
 * input.  Same result format as linebreak(). */
static int greedy_breaks(const struct toks *t, float width, size_t **out,
			 int *nout)
{
	size_t cap = 16, nb = 0;
	size_t *br = xmalloc(cap * sizeof *br);
	size_t i = 0;
	while (i < t->n) {
		size_t last = SIZE_MAX;
		float w = 0;
		for (size_t j = i; j < t->n; j++) {
			const struct lb_item *it = &t->it[j];
			bool legal = (it->kind == LB_GLUE && j > i &&
				      t->it[j - 1].kind == LB_BOX) ||
				     (it->kind == LB_PENALTY && it->penalty < INF);
			if (legal) {
				float lw = w + (it->kind == LB_PENALTY ? (float)it->width : 0);
				if (lw <= width + 0.01f || last == SIZE_MAX)
					last = j;
				else
					break;
				if (it->kind == LB_PENALTY && it->penalty <= -INF)
					break;
			}
			if (it->kind != LB_PENALTY)
				w += (float)it->width;
			if (w > width + 0.01f && last != SIZE_MAX)
				break;
		}
		if (last == SIZE_MAX)
			last = t->n - 1;
		if (nb == cap) {
			cap *= 2;
			br = xrealloc(br, cap * sizeof *br);
		}
		br[nb++] = last;
		i = last + 1;
		/* Skip what a break discards, up to the next box. */
		while (i < t->n && t->it[i].kind != LB_BOX &&
		       !(t->it[i].kind == LB_PENALTY && t->it[i].penalty <= -INF))
			i++;
	}
	*out = br;
	*nout = (int)nb;
	return 0;
}

static struct lo_item *ipush(struct ibuf *b)
{
	GROW(b->v, b->n, b->cap);
	struct lo_item *it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static bool same_look(const struct frag *a, const struct frag *b)
{
	return a->font == b->font && a->size == b->size && a->rise == b->rise &&
	       a->color == b->color && a->flags == b->flags &&
	       a->link == b->link && a->note == b->note && a->dest == b->dest;
}

/* How set_lines() sets each line of a paragraph. */
struct lineset {
	const struct toks *t;
	float width;
	bool justify;
	enum cell_align align;
	float asc, desc; /* the extents of the paragraph's normal text */
	struct arena *into;
};

/* What setting one line gathers besides its items: its extents, its
 * pagination word and the notes it cites first. */
struct lineacc {
	float asc, desc;
	int first_word, cont_word;
	struct footnote *notes[8];
	int nnotes;
	int unotes[8];
	int nunotes;
};

/* The line of items [start, end) broken at end: its adjustment ratio
 * (into *r; negative shrinks) and the x where its first item starts. */
static double line_start(const struct lineset *ls, size_t start, size_t end,
			 double *r)
{
	const struct toks *t = ls->t;
	double width = ls->width;
	double nat = 0, y = 0, z = 0;
	bool inf = false;
	for (size_t i = start; i < end; i++) {
		const struct lb_item *it = &t->it[i];
		if (it->kind == LB_PENALTY)
			continue;
		nat += it->width;
		if (it->kind == LB_GLUE) {
			if (isinf(it->stretch))
				inf = true;
			else
				y += it->stretch;
			z += it->shrink;
		}
	}
	const struct lb_item *bi = &t->it[end];
	if (bi->kind == LB_PENALTY && bi->width > 0)
		nat += bi->width; /* the hyphen */
	*r = 0;
	if (nat > width + 0.001)
		*r = z > 0 ? fmax(-1.0, (width - nat) / z) : 0;
	else if (ls->justify && !inf && nat < width)
		*r = y > 0 ? (width - nat) / y : 0;
	double used = nat + (*r > 0 ? *r * y : *r * z);
	double x = 0;
	if (!ls->justify || inf) {
		if (ls->align == ALIGN_RIGHT)
			x = width - used;
		else if (ls->align == ALIGN_CENTER)
			x = (width - used) / 2;
	}
	return x < 0 ? 0 : x;
}

/* Notes f cites that no line before did: the line carries them. */
static void line_cites(struct lay *L, struct lineacc *acc, const struct frag *f)
{
	if (f->note && f->note->number > 0 && f->note->number <= L->nnotes &&
	    !L->note_cited[f->note->number - 1] && acc->nnotes < 8) {
		L->note_cited[f->note->number - 1] = true;
		acc->notes[acc->nnotes++] = f->note;
	}
	if (f->unote > 0 && f->unote <= L->nres && L->unote &&
	    L->ucited_seq[f->unote - 1] != L->useq && acc->nunotes < 8) {
		L->ucited_seq[f->unote - 1] = L->useq;
		acc->unotes[acc->nunotes++] = f->unote - 1;
	}
}

/* The text of frag f at x, it->width wide, into L->line_text: run on
 * from the previous piece prev if that looks the same and ends where f
 * starts. */
static void line_text(struct lay *L, const struct frag *f,
		      const struct frag *prev, const struct lb_item *it,
		      double x)
{
	struct ibuf *texts = &L->line_text;
	struct lo_item *last = texts->n ? &texts->v[texts->n - 1] : NULL;
	if (prev && last && same_look(prev, f) && last->text + last->len == f->text) {
		last->len += f->len;
		last->w += (float)it->width;
		return;
	}
	struct lo_item *ti = ipush(texts);
	ti->kind = LO_TEXT;
	ti->font = f->font;
	ti->x = (float)x;
	ti->y = -f->rise;
	ti->w = (float)it->width;
	ti->size = f->size;
	ti->color = f->color;
	ti->text = f->text;
	ti->len = f->len;
	ti->link = f->link;
	if (f->note && f->note->number > 0 && f->note->number <= L->nnotes &&
	    L->note_at)
		ti->dest = &L->note_at[f->note->number - 1];
	else if (f->dest)
		ti->dest = f->dest;
	ti->land = f->land;
}

/* Inline code's shading (into L->line_fill, one run per stretch of code)
 * and strike-through rules (into L->line_over) under and over frag f. */
static void line_decor(struct lay *L, const struct frag *f,
		       const struct frag *prev, const struct lb_item *it,
		       double x)
{
	if (f->flags & FR_CODEBG) {
		struct ibuf *fills = &L->line_fill;
		struct lo_item *fi = fills->n ? &fills->v[fills->n - 1] : NULL;
		if (fi && prev && (prev->flags & FR_CODEBG) &&
		    fabsf(fi->x + fi->w - (float)x) < 0.01f) {
			fi->w += (float)it->width;
		} else {
			fi = ipush(fills);
			fi->kind = LO_FILL;
			fi->x = (float)x;
			fi->w = (float)it->width;
			fi->y = (float)fonts_descent(L->fonts, f->font) * f->size / 1000;
			fi->h = fi->y + (float)fonts_ascent(L->fonts, f->font) * f->size / 1000;
			fi->color = L->st->code_inline_background;
		}
	}
	if (f->flags & FR_STRIKE) {
		struct lo_item *li = ipush(&L->line_over);
		li->kind = LO_LINE;
		li->x = (float)x;
		li->y = -(f->rise + f->size * 0.28f);
		li->w = (float)it->width;
		li->size = f->size * 0.06f;
		li->color = f->color;
	}
}

/* Sets box i (its frag f) at x on the line. */
static void line_box(struct lay *L, struct lineacc *acc, const struct frag *f,
		     const struct frag *prev, const struct lb_item *it, double x)
{
	if (acc->first_word < 0 && f->first >= 0)
		acc->first_word = f->first;
	if (acc->cont_word < 0)
		acc->cont_word = f->cont >= 0 ? f->cont : f->first;
	float fa = f->rise + (float)fonts_ascent(L->fonts, f->font) * f->size / 1000;
	float fd = (float)fonts_descent(L->fonts, f->font) * f->size / 1000 - f->rise;
	if (fa > acc->asc)
		acc->asc = fa;
	if (fd > acc->desc)
		acc->desc = fd;
	line_cites(L, acc, f);
	line_text(L, f, prev, it, x);
	line_decor(L, f, prev, it, x);
}

/* The hyphen a line broken inside a word ends with, in the look of the
 * word's last piece lastf, at x. */
static void line_hyphen(struct lay *L, const struct frag *lastf,
			const struct lb_item *bi, double x)
{
	struct lo_item *ti = ipush(&L->line_text);
	ti->kind = LO_TEXT;
	ti->font = lastf->font;
	ti->x = (float)x;
	ti->y = -lastf->rise;
	ti->w = (float)bi->width;
	ti->size = lastf->size;
	ti->color = lastf->color;
	ti->text = "-";
	ti->len = 1;
	ti->link = lastf->link;
}

/* Link areas (into L->line_over): one per run of text with the same
 * link, the line's height. */
static void line_links(struct lay *L, float asc, float desc)
{
	const struct ibuf *texts = &L->line_text;
	struct ibuf *lines = &L->line_over;
	size_t nlinks = 0;
	for (size_t i = 0; i < texts->n; i++) {
		const struct lo_item *ti = &texts->v[i];
		if (!ti->link && !ti->dest)
			continue;
		struct lo_item *li = lines->n ? &lines->v[lines->n - 1] : NULL;
		if (nlinks && li && li->kind == LO_LINK && li->link == ti->link &&
		    li->dest == ti->dest) {
			li->w = ti->x + ti->w - li->x;
			continue;
		}
		li = ipush(lines);
		li->kind = LO_LINK;
		li->x = ti->x;
		li->w = ti->w;
		li->y = desc;
		li->h = asc + desc;
		li->link = ti->link;
		li->dest = ti->dest;
		nlinks++;
	}
}

/* Copies the line's scratch items (shading, text, what goes over it)
 * and what acc gathered into pl, in memory of arena into. */
static void line_store(struct lay *L, struct arena *into,
		       const struct lineacc *acc, double x, struct pline *pl)
{
	const struct ibuf *fills = &L->line_fill, *texts = &L->line_text,
			  *lines = &L->line_over;
	pl->nitems = (int)(fills->n + texts->n + lines->n);
	pl->items = arena_alloc(into, (size_t)(pl->nitems ? pl->nitems : 1) * sizeof *pl->items);
	if (fills->n)
		memcpy(pl->items, fills->v, fills->n * sizeof *pl->items);
	if (texts->n)
		memcpy(pl->items + fills->n, texts->v, texts->n * sizeof *pl->items);
	if (lines->n)
		memcpy(pl->items + fills->n + texts->n, lines->v, lines->n * sizeof *pl->items);
	pl->asc = acc->asc;
	pl->desc = acc->desc;
	pl->width = (float)x;
	pl->word = acc->first_word >= 0 ? acc->first_word : acc->cont_word;
	if (acc->nnotes) {
		pl->notes = arena_alloc(into, (size_t)acc->nnotes * sizeof *pl->notes);
		memcpy(pl->notes, acc->notes, (size_t)acc->nnotes * sizeof *acc->notes);
		pl->nnotes = acc->nnotes;
	}
	if (acc->nunotes) {
		pl->unotes = arena_alloc(into, (size_t)acc->nunotes * sizeof *pl->unotes);
		memcpy(pl->unotes, acc->unotes, (size_t)acc->nunotes * sizeof *acc->unotes);
		pl->nunotes = acc->nunotes;
	}
}

/* Sets the line of items [start, end) broken at end into pl. */
static void set_line(struct lay *L, const struct lineset *ls, size_t start,
		     size_t end, struct pline *pl)
{
	const struct toks *t = ls->t;
	double r;
	double x = line_start(ls, start, end, &r);
	L->line_text.n = L->line_fill.n = L->line_over.n = 0;
	memset(pl, 0, sizeof *pl);
	struct lineacc acc = {.asc = ls->asc, .desc = ls->desc,
			      .first_word = -1, .cont_word = -1};
	const struct frag *prev = NULL;
	const struct frag *lastf = NULL;
	for (size_t i = start; i < end; i++) {
		const struct lb_item *it = &t->it[i];
		if (it->kind == LB_GLUE) {
			if (!isinf(it->stretch))
				x += it->width + (r > 0 ? r * it->stretch : r * it->shrink);
			prev = NULL;
			continue;
		}
		if (it->kind == LB_PENALTY)
			continue;
		if (t->fr[i] < 0) {
			x += it->width;
			prev = NULL;
			continue;
		}
		const struct frag *f = &t->frags[t->fr[i]];
		line_box(L, &acc, f, prev, it, x);
		x += it->width;
		prev = f;
		lastf = f;
	}
	const struct lb_item *bi = &t->it[end];
	if (bi->kind == LB_PENALTY && bi->width > 0 && lastf) {
		line_hyphen(L, lastf, bi, x);
		x += bi->width;
	}
	line_links(L, acc.asc, acc.desc);
	line_store(L, ls->into, &acc, x, pl);
}

/* Sets the lines of t, broken at br[0..nbr), into out[0..nbr); their
 * items come from arena into. */
static void set_lines(struct lay *L, const struct toks *t, const size_t *br,
		      int nbr, float width, bool justify,
		      enum cell_align align, int base_font, float base_size,
		      struct arena *into, struct pline *out)
{
	struct lineset ls = {
		.t = t, .width = width, .justify = justify, .align = align,
		.asc = (float)fonts_ascent(L->fonts, base_font) * base_size / 1000,
		.desc = (float)fonts_descent(L->fonts, base_font) * base_size / 1000,
		.into = into};
	size_t start = 0;
	for (int k = 0; k < nbr; k++) {
		size_t end = br[k];
		while (start < end && t->it[start].kind != LB_BOX)
			start++;
		set_line(L, &ls, start, end, &out[k]);
		start = end + 1;
	}
}

/* Breaks t into lines of width and sets them.  Returns the line count;
 * *out is memory of arena into. */
static int break_lines_into(struct lay *L, struct arena *into, struct toks *t,
			    float width, bool justify, enum cell_align align,
			    int base_font, float base_size, struct pline **out)
{
	if (width < 1)
		width = 1;
	split_wide(L, t, width);
	size_t *br = NULL;
	int nbr = 0;
	double w = width;
	struct lb_params p = {L->st->tolerance, 3000, 3000, 10};
	if (!justify)
		p.tolerance = 10;
	if (linebreak_in(&L->lbw, t->it, t->n, &w, 1, &p, &br, &nbr, NULL) != 0 ||
	    nbr <= 0) {
		free(br);
		greedy_breaks(t, width, &br, &nbr);
	}
	*out = arena_calloc(into, (size_t)nbr, sizeof **out);
	set_lines(L, t, br, nbr, width, justify, align, base_font, base_size,
		  into, *out);
	free(br);
	return nbr;
}

/* As break_lines_into(), in scratch memory (L->tmp): the lines live until
 * the chapter is placed. */
static int break_lines(struct lay *L, struct toks *t, float width,
		       bool justify, enum cell_align align, int base_font,
		       float base_size, struct pline **out)
{
	return break_lines_into(L, &L->tmp, t, width, justify, align, base_font,
				base_size, out);
}

/* ---- Boxes into the vertical list ------------------------------------- */

static void add_bars(struct lay *L, struct ibuf *b, const float *bars,
		     int nbars, float height)
{
	for (int i = 0; i < nbars; i++) {
		struct lo_item *it = ipush(b);
		it->kind = LO_FILL;
		it->x = bars[i];
		it->y = height;
		it->w = (float)L->st->quote_bar_width;
		it->h = height;
		it->color = L->st->quote_bar_color;
	}
}

/* A box's items, kept (in scratch memory) until the chapter is placed. */
static struct lo_item *to_arena(struct lay *L, const struct ibuf *b)
{
	struct lo_item *v = arena_alloc(&L->tmp, (b->n ? b->n : 1) * sizeof *v);
	if (b->n)
		memcpy(v, b->v, b->n * sizeof *v);
	return v;
}

static void add_glue(struct lay *L, float h)
{
	struct vitem *g = vpush(L->out);
	g->kind = V_GLUE;
	g->height = h;
}

static void add_penalty(struct lay *L, float p)
{
	struct vitem *g = vpush(L->out);
	g->kind = V_PENALTY;
	g->penalty = p;
}

/* Space before the next block: the larger of what the previous block
 * wants after it and what the next wants before it. */
static void want_space(struct lay *L, float s)
{
	if (s > L->pending_space)
		L->pending_space = s;
}

/* Appends a box: the pending space first (as glue carrying the quote bars
 * both neighbours share), then the box with its bars, any waiting list
 * marker and items, written straight into the box's array.  items are
 * box-relative (see struct vitem), or if shift is set, become so when
 * moved by (dx, dy). */
static struct vitem *emit_box_at(struct lay *L, const struct bctx *c,
				 enum lo_box_kind kind, float height,
				 float baseline, const struct lo_item *items,
				 int nitems, bool shift, float dx, float dy)
{
	struct ibuf *b = &L->box_items;
	if (L->pending_space > 0 && L->out->n > 0) {
		int common = 0;
		while (common < c->nbars && common < L->last_nbars &&
		       c->bars[common] == L->last_bars[common])
			common++;
		b->n = 0;
		if (!L->draft)
			add_bars(L, b, c->bars, common, L->pending_space);
		add_glue(L, L->pending_space);
		struct vitem *g = &L->out->v[L->out->n - 1];
		g->items = to_arena(L, b);
		g->nitems = (int)b->n;
	}
	L->pending_space = 0;
	b->n = 0;
	add_bars(L, b, c->bars, c->nbars, height);
	/* The marker first: text extraction then reads "4. Text". */
	int nmarker = L->nmarker && baseline >= 0 ? L->nmarker : 0;
	if (nmarker)
		L->nmarker = 0;
	size_t n = L->draft ? 0 : b->n + (size_t)nmarker + (size_t)nitems;
	struct lo_item *out = arena_alloc(&L->tmp, (n ? n : 1) * sizeof *out);
	if (n) {
		if (b->n)
			memcpy(out, b->v, b->n * sizeof *out);
		struct lo_item *o = out + b->n;
		for (int i = 0; i < nmarker; i++, o++) {
			*o = L->marker[i];
			o->y += baseline;
		}
		for (int i = 0; i < nitems; i++, o++) {
			*o = items[i];
			if (shift) {
				o->x += dx;
				o->y += dy;
			}
		}
	}
	struct vitem *v = vpush(L->out);
	v->kind = V_BOX;
	v->box = kind;
	v->height = height;
	v->baseline = baseline;
	v->items = out;
	v->nitems = (int)n;
	v->heading = L->pending_heading;
	L->pending_heading = NULL;
	L->last_nbars = c->nbars;
	memcpy(L->last_bars, c->bars, sizeof L->last_bars);
	return v;
}

static struct vitem *emit_box(struct lay *L, const struct bctx *c,
			      enum lo_box_kind kind, float height,
			      float baseline, const struct lo_item *items,
			      int nitems)
{
	return emit_box_at(L, c, kind, height, baseline, items, nitems, false,
			   0, 0);
}

/* The footnotes (and footnoted URLs) first cited in a line, as one list
 * for its box. */
static struct vlist *notes_for(struct lay *L, const struct pline *pl)
{
	if (!pl->nnotes && !pl->nunotes)
		return NULL;
	size_t n = 0;
	for (int i = 0; i < pl->nnotes; i++) {
		struct vlist *src = L->notes[pl->notes[i]->number - 1];
		if (src)
			n += src->n;
	}
	for (int i = 0; i < pl->nunotes; i++)
		if (L->unote[pl->unotes[i]])
			n += L->unote[pl->unotes[i]]->n;
	if (!n)
		return NULL;
	struct vlist *v = arena_calloc(&L->tmp, 1, sizeof *v);
	v->v = arena_alloc(&L->tmp, n * sizeof *v->v);
	/* In the order the text cites them. */
	int a = 0, b = 0;
	while (a < pl->nnotes || b < pl->nunotes) {
		const struct vlist *src;
		if (a < pl->nnotes)
			src = L->notes[pl->notes[a++]->number - 1];
		else
			src = L->unote[pl->unotes[b++]];
		if (!src)
			continue;
		memcpy(v->v + v->n, src->v, src->n * sizeof *v->v);
		v->n += src->n;
	}
	v->cap = n;
	return v;
}

/* Box height and baseline for a line with extents asc/desc in a block of
 * the given leading, whose normal text has extents basc/bdesc. */
static void line_geometry(float leading, float basc, float bdesc, float asc,
			  float desc, float *height, float *baseline)
{
	float bl = (leading - (basc + bdesc)) / 2 + basc;
	if (bl < basc)
		bl = basc;
	if (asc > bl)
		bl = asc;
	float h = leading;
	if (bl + desc > h)
		h = bl + desc;
	*height = h;
	*baseline = bl;
}

/* Emits set lines as boxes with widow/orphan penalties between them. */
static void emit_lines(struct lay *L, const struct bctx *c,
		       const struct pline *pl, int n, enum lo_box_kind kind,
		       float leading, int base_font, float base_size, bool keep)
{
	int block = ++L->serial;
	float basc = (float)fonts_ascent(L->fonts, base_font) * base_size / 1000;
	float bdesc = (float)fonts_descent(L->fonts, base_font) * base_size / 1000;
	for (int k = 0; k < n; k++) {
		if (k > 0) {
			bool forbid = keep || k == 1 || k == n - 1;
			add_penalty(L, forbid ? INF : 0);
		}
		float h, bl;
		line_geometry(leading, basc, bdesc, pl[k].asc, pl[k].desc, &h, &bl);
		struct vitem *v = emit_box_at(L, c, kind, h, bl, pl[k].items,
					      pl[k].nitems, true, c->x, bl);
		v->block = block;
		v->line = k + 1;
		v->nlines = n;
		v->notes = notes_for(L, &pl[k]);
		if (L->pw_block && pl[k].word >= 0) {
			v->src = L->pw_block;
			v->word = pl[k].word;
		}
	}
}

static struct istyle base_style(const struct bctx *c)
{
	struct istyle s = {0};
	s.family = c->family;
	s.italic = c->italic;
	s.size = c->size;
	s.color = c->color;
	return s;
}

/* Sets inlines [first, stop) as a paragraph in column c. */
static void layout_text(struct lay *L, const struct bctx *c,
			const struct inline_node *first,
			const struct inline_node *stop, struct istyle s,
			float leading, bool justify, enum cell_align align,
			enum lo_box_kind kind, float indent, bool keep)
{
	struct toks *t = &L->para;
	toks_reset(t);
	L->nstyles = 0;
	if (indent > 0)
		tok_add(t, LB_BOX, indent, 0, 0, 0, false, -1);
	tok_inlines(L, t, first, stop, s);
	tok_finish(L, t);
	struct pline *pl;
	int font = role_of(s.family, s.bold, s.italic);
	int n = break_lines(L, t, c->w, justify, align, font, s.size, &pl);
	emit_lines(L, c, pl, n, kind, leading, font, s.size, keep);
}

static bool same_istyle(const struct istyle *a, const struct istyle *b)
{
	return a->family == b->family && a->bold == b->bold &&
	       a->italic == b->italic && a->strike == b->strike &&
	       a->codebg == b->codebg && a->size == b->size &&
	       a->rise == b->rise && a->color == b->color &&
	       a->link == b->link && a->note == b->note && a->dest == b->dest &&
	       a->land == b->land && a->unote == b->unote &&
	       a->line == b->line && a->src == b->src;
}

/* The slot of block b in L->memo: its entry, or the free slot for it. */
static struct block_memo **memo_slot(struct lay *L, const struct block *b)
{
	size_t h = ptr_hash(b, L->memocap);
	while (L->memo[h] && L->memo[h]->b != b)
		h = (h + 1) & (L->memocap - 1);
	return &L->memo[h];
}

/* What is kept for block b, or NULL. */
static const struct block_memo *memo_find(struct lay *L, const struct block *b)
{
	return L->memocap ? *memo_slot(L, b) : NULL;
}

/* A cleared entry for block b (its old one, if any, reused). */
static struct block_memo *memo_new(struct lay *L, const struct block *b)
{
	if ((L->nmemo + 1) * 2 > L->memocap) {
		struct block_memo **old = L->memo;
		size_t oldcap = L->memocap;
		L->memocap = oldcap ? oldcap * 2 : 1024;
		L->memo = xcalloc(L->memocap, sizeof *L->memo);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				*memo_slot(L, old[i]->b) = old[i];
		free(old);
	}
	struct block_memo **slot = memo_slot(L, b);
	if (!*slot) {
		*slot = arena_alloc(&L->keep, sizeof **slot);
		L->nmemo++;
	}
	**slot = (struct block_memo){.b = b};
	return *slot;
}

/* A whole paragraph b (inlines from b->inlines to the end) as
 * layout_text() sets it with justification, left aligned, as BOX_LINE
 * boxes; its lines set once for all passes when they can be (struct
 * block_memo). */
static void layout_para_text(struct lay *L, const struct bctx *c,
			     const struct block *b, struct istyle s,
			     float indent)
{
	if (!L->memo_on) {
		layout_text(L, c, b->inlines, NULL, s, c->leading, L->st->justify,
			    ALIGN_LEFT, BOX_LINE, indent, false);
		return;
	}
	int font = role_of(s.family, s.bold, s.italic);
	L->nrefs = 0;
	int nlinks = 0;
	collect_refs(L, b->inlines, &L->refs, &L->nrefs, &L->refcap, &nlinks);
	const struct block_memo *m = memo_find(L, b);
	if (m) {
		if (m->pl && same_istyle(&m->s, &s) && m->width == c->w &&
		    m->indent == indent && m->in_notes == L->in_notes &&
		    m->nrefs == L->nrefs &&
		    (!m->nrefs || !memcmp(m->refs, L->refs, m->nrefs * sizeof *m->refs))) {
			/* What setting them did: the notes they cite first
			 * are now cited. */
			for (int k = 0; k < m->n; k++)
				for (int i = 0; i < m->pl[k].nnotes; i++)
					L->note_cited[m->pl[k].notes[i]->number - 1] = true;
			emit_lines(L, c, m->pl, m->n, BOX_LINE, c->leading, font,
				   s.size, false);
			return;
		}
	}
	struct toks *t = &L->para;
	toks_reset(t);
	L->nstyles = 0;
	L->text_varies = false;
	if (indent > 0)
		tok_add(t, LB_BOX, indent, 0, 0, 0, false, -1);
	tok_inlines(L, t, b->inlines, NULL, s);
	tok_finish(L, t);
	/* Lines set without page references (the first pass) are not kept
	 * if they have cross-references: the next pass prints them. */
	bool kept = !L->text_varies && (L->ref_starts || !nlinks);
	struct pline *pl;
	int n = break_lines_into(L, kept ? &L->keep : &L->tmp, t, c->w,
				 L->st->justify, ALIGN_LEFT, font, s.size, &pl);
	if (kept) {
		int *refs = NULL;
		if (L->nrefs) {
			refs = arena_alloc(&L->keep, L->nrefs * sizeof *refs);
			memcpy(refs, L->refs, L->nrefs * sizeof *refs);
		}
		struct block_memo *k = memo_new(L, b);
		*k = (struct block_memo){.b = b, .s = s, .width = c->w,
					.indent = indent, .in_notes = L->in_notes,
					.refs = refs, .nrefs = L->nrefs, .pl = pl,
					.n = n};
	}
	emit_lines(L, c, pl, n, BOX_LINE, c->leading, font, s.size, false);
}

static bool inlines_blank(const struct inline_node *in,
			  const struct inline_node *stop)
{
	for (; in && in != stop; in = in->next) {
		if (in->type == INL_SOFTBREAK || in->type == INL_LINEBREAK)
			continue;
		if (in->type != INL_TEXT)
			return false;
		for (size_t i = 0; i < in->len; i++)
			if (in->text[i] != ' ' && in->text[i] != '\t' &&
			    in->text[i] != '\n')
				return false;
	}
	return true;
}

/* ---- Figures ---------------------------------------------------------- */

static const struct image *inline_image(const struct inline_node *in)
{
	if (in->type == INL_IMAGE && in->link && in->link->kind == LINK_IMAGE &&
	    in->link->image)
		return in->link->image;
	return NULL;
}

static void layout_figure(struct lay *L, const struct bctx *c,
			  const struct inline_node *in)
{
	const struct image *img = inline_image(in);
	const struct print_style *st = L->st;
	want_space(L, (float)st->figure_space);
	const struct lo_image_info *info =
		img->index >= 0 && img->index < L->book->nimages ? &L->images[img->index] : NULL;
	struct istyle cs = base_style(c);
	cs.size = (float)st->caption.size;
	cs.color = st->caption.color;
	cs.family = FAM_SERIF;
	cs.italic = true;
	cs.line = in->line;
	bool have_caption = !inlines_blank(in->children, NULL);
	if (info && info->width > 0 && info->height > 0) {
		float w = (float)info->width * 0.75f, h = (float)info->height * 0.75f;
		float maxh = L->H * (float)st->figure_max_height;
		if (w > c->w) {
			h *= c->w / w;
			w = c->w;
		}
		if (h > maxh) {
			w *= maxh / h;
			h = maxh;
		}
		struct lo_item it = {0};
		it.kind = LO_IMAGE;
		it.image = img->index;
		it.x = c->x + (c->w - w) / 2;
		it.y = h;
		it.w = w;
		it.h = h;
		struct vitem *v = emit_box(L, c, BOX_FIGURE, h, -1, &it, 1);
		v->block = ++L->serial;
		v->line = v->nlines = 1;
		if (have_caption) {
			add_penalty(L, INF);
			want_space(L, 4);
		}
	} else if (!have_caption) {
		/* Nothing to show and no alt text: say what is missing. */
		struct toks *t = &L->para;
		toks_reset(t);
		L->nstyles = 0;
		int si = push_style(L, &cs);
		tok_text(L, t, si, "[image: ", 8);
		tok_text(L, t, si, img->path, strlen(img->path));
		tok_text(L, t, si, "]", 1);
		tok_finish(L, t);
		struct pline *pl;
		int font = role_of(cs.family, false, true);
		int n = break_lines(L, t, c->w, false, ALIGN_CENTER, font, cs.size, &pl);
		emit_lines(L, c, pl, n, BOX_FIGURE, (float)st->caption.leading, font, cs.size, true);
	}
	if (have_caption)
		layout_text(L, c, in->children, NULL, cs, (float)st->caption.leading,
			    false, ALIGN_CENTER, BOX_FIGURE, 0, true);
	want_space(L, (float)st->figure_space);
}

/* ---- Paragraphs and headings ------------------------------------------ */

static void layout_paragraph(struct lay *L, const struct bctx *c,
			     const struct block *b)
{
	struct istyle s = base_style(c);
	s.line = b->line;
	float indent = L->after_para && !c->note ? (float)L->st->par_indent : 0;
	const struct inline_node *seg = b->inlines;
	pw_begin(L, b);
	for (const struct inline_node *in = b->inlines;; in = in->next) {
		if (in && !inline_image(in))
			continue;
		if (!inlines_blank(seg, in)) {
			/* Pagination words run on across a figure: only a
			 * paragraph without one has lines of its own. */
			if (seg == b->inlines && !in && !L->pw_off)
				layout_para_text(L, c, b, s, indent);
			else
				layout_text(L, c, seg, in, s, c->leading, L->st->justify,
					    ALIGN_LEFT, BOX_LINE, indent, false);
			indent = 0;
		}
		if (!in)
			break;
		L->pw_off++; /* a figure's caption is its alt text: no words */
		layout_figure(L, c, in);
		L->pw_off--;
		seg = in->next;
	}
	pw_begin(L, NULL);
	want_space(L, c->tight ? 0 : (float)L->st->par_spacing);
	L->after_para = true;
}

static void layout_heading(struct lay *L, const struct bctx *c,
			   const struct block *b)
{
	const struct style_heading *h = &L->st->h[b->level >= 1 && b->level <= 6 ? b->level - 1 : 5];
	want_space(L, (float)h->space_before);
	struct istyle s = {0};
	s.family = h->font == FONT_SANS || h->font == FONT_SANS_BOLD ? FAM_SANS : FAM_SERIF;
	s.bold = h->font == FONT_SANS_BOLD || h->font == FONT_SERIF_BOLD;
	s.size = (float)h->size;
	s.color = h->color;
	s.line = b->line;
	L->pending_heading = b;
	pw_begin(L, b);
	layout_text(L, c, b->inlines, NULL, s, (float)h->leading, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	pw_begin(L, NULL);
	add_penalty(L, INF); /* keep with what follows */
	L->pending_space = 0;
	want_space(L, (float)h->space_after);
	L->after_para = false;
}

/* ---- Code blocks ------------------------------------------------------ */

struct span {
	enum hl_class cls;
	const char *p;
	size_t n;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static void collect_span(void *ctx, enum hl_class cls, const char *text,
			 size_t len)
{
	struct spans *s = ctx;
	GROW(s->v, s->n, s->cap);
	s->v[s->n++] = (struct span){cls, text, len};
}

static const char spaces[] = "                ";

/* One visual code line being filled. */
struct codeline {
	struct ibuf items;
	float x;
	int font;
	uint32_t color;
};

static void code_put(struct lay *L, struct codeline *cl, float x0, int font,
		     float size, uint32_t color, const char *p, size_t n,
		     float w)
{
	struct lo_item *last = cl->items.n ? &cl->items.v[cl->items.n - 1] : NULL;
	if (last && last->font == font && last->color == color &&
	    last->text + last->len == p && p != spaces) {
		last->len += n;
		last->w += w;
	} else {
		struct lo_item *it = ipush(&cl->items);
		it->kind = LO_TEXT;
		it->font = font;
		it->size = size;
		it->color = color;
		it->x = x0 + cl->x;
		it->text = p;
		it->len = n;
		it->w = w;
	}
	(void)L;
	cl->x += w;
}

/* The padding above and below a code block and beside its text. */
static float code_pad(const struct lay *L, const struct bctx *c)
{
	float pad = (float)L->st->code_padding;
	if (pad * 4 > c->w)
		pad = c->w / 8;
	return pad;
}

/* A code block being set as visual lines (code_lines): the look of its
 * lines, the line being filled and where the text is. */
struct codeset {
	const struct bctx *c;
	const struct block *src; /* whose words the lines show, or NULL */
	float size;
	float h, bl;       /* a line's box height and baseline */
	float pad;
	float x0, avail;   /* where text starts; the width it may fill */
	int mfont;         /* the continuation mark of a wrapped line */
	const char *mark;
	float markw;
	struct codeline cl;
	int src_line, col; /* source line and column (for tabs) */
	/* Pagination words: counted over the text, and for each visual
	 * line the first that starts on it (else the one it continues). */
	int nwords, line_first, line_cont;
	bool inword;
};

/* Sizes and the continuation mark of code in column c. */
static void code_setup(struct lay *L, const struct bctx *c, struct codeset *cs)
{
	const struct print_style *st = L->st;
	cs->c = c;
	cs->size = c->note ? c->size * 0.9f : (float)st->code.size;
	float leading = c->note ? c->leading * 0.95f : (float)st->code.leading;
	if (leading < cs->size * 1.15f)
		leading = cs->size * 1.15f;
	cs->pad = code_pad(L, c);
	cs->mark = st->code_continuation;
	uint32_t mcp;
	utf8_decode(cs->mark, strlen(cs->mark), &mcp);
	cs->mfont = fonts_lookup(L->fonts, FONT_MONO, mcp);
	if (cs->mfont < 0) {
		cs->mfont = FONT_MONO;
		cs->mark = ">";
	}
	cs->markw = text_width(L, cs->mfont, cs->size, cs->mark, strlen(cs->mark));
	cs->x0 = c->x + cs->pad;
	cs->avail = c->w - 2 * cs->pad - cs->markw - 1;
	if (cs->avail < cs->size)
		cs->avail = cs->size;
	float basc = (float)fonts_ascent(L->fonts, FONT_MONO) * cs->size / 1000;
	float bdesc = (float)fonts_descent(L->fonts, FONT_MONO) * cs->size / 1000;
	line_geometry(leading, basc, bdesc, basc, bdesc, &cs->h, &cs->bl);
}

/* Emits the line being filled as a BOX_CODE box, with its shading and,
 * if wrapped (it continues on the next line), the continuation mark. */
static void code_flush(struct lay *L, struct codeset *cs, bool wrapped)
{
	const struct bctx *c = cs->c;
	struct codeline *cl = &cs->cl;
	struct lo_item *bg = ipush(&cl->items);
	bg->kind = LO_FILL;
	bg->x = c->x;
	bg->y = cs->h;
	bg->w = c->w;
	bg->h = cs->h;
	bg->color = L->st->code_background;
	/* the shading goes first so text draws over it */
	struct lo_item tmp = *bg;
	memmove(cl->items.v + 1, cl->items.v, (cl->items.n - 1) * sizeof *cl->items.v);
	cl->items.v[0] = tmp;
	for (size_t q = 1; q < cl->items.n; q++)
		cl->items.v[q].y = cs->bl;
	if (wrapped) {
		struct lo_item *m = ipush(&cl->items);
		m->kind = LO_TEXT;
		m->font = cs->mfont;
		m->size = cs->size;
		m->color = L->st->code_continuation_color;
		m->x = c->x + c->w - cs->pad - cs->markw;
		m->y = cs->bl;
		m->text = cs->mark;
		m->len = strlen(cs->mark);
		m->w = cs->markw;
	}
	struct vitem *lv = emit_box(L, c, BOX_CODE, cs->h, cs->bl, cl->items.v,
				    (int)cl->items.n);
	int lw = cs->line_first >= 0 ? cs->line_first : cs->line_cont;
	if (cs->src && lw >= 0) {
		lv->src = cs->src;
		lv->word = lw;
	}
	cs->line_first = -1;
	cs->line_cont = cs->inword ? cs->nwords - 1 : -1;
	cl->items.n = 0;
	cl->x = 0;
}

/* Sets character cp (len bytes at p) of a span in font role and color:
 * a tab as spaces to the next stop, a character no font has as the
 * replacement; wraps the line first if it does not fit. */
static void code_char(struct lay *L, struct codeset *cs, const char *p,
		      int len, uint32_t cp, int role, uint32_t color,
		      bool start)
{
	const struct print_style *st = L->st;
	const char *gp = p;
	size_t gn = (size_t)len;
	int font;
	float w;
	if (cp == '\t') {
		int nsp = st->code_tab_width - cs->col % st->code_tab_width;
		gp = spaces;
		gn = (size_t)nsp;
		font = FONT_MONO;
		w = adv(L, font, ' ', cs->size) * (float)nsp;
		cs->col += nsp;
	} else {
		font = pick_font(L, role, cp, cs->src_line);
		if (font < 0) {
			font = L->repl_font >= 0 ? L->repl_font : FONT_FALLBACK;
			gp = L->repl_text;
			gn = strlen(gp);
			w = text_width(L, font, cs->size, gp, gn);
		} else {
			w = adv(L, font, cp, cs->size);
		}
		cs->col++;
	}
	if (cs->cl.x + w > cs->avail && cs->cl.x > 0)
		code_flush(L, cs, true);
	if (start && cs->line_first < 0)
		cs->line_first = cs->nwords - 1;
	code_put(L, &cs->cl, cs->x0, font, cs->size, color, gp, gn, w);
}

/* Sets one highlighted span, ending a line at each newline. */
static void code_span(struct lay *L, struct codeset *cs, const struct span *sp)
{
	uint32_t color = L->st->hl_color[sp->cls < 12 ? sp->cls : 0];
	int role = sp->cls == HL_KEYWORD ? FONT_MONO_BOLD : FONT_MONO;
	size_t i = 0;
	while (i < sp->n) {
		uint32_t cp;
		int len = utf8_decode(sp->p + i, sp->n - i, &cp);
		bool start = false;
		if (words_space(cp)) {
			cs->inword = false;
		} else if (!cs->inword) {
			cs->inword = start = true;
			cs->nwords++;
		}
		if (cp == '\n') {
			code_flush(L, cs, false);
			cs->src_line++;
			cs->col = 0;
		} else {
			code_char(L, cs, sp->p + i, len, cp, role, color, start);
		}
		i += (size_t)len;
	}
}

/* Sets a code block's text as visual lines (BOX_CODE boxes) into lines. */
static void code_lines(struct lay *L, const struct bctx *c, const char *text,
		       size_t len, const char *lang, int line0,
		       const struct block *src, struct vlist *lines)
{
	struct codeset cs = {0};
	code_setup(L, c, &cs);
	cs.src = src;
	cs.src_line = line0 + 1;
	cs.line_first = cs.line_cont = -1;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	struct spans sp = {0};
	highlight(lang ? lang : "", text, len, collect_span, &sp);

	struct vlist *saved = L->out;
	float save_pending = L->pending_space;
	L->out = lines;
	L->pending_space = 0;
	for (size_t s = 0; s < sp.n; s++)
		code_span(L, &cs, &sp.v[s]);
	code_flush(L, &cs, false);
	free(sp.v);
	free(cs.cl.items.v);
	L->out = saved;
	L->pending_space = save_pending;
}

static bool same_column(const struct bctx *a, const struct bctx *b)
{
	if (a->x != b->x || a->w != b->w || a->size != b->size ||
	    a->leading != b->leading || a->note != b->note || a->nbars != b->nbars)
		return false;
	for (int i = 0; i < a->nbars; i++)
		if (a->bars[i] != b->bars[i])
			return false;
	return true;
}

static void layout_code(struct lay *L, const struct bctx *c, const char *text,
			size_t len, const char *lang, int line0,
			const struct block *src)
{
	const struct print_style *st = L->st;
	float pad = code_pad(L, c);
	/* Lines are collected first: the penalties depend on the count.
	 * They are the same in every page-reference pass (struct
	 * block_memo), unless a list marker or heading waits for them. */
	struct vlist lines = {0};
	bool keep = L->memo_on && src && !L->nmarker && !L->pending_heading;
	const struct block_memo *memo = keep ? memo_find(L, src) : NULL;
	bool hit = memo && memo->lines && same_column(&memo->c, c);
	if (hit) {
		lines.v = memo->lines;
		lines.n = lines.cap = memo->nlines;
		/* As setting them leaves it: its boxes were the last. */
		L->last_nbars = c->nbars;
		memcpy(L->last_bars, c->bars, sizeof L->last_bars);
	} else {
		bool draft = L->draft;
		if (keep)
			L->draft = false; /* kept lines need their items */
		code_lines(L, c, text, len, lang, line0, src, &lines);
		L->draft = draft;
	}
	if (keep && !hit) {
		struct vitem *kv = arena_alloc(&L->keep, (lines.n ? lines.n : 1) * sizeof *kv);
		for (size_t k = 0; k < lines.n; k++) {
			kv[k] = lines.v[k];
			size_t ni = (size_t)kv[k].nitems;
			kv[k].items = arena_alloc(&L->keep, (ni ? ni : 1) * sizeof *kv[k].items);
			if (ni)
				memcpy(kv[k].items, lines.v[k].items, ni * sizeof *kv[k].items);
		}
		struct block_memo *k = memo_new(L, src);
		k->c = *c;
		k->lines = kv;
		k->nlines = lines.n;
	}

	/* Padding boxes above and below, then the lines with penalties that
	 * keep at least two lines together at either end of a page break. */
	struct lo_item shade = {0};
	shade.kind = LO_FILL;
	shade.x = c->x;
	shade.y = pad;
	shade.w = c->w;
	shade.h = pad;
	shade.color = st->code_background;
	want_space(L, c->note ? 2 : (float)st->code_space);
	int block = ++L->serial;
	struct vitem *v = emit_box(L, c, BOX_CODE, pad, -1, &shade, 1);
	v->block = block;
	v->line = 0;
	v->nlines = (int)lines.n;
	add_penalty(L, INF);
	size_t n = lines.n;
	for (size_t k = 0; k < n; k++) {
		if (k > 0)
			add_penalty(L, k == 1 || k == n - 1 ? INF : 0);
		struct vitem *d = vpush(L->out);
		*d = lines.v[k];
		d->block = block;
		d->line = (int)k + 1;
		d->nlines = (int)n;
		if (k == 0 && L->nmarker) {
			/* a list item that starts with code: marker here */
			struct lo_item *items = arena_alloc(&L->tmp, (size_t)(d->nitems + L->nmarker) * sizeof *items);
			memcpy(items + L->nmarker, d->items, (size_t)d->nitems * sizeof *items);
			for (int m = 0; m < L->nmarker; m++) {
				items[m] = L->marker[m];
				items[m].y += d->baseline;
			}
			d->items = items;
			d->nitems += L->nmarker;
			L->nmarker = 0;
		}
	}
	add_penalty(L, INF);
	shade.y = pad;
	v = emit_box(L, c, BOX_CODE, pad, -1, &shade, 1);
	v->block = block;
	v->line = (int)n + 1;
	v->nlines = (int)n;
	if (!hit)
		vlist_free(&lines);
	want_space(L, c->note ? 2 : (float)st->code_space);
	L->after_para = false;
}

/* ---- Tables ----------------------------------------------------------- */

struct cell {
	struct toks t;
	float natural, minw;
	struct pline *lines;
	int nlines;
	const struct block *b;
};

static void cell_tokens(struct lay *L, struct cell *cell, float scale,
			bool header)
{
	const struct print_style *st = L->st;
	toks_free(&cell->t);
	L->nstyles = 0;
	struct istyle s = {0};
	s.family = FAM_SERIF;
	s.bold = header;
	s.size = (float)st->table.size * scale;
	s.color = st->table.color;
	s.line = cell->b ? cell->b->line : 0;
	pw_begin(L, cell->b);
	if (cell->b)
		tok_inlines(L, &cell->t, cell->b->inlines, NULL, s);
	tok_finish(L, &cell->t);
	pw_begin(L, NULL);
	/* Natural width: everything on one line; minimum: the widest run
	 * between legal breaks. */
	float nat = 0, run = 0, minw = 0;
	for (size_t i = 0; i < cell->t.n; i++) {
		const struct lb_item *it = &cell->t.it[i];
		if (it->kind == LB_BOX) {
			nat += (float)it->width;
			run += (float)it->width;
		} else if (legal_break(&cell->t, i)) {
			if (it->kind == LB_GLUE && !isinf(it->stretch))
				nat += (float)it->width;
			if (it->kind == LB_PENALTY)
				run += (float)it->width;
			if (run > minw)
				minw = run;
			run = 0;
		} else if (it->kind == LB_GLUE && !isinf(it->stretch)) {
			nat += (float)it->width;
			run += (float)it->width;
		}
	}
	if (run > minw)
		minw = run;
	cell->natural = nat;
	cell->minw = minw;
}

/* A table being laid out (layout_table): its cells row by row, which
 * rows are header rows, each column's natural, minimum and final width,
 * and the header rows kept for repeating after a page break. */
struct table {
	const struct block *tb;
	int nrows, ncols;
	struct cell *cells; /* nrows * ncols */
	bool *hdr;
	float *colw, *nat, *minw;
	float pad, scale;
	float tw;                /* the table's width */
	float leading, basc, bdesc;
	int block;               /* its serial number */
	struct vlist *header;
};

/* Collects the cells of table tb; false if it has no rows. */
static bool table_init(const struct block *tb, struct table *T)
{
	T->tb = tb;
	T->ncols = tb->ncols > 0 ? tb->ncols : 1;
	T->nrows = 0;
	for (const struct block *r = tb->children; r; r = r->next)
		T->nrows++;
	if (T->nrows == 0)
		return false;
	int ncols = T->ncols;
	T->cells = xcalloc((size_t)T->nrows * (size_t)ncols, sizeof *T->cells);
	T->hdr = xcalloc((size_t)T->nrows, sizeof *T->hdr);
	T->colw = xcalloc((size_t)ncols, sizeof *T->colw);
	T->nat = xcalloc((size_t)ncols, sizeof *T->nat);
	T->minw = xcalloc((size_t)ncols, sizeof *T->minw);
	int ri = 0;
	for (const struct block *r = tb->children; r; r = r->next, ri++) {
		T->hdr[ri] = r->header;
		int ci = 0;
		for (const struct block *cb = r->children; cb && ci < ncols; cb = cb->next)
			T->cells[ri * ncols + ci++].b = cb;
	}
	T->scale = 1;
	return true;
}

static void table_free(struct table *T)
{
	for (int i = 0; i < T->nrows * T->ncols; i++)
		toks_free(&T->cells[i].t);
	free(T->cells);
	free(T->hdr);
	free(T->colw);
	free(T->nat);
	free(T->minw);
}

/* Tokenizes every cell and finds each column's natural and minimum
 * width; if the minimums do not fit column c, does so again at the
 * scale (no smaller than the style allows) at which they would. */
static void table_measure(struct lay *L, const struct bctx *c, struct table *T)
{
	const struct print_style *st = L->st;
	int ncols = T->ncols;
	float pad = T->pad;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < ncols; i++)
			T->nat[i] = T->minw[i] = 0;
		for (int r = 0; r < T->nrows; r++) {
			for (int i = 0; i < ncols; i++) {
				struct cell *ce = &T->cells[r * ncols + i];
				cell_tokens(L, ce, T->scale, T->hdr[r]);
				if (ce->natural > T->nat[i])
					T->nat[i] = ce->natural;
				if (ce->minw > T->minw[i])
					T->minw[i] = ce->minw;
			}
		}
		float summin = 0;
		for (int i = 0; i < ncols; i++)
			summin += T->minw[i] + 2 * pad;
		if (pass == 0 && summin > c->w && st->table_min_scale < 1) {
			float s = (c->w - 2 * pad * (float)ncols) /
				  (summin - 2 * pad * (float)ncols);
			T->scale = s < (float)st->table_min_scale ? (float)st->table_min_scale : s;
			continue;
		}
		break;
	}
}

/* Column widths: natural if they fit; else each gets its minimum and the
 * rest is shared in proportion to what more it wants; if even the
 * minimums do not fit, in proportion to them (long words then break
 * anywhere). */
static void table_columns(const struct bctx *c, struct table *T)
{
	int ncols = T->ncols;
	float *nat = T->nat, *minw = T->minw, *colw = T->colw;
	float sumnat = 0, summin = 0, avail = c->w;
	for (int i = 0; i < ncols; i++) {
		nat[i] += 2 * T->pad;
		minw[i] += 2 * T->pad;
		if (minw[i] > nat[i])
			minw[i] = nat[i];
		sumnat += nat[i];
		summin += minw[i];
	}
	if (sumnat <= avail) {
		for (int i = 0; i < ncols; i++)
			colw[i] = nat[i];
	} else if (summin <= avail) {
		float extra = avail - summin, want = sumnat - summin;
		for (int i = 0; i < ncols; i++)
			colw[i] = minw[i] + (want > 0 ? extra * (nat[i] - minw[i]) / want : 0);
	} else {
		for (int i = 0; i < ncols; i++)
			colw[i] = avail * minw[i] / summin;
	}
	T->tw = 0;
	for (int i = 0; i < ncols; i++)
		T->tw += colw[i];
	if (T->tw > avail) /* rounding */
		T->tw = avail;
}

/* Sets every cell's lines in its column's width. */
static void table_set_cells(struct lay *L, struct table *T)
{
	const struct print_style *st = L->st;
	float size = (float)st->table.size * T->scale;
	T->leading = (float)st->table.leading * T->scale;
	T->basc = (float)fonts_ascent(L->fonts, FONT_SERIF) * size / 1000;
	T->bdesc = (float)fonts_descent(L->fonts, FONT_SERIF) * size / 1000;
	for (int r = 0; r < T->nrows; r++) {
		for (int i = 0; i < T->ncols; i++) {
			struct cell *ce = &T->cells[r * T->ncols + i];
			enum cell_align al = T->tb->align ? T->tb->align[i] : ALIGN_NONE;
			ce->nlines = break_lines(L, &ce->t, T->colw[i] - 2 * T->pad, false,
						 al, T->hdr[r] ? FONT_SERIF_BOLD : FONT_SERIF,
						 size, &ce->lines);
		}
	}
}

/* A horizontal rule across the table at y, thicker if heavy. */
static void table_rule(struct lay *L, const struct bctx *c,
		       const struct table *T, float y, bool heavy)
{
	struct lo_item *ln = ipush(&L->row_items);
	ln->kind = LO_LINE;
	ln->x = c->x;
	ln->y = y;
	ln->w = T->tw;
	ln->size = (float)L->st->table_rule_width * (heavy ? 1.6f : 1);
	ln->color = L->st->table_rule_color;
}

/* The footnotes first cited in slice k of row r's cells. */
static struct vlist *slice_notes(struct lay *L, const struct table *T, int r,
				 int k)
{
	struct pline notes = {0};
	struct footnote *fl[8];
	int ul[8];
	for (int i = 0; i < T->ncols; i++) {
		const struct cell *ce = &T->cells[r * T->ncols + i];
		if (k >= ce->nlines)
			continue;
		for (int q = 0; q < ce->lines[k].nnotes && notes.nnotes < 8; q++)
			fl[notes.nnotes++] = ce->lines[k].notes[q];
		for (int q = 0; q < ce->lines[k].nunotes && notes.nunotes < 8; q++)
			ul[notes.nunotes++] = ce->lines[k].unotes[q];
	}
	notes.notes = fl;
	notes.unotes = ul;
	return notes_for(L, &notes);
}

/* Emits slice k (of nl) of row r: line k of each of its cells, h high
 * with its baseline bl below the text's top; the first slice has the
 * padding top above it, the last the padding below. */
static void table_slice(struct lay *L, const struct bctx *c,
			const struct table *T, int r, int k, int nl, float h,
			float top, float bl)
{
	struct ibuf *b = &L->row_items;
	b->n = 0;
	if (T->hdr[r]) {
		struct lo_item *f = ipush(b);
		f->kind = LO_FILL;
		f->x = c->x;
		f->y = h;
		f->w = T->tw;
		f->h = h;
		f->color = L->st->table_header_background;
	}
	float x = c->x;
	for (int i = 0; i < T->ncols; i++) {
		struct cell *ce = &T->cells[r * T->ncols + i];
		if (k < ce->nlines) {
			for (int q = 0; q < ce->lines[k].nitems; q++) {
				struct lo_item *it = ipush(b);
				*it = ce->lines[k].items[q];
				it->x += x + T->pad;
				it->y += top + bl;
			}
		}
		x += T->colw[i];
	}
	if (k == 0 && (r == 0 || T->hdr[r] || T->hdr[r - 1]))
		table_rule(L, c, T, 0, r == 0);
	if (k == nl - 1)
		table_rule(L, c, T, h, r == T->nrows - 1);
	struct vitem *v = emit_box(L, c, BOX_ROW, h, top + bl, b->v, (int)b->n);
	v->block = T->block;
	v->line = r + 1;
	v->nlines = T->nrows;
	for (int i = 0; i < T->ncols; i++) {
		const struct cell *ce = &T->cells[r * T->ncols + i];
		if (k < ce->nlines && ce->lines[k].word >= 0) {
			v->src = ce->b;
			v->word = ce->lines[k].word;
			break;
		}
	}
	v->notes = slice_notes(L, T, r, k);
}

/* Adds the items L->out[first, n) (a header row just emitted) to the
 * header rows repeated after a page break. */
static void table_keep_header(struct lay *L, struct table *T, size_t first)
{
	struct vlist *header = T->header;
	if (!header) {
		header = arena_alloc(&L->tmp, sizeof *header);
		T->header = header;
	}
	size_t nn = L->out->n - first;
	struct vitem *nv = arena_alloc(&L->tmp, (header->n + nn) * sizeof *nv);
	if (header->n)
		memcpy(nv, header->v, header->n * sizeof *nv);
	for (size_t q = 0; q < nn; q++) {
		nv[header->n + q] = L->out->v[first + q];
		nv[header->n + q].notes = NULL;
	}
	header->v = nv;
	header->n += nn;
	header->cap = header->n;
}

/* Emits row r as slices, one per line of its tallest cell, with the
 * penalties before and between them. */
static void table_row(struct lay *L, const struct bctx *c, struct table *T,
		      int r)
{
	int nl = 1;
	for (int i = 0; i < T->ncols; i++)
		if (T->cells[r * T->ncols + i].nlines > nl)
			nl = T->cells[r * T->ncols + i].nlines;
	/* Row height decides whether its slices may part. */
	float rowh = 0;
	float *sh = xcalloc((size_t)nl, sizeof *sh), *sb = xcalloc((size_t)nl, sizeof *sb);
	for (int k = 0; k < nl; k++) {
		float asc = T->basc, desc = T->bdesc;
		for (int i = 0; i < T->ncols; i++) {
			struct cell *ce = &T->cells[r * T->ncols + i];
			if (k < ce->nlines) {
				if (ce->lines[k].asc > asc)
					asc = ce->lines[k].asc;
				if (ce->lines[k].desc > desc)
					desc = ce->lines[k].desc;
			}
		}
		line_geometry(T->leading, T->basc, T->bdesc, asc, desc, &sh[k], &sb[k]);
		rowh += sh[k];
	}
	rowh += 2 * T->pad;
	bool splittable = rowh > L->H * 0.5f;
	size_t first_item = L->out->n;
	const bool *hdr = T->hdr;
	if (r > 0) {
		struct vitem *p = vpush(L->out);
		p->kind = V_PENALTY;
		p->penalty = hdr[r - 1] ? INF : 0;
		if (!hdr[r - 1] && !hdr[r])
			p->repeat = T->header;
		first_item = L->out->n;
	}
	for (int k = 0; k < nl; k++) {
		if (k > 0)
			add_penalty(L, splittable ? 0 : INF);
		float top = k == 0 ? T->pad : 0, bot = k == nl - 1 ? T->pad : 0;
		table_slice(L, c, T, r, k, nl, sh[k] + top + bot, top, sb[k]);
	}
	/* The header rows, kept for repeating after a break. */
	if (hdr[r] && (r == 0 || hdr[r - 1] || T->header))
		table_keep_header(L, T, first_item);
	free(sh);
	free(sb);
}

static void layout_table(struct lay *L, const struct bctx *c,
			 const struct block *tb)
{
	const struct print_style *st = L->st;
	struct table T = {0};
	if (!table_init(tb, &T))
		return;
	T.pad = (float)st->table_padding;
	if (T.pad * 2 * (float)T.ncols > c->w / 3)
		T.pad = c->w / 6 / (float)T.ncols;
	table_measure(L, c, &T);
	table_columns(c, &T);
	table_set_cells(L, &T);
	want_space(L, (float)st->par_spacing + 2);
	T.block = ++L->serial;
	for (int r = 0; r < T.nrows; r++)
		table_row(L, c, &T, r);
	table_free(&T);
	want_space(L, (float)st->par_spacing + 2);
	L->after_para = false;
}

/* ---- Lists, quotes, rules, block dispatch ---------------------------- */

static void layout_blocks(struct lay *L, const struct bctx *c,
			  const struct block *b);

static void set_marker(struct lay *L, const struct bctx *c, const char *text,
		       float x_right, int line)
{
	uint32_t cp;
	utf8_decode(text, strlen(text), &cp);
	int font = pick_font(L, FONT_SERIF, cp, line);
	if (font < 0)
		font = FONT_FALLBACK;
	float w = text_width(L, font, c->size, text, strlen(text));
	/* The item is copied into a box; text must outlive the chapter. */
	struct lo_item *m = arena_alloc(&L->tmp, sizeof *m);
	m->kind = LO_TEXT;
	m->font = font;
	m->size = c->size;
	m->color = c->color;
	m->x = x_right - w;
	if (m->x < 0)
		m->x = 0;
	m->y = 0;
	m->w = w;
	m->text = text;
	m->len = strlen(text);
	L->marker = m;
	L->nmarker = 1;
}

static void layout_list(struct lay *L, const struct bctx *c,
			const struct block *list)
{
	const struct print_style *st = L->st;
	struct bctx in = *c;
	in.depth = c->depth + 1;
	in.tight = list->tight;
	float indent = (float)st->list_indent;
	if (list->ordered) {
		int nitems = 0;
		for (const struct block *it = list->children; it; it = it->next)
			nitems++;
		char num[24];
		snprintf(num, sizeof num, "%d.", list->start + nitems);
		float w = text_width(L, FONT_SERIF, c->size, num, strlen(num)) + c->size * 0.5f;
		if (w > indent)
			indent = w;
	}
	if (c->w - indent < (float)st->list_min_width)
		indent = 0; /* too deep: stop indenting, markers still hang */
	in.x = c->x + indent;
	in.w = c->w - indent;
	float gap = c->size * 0.45f;
	int i = 0;
	for (const struct block *it = list->children; it; it = it->next, i++) {
		const char *mark;
		if (it->task == TASK_OPEN)
			mark = "\xe2\x98\x90";
		else if (it->task == TASK_DONE)
			mark = "\xe2\x98\x91";
		else if (list->ordered)
			mark = arena_printf(L->a, "%d.", list->start + i);
		else
			mark = st->bullet[c->depth % 3];
		if (i > 0)
			want_space(L, list->tight ? 1.5f : (float)st->list_item_spacing);
		set_marker(L, c, mark, in.x - gap, it->line);
		L->after_para = false;
		layout_blocks(L, &in, it->children);
		if (L->nmarker) {
			/* An empty item: a line to carry its marker. */
			float h, bl;
			float basc = (float)fonts_ascent(L->fonts, FONT_SERIF) * c->size / 1000;
			float bdesc = (float)fonts_descent(L->fonts, FONT_SERIF) * c->size / 1000;
			line_geometry(c->leading, basc, bdesc, basc, bdesc, &h, &bl);
			struct vitem *v = emit_box(L, &in, BOX_LINE, h, bl, NULL, 0);
			v->block = ++L->serial;
			v->line = v->nlines = 1;
		}
	}
	want_space(L, c->tight ? 1.5f : (float)st->par_spacing);
	L->after_para = false;
}

static void layout_quote(struct lay *L, const struct bctx *c,
			 const struct block *q)
{
	struct bctx in = *c;
	float ind = (float)L->st->quote_indent;
	if (c->w - ind >= (float)L->st->list_min_width) {
		if (in.nbars < MAX_BARS)
			in.bars[in.nbars++] = c->x;
		in.x = c->x + ind;
		in.w = c->w - ind;
	}
	in.color = L->st->quote_color;
	want_space(L, (float)L->st->par_spacing);
	L->after_para = false;
	layout_blocks(L, &in, q->children);
	want_space(L, (float)L->st->par_spacing);
	L->after_para = false;
}

static void layout_rule(struct lay *L, const struct bctx *c)
{
	const struct print_style *st = L->st;
	want_space(L, (float)st->rule_space);
	float h = (float)st->rule_thickness + 2;
	struct lo_item ln = {0};
	ln.kind = LO_LINE;
	ln.w = c->w * (float)st->rule_width_fraction;
	ln.x = c->x + (c->w - ln.w) / 2;
	ln.y = h / 2;
	ln.size = (float)st->rule_thickness;
	ln.color = st->rule_color;
	struct vitem *v = emit_box(L, c, BOX_RULE, h, -1, &ln, 1);
	v->block = ++L->serial;
	v->line = v->nlines = 1;
	want_space(L, (float)st->rule_space);
	L->after_para = false;
}

static void layout_blocks(struct lay *L, const struct bctx *c,
			  const struct block *b)
{
	for (; b; b = b->next) {
		switch (b->type) {
		case BLK_PARAGRAPH:
			layout_paragraph(L, c, b);
			break;
		case BLK_HEADING:
			layout_heading(L, c, b);
			break;
		case BLK_CODE:
			layout_code(L, c, b->text, b->len, b->lang, b->line, b);
			break;
		case BLK_HTML:
			layout_code(L, c, b->text, b->len, "", b->line - 1, b);
			break;
		case BLK_QUOTE:
			layout_quote(L, c, b);
			break;
		case BLK_LIST:
			layout_list(L, c, b);
			break;
		case BLK_TABLE:
			layout_table(L, c, b);
			break;
		case BLK_THEMATIC:
			layout_rule(L, c);
			break;
		case BLK_FOOTNOTE_DEF:
			break; /* set at the foot of the page citing it */
		case BLK_ITEM:
		case BLK_TABLE_ROW:
		case BLK_TABLE_CELL:
			/* Out of place: show the content rather than lose it. */
			if (b->inlines)
				layout_paragraph(L, c, b);
			layout_blocks(L, c, b->children);
			break;
		}
	}
}

/* ---- Footnotes -------------------------------------------------------- */

static struct bctx body_ctx(const struct lay *L)
{
	struct bctx c = {0};
	c.x = 0;
	c.w = L->W;
	c.family = FAM_SERIF;
	c.size = (float)L->st->body.size;
	c.leading = (float)L->st->body.leading;
	c.color = L->st->body.color;
	return c;
}

static struct bctx note_ctx(const struct lay *L)
{
	struct bctx c = body_ctx(L);
	c.x = (float)L->st->footnote_indent;
	c.w = L->W - c.x;
	c.size = (float)L->st->footnote.size;
	c.leading = (float)L->st->footnote.leading;
	c.color = L->st->footnote.color;
	c.note = true;
	c.tight = true;
	return c;
}

static void url_notes(struct lay *L, const struct chapter *ch);

/* A note's vertical list never breaks inside: its glue and penalties
 * become spacing boxes of their height (a penalty has none), and every
 * box is a note line. */
static void as_note_boxes(struct vlist *v)
{
	for (size_t k = 0; k < v->n; k++) {
		if (v->v[k].kind == V_PENALTY)
			v->v[k].height = 0;
		v->v[k].kind = V_BOX;
		v->v[k].box = BOX_NOTE;
		v->v[k].notes = NULL;
	}
}

/* Lays out every cited footnote of the chapter into its own list, ready
 * to be attached to the line that first cites it. */
static void layout_notes(struct lay *L, const struct chapter *ch)
{
	L->nnotes = 0;
	for (int i = 0; i < ch->nfootnotes; i++)
		if (ch->footnotes[i]->number > L->nnotes)
			L->nnotes = ch->footnotes[i]->number;
	/* note_at stays in L->a: placed items and lo->notes point at it.
	 * Each pass of the chapter has the same array (emptied), so that
	 * lines kept from an earlier pass lead to its notes too. */
	L->notes = arena_calloc(&L->tmp, (size_t)L->nnotes + 1, sizeof *L->notes);
	if (!L->note_at_of[ch->index])
		L->note_at_of[ch->index] = arena_calloc(L->a, (size_t)L->nnotes + 1,
							sizeof *L->note_at);
	L->note_at = L->note_at_of[ch->index];
	for (int i = 0; i < L->nnotes; i++) {
		L->note_at[i] = (struct lo_anchor){-1, 0};
		struct layout *lo = L->lo;
		lo->notes = xrealloc(lo->notes, (lo->nnotes + 1) * sizeof *lo->notes);
		lo->notes[lo->nnotes++] = &L->note_at[i];
	}
	L->note_cited = arena_calloc(&L->tmp, (size_t)L->nnotes + 1, sizeof *L->note_cited);
	/* Notes cannot cite notes: mark all as cited while laying them out. */
	for (int i = 0; i < L->nnotes; i++)
		L->note_cited[i] = true;
	struct vlist *saved = L->out;
	struct bctx c = note_ctx(L);
	L->in_notes = true;
	for (int i = 0; i < ch->nfootnotes; i++) {
		struct footnote *fn = ch->footnotes[i];
		if (fn->number <= 0 || !fn->def)
			continue;
		struct vlist *v = arena_alloc(&L->tmp, sizeof *v);
		L->out = v;
		L->pending_space = 0;
		L->last_nbars = 0;
		set_marker(L, &c, arena_printf(L->a, "%d", fn->number),
			   c.x - c.size * 0.4f, fn->def->line);
		layout_blocks(L, &c, fn->def->children);
		L->nmarker = 0;
		as_note_boxes(v);
		if (v->n)
			v->v[0].anchor = &L->note_at[fn->number - 1];
		/* Copy into scratch memory: the heap array lives no longer. */
		struct vitem *a = arena_alloc(&L->tmp, (v->n ? v->n : 1) * sizeof *a);
		if (v->n)
			memcpy(a, v->v, v->n * sizeof *a);
		free(v->v);
		v->v = a;
		v->cap = v->n;
		L->notes[fn->number - 1] = v;
	}
	L->in_notes = false;
	L->out = saved;
	L->pending_space = 0;
	for (int i = 0; i < L->nnotes; i++)
		L->note_cited[i] = false;
	L->useq++;
	if (L->unote)
		url_notes(L, ch);
}

/* ---- Pages ------------------------------------------------------------ */

struct pager {
	struct lay *L;
	int page;
	float used;           /* height used from the top of the text block */
	const struct vitem **fn; /* footnote lines waiting for this page */
	size_t nfn, fncap;
	float fnh;            /* their height */
	const struct chapter *ch;
};


static void new_page(struct pager *P, bool chapter_start)
{
	struct layout *lo = P->L->lo;
	const struct print_style *st = P->L->st;
	if (lo->npages == lo->cap) {
		lo->cap = lo->cap ? lo->cap * 2 : 16;
		lo->pages = xrealloc(lo->pages, (size_t)lo->cap * sizeof *lo->pages);
	}
	struct lo_page *pg = &lo->pages[lo->npages];
	/* The item array of the same page of the pass before, emptied. */
	struct lo_item *items = NULL;
	size_t cap = 0;
	if (lo->npages < P->L->spare_pages) {
		items = pg->items;
		cap = pg->cap;
	}
	memset(pg, 0, sizeof *pg);
	pg->items = items;
	pg->cap = cap;
	pg->chapter = P->ch;
	pg->chapter_start = chapter_start;
	/* Page 1 is a right-hand page: its inner margin is on the left. */
	bool verso = P->L->duplex && lo->npages % 2 == 1;
	pg->left = (float)(verso ? st->margin_outer : st->margin_inner);
	pg->right = pg->left + P->L->W;
	P->page = lo->npages++;
	P->used = 0;
}

static void page_push(struct lo_page *pg, const struct lo_item *it)
{
	if (pg->nitems == pg->cap) {
		/* A page of text holds some 500 items: start big enough to
		 * grow a few times, and by half, since up to a third of the
		 * array stays unused while the layout runs (the slack is
		 * trimmed at the end). */
		pg->cap = pg->cap ? pg->cap + pg->cap / 2 : 256;
		pg->items = xrealloc(pg->items, pg->cap * sizeof *pg->items);
	}
	pg->items[pg->nitems++] = *it;
}

/* Draws v's items with its top edge at PDF y top. */
static void place_items(struct pager *P, const struct vitem *v, float top,
			bool record)
{
	struct layout *lo = P->L->lo;
	struct lo_page *pg = &lo->pages[P->page];
	for (int i = 0; i < v->nitems; i++) {
		struct lo_item it = v->items[i];
		it.x += pg->left;
		it.y = top - it.y;
		if (it.land) {
			if (it.land->page < 0)
				*it.land = (struct lo_anchor){P->page, top};
			it.land = NULL;
		}
		page_push(pg, &it);
	}
	if (v->kind != V_BOX || !record)
		return;
	if (lo->nboxes == lo->boxcap) {
		lo->boxcap = lo->boxcap ? lo->boxcap * 2 : 256;
		lo->boxes = xrealloc(lo->boxes, lo->boxcap * sizeof *lo->boxes);
	}
	lo->boxes[lo->nboxes++] = (struct lo_box){v->box, P->page, top, v->height,
						  v->block, v->line, v->nlines};
	if (v->anchor && v->anchor->page < 0)
		*v->anchor = (struct lo_anchor){P->page, top};
	if (v->heading && P->ch && v->heading->number >= 0 &&
	    v->heading->number < P->ch->nheadings)
		lo->headings[P->ch->index][v->heading->number] =
			(struct lo_anchor){P->page, top};
}

/* The first words set on a page open it (pagination.h); a repeated
 * table header is no new text and does not count. */
static void page_mark(struct pager *P, const struct vitem *v)
{
	struct lo_page *pg = &P->L->lo->pages[P->page];
	if (!pg->mark && v->kind == V_BOX && v->src) {
		pg->mark = v->src;
		pg->mark_word = v->word;
	}
}

static float notes_height(const struct vitem *v)
{
	float h = 0;
	if (v->notes)
		for (size_t k = 0; k < v->notes->n; k++)
			h += v->notes->v[k].height;
	return h;
}

/* Places items [i, stop) of V on the current page. */
static void commit(struct pager *P, const struct vlist *V, size_t i,
		   size_t stop)
{
	struct layout *lo = P->L->lo;
	for (size_t k = i; k < stop; k++) {
		const struct vitem *v = &V->v[k];
		if (v->kind == V_PENALTY)
			continue;
		place_items(P, v, lo->top - P->used, true);
		page_mark(P, v);
		P->used += v->height;
		if (v->kind == V_BOX && v->notes) {
			for (size_t q = 0; q < v->notes->n; q++) {
				GROW(P->fn, P->nfn, P->fncap);
				P->fn[P->nfn++] = &v->notes->v[q];
				P->fnh += v->notes->v[q].height;
			}
		}
	}
}

/* Sets the waiting footnotes at the foot of the page, as many as fit;
 * the rest wait for the next page. */
static void finish_page(struct pager *P)
{
	struct lay *L = P->L;
	struct layout *lo = L->lo;
	if (!P->nfn)
		return;
	float gap = (float)L->st->footnote_space;
	float avail = L->H - P->used - gap, sum = 0;
	size_t m = 0;
	while (m < P->nfn && sum + P->fn[m]->height <= avail + 0.01f)
		sum += P->fn[m++]->height;
	if (m == 0)
		return;
	struct lo_page *pg = &lo->pages[P->page];
	float top = lo->bottom + sum;
	struct lo_item rule = {0};
	rule.kind = LO_LINE;
	rule.x = pg->left;
	rule.y = top + gap / 2;
	rule.w = (float)L->st->footnote_rule_width;
	rule.size = 0.5f;
	rule.color = L->st->footnote.color;
	page_push(pg, &rule);
	for (size_t k = 0; k < m; k++) {
		place_items(P, P->fn[k], top, true);
		page_mark(P, P->fn[k]);
		top -= P->fn[k]->height;
	}
	memmove(P->fn, P->fn + m, (P->nfn - m) * sizeof *P->fn);
	P->nfn -= m;
	P->fnh -= sum;
}

static const struct vitem *box_before(const struct vlist *V, size_t i,
				      size_t from)
{
	while (i > from) {
		i--;
		if (V->v[i].kind == V_BOX)
			return &V->v[i];
	}
	return NULL;
}

static const struct vitem *box_after(const struct vlist *V, size_t i)
{
	for (; i < V->n; i++)
		if (V->v[i].kind == V_BOX)
			return &V->v[i];
	return NULL;
}

/* Counts what a page break between a and b does to the text. */
static void count_break(struct layout *lo, const struct vitem *a,
			const struct vitem *b)
{
	if (!a)
		return;
	if (a->box == BOX_HEADING)
		lo->nheading_foot++;
	if (!b || b->block != a->block || a->box != BOX_LINE)
		return;
	if (a->line == 1 && a->nlines > 1)
		lo->norphans++;
	if (b->line == b->nlines && b->nlines > 1)
		lo->nwidows++;
}

static void place_chapter(struct pager *P, const struct vlist *V)
{
	struct lay *L = P->L;
	struct layout *lo = L->lo;
	/* In duplex a chapter opens on a right-hand (odd) page. */
	if (L->duplex && lo->npages % 2 == 1) {
		new_page(P, false);
		lo->pages[P->page].blank = true;
	}
	new_page(P, P->ch != NULL);
	if (P->ch)
		lo->chapter_start[P->ch->index] = (struct lo_anchor){P->page, lo->top};
	size_t i = 0, n = V->n;
	const struct vlist *repeat = NULL;
	const float gap = (float)L->st->footnote_space;
	while (i < n) {
		while (i < n && V->v[i].kind != V_BOX)
			i++;
		if (i >= n)
			break;
		if (repeat) {
			for (size_t k = 0; k < repeat->n; k++) {
				if (repeat->v[k].kind != V_BOX)
					continue;
				place_items(P, &repeat->v[k], lo->top - P->used, true);
				P->used += repeat->v[k].height;
			}
			repeat = NULL;
		}
		float h = P->used, fn = P->fnh;
		size_t best = SIZE_MAX, j;
		bool overflow = false, forced = false;
		for (j = i; j < n; j++) {
			const struct vitem *v = &V->v[j];
			if (v->kind == V_PENALTY) {
				if (v->penalty <= -INF) {
					forced = true;
					break;
				}
				if (v->penalty < INF)
					best = j;
				continue;
			}
			if (v->kind == V_GLUE) {
				if (j > i && V->v[j - 1].kind == V_BOX)
					best = j;
				h += v->height;
				continue;
			}
			float nh = notes_height(v);
			float need = h + v->height + (fn + nh > 0 ? gap + fn + nh : 0);
			if (need > L->H + 0.01f && j > i) {
				overflow = true;
				break;
			}
			h += v->height;
			fn += nh;
		}
		size_t stop, next;
		if (!overflow && !forced) {
			stop = next = n;
		} else if (forced) {
			stop = j;
			next = j + 1;
		} else if (best != SIZE_MAX) {
			stop = next = best;
		} else {
			stop = next = j; /* nothing better: break before j */
		}
		commit(P, V, i, stop);
		if (stop >= n)
			break;
		if (!forced)
			count_break(lo, box_before(V, stop, i), box_after(V, next));
		if (V->v[stop].kind == V_PENALTY)
			repeat = V->v[stop].repeat;
		finish_page(P);
		new_page(P, false);
		i = next;
	}
	finish_page(P);
	/* Footnotes that did not fit continue on pages of their own. */
	int guard = 0;
	while (P->nfn && guard++ < 1000) {
		new_page(P, false);
		size_t before = P->nfn;
		finish_page(P);
		if (P->nfn == before) {
			/* A note line taller than a page: place it anyway. */
			place_items(P, P->fn[0], lo->top, true);
			page_mark(P, P->fn[0]);
			memmove(P->fn, P->fn + 1, (P->nfn - 1) * sizeof *P->fn);
			P->nfn--;
		}
	}
	P->fnh = 0;
}

/* Empties the scratch arena once a chapter is placed: its pages hold
 * copies of the items, and nothing left in L points into it any more
 * (the footnote lists are forgotten here; L->unote's lists are read
 * only in the chapter run that made them).  Footnote lines still
 * waiting for a page (P->fn, only if more than place_chapter's guard
 * allows) point into it, so then it is kept until the next chapter. */
static void scratch_reset(struct lay *L, const struct pager *P)
{
	if (P->nfn)
		return;
	arena_free(&L->tmp);
	arena_init(&L->tmp);
	L->notes = NULL;
	L->note_cited = NULL;
	L->nnotes = 0;
	L->marker = NULL;
	L->nmarker = 0;
}

/* ---- Front matter and running heads ---------------------------------- */

void layout_folio(const struct lo_page *pg, char out[16])
{
	int n = pg->folio;
	if (!pg->roman) {
		snprintf(out, 16, "%d", n);
		return;
	}
	static const char *const r[] = {"m", "cm", "d", "cd", "c", "xc", "l",
					"xl", "x", "ix", "v", "iv", "i"};
	static const int v[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < 13 && n > 0 && n < 4000; i++) {
		while (n >= v[i] && len + strlen(r[i]) < 15) {
			memcpy(out + len, r[i], strlen(r[i]) + 1);
			len += strlen(r[i]);
			n -= v[i];
		}
	}
}

static struct inline_node *plain_inline(struct lay *L, const char *text)
{
	struct inline_node *n = arena_calloc(L->a, 1, sizeof *n);
	n->type = INL_TEXT;
	n->text = text;
	n->len = strlen(text);
	return n;
}

/* Sets text on one line (shrunk to fit maxw) and returns its items,
 * relative to the start of the baseline. */
static struct pline *set_phrase(struct lay *L, const char *text,
				struct istyle s, float maxw)
{
	for (int pass = 0; pass < 2; pass++) {
		struct toks *t = &L->para;
		toks_reset(t);
		L->nstyles = 0;
		tok_text(L, t, push_style(L, &s), text, strlen(text));
		tok_finish(L, t);
		struct pline *pl;
		int font = role_of(s.family, s.bold, s.italic);
		int n = break_lines(L, t, 1e6f, false, ALIGN_LEFT, font, s.size, &pl);
		if (n < 1)
			return NULL;
		if (pl[0].width <= maxw || pass == 1)
			return pl;
		s.size *= maxw / pl[0].width * 0.999f;
	}
	return NULL;
}

static void put_phrase(struct lo_page *pg, const struct pline *pl, float x,
		       float y)
{
	for (int i = 0; i < pl->nitems; i++) {
		struct lo_item it = pl->items[i];
		if (it.kind == LO_LINK)
			continue;
		it.x += x;
		it.y = y - it.y;
		page_push(pg, &it);
	}
}

/* Running heads (the chapter title, not on a chapter's first page) and
 * folios (page numbers; none on the title page or blank pages). */
static void add_furniture(struct lay *L)
{
	struct layout *lo = L->lo;
	const struct print_style *st = L->st;
	for (int p = 0; p < lo->npages; p++) {
		struct lo_page *pg = &lo->pages[p];
		if (pg->blank || pg->nitems == 0) {
			pg->blank = true;
			continue;
		}
		if (pg->front && pg->folio == 1)
			continue; /* the title page */
		char num[16];
		layout_folio(pg, num);
		struct istyle s = {0};
		s.family = FAM_SERIF;
		s.size = (float)st->folio.size;
		s.color = st->folio.color;
		const char *folio = L->part ? arena_printf(L->a, "Module %d \xc2\xb7 page %s",
							   L->part->module->number, num)
					    : arena_strdup(L->a, num);
		struct pline *pl = set_phrase(L, folio, s, L->W);
		if (pl)
			put_phrase(pg, pl, pg->left + (L->W - pl->width) / 2,
				   lo->bottom - (float)st->footer_gap);
		if (pg->chapter && !pg->chapter_start && pg->chapter->title) {
			s.size = (float)st->header.size;
			s.color = st->header.color;
			s.italic = true;
			pl = set_phrase(L, pg->chapter->title, s, L->W);
			if (pl)
				put_phrase(pg, pl, pg->left + (L->W - pl->width) / 2,
					   lo->top + (float)st->header_gap);
		}
	}
}

/* One contents line: the title (wrapped), dot leaders and the page
 * number, all one link to the target. */
static void toc_line(struct lay *L, const struct bctx *c, const char *title,
		     int level, bool bold, int page, struct link *link)
{
	const struct print_style *st = L->st;
	struct bctx cc = *c;
	float indent = (float)level * cc.size * 1.6f;
	cc.x += indent;
	cc.w -= indent;
	char num[16] = "";
	if (page >= 0)
		snprintf(num, sizeof num, "%d", page + 1 + L->page_offset);
	struct istyle s = base_style(&cc);
	s.bold = bold;
	float numw = text_width(L, FONT_SERIF, cc.size, num, strlen(num));
	struct toks *t = &L->para;
	toks_reset(t);
	L->nstyles = 0;
	tok_text(L, t, push_style(L, &s), title, strlen(title));
	tok_finish(L, t);
	struct pline *pl;
	int font = role_of(s.family, s.bold, s.italic);
	int n = break_lines(L, t, cc.w - numw - cc.size * 3, false, ALIGN_LEFT,
			    font, cc.size, &pl);
	for (int k = 0; k < n; k++) {
		bool last = k == n - 1;
		int extra = 1 + (last && page >= 0 ? 2 : 0);
		struct lo_item *items = arena_alloc(&L->tmp, (size_t)(pl[k].nitems + extra) * sizeof *items);
		memcpy(items, pl[k].items, (size_t)pl[k].nitems * sizeof *items);
		int ni = pl[k].nitems;
		if (last && page >= 0) {
			float pairw = text_width(L, FONT_SERIF, cc.size, " .", 2);
			/* Leaders end at one edge for all lines, so their
			 * dots line up down the page. */
			float from = pl[k].width + cc.size * 0.3f;
			float to = cc.w - text_width(L, FONT_SERIF, cc.size, "0000", 4);
			int dots = pairw > 0 && to > from ? (int)((to - from) / pairw) : 0;
			struct lo_item *it = &items[ni++];
			memset(it, 0, sizeof *it);
			char *lead = arena_alloc(L->a, (size_t)dots * 2 + 1);
			for (int d = 0; d < dots; d++)
				memcpy(lead + 2 * d, " .", 2);
			lead[2 * dots] = 0;
			it->kind = LO_TEXT;
			it->font = FONT_SERIF;
			it->size = cc.size;
			it->color = st->contents.color;
			it->x = to - (float)dots * pairw;
			it->w = (float)dots * pairw;
			it->text = lead;
			it->len = (size_t)dots * 2;
			it = &items[ni++];
			memset(it, 0, sizeof *it);
			it->kind = LO_TEXT;
			it->font = FONT_SERIF;
			it->size = cc.size;
			it->color = st->contents.color;
			it->x = cc.w - numw;
			it->w = numw;
			it->text = arena_strdup(L->a, num);
			it->len = strlen(num);
		}
		if (link) {
			struct lo_item *it = &items[ni++];
			memset(it, 0, sizeof *it);
			it->kind = LO_LINK;
			it->x = 0;
			it->w = cc.w;
			it->y = pl[k].desc;
			it->h = pl[k].asc + pl[k].desc;
			it->link = link;
		}
		pl[k].items = items;
		pl[k].nitems = ni;
	}
	emit_lines(L, &cc, pl, n, BOX_LINE, cc.leading, font, cc.size, true);
	if (page >= 0) {
		struct layout *lo = L->lo;
		lo->toc = xrealloc(lo->toc, (size_t)(lo->ntoc + 1) * sizeof *lo->toc);
		lo->toc[lo->ntoc++] = (struct lo_toc){page, level, title};
	}
}

static struct link *internal_link(struct lay *L, struct chapter *ch,
				  struct block *heading)
{
	struct link *l = arena_calloc(L->a, 1, sizeof *l);
	l->kind = LINK_INTERNAL;
	l->chapter = ch;
	l->heading = heading;
	l->anchor = heading ? heading->slug : NULL;
	l->ext_index = -1;
	return l;
}

static void toc_chapter(struct lay *L, const struct bctx *c, struct chapter *ch,
			const char *title, const char *number, int depth)
{
	struct layout *lo = L->lo;
	const char *t = title ? title : ch->title ? ch->title : ch->path;
	if (number)
		t = arena_printf(L->a, "%s %s", number, t);
	want_space(L, depth == 0 ? 3 : 0);
	toc_line(L, c, t, depth, depth == 0, lo->chapter_start[ch->index].page,
		 internal_link(L, ch, NULL));
	if (L->st->contents_depth < 2)
		return;
	for (int h = 0; h < ch->nheadings; h++) {
		struct block *hb = ch->headings[h];
		if (hb->level != 2 || !hb->plain)
			continue;
		toc_line(L, c, hb->plain, depth + 1, false,
			 lo->headings[ch->index][h].page,
			 internal_link(L, ch, hb));
	}
}

/* The column of the contents' entries. */
static struct bctx contents_ctx(const struct lay *L)
{
	struct bctx tc = body_ctx(L);
	tc.size = (float)L->st->contents.size;
	tc.leading = (float)L->st->contents.leading;
	tc.color = L->st->contents.color;
	return tc;
}

/* The contents entry of the Resources appendix, if there is one. */
static void toc_appendix(struct lay *L, const struct bctx *tc)
{
	if (!L->appendix)
		return;
	want_space(L, 3);
	toc_line(L, tc, L->appendix->title, 0, true,
		 L->lo->chapter_start[L->appendix->index].page,
		 internal_link(L, L->appendix, NULL));
}

/* The book's title page: title, subtitle, authors, version and date,
 * then (duplex) its blank back. */
static void title_page(struct lay *L, const struct bctx *c)
{
	const struct print_style *st = L->st;
	const struct metadata *m = &L->book->meta;
	struct vitem *v = emit_box(L, c, BOX_RULE, L->H * 0.22f, -1, NULL, 0);
	v->block = ++L->serial;
	struct istyle s = {0};
	s.family = FAM_SANS;
	s.bold = true;
	s.size = (float)st->title_size;
	s.color = st->title_color;
	const char *title = m->title ? m->title : "Untitled";
	layout_text(L, c, plain_inline(L, title), NULL, s, s.size * 1.2f, false,
		    ALIGN_CENTER, BOX_HEADING, 0, true);
	if (m->subtitle) {
		want_space(L, s.size * 0.6f);
		s.bold = false;
		s.size = (float)st->subtitle_size;
		layout_text(L, c, plain_inline(L, m->subtitle), NULL, s,
			    s.size * 1.25f, false, ALIGN_CENTER, BOX_LINE, 0, true);
	}
	if (m->nauthors > 0) {
		struct buf b = BUF_INIT;
		for (int i = 0; i < m->nauthors; i++) {
			if (i)
				buf_puts(&b, i + 1 == m->nauthors ? " and " : ", ");
			buf_puts(&b, m->authors[i]);
		}
		want_space(L, (float)st->title_size * 1.5f);
		s.family = FAM_SERIF;
		s.bold = false;
		s.size = (float)st->author_size;
		s.color = st->body.color;
		layout_text(L, c, plain_inline(L, buf_to_arena(&b, L->a)), NULL, s,
			    s.size * 1.3f, false, ALIGN_CENTER, BOX_LINE, 0, true);
		buf_free(&b);
	}
	if (m->version || m->date) {
		const char *line = m->version && m->date
			? arena_printf(L->a, "Version %s \xc2\xb7 %s", m->version, m->date)
			: m->version ? arena_printf(L->a, "Version %s", m->version)
				     : m->date;
		want_space(L, (float)st->author_size);
		s.family = FAM_SERIF;
		s.italic = true;
		s.size = (float)st->body.size;
		s.color = st->body.color;
		layout_text(L, c, plain_inline(L, line), NULL, s, c->leading, false,
			    ALIGN_CENTER, BOX_LINE, 0, true);
	}
	add_penalty(L, -INF);
	if (L->duplex) {
		/* The title page's back stays blank. */
		v = emit_box(L, c, BOX_RULE, 0, -1, NULL, 0);
		v->block = ++L->serial;
		add_penalty(L, -INF);
	}
}

/* One entry of the book's contents (book->toc). */
static void toc_entry(struct lay *L, const struct bctx *tc,
		      const struct toc_entry *e)
{
	switch (e->kind) {
	case TOC_CHAPTER:
		if (e->chapter)
			toc_chapter(L, tc, e->chapter, e->title, e->number, e->depth);
		break;
	case TOC_DRAFT: {
		struct bctx dc = *tc;
		dc.italic = true;
		toc_line(L, &dc, e->title ? e->title : "", e->depth, false, -1, NULL);
		break;
	}
	case TOC_PART: {
		want_space(L, tc->leading * 0.8f);
		struct bctx pc = *tc;
		pc.family = FAM_SANS;
		toc_line(L, &pc, e->title ? e->title : "", 0, true, -1, NULL);
		add_penalty(L, INF);
		want_space(L, 2);
		break;
	}
	case TOC_SEPARATOR:
		want_space(L, tc->leading * 0.6f);
		break;
	}
}

/* The title page and the contents, into V.  Body page numbers are known:
 * front matter is numbered apart (roman), so its length changes none. */
static void layout_front(struct lay *L, struct vlist *V)
{
	const struct book *book = L->book;
	const struct print_style *st = L->st;
	L->out = V;
	L->pending_space = 0;
	L->nmarker = 0;
	struct bctx c = body_ctx(L);
	title_page(L, &c);

	/* Contents. */
	struct istyle hs = {0};
	const struct style_heading *h1 = &st->h[0];
	hs.family = FAM_SANS;
	hs.bold = true;
	hs.size = (float)h1->size;
	hs.color = h1->color;
	layout_text(L, &c, plain_inline(L, st->contents_title), NULL, hs,
		    (float)h1->leading, false, ALIGN_LEFT, BOX_HEADING, 0, true);
	add_penalty(L, INF);
	L->pending_space = 0;
	want_space(L, (float)h1->space_after);
	struct bctx tc = contents_ctx(L);
	if (book->ntoc > 0) {
		for (int i = 0; i < book->ntoc; i++)
			toc_entry(L, &tc, &book->toc[i]);
	} else {
		for (int i = 0; i < book->nchapters; i++)
			toc_chapter(L, &tc, book->chapters[i], NULL, NULL, 0);
	}
	toc_appendix(L, &tc);
}

static void heading_text(struct lay *L, const struct bctx *c, const char *text,
			 int level);

/* A handout's first page: a title block naming the book and the module,
 * and the module's own contents. */
static void layout_part_front(struct lay *L, struct vlist *V)
{
	const struct book *book = L->book;
	const struct print_style *st = L->st;
	const struct module *m = L->part->module;
	L->out = V;
	L->pending_space = 0;
	L->nmarker = 0;
	struct bctx c = body_ctx(L);

	struct istyle s = {0};
	s.family = FAM_SANS;
	s.size = (float)st->author_size;
	s.color = st->title_color;
	const char *title = book->meta.title ? book->meta.title : "Untitled";
	if (book->meta.subtitle)
		title = arena_printf(L->a, "%s \xe2\x80\x94 %s", title, book->meta.subtitle);
	layout_text(L, &c, plain_inline(L, title), NULL, s, s.size * 1.3f, false,
		    ALIGN_LEFT, BOX_LINE, 0, true);
	add_penalty(L, INF);
	want_space(L, s.size);
	s.bold = true;
	s.size = (float)st->subtitle_size;
	layout_text(L, &c, plain_inline(L, arena_printf(L->a, "Module %d", m->number)),
		    NULL, s, s.size * 1.25f, false, ALIGN_LEFT, BOX_HEADING, 0, true);
	add_penalty(L, INF);
	s.size = (float)st->title_size;
	layout_text(L, &c, plain_inline(L, m->title), NULL, s, s.size * 1.2f, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	add_penalty(L, INF);
	want_space(L, (float)st->h[1].space_before);
	layout_rule(L, &c);
	add_penalty(L, INF);

	heading_text(L, &c, st->contents_title, 2);
	struct bctx tc = contents_ctx(L);
	/* The contents entries of the module's chapters, at their depth
	 * below the module's page. */
	int d0 = m->page->toc_index >= 0 && m->page->toc_index < book->ntoc
		? book->toc[m->page->toc_index].depth : 0;
	for (int ci = L->first; ci < L->end; ci++) {
		struct chapter *ch = book->chapters[ci];
		const struct toc_entry *e = ch->toc_index >= 0 && ch->toc_index < book->ntoc
			? &book->toc[ch->toc_index] : NULL;
		int depth = e && e->depth > d0 ? e->depth - d0 : 0;
		toc_chapter(L, &tc, ch, e ? e->title : NULL, e ? e->number : NULL, depth);
	}
	toc_appendix(L, &tc);
}

/* Lays out and places every chapter. */
static void layout_body(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	const struct print_style *st = L->st;
	const struct fonts *fonts = L->fonts;
	struct layout *lo = L->lo;
	for (int e = 0; L->ref_at && e < book->nextrefs; e++)
		L->ref_at[e].page = -1;
	for (int ci = L->first; ci < L->end; ci++) {
		const struct chapter *ch = book->chapters[ci];
		L->ch = ch;
		P->ch = ch;
		lo->chapter_start[ci].page = -1;
		lo->headings[ci] = arena_calloc(L->a, (size_t)ch->nheadings + 1,
						sizeof **lo->headings);
		for (int h = 0; h < ch->nheadings; h++)
			lo->headings[ci][h].page = -1;
		struct vlist V = {0};
		L->out = &V;
		L->pending_space = 0;
		L->last_nbars = 0;
		L->after_para = false;
		L->nmarker = 0;
		layout_notes(L, ch);
		L->out = &V;
		struct bctx c = body_ctx(L);
		layout_blocks(L, &c, ch->blocks);
		/* Definitions nobody cites are still printed, at the end. */
		struct bctx nc = note_ctx(L);
		for (int i = 0; i < ch->nfootnotes; i++) {
			struct footnote *fn = ch->footnotes[i];
			if (fn->number > 0 || !fn->def)
				continue;
			want_space(L, (float)st->par_spacing);
			set_marker(L, &nc, arena_printf(L->a, "[%s]", fn->label ? fn->label : ""),
				   nc.x + nc.w, fn->def->line);
			L->marker[0].x = nc.x;
			L->marker[0].y = 0;
			/* The label stands on its own line above the text. */
			float hh, bl;
			float basc = (float)fonts_ascent(fonts, FONT_SERIF) * nc.size / 1000;
			float bdesc = (float)fonts_descent(fonts, FONT_SERIF) * nc.size / 1000;
			line_geometry(nc.leading, basc, bdesc, basc, bdesc, &hh, &bl);
			struct vitem *v = emit_box(L, &nc, BOX_LINE, hh, bl, NULL, 0);
			v->block = ++L->serial;
			v->line = v->nlines = 1;
			add_penalty(L, INF);
			layout_blocks(L, &nc, fn->def->children);
		}
		place_chapter(P, &V);
		vlist_free(&V);
		scratch_reset(L, P);
	}
}

/* Forgets the pages of an earlier pass (the arena keeps its anchors, which
 * the next pass reads for its page references).  Their item arrays are
 * kept, empty, for the next pass's pages (new_page), which saves
 * growing them again. */
static void reset_pages(struct lay *L)
{
	struct layout *lo = L->lo;
	for (int i = 0; i < lo->npages; i++)
		lo->pages[i].nitems = 0;
	if (lo->npages > L->spare_pages)
		L->spare_pages = lo->npages;
	lo->npages = 0;
	lo->nboxes = 0;
	lo->nnotes = 0;
	lo->nwidows = lo->norphans = lo->nheading_foot = 0;
}

/* True if every chapter and heading landed where the references of the
 * pass before said. */
static bool refs_stable(const struct lay *L)
{
	const struct layout *lo = L->lo;
	for (int ci = L->first; ci < L->end; ci++) {
		if (lo->chapter_start[ci].page != L->ref_starts[ci].page)
			return false;
		for (int h = 0; h < L->book->chapters[ci]->nheadings; h++)
			if (lo->headings[ci][h].page != L->ref_heads[ci][h].page)
				return false;
	}
	return true;
}

/* ---- External links: URLs, footnoted URLs, the Resources appendix --- */

/* Advance of cp as flush_word() measures it in role. */
static float char_width(struct lay *L, int role, uint32_t cp, float size)
{
	int f = pick_font(L, role, cp, 0);
	if (f < 0)
		return text_width(L, L->repl_font >= 0 ? L->repl_font : FONT_FALLBACK,
				  size, L->repl_text, strlen(L->repl_text));
	return adv(L, f, cp, size);
}

/* Sets url in style s as lines of column c: broken after a '/' or before
 * '.', '?', '&', '-', '#' or '=' (never with a hyphen added), and inside a
 * part too long for a line after its last character that fits.  Pieces
 * are measured as flush_word() measures them and separated by forced
 * breaks, so the line breaker keeps each on its line. */
static void layout_url(struct lay *L, const struct bctx *c, const char *url,
		       struct istyle s, float leading, enum lo_box_kind kind)
{
	struct toks *t = &L->para;
	toks_reset(t);
	L->nstyles = 0;
	int si = push_style(L, &s);
	int role = role_of(s.family, s.bold, s.italic);
	size_t n = strlen(url), ls = 0, best = 0, i = 0;
	float w = 0, width = c->w - 0.02f;
	uint32_t prev = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(url + i, n - i, &cp);
		if (i > ls && prev != '/' && strchr(".?&-#=", (int)cp) && cp)
			best = i;
		float cw = char_width(L, role, cp, s.size);
		while (w + cw > width && i > ls) {
			size_t brk = best > ls ? best : i;
			tok_text(L, t, si, url + ls, brk - ls);
			tok_forced_break(L, t);
			w = 0;
			for (size_t j = brk; j < i;) {
				uint32_t q;
				j += (size_t)utf8_decode(url + j, i - j, &q);
				w += char_width(L, role, q, s.size);
			}
			ls = best = brk;
		}
		w += cw;
		i += (size_t)len;
		if (cp == '/' && (i >= n || url[i] != '/'))
			best = i;
		prev = cp;
	}
	if (n > ls)
		tok_text(L, t, si, url + ls, n - ls);
	tok_finish(L, t);
	struct pline *pl;
	int font = role_of(s.family, s.bold, s.italic);
	int nl = break_lines(L, t, c->w, false, ALIGN_LEFT, font, s.size, &pl);
	emit_lines(L, c, pl, nl, kind, leading, font, s.size, true);
}

/* Footnoted URLs: the note for each entry the chapter cites, laid out
 * before its text as layout_notes() does for the author's notes. */
static void url_notes(struct lay *L, const struct chapter *ch)
{
	const struct book *book = L->book;
	struct vlist *saved = L->out;
	struct bctx c = note_ctx(L);
	for (int e = L->ref_lo[ch->index]; e < L->ref_hi[ch->index]; e++) {
		int entry = L->res_index[book->extrefs[e].distinct];
		if (entry < 0 || L->unote_seq[entry] == L->useq)
			continue;
		struct vlist *v = arena_calloc(&L->tmp, 1, sizeof *v);
		L->out = v;
		L->pending_space = 0;
		L->last_nbars = 0;
		set_marker(L, &c, arena_printf(L->a, "%d", entry + 1),
			   c.x - c.size * 0.4f, 0);
		L->marker[0].color = L->st->link_color;
		struct istyle u = base_style(&c);
		u.family = FAM_MONO;
		u.link = &L->res_link[entry];
		layout_url(L, &c, L->res[entry]->url, u, c.leading, BOX_NOTE);
		L->nmarker = 0;
		as_note_boxes(v);
		struct lo_anchor *at = arena_calloc(L->a, 1, sizeof *at);
		at->page = -1;
		struct layout *lo = L->lo;
		lo->notes = xrealloc(lo->notes, (lo->nnotes + 1) * sizeof *lo->notes);
		lo->notes[lo->nnotes++] = at;
		if (v->n)
			v->v[0].anchor = at;
		struct vitem *a = arena_alloc(&L->tmp, (v->n ? v->n : 1) * sizeof *a);
		if (v->n)
			memcpy(a, v->v, v->n * sizeof *a);
		free(v->v);
		v->v = a;
		v->cap = v->n;
		/* Scratch memory: read (notes_for) only while this chapter run
		 * (unote_seq == useq) is laid out, never after the reset. */
		L->unote[entry] = v;
		L->unote_at[entry] = at;
		L->unote_seq[entry] = L->useq;
	}
	L->out = saved;
	L->pending_space = 0;
}

/* Which entries this layout lists and in what order: the book's
 * Resources (resources.c) as they are. */
static void res_setup(struct lay *L)
{
	const struct book *book = L->book;
	int nd = book->next_distinct;
	if (book->nresources <= 0 || !book->resource_of || nd <= 0)
		return;
	struct arena *a = L->a;
	L->nres = book->nresources;
	L->res = arena_calloc(a, (size_t)L->nres, sizeof *L->res);
	L->res_group = arena_calloc(a, (size_t)L->nres, sizeof *L->res_group);
	L->res_index = arena_alloc(a, (size_t)nd * sizeof *L->res_index);
	if (!L->part) {
		for (int d = 0; d < nd; d++) {
			const struct resource *r = book->resource_of[d];
			L->res_index[d] = r && r->number >= 1 && r->number <= L->nres ? r->number - 1 : -1;
		}
		for (int i = 0; i < L->nres; i++) {
			const struct resource *r = &book->resources[i];
			L->res[i] = r;
			L->res_group[i] = r->author_listed ? NULL : r->chapter;
		}
	} else {
		/* A handout lists what its chapters cite, in the order they
		 * first cite it, grouped by that chapter. */
		L->nres = 0;
		for (int d = 0; d < nd; d++)
			L->res_index[d] = -1;
		for (int e = 0; e < book->nextrefs; e++) {
			const struct extref *x = &book->extrefs[e];
			if (!x->chapter || x->chapter->index < L->first ||
			    x->chapter->index >= L->end || L->res_index[x->distinct] >= 0 ||
			    !book->resource_of[x->distinct])
				continue;
			L->res_index[x->distinct] = L->nres;
			L->res[L->nres] = book->resource_of[x->distinct];
			L->res_group[L->nres] = x->chapter;
			L->nres++;
		}
		if (!L->nres)
			return;
	}
	L->res_link = arena_calloc(a, (size_t)L->nres, sizeof *L->res_link);
	L->res_at = arena_calloc(a, (size_t)L->nres, sizeof *L->res_at);
	for (int i = 0; i < L->nres; i++) {
		L->res_link[i].kind = LINK_EXTERNAL;
		L->res_link[i].url = L->res[i]->url;
		L->res_link[i].ext_index = -1; /* no reference number of its own */
		L->res_at[i].page = -1;
	}
	/* Where each citing link lands, found by its node. */
	int ne = book->nextrefs;
	L->ref_at = arena_calloc(a, (size_t)ne + 1, sizeof *L->ref_at);
	L->ref_cap = 16;
	while (L->ref_cap < (size_t)ne * 2)
		L->ref_cap *= 2;
	L->ref_key = arena_calloc(a, L->ref_cap, sizeof *L->ref_key);
	L->ref_val = arena_calloc(a, L->ref_cap, sizeof *L->ref_val);
	int nch = book->nchapters;
	L->ref_lo = arena_calloc(a, (size_t)nch + 1, sizeof *L->ref_lo);
	L->ref_hi = arena_calloc(a, (size_t)nch + 1, sizeof *L->ref_hi);
	for (int e = ne - 1; e >= 0; e--) {
		const struct extref *x = &book->extrefs[e];
		size_t h = ptr_hash(x->node, L->ref_cap);
		while (L->ref_key[h] && L->ref_key[h] != x->node)
			h = (h + 1) & (L->ref_cap - 1);
		L->ref_key[h] = x->node;
		L->ref_val[h] = e;
		if (x->chapter && x->chapter->index >= 0 && x->chapter->index < nch) {
			int ci = x->chapter->index;
			if (L->ref_hi[ci] == 0)
				L->ref_hi[ci] = e + 1;
			L->ref_lo[ci] = e;
		}
	}
	if (L->st->link_refs == REFS_FOOTNOTES) {
		L->unote = arena_calloc(a, (size_t)L->nres, sizeof *L->unote);
		L->unote_at = arena_calloc(a, (size_t)L->nres, sizeof *L->unote_at);
		L->unote_seq = arena_calloc(a, (size_t)L->nres, sizeof *L->unote_seq);
		L->ucited_seq = arena_calloc(a, (size_t)L->nres, sizeof *L->ucited_seq);
	}
}

/* A heading the layout makes (the appendix's title, its groups). */
static void heading_text(struct lay *L, const struct bctx *c, const char *text,
			 int level)
{
	const struct style_heading *h = &L->st->h[level - 1];
	want_space(L, (float)h->space_before);
	struct istyle s = {0};
	s.family = h->font == FONT_SANS || h->font == FONT_SANS_BOLD ? FAM_SANS : FAM_SERIF;
	s.bold = h->font == FONT_SANS_BOLD || h->font == FONT_SERIF_BOLD;
	s.size = (float)h->size;
	s.color = h->color;
	layout_text(L, c, plain_inline(L, text), NULL, s, (float)h->leading, false,
		    ALIGN_LEFT, BOX_HEADING, 0, true);
	add_penalty(L, INF);
	L->pending_space = 0;
	want_space(L, (float)h->space_after);
	L->after_para = false;
}

struct cite {
	int page, ref;
};

static int cite_cmp(const void *a, const void *b)
{
	const struct cite *x = a, *y = b;
	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return (x->ref > y->ref) - (x->ref < y->ref);
}

static const char *chapter_name(struct lay *L, const struct chapter *ch)
{
	const char *t = ch->title ? ch->title : ch->path;
	return ch->number ? arena_printf(L->a, "%s %s", ch->number, t) : t;
}

/* "Cited in Chapter, pp. 4, 17; Other, p. 20." - each number a link to
 * the place that cites the entry on that page. */
static void layout_cited(struct lay *L, const struct bctx *c, int entry)
{
	const struct resource *r = L->res[entry];
	const struct print_style *st = L->st;
	struct toks *t = &L->para;
	toks_reset(t);
	L->nstyles = 0;
	struct istyle s = base_style(c);
	s.size = (float)st->resources_cited.size;
	s.color = st->resources_cited.color;
	struct istyle it = s;
	it.italic = !s.italic;
	int plain = push_style(L, &s), ital = push_style(L, &it);
	struct cite *cs = xmalloc(((size_t)r->nrefs + 1) * sizeof *cs);
	bool any = false;
	int k = 0;
	while (k < r->nrefs) {
		const struct chapter *ch = L->book->extrefs[r->refs[k]].chapter;
		int n = 0;
		for (; k < r->nrefs && L->book->extrefs[r->refs[k]].chapter == ch; k++) {
			const struct lo_anchor *a = &L->ref_at[r->refs[k]];
			if (a->page >= 0)
				cs[n++] = (struct cite){a->page, r->refs[k]};
		}
		if (!n || !ch)
			continue;
		qsort(cs, (size_t)n, sizeof *cs, cite_cmp);
		int u = 0;
		for (int q = 0; q < n; q++)
			if (!u || cs[u - 1].page != cs[q].page)
				cs[u++] = cs[q];
		const char *sep = any ? "; " : "Cited in ";
		tok_text(L, t, plain, sep, strlen(sep));
		const char *name = chapter_name(L, ch);
		tok_text(L, t, ital, name, strlen(name));
		const char *pp = u > 1 ? ", pp.\xc2\xa0" : ", p.\xc2\xa0";
		tok_text(L, t, plain, pp, strlen(pp));
		for (int q = 0; q < u; q++) {
			if (q)
				tok_text(L, t, plain, ", ", 2);
			struct istyle ns = s;
			ns.color = st->link_color;
			ns.dest = &L->ref_at[cs[q].ref];
			const char *num = arena_printf(L->a, "%d", cs[q].page + 1 + L->page_offset);
			tok_text(L, t, push_style(L, &ns), num, strlen(num));
		}
		any = true;
	}
	free(cs);
	if (!any)
		return;
	tok_text(L, t, plain, ".", 1);
	tok_finish(L, t);
	struct pline *pl;
	int font = role_of(s.family, s.bold, s.italic);
	int n = break_lines(L, t, c->w, false, ALIGN_LEFT, font, s.size, &pl);
	emit_lines(L, c, pl, n, BOX_LINE, (float)st->resources_cited.leading,
		   font, s.size, false);
}

/* One entry: its number hanging in the margin, the title, the URL, the
 * author's description and where the book cites it. */
static void layout_entry(struct lay *L, const struct bctx *c, int entry)
{
	const struct resource *r = L->res[entry];
	const struct print_style *st = L->st;
	struct bctx in = *c;
	float ind = c->size * 2.4f;
	in.x = c->x + ind;
	in.w = c->w - ind;
	want_space(L, (float)st->par_spacing + 2);
	set_marker(L, c, arena_printf(L->a, "%d.", entry + 1),
		   in.x - c->size * 0.45f, 0);
	size_t first = L->out->n;
	struct istyle s = base_style(&in);
	s.bold = true;
	layout_text(L, &in, plain_inline(L, r->title && *r->title ? r->title : r->url),
		    NULL, s, in.leading, false, ALIGN_LEFT, BOX_LINE, 0, true);
	for (size_t k = first; k < L->out->n; k++) {
		if (L->out->v[k].kind == V_BOX) {
			L->out->v[k].anchor = &L->res_at[entry];
			break;
		}
	}
	add_penalty(L, INF);
	struct istyle u = base_style(&in);
	u.family = FAM_MONO;
	u.size = (float)st->code.size;
	u.link = &L->res_link[entry];
	layout_url(L, &in, r->url, u, (float)st->code.leading * 1.1f, BOX_LINE);
	if (r->description && *r->description) {
		add_penalty(L, INF);
		struct istyle d = base_style(&in);
		d.italic = true;
		layout_text(L, &in, plain_inline(L, r->description), NULL, d,
			    in.leading, false, ALIGN_LEFT, BOX_LINE, 0, false);
	}
	add_penalty(L, INF);
	layout_cited(L, &in, entry);
}

/* The Resources appendix: a chapter of its own after the last one. */
static void layout_appendix(struct lay *L, struct pager *P)
{
	if (!L->nres)
		return;
	const struct print_style *st = L->st;
	struct layout *lo = L->lo;
	struct chapter *ap = arena_calloc(L->a, 1, sizeof *ap);
	ap->index = L->book->nchapters;
	ap->title = st->resources_title;
	ap->path = "";
	ap->toc_index = -1;
	L->appendix = ap;
	lo->appendix = ap;
	lo->chapter_start[ap->index].page = -1;
	L->ch = NULL;
	P->ch = ap;
	for (int i = 0; i < L->nres; i++)
		L->res_at[i].page = -1;
	struct vlist V = {0};
	L->out = &V;
	L->pending_space = 0;
	L->last_nbars = 0;
	L->after_para = false;
	L->nmarker = 0;
	struct bctx c = body_ctx(L);
	heading_text(L, &c, st->resources_title, 1);
	for (int i = 0; i < L->nres; i++) {
		if (i == 0 || L->res_group[i] != L->res_group[i - 1]) {
			const struct chapter *g = L->res_group[i];
			heading_text(L, &c, g ? chapter_name(L, g) : st->resources_author, 3);
		}
		layout_entry(L, &c, i);
	}
	place_chapter(P, &V);
	vlist_free(&V);
	scratch_reset(L, P);
}

/* ---- The book --------------------------------------------------------- */

/* The body's passes, then the Resources appendix, into lo->pages (pages
 * counted from the first chapter's). */
static void lay_body(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	struct layout *lo = L->lo;
	L->draft = L->st->page_refs;
	layout_body(L, P);
	L->draft = false;
	/* "(p. N)" after cross-references: lay out again with the pages the
	 * pass before found, until no target moves (or three passes). */
	for (int pass = 0; L->st->page_refs && pass < 3; pass++) {
		int n = book->nchapters;
		struct lo_anchor *starts = arena_calloc(L->a, (size_t)n + 1, sizeof *starts);
		struct lo_anchor **heads = arena_calloc(L->a, (size_t)n + 1, sizeof *heads);
		memcpy(starts, lo->chapter_start, (size_t)n * sizeof *starts);
		memcpy(heads, lo->headings, (size_t)n * sizeof *heads);
		if (pass > 0 && refs_stable(L))
			break;
		L->ref_starts = starts;
		L->ref_heads = heads;
		reset_pages(L);
		layout_body(L, P);
	}
	/* The Resources appendix follows: it moves no page before it, and
	 * its "cited on" pages are those of the final pass. */
	layout_appendix(L, P);
}

/* Lays out the front matter and puts it before the body's pages, moving
 * every anchor along.  Returns the number of front pages. */
static int lay_front(struct lay *L, struct pager *P)
{
	const struct book *book = L->book;
	struct layout *lo = L->lo;
	struct lo_page *body = lo->pages;
	int nbody = lo->npages;
	/* The front matter's pages are a new array, with no spare items. */
	for (int i = nbody; i < L->spare_pages; i++)
		free(body[i].items);
	L->spare_pages = 0;
	struct lo_box *bboxes = lo->boxes;
	size_t nbboxes = lo->nboxes;
	lo->pages = NULL;
	lo->npages = lo->cap = 0;
	lo->boxes = NULL;
	lo->nboxes = lo->boxcap = 0;
	L->ch = NULL;
	P->ch = NULL;
	L->nnotes = 0;
	L->note_at = NULL;
	struct vlist F = {0};
	if (L->part)
		layout_part_front(L, &F);
	else
		layout_front(L, &F);
	place_chapter(P, &F);
	vlist_free(&F);
	scratch_reset(L, P);
	if (L->duplex && lo->npages % 2 == 1) {
		new_page(P, false);
		lo->pages[P->page].blank = true;
	}
	int nfront = lo->npages;
	lo->nfront = nfront;
	for (int i = 0; i < nfront; i++) {
		lo->pages[i].front = true;
		lo->pages[i].roman = !L->part;
		lo->pages[i].folio = i + 1;
	}
	lo->cap = nfront + nbody;
	lo->pages = xrealloc(lo->pages, (size_t)(lo->cap ? lo->cap : 1) * sizeof *lo->pages);
	memcpy(lo->pages + nfront, body, (size_t)nbody * sizeof *body);
	free(body);
	lo->npages = nfront + nbody;
	for (int i = 0; i < nbody; i++)
		lo->pages[nfront + i].folio = i + 1 + L->page_offset;
	lo->boxcap = lo->nboxes + nbboxes;
	lo->boxes = xrealloc(lo->boxes, (lo->boxcap ? lo->boxcap : 1) * sizeof *lo->boxes);
	for (size_t i = 0; i < nbboxes; i++) {
		lo->boxes[lo->nboxes] = bboxes[i];
		lo->boxes[lo->nboxes++].page += nfront;
	}
	free(bboxes);
	if (lo->appendix && lo->chapter_start[book->nchapters].page >= 0)
		lo->chapter_start[book->nchapters].page += nfront;
	for (int i = 0; i < L->nres; i++)
		if (L->res_at[i].page >= 0)
			L->res_at[i].page += nfront;
	for (int e = 0; L->ref_at && e < book->nextrefs; e++)
		if (L->ref_at[e].page >= 0)
			L->ref_at[e].page += nfront;
	lo->entries = L->res_at;
	lo->entry_res = L->res;
	lo->nentries = L->nres;
	lo->cites = L->ref_at;
	lo->ncites = L->ref_at ? book->nextrefs : 0;
	for (int ci = L->first; ci < L->end; ci++) {
		if (lo->chapter_start[ci].page >= 0)
			lo->chapter_start[ci].page += nfront;
		for (int h = 0; h < book->chapters[ci]->nheadings; h++)
			if (lo->headings[ci][h].page >= 0)
				lo->headings[ci][h].page += nfront;
	}
	for (int i = 0; i < lo->ntoc; i++)
		lo->toc[i].page += nfront;
	for (size_t i = 0; i < lo->nnotes; i++)
		if (lo->notes[i]->page >= 0)
			lo->notes[i]->page += nfront;
	return nfront;
}

struct layout *layout_book(const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex)
{
	return layout_part(book, st, fonts, images, duplex, NULL);
}

struct layout *layout_part(const struct book *book,
			   const struct print_style *st,
			   const struct fonts *fonts,
			   const struct lo_image_info *images, bool duplex,
			   const struct lo_part *part)
{
	struct layout *lo = xcalloc(1, sizeof *lo);
	arena_init(&lo->arena);
	struct lay L = {0};
	arena_init(&L.tmp);
	arena_init(&L.keep);
	/* Kept lines pay off only if the body is laid out more than once. */
	L.memo_on = st->page_refs || part;
	L.book = book;
	L.st = st;
	L.fonts = fonts;
	L.images = images;
	L.lo = lo;
	L.a = &lo->arena;
	L.duplex = duplex;
	L.part = part;
	L.first = part ? part->module->first : 0;
	L.end = part ? part->module->end : book->nchapters;
	lo->module = part ? part->module->number : 0;
	lo->first_chapter = L.first;
	lo->end_chapter = L.end;
	L.W = (float)(st->page_width - st->margin_inner - st->margin_outer);
	L.H = (float)(st->page_height - st->margin_top - st->margin_bottom);
	lo->page_width = (float)st->page_width;
	lo->page_height = (float)st->page_height;
	lo->top = (float)(st->page_height - st->margin_top);
	lo->bottom = (float)st->margin_bottom;
	L.warned = xcalloc(0x110000 / 8, 1);
	const char *lang = book->meta.language ? book->meta.language : "en";
	L.hyph = hyph_load(lang);
	if (!L.hyph)
		diag_warn(book->diags, book->meta.source_file, 0, 0,
			  "no hyphenation patterns for language '%s': the PDF "
			  "is set without hyphenation", lang);
	if (fonts_lookup(fonts, FONT_FALLBACK, 0xFFFD) >= 0) {
		L.repl_font = FONT_FALLBACK;
		L.repl_text = FONTS_REPLACEMENT;
	} else {
		L.repl_font = -1;
		L.repl_text = "?";
	}
	lo->chapter_start = arena_calloc(L.a, (size_t)book->nchapters + 1,
					 sizeof *lo->chapter_start);
	L.note_at_of = arena_calloc(L.a, (size_t)book->nchapters + 1,
				    sizeof *L.note_at_of);
	lo->headings = arena_calloc(L.a, (size_t)book->nchapters + 1,
				    sizeof *lo->headings);
	for (int ci = 0; ci <= book->nchapters; ci++)
		lo->chapter_start[ci].page = -1;
	res_setup(&L);
	struct pager P = {0};
	P.L = &L;
	/* A book numbers its front matter apart (roman), so the body's page
	 * numbers do not depend on it.  A handout numbers all its pages
	 * from 1: the body's numbers follow its front matter, guessed at one
	 * page and laid out again if the contents need more. */
	int guess = part ? 1 : 0;
	for (int round = 0;; round++) {
		L.page_offset = guess;
		lay_body(&L, &P);
		int nfront = lay_front(&L, &P);
		if (!part || nfront == guess || round == 2)
			break;
		guess = nfront;
		for (int i = 0; i < lo->npages; i++)
			free(lo->pages[i].items);
		lo->npages = 0;
		lo->nboxes = 0;
		lo->ntoc = 0;
		lo->nnotes = 0;
	}
	arena_free(&L.keep);
	free(L.refs);
	free(L.memo);
	L.memo = NULL;
	L.nmemo = L.memocap = 0;
	L.memo_on = false;
	lo->frame_top = lo->top + (float)(st->header_gap + st->header.size);
	lo->frame_bottom = lo->bottom - (float)(st->footer_gap + st->folio.size * 0.5);
	add_furniture(&L);
	/* The item arrays grew by doubling (a third of them unused, on
	 * average); the layout stays alive while the PDF is drawn, so give
	 * the slack back for the drawing to use. */
	for (int i = 0; i < lo->npages; i++) {
		struct lo_page *pg = &lo->pages[i];
		if (pg->cap > pg->nitems) {
			pg->items = xrealloc(pg->items, pg->nitems * sizeof *pg->items);
			pg->cap = pg->nitems;
		}
	}

	free(P.fn);
	free(L.w);
	free(L.opp);
	free(L.styles);
	toks_free(&L.para);
	free(L.line_fill.v);
	free(L.line_text.v);
	free(L.line_over.v);
	free(L.box_items.v);
	free(L.row_items.v);
	lb_work_free(&L.lbw);
	arena_free(&L.tmp);
	free(L.warned);
	hyph_free(L.hyph);
	return lo;
}

void layout_keep_links(struct layout *lo)
{
	for (int p = 0; p < lo->npages; p++) {
		struct lo_page *pg = &lo->pages[p];
		size_t n = 0;
		for (size_t i = 0; i < pg->nitems; i++)
			if (pg->items[i].kind == LO_LINK)
				pg->items[n++] = pg->items[i];
		if (n == 0) {
			free(pg->items);
			pg->items = NULL;
		} else if (n < pg->nitems) {
			pg->items = xrealloc(pg->items, n * sizeof *pg->items);
		}
		pg->nitems = pg->cap = n;
	}
}

void layout_free(struct layout *lo)
{
	if (!lo)
		return;
	for (int i = 0; i < lo->npages; i++)
		free(lo->pages[i].items);
	free(lo->pages);
	free(lo->boxes);
	free(lo->toc);
	free(lo->notes);
	arena_free(&lo->arena);
	free(lo);
}

static const char *box_name(enum lo_box_kind k)
{
	static const char *const names[] = {"line", "heading", "code", "row",
				      "figure", "rule", "note"};
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

void layout_dump(const struct layout *lo, FILE *out)
{
	fprintf(out, "folio-layout 1\n");
	fprintf(out, "pagesize %.2f %.2f\n", lo->page_width, lo->page_height);
	for (int i = 0; i < lo->npages; i++) {
		const struct lo_page *pg = &lo->pages[i];
		if (pg->chapter_start && pg->chapter && pg->chapter == lo->appendix)
			fprintf(out, "appendix %d\n", i + 1);
		else if (pg->chapter_start && pg->chapter)
			fprintf(out, "chapter %d %s\n", pg->chapter->index,
				pg->chapter->path);
		char num[16];
		layout_folio(pg, num);
		fprintf(out, "page %d chapter %d start %d textblock %.2f %.2f %.2f %.2f "
			"frame %.2f %.2f %.2f %.2f folio %s%s\n",
			i + 1, pg->chapter ? pg->chapter->index : -1,
			pg->chapter_start ? 1 : 0, pg->left, lo->bottom,
			pg->right, lo->top, pg->left, lo->frame_bottom, pg->right,
			lo->frame_top, pg->blank ? "-" : num,
			pg->front ? " front" : "");
	}
	for (int i = 0; i < lo->ntoc; i++)
		fprintf(out, "toc %d %d %d %s\n", lo->toc[i].page + 1,
			lo->pages[lo->toc[i].page].folio, lo->toc[i].level,
			lo->toc[i].title);
	for (size_t i = 0; i < lo->nboxes; i++) {
		const struct lo_box *b = &lo->boxes[i];
		fprintf(out, "box %d %s %d %d %d %.2f %.2f\n", b->page + 1,
			box_name(b->kind), b->block, b->line, b->nlines,
			b->top, b->height);
	}
	for (int i = 0; i < lo->nentries; i++)
		fprintf(out, "entry %d %d %.2f\n", i + 1, lo->entries[i].page + 1,
			lo->entries[i].y);
	for (int i = 0; i < lo->ncites; i++)
		if (lo->cites[i].page >= 0)
			fprintf(out, "cite %d %d %.2f\n", i, lo->cites[i].page + 1,
				lo->cites[i].y);
	fprintf(out, "counts widows %d orphans %d heading-foot %d\n",
		lo->nwidows, lo->norphans, lo->nheading_foot);
}
