/*
 * layout_int.h - what the pieces of the print layout share (layout.c and
 * layout_*.c; see layout.c for the design): the vertical list, text
 * pieces and tokens, the layout state (struct lay), the page builder's
 * state, and the functions one piece calls in another.  Private to
 * src/print/layout*.c; the public API is layout.h.
 *
 * Memory: what outlives a chapter is in the layout's arena (L->a), a
 * chapter's working copies in L->tmp, lines kept across passes in
 * L->keep (see struct lay); heap scratch (L->para, L->w, the ibufs ...)
 * is reused and freed when layout_part() returns.  Allocation never
 * fails (base.h).
 */
#ifndef FOLIO_LAYOUT_INT_H
#define FOLIO_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "base/util.h"
#include "print/layout.h"
#include "model/words.h"
#include "print/linebreak.h"

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
	bool under, mark;      /* HTML <u>/<ins>, <mark> */
};

enum { FR_CODEBG = 1, FR_STRIKE = 2, FR_UNDER = 4, FR_MARK = 8 };

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
 * (lay_collect_refs), and a later pass in which that is the same emits the
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
	int *refs;         /* lay_collect_refs() before setting, nrefs of them */
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

/* ---- Layout state ----------------------------------------------------- */

/* Scratch items while setting one line or one box: a heap array reused
 * (n reset, never shrunk) and freed with the layout. */
struct ibuf {
	struct lo_item *v;
	size_t n, cap;
};

/* Layout state for the whole book. */
struct lay {
	struct diag_list *diags; /* the run's */
	const struct book *book;
	const struct print_style *st;
	const struct fonts *fonts;
	const struct lo_image_info *images;
	struct layout *lo;
	/* Two arenas.  a (the layout's own) holds what outlives a chapter:
	 * everything a placed lo_item points at (text made here, such as
	 * "(p. 12)" or a footnote number, links, anchors) and what the next
	 * pass reads.  tmp holds a chapter's working copies: set lines, the
	 * vertical list's item arrays, its footnote lists.  lay_place_chapter()
	 * copies the items onto the pages, so tmp is emptied after each
	 * chapter is placed (lay_scratch_reset) and the layout's memory no
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
	int *part_page; /* by chapter index: the body page of the part title
			   before it (layout_part_page), or -1 */
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
	int *refs; /* lay_collect_refs() scratch */
	size_t nrefs, refcap;

