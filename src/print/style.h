/*
 * style.h - the print style: every dimension, size, colour and font a
 * designer may want to change, read from an INI file (styles/print.ini).
 *
 * Lengths are stored in PostScript points (1/72 in).  In the file they may
 * carry a unit: pt (default), mm, cm, in, or em (relative to the body font
 * size).  Colours are "#rrggbb".  A bad value is a DIAG_ERROR naming
 * file:line and the key; the default for that key stays in force.
 */
#ifndef FOLIO_STYLE_H
#define FOLIO_STYLE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "model/model.h"

/* Font roles: which file plays which part.  The order is fixed; fonts.c
 * loads one font per role. */
enum font_role {
	FONT_SERIF,
	FONT_SERIF_BOLD,
	FONT_SERIF_ITALIC,
	FONT_SERIF_BOLD_ITALIC,
	FONT_SANS,
	FONT_SANS_BOLD,
	FONT_MONO,
	FONT_MONO_BOLD,
	FONT_FALLBACK,
	FONT_NROLES
};


/* A colour as 0xRRGGBB. */
typedef uint32_t style_color;

/* Text appearance of one kind of text. */
struct style_text {
	double size;    /* font size, pt */
	double leading; /* baseline-to-baseline distance, pt */
	style_color color;
};

struct style_heading {
	double size, leading;
	double space_before, space_after;
	style_color color;
	enum font_role font;
};

/* The print style.  All lengths in points. */
struct print_style {
	/* [page] */
	char paper[16];        /* "a4", "letter" or "custom" */
	double page_width, page_height;
	double margin_top, margin_bottom, margin_inner, margin_outer;
	double header_gap;     /* baseline of running head above the text block */
	double footer_gap;     /* baseline of folio below the text block */

	/* [fonts]: file names relative to the fonts folder */
	char font_file[FONT_NROLES][128];
	/* Where each font file was named (issue 10): the style file read by
	 * style_load() ("" if none) and the line of each [fonts] key (0: the
	 * built-in default), so a font that cannot be used is reported at
	 * file:line with its key. */
	char style_file[512];
	int font_line[FONT_NROLES];

	/* [body] */
	struct style_text body;
	double par_indent;     /* first-line indent of following paragraphs */
	double par_spacing;    /* extra space between paragraphs */
	bool justify;
	double hyphen_penalty;
	double tolerance;
	double looseness_penalty; /* cost of breaking a URL/code at / . - _ */
	style_color link_color;
	bool page_refs;        /* "(p. 17)" after links to other chapters */

	/* [headings] */
	struct style_heading h[6];

	/* [code] */
	struct style_text code;
	double code_inline_scale; /* inline code size relative to the text */
	style_color code_background;
	style_color code_inline_background;
	double code_padding;
	double code_space;      /* space above and below a code block */
	char code_continuation[8]; /* UTF-8 mark at the end of a wrapped line */
	style_color code_continuation_color;
	int code_tab_width;
	style_color hl_color[12]; /* per enum hl_class */

	/* [quote] */
	double quote_indent, quote_bar_width;
	style_color quote_bar_color, quote_color;

	/* [lists] */
	double list_indent;     /* hanging indent per level */
	double list_item_spacing; /* between items of a loose list */
	double list_min_width;  /* stop indenting when less than this is left */
	char bullet[3][8];      /* UTF-8 bullets by depth (cycled) */

	/* [table] */
	struct style_text table;
	double table_padding;
	double table_rule_width;
	style_color table_rule_color;
	style_color table_header_background;
	double table_min_scale; /* shrink a too-wide table down to this */

	/* [figure] */
	struct style_text caption;
	double figure_space;
	double figure_max_height; /* fraction of the text block height */

	/* [footnotes] */
	struct style_text footnote;
	double footnote_rule_width;  /* length of the separator rule */
	double footnote_space;       /* gap between text and the rule */
	double footnote_indent;      /* hanging indent for the number */

	/* [rule] thematic break */
	double rule_width_fraction;
	double rule_thickness;
	double rule_space;
	style_color rule_color;

	/* [title] the title page */
	double title_size, subtitle_size, author_size;
	style_color title_color;

	/* [contents] */
	char contents_title[64];
	struct style_text contents;
	int contents_depth;     /* 1: chapters; 2: also their sections */

	/* [header] running heads and folios (issue 6) */
	struct style_text header;
	struct style_text folio;

	/* [links] external links and the Resources appendix (issue 7) */
	enum link_refs link_refs;
	char resources_title[64];   /* the appendix's title */
	char resources_author[64];  /* heading of the author's own list */
	struct style_text resources_cited; /* "Cited in ..." lines */
};

/* Fills *st with the built-in defaults (A4). */
void style_defaults(struct print_style *st);

/* Reads path over the defaults.  paper, when not NULL ("a4", "letter"),
 * overrides the file's page size.  Bad values are DIAG_ERRORs naming
 * path:line and the key.  Returns 0, or -1 if the file could not be read
 * (a DIAG_FATAL) or had errors. */
int style_load(struct print_style *st, const char *path, const char *paper,
	       struct diag_list *diags);

/* Parses a length with an optional unit (pt, mm, cm, in, em with em_size).
 * Returns 0 and stores points, or -1. */
int style_parse_length(const char *s, double em_size, double *out);
/* Parses "#rrggbb".  Returns 0, or -1. */
int style_parse_color(const char *s, style_color *out);

/* The [fonts] key naming role's file ("serif", "mono-bold", ...). */
const char *style_font_key(enum font_role role);

/* Sets width and height for a named paper size; -1 if unknown. */
int style_set_paper(struct print_style *st, const char *name);

#endif