	/* Pagination words (model/words.h) of the leaf block being set:
	 * the count so far, and a start not yet given to a stored
	 * character. */
	const struct block *pw_block;
	struct word_counter pw;
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

/* The page builder's state while it fills pages (layout_pages.c): the
 * page being filled and how much of its text block is used, and the
 * footnote lines waiting for this page (they point into the vertical
 * lists of the chapter being placed). */
struct pager {
	struct lay *L;
	int page;
	float used;           /* height used from the top of the text block */
	const struct vitem **fn; /* footnote lines waiting for this page */
	size_t nfn, fncap;
	float fnh;            /* their height */
	const struct chapter *ch;
};

/* ---- layout_text.c ------------------------------------------------------
 * Measuring text and picking fonts; the tokenizer (inline text -> boxes,
 * glue, penalties) and what decides how a paragraph is set. */

float lay_adv(const struct lay *L, int font, uint32_t cp, float size);
float lay_text_width(const struct lay *L, int font, float size,
		     const char *s, size_t n);
int lay_role_of(enum family fam, bool bold, bool italic);
int lay_pick_font(struct lay *L, int role, uint32_t cp, int line);
size_t lay_tok_add(struct toks *t, enum lb_kind kind, float width,
		   float stretch, float shrink, float penalty, bool flagged,
		   int fr);
void lay_toks_reset(struct toks *t);
void lay_toks_free(struct toks *t);
void lay_pw_begin(struct lay *L, const struct block *b);
void lay_tok_text(struct lay *L, struct toks *t, int style, const char *s,
		  size_t n);
int lay_push_style(struct lay *L, const struct istyle *s);
void lay_tok_forced_break(struct lay *L, struct toks *t);
void lay_tok_finish(struct lay *L, struct toks *t);
size_t lay_ptr_hash(const void *p, size_t cap);
void lay_collect_refs(const struct lay *L, const struct inline_node *in,
		      int **refs, size_t *n, size_t *cap, int *nlinks);
void lay_tok_inlines(struct lay *L, struct toks *t,
		     const struct inline_node *in,
		     const struct inline_node *stop, struct istyle s);
bool lay_legal_break(const struct toks *t, size_t i);
bool lay_split_wide(struct lay *L, struct toks *t, float width);

/* ---- layout_lines.c -----------------------------------------------------
 * The vertical list; breaking and setting lines; boxes, glue and
 * penalties into L->out; lines kept across passes (struct block_memo). */

struct vitem *lay_vpush(struct vlist *l);
void lay_vlist_free(struct vlist *l);
struct lo_item *lay_ipush(struct ibuf *b);
int lay_break_lines(struct lay *L, struct toks *t, float width,
		    bool justify, enum cell_align align, int base_font,
		    float base_size, struct pline **out);
void lay_add_penalty(struct lay *L, float p);
void lay_want_space(struct lay *L, float s);
struct vitem *lay_emit_box(struct lay *L, const struct bctx *c,
			   enum lo_box_kind kind, float height,
			   float baseline, const struct lo_item *items,
			   int nitems);
struct vlist *lay_notes_for(struct lay *L, const struct pline *pl);
void lay_line_geometry(float leading, float basc, float bdesc, float asc,
		       float desc, float *height, float *baseline);
void lay_emit_lines(struct lay *L, const struct bctx *c,
		    const struct pline *pl, int n, enum lo_box_kind kind,
		    float leading, int base_font, float base_size, bool keep);
struct istyle lay_base_style(const struct bctx *c);
void layout_text(struct lay *L, const struct bctx *c,
		 const struct inline_node *first,
		 const struct inline_node *stop, struct istyle s,
		 float leading, bool justify, enum cell_align align,
		 enum lo_box_kind kind, float indent, bool keep);
const struct block_memo *lay_memo_find(struct lay *L, const struct block *b);
struct block_memo *lay_memo_new(struct lay *L, const struct block *b);
void layout_para_text(struct lay *L, const struct bctx *c,
		      const struct block *b, struct istyle s,
		      float indent);

/* ---- layout_mdbook.c: callouts and definition lists ----
 * layout_blocks() sets their content, so these only open and close them. */
/* Sets callout b's label; returns the column for its blocks. */
struct bctx layout_callout_open(struct lay *L, const struct bctx *c, const struct block *b);
/* Ends a callout or a definition list set in column c. */
void layout_callout_close(struct lay *L, const struct bctx *c);
/* Sets a term of a definition list (first: the list's first entry), or
 * returns the indented column for a definition's blocks. */
struct bctx layout_def_open(struct lay *L, const struct bctx *c, const struct block *e,
			    bool first);
/* The page of the part title (ch->part) that opens before chapter ch. */
void layout_part_page(struct lay *L, struct pager *P, const struct chapter *ch);

/* ---- layout_blocks.c ----------------------------------------------------
 * Blocks and their dispatch; the body's column; headings and text the
 * layout makes itself. */

void lay_set_marker(struct lay *L, const struct bctx *c, const char *text,
		    float x_right, int line);
void layout_rule(struct lay *L, const struct bctx *c);
void layout_blocks(struct lay *L, const struct bctx *c,
		   const struct block *b);
struct bctx lay_body_ctx(const struct lay *L);
struct inline_node *lay_plain_inline(struct lay *L, const char *text);
void lay_heading_text(struct lay *L, const struct bctx *c, const char *text,
		      int level);

/* ---- layout_code.c ------------------------------------------------------
 * Code blocks. */

void layout_code(struct lay *L, const struct bctx *c, const char *text,
		 size_t len, const char *lang, int line0,
		 const struct block *src);

/* ---- layout_table.c -----------------------------------------------------
 * Tables. */

void layout_table(struct lay *L, const struct bctx *c,
		  const struct block *tb);

/* ---- layout_pages.c -----------------------------------------------------
 * The page builder. */

void lay_new_page(struct pager *P, bool chapter_start);
void lay_page_push(struct lo_page *pg, const struct lo_item *it);
void lay_place_chapter(struct pager *P, const struct vlist *V);
void lay_scratch_reset(struct lay *L, const struct pager *P);
/* Boxes go to V from here, as at the start of a chapter: no space, quote
 * bars, paragraph indent or marker carried over. */
void lay_start_list(struct lay *L, struct vlist *V);

/* ---- layout_front.c -----------------------------------------------------
 * Front matter, running heads and folios. */

void lay_add_furniture(struct lay *L);
void layout_front(struct lay *L, struct vlist *V);
void layout_part_front(struct lay *L, struct vlist *V);

/* ---- layout_notes.c -----------------------------------------------------
 * The foot of the page: footnotes and footnoted URLs; URLs as lines. */

struct bctx lay_note_ctx(const struct lay *L);
void lay_as_note_boxes(struct vlist *v);
void layout_notes(struct lay *L, const struct chapter *ch);
void layout_uncited_notes(struct lay *L, const struct chapter *ch);
void lay_url_notes(struct lay *L, const struct chapter *ch);
void lay_url(struct lay *L, const struct bctx *c, const char *url,
	     struct istyle s, float leading, enum lo_box_kind kind);

/* ---- layout_appendix.c --------------------------------------------------
 * The Resources appendix. */

void lay_res_setup(struct lay *L);
void layout_appendix(struct lay *L, struct pager *P);

#endif
