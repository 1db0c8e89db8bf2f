/*
 * style.c - the print style, read from an INI file with libinih.
 *
 * Every key is one row of the table below: section, name, kind and where
 * it lands in struct print_style.  Unknown keys and bad values are errors
 * naming file:line and the key, so a typo never goes unnoticed.
 */
#include "print/style.h"
#include "base/base.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#define MM (72.0 / 25.4)

enum key_kind {
	K_LEN,    /* length with unit, >= 0 */
	K_NUM,    /* plain number, >= 0 */
	K_COLOR,  /* #rrggbb */
	K_BOOL,   /* true/false, yes/no, on/off, 1/0 */
	K_STR,    /* short UTF-8 string (bullets, marks) */
	K_FILE,   /* font file name: no '/' */
	K_INT,    /* small positive integer */
	K_PAPER,  /* a4, letter */
	K_REFS    /* numbers, footnotes, none */
};

struct key_def {
	const char *section;
	const char *name;
	enum key_kind kind;
	size_t off;
	size_t size; /* K_STR, K_FILE: capacity */
};

#define F(field) offsetof(struct print_style, field)
#define S(field) F(field), sizeof(((struct print_style *)0)->field)
#define HEADING_KEYS(n)                                                    \
	{"h" #n, "size", K_LEN, F(h[n - 1].size), 0},                      \
	{"h" #n, "leading", K_LEN, F(h[n - 1].leading), 0},                \
	{"h" #n, "space-before", K_LEN, F(h[n - 1].space_before), 0},      \
	{"h" #n, "space-after", K_LEN, F(h[n - 1].space_after), 0},        \
	{"h" #n, "color", K_COLOR, F(h[n - 1].color), 0}

static const struct key_def keys[] = {
	{"page", "paper", K_PAPER, 0, 0},
	{"page", "width", K_LEN, F(page_width), 0},
	{"page", "height", K_LEN, F(page_height), 0},
	{"page", "margin-top", K_LEN, F(margin_top), 0},
	{"page", "margin-bottom", K_LEN, F(margin_bottom), 0},
	{"page", "margin-inner", K_LEN, F(margin_inner), 0},
	{"page", "margin-outer", K_LEN, F(margin_outer), 0},
	{"page", "header-gap", K_LEN, F(header_gap), 0},
	{"page", "footer-gap", K_LEN, F(footer_gap), 0},

	{"fonts", "serif", K_FILE, S(font_file[FONT_SERIF])},
	{"fonts", "serif-bold", K_FILE, S(font_file[FONT_SERIF_BOLD])},
	{"fonts", "serif-italic", K_FILE, S(font_file[FONT_SERIF_ITALIC])},
	{"fonts", "serif-bold-italic", K_FILE, S(font_file[FONT_SERIF_BOLD_ITALIC])},
	{"fonts", "sans", K_FILE, S(font_file[FONT_SANS])},
	{"fonts", "sans-bold", K_FILE, S(font_file[FONT_SANS_BOLD])},
	{"fonts", "mono", K_FILE, S(font_file[FONT_MONO])},
	{"fonts", "mono-bold", K_FILE, S(font_file[FONT_MONO_BOLD])},
	{"fonts", "fallback", K_FILE, S(font_file[FONT_FALLBACK])},

	{"body", "size", K_LEN, F(body.size), 0},
	{"body", "leading", K_LEN, F(body.leading), 0},
	{"body", "color", K_COLOR, F(body.color), 0},
	{"body", "paragraph-indent", K_LEN, F(par_indent), 0},
	{"body", "paragraph-spacing", K_LEN, F(par_spacing), 0},
	{"body", "justify", K_BOOL, F(justify), 0},
	{"body", "hyphen-penalty", K_NUM, F(hyphen_penalty), 0},
	{"body", "tolerance", K_NUM, F(tolerance), 0},
	{"body", "break-penalty", K_NUM, F(looseness_penalty), 0},
	{"body", "link-color", K_COLOR, F(link_color), 0},
	{"body", "page-refs", K_BOOL, F(page_refs), 0},

	HEADING_KEYS(1), HEADING_KEYS(2), HEADING_KEYS(3),
	HEADING_KEYS(4), HEADING_KEYS(5), HEADING_KEYS(6),

	{"code", "size", K_LEN, F(code.size), 0},
	{"code", "leading", K_LEN, F(code.leading), 0},
	{"code", "color", K_COLOR, F(code.color), 0},
	{"code", "inline-scale", K_NUM, F(code_inline_scale), 0},
	{"code", "background", K_COLOR, F(code_background), 0},
	{"code", "inline-background", K_COLOR, F(code_inline_background), 0},
	{"code", "padding", K_LEN, F(code_padding), 0},
	{"code", "space", K_LEN, F(code_space), 0},
	{"code", "continuation", K_STR, S(code_continuation)},
	{"code", "continuation-color", K_COLOR, F(code_continuation_color), 0},
	{"code", "tab-width", K_INT, F(code_tab_width), 0},
	{"code", "keyword", K_COLOR, F(hl_color[1]), 0},
	{"code", "type", K_COLOR, F(hl_color[2]), 0},
	{"code", "string", K_COLOR, F(hl_color[3]), 0},
	{"code", "number", K_COLOR, F(hl_color[4]), 0},
	{"code", "comment", K_COLOR, F(hl_color[5]), 0},
	{"code", "macro", K_COLOR, F(hl_color[6]), 0},
	{"code", "attribute", K_COLOR, F(hl_color[7]), 0},
	{"code", "lifetime", K_COLOR, F(hl_color[8]), 0},
	{"code", "function", K_COLOR, F(hl_color[9]), 0},
	{"code", "variable", K_COLOR, F(hl_color[10]), 0},
	{"code", "prompt", K_COLOR, F(hl_color[11]), 0},

	{"quote", "indent", K_LEN, F(quote_indent), 0},
	{"quote", "bar-width", K_LEN, F(quote_bar_width), 0},
	{"quote", "bar-color", K_COLOR, F(quote_bar_color), 0},
	{"quote", "color", K_COLOR, F(quote_color), 0},

	{"lists", "indent", K_LEN, F(list_indent), 0},
	{"lists", "item-spacing", K_LEN, F(list_item_spacing), 0},
	{"lists", "min-width", K_LEN, F(list_min_width), 0},
	{"lists", "bullet1", K_STR, S(bullet[0])},
	{"lists", "bullet2", K_STR, S(bullet[1])},
	{"lists", "bullet3", K_STR, S(bullet[2])},

	{"table", "size", K_LEN, F(table.size), 0},
	{"table", "leading", K_LEN, F(table.leading), 0},
	{"table", "color", K_COLOR, F(table.color), 0},
	{"table", "padding", K_LEN, F(table_padding), 0},
	{"table", "rule-width", K_LEN, F(table_rule_width), 0},
	{"table", "rule-color", K_COLOR, F(table_rule_color), 0},
	{"table", "header-background", K_COLOR, F(table_header_background), 0},
	{"table", "min-scale", K_NUM, F(table_min_scale), 0},

	{"figure", "caption-size", K_LEN, F(caption.size), 0},
	{"figure", "caption-leading", K_LEN, F(caption.leading), 0},
	{"figure", "caption-color", K_COLOR, F(caption.color), 0},
	{"figure", "space", K_LEN, F(figure_space), 0},
	{"figure", "max-height", K_NUM, F(figure_max_height), 0},

	{"footnotes", "size", K_LEN, F(footnote.size), 0},
	{"footnotes", "leading", K_LEN, F(footnote.leading), 0},
	{"footnotes", "color", K_COLOR, F(footnote.color), 0},
	{"footnotes", "rule-length", K_LEN, F(footnote_rule_width), 0},
	{"footnotes", "space", K_LEN, F(footnote_space), 0},
	{"footnotes", "indent", K_LEN, F(footnote_indent), 0},

	{"rule", "width", K_NUM, F(rule_width_fraction), 0},
	{"rule", "thickness", K_LEN, F(rule_thickness), 0},
	{"rule", "space", K_LEN, F(rule_space), 0},
	{"rule", "color", K_COLOR, F(rule_color), 0},

	{"title", "size", K_LEN, F(title_size), 0},
	{"title", "subtitle-size", K_LEN, F(subtitle_size), 0},
	{"title", "author-size", K_LEN, F(author_size), 0},
	{"title", "color", K_COLOR, F(title_color), 0},

	{"contents", "title", K_STR, S(contents_title)},
	{"contents", "size", K_LEN, F(contents.size), 0},
	{"contents", "leading", K_LEN, F(contents.leading), 0},
	{"contents", "color", K_COLOR, F(contents.color), 0},
	{"contents", "depth", K_INT, F(contents_depth), 0},

	{"header", "size", K_LEN, F(header.size), 0},
	{"header", "color", K_COLOR, F(header.color), 0},
	{"header", "folio-size", K_LEN, F(folio.size), 0},
	{"header", "folio-color", K_COLOR, F(folio.color), 0},

	{"links", "references", K_REFS, F(link_refs), 0},
	{"links", "title", K_STR, S(resources_title)},
	{"links", "author-group", K_STR, S(resources_author)},
	{"links", "cited-size", K_LEN, F(resources_cited.size), 0},
	{"links", "cited-leading", K_LEN, F(resources_cited.leading), 0},
	{"links", "cited-color", K_COLOR, F(resources_cited.color), 0},
};

const char *style_font_key(enum font_role role)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].kind == K_FILE && keys[i].off == F(font_file[role]))
			return keys[i].name;
	return "?";
}

int style_set_paper(struct print_style *st, const char *name)
{
	if (strcasecmp(name, "a4") == 0) {
		st->page_width = 210 * MM;
		st->page_height = 297 * MM;
	} else if (strcasecmp(name, "letter") == 0) {
		st->page_width = 8.5 * 72;
		st->page_height = 11 * 72;
	} else {
		return -1;
	}
	snprintf(st->paper, sizeof st->paper, "%s", name);
	for (char *p = st->paper; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static void set_heading(struct style_heading *h, double size, double before,
			double after)
{
	h->size = size;
	h->leading = size * 1.25;
	h->space_before = before;
	h->space_after = after;
	h->color = 0x1a1a1a;
	h->font = FONT_SANS_BOLD;
}

/* Code blocks and inline code, with the highlighting palette (indexed
 * by enum hl_class). */
static void code_defaults(struct print_style *st)
{
	st->code = (struct style_text){8.5, 11, 0x1a1a1a};
	st->code_inline_scale = 0.88;
	st->code_background = 0xf3f3f0;
	st->code_inline_background = 0xf0f0ec;
	st->code_padding = 5;
	st->code_space = 8;
	snprintf(st->code_continuation, sizeof st->code_continuation, "%s",
		 "\xe2\x86\xa9"); /* U+21A9 leftwards arrow with hook */
	st->code_continuation_color = 0x888888;
	st->code_tab_width = 4;
	st->hl_color[0] = 0x1a1a1a;  /* plain */
	st->hl_color[1] = 0x8b1e6b;  /* keyword */
	st->hl_color[2] = 0x1d5e7a;  /* type */
	st->hl_color[3] = 0x2e6b1f;  /* string */
	st->hl_color[4] = 0x9a4a00;  /* number */
	st->hl_color[5] = 0x6f6f6f;  /* comment */
	st->hl_color[6] = 0x6a3fa0;  /* macro */
	st->hl_color[7] = 0x6a5a00;  /* attribute */
	st->hl_color[8] = 0x9a4a00;  /* lifetime */
	st->hl_color[9] = 0x1a3f8f;  /* function */
	st->hl_color[10] = 0x8b3a1e; /* variable */
	st->hl_color[11] = 0x6f6f6f; /* prompt */
}

void style_defaults(struct print_style *st)
{
	memset(st, 0, sizeof *st);
	style_set_paper(st, "a4");
	st->margin_top = 25 * MM;
	st->margin_bottom = 28 * MM;
	st->margin_inner = 25 * MM;
	st->margin_outer = 25 * MM;
	st->header_gap = 8 * MM;
	st->footer_gap = 10 * MM;

	static const char *const files[FONT_NROLES] = {
		"LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
		"LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf",
		"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
		"DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
		"DejaVuSans.ttf"};
	for (int i = 0; i < FONT_NROLES; i++)
		snprintf(st->font_file[i], sizeof st->font_file[i], "%s", files[i]);

	st->body = (struct style_text){10.5, 14, 0x000000};
	st->par_indent = 0;
	st->par_spacing = 6;
	st->justify = true;
	st->hyphen_penalty = 50;
	st->tolerance = 2;
	st->looseness_penalty = 100;
	st->link_color = 0x1a4d8f;
	st->page_refs = true;

	set_heading(&st->h[0], 22, 0, 18);
	set_heading(&st->h[1], 16, 18, 8);
	set_heading(&st->h[2], 13, 14, 6);
	set_heading(&st->h[3], 11.5, 12, 4);
	set_heading(&st->h[4], 10.5, 10, 4);
	set_heading(&st->h[5], 10.5, 10, 4);
	st->h[5].font = FONT_SANS;

	code_defaults(st);

	st->quote_indent = 14;
	st->quote_bar_width = 2;
	st->quote_bar_color = 0xb0b0b0;
	st->quote_color = 0x333333;

	st->list_indent = 18;
	st->list_item_spacing = 3;
	st->list_min_width = 120;
	snprintf(st->bullet[0], sizeof st->bullet[0], "%s", "\xe2\x80\xa2");
	snprintf(st->bullet[1], sizeof st->bullet[1], "%s", "\xe2\x80\x93");
	snprintf(st->bullet[2], sizeof st->bullet[2], "%s", "\xe2\x97\xa6");

	st->table = (struct style_text){9, 11.5, 0x000000};
	st->table_padding = 4;
	st->table_rule_width = 0.5;
	st->table_rule_color = 0x999999;
	st->table_header_background = 0xe8e8e4;
	st->table_min_scale = 0.75;

	st->caption = (struct style_text){9, 11.5, 0x333333};
	st->figure_space = 8;
	st->figure_max_height = 0.6;

	st->footnote = (struct style_text){8.5, 10.5, 0x000000};
	st->footnote_rule_width = 60;
	st->footnote_space = 10;
	st->footnote_indent = 12;

	st->rule_width_fraction = 0.3;
	st->rule_thickness = 0.6;
	st->rule_space = 10;
	st->rule_color = 0x808080;

	st->title_size = 28;
	st->subtitle_size = 16;
	st->author_size = 13;
	st->title_color = 0x1a1a1a;
	snprintf(st->contents_title, sizeof st->contents_title, "%s", "Contents");
	st->contents = (struct style_text){10.5, 15, 0x000000};
	st->contents_depth = 2;

	st->header = (struct style_text){8.5, 10, 0x555555};
	st->folio = (struct style_text){9, 10, 0x333333};

	st->link_refs = REFS_NUMBERS;
	snprintf(st->resources_title, sizeof st->resources_title, "%s", "Resources");
	snprintf(st->resources_author, sizeof st->resources_author, "%s",
		 "Listed by the author");
	st->resources_cited = (struct style_text){9, 11.5, 0x333333};
}

int style_parse_length(const char *s, double em_size, double *out)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	char unit[8] = {0};
	size_t n = 0;
	while (isalpha((unsigned char)*end) && n < sizeof unit - 1)
		unit[n++] = (char)tolower((unsigned char)*end++);
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	if (n == 0 || strcmp(unit, "pt") == 0)
		;
	else if (strcmp(unit, "mm") == 0)
		v *= MM;
	else if (strcmp(unit, "cm") == 0)
		v *= 10 * MM;
	else if (strcmp(unit, "in") == 0)
		v *= 72;
	else if (strcmp(unit, "em") == 0)
		v *= em_size;
	else
		return -1;
	if (v > 10000)
		return -1;
	*out = v;
	return 0;
}

int style_parse_color(const char *s, style_color *out)
{
	while (isspace((unsigned char)*s))
		s++;
	if (s[0] != '#')
		return -1;
	unsigned v = 0;
	for (int i = 1; i <= 6; i++) {
		int c = (unsigned char)s[i];
		if (!isxdigit(c))
			return -1;
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	const char *end = s + 7;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Parser state: inih calls our reader once per line, so counting lines
 * there gives the line of the key the handler is looking at. */
struct parse_ctx {
	struct print_style *st;
	FILE *f;
	const char *path;
	int line;
	int errors;
	bool paper_set;
	/* The last [page] key that sized the page or its margins, and its
	 * line: a text block left too small is reported there. */
	char page_key[32];
	int page_line;
	struct diag_list *diags;
};

static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	if (!fgets(str, num, ctx->f))
		return NULL;
	ctx->line++;
	size_t n = strlen(str);
	if (n > 0 && str[n - 1] != '\n' && !feof(ctx->f)) {
		/* Longer than inih's buffer: drop the rest of the line so the
		 * count stays right (no key needs a line this long). */
		int c;
		while ((c = fgetc(ctx->f)) != EOF && c != '\n')
			;
	}
	return str;
}

static void bad(struct parse_ctx *ctx, const char *section, const char *name,
		const char *value, const char *want)
{
	diag_error(ctx->diags, ctx->path, ctx->line, 0,
		   "style key '%s.%s': bad value '%s' (%s)", section, name,
		   value, want);
	ctx->errors++;
}

/* The row of keys[] for section.name, or NULL. */
static const struct key_def *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Remembers where a key was set that later checks report against: a
 * [page] key sizing the page or its margins, a font file. */
static void note_line(struct parse_ctx *ctx, const struct key_def *k,
		      const char *section, const char *name)
{
	if (strcmp(section, "page") == 0 && strcmp(name, "header-gap") != 0 &&
	    strcmp(name, "footer-gap") != 0) {
		snprintf(ctx->page_key, sizeof ctx->page_key, "%s", name);
		ctx->page_line = ctx->line;
	}
	if (k->kind == K_FILE)
		for (int r = 0; r < FONT_NROLES; r++)
			if (k->off == F(font_file[r]))
				ctx->st->font_line[r] = ctx->line;
}

/* K_LEN: a length; a font size (a "size" or "*-size" key) must be in
 * 4..72pt, or 4..96pt for headings and the title. */
static void set_length(struct parse_ctx *ctx, const struct key_def *k,
		       const char *section, const char *name, const char *value)
{
	double v;
	/* A font size: a size of 0 (or 500pt) would reach the PDF
	 * library, which fails on it. */
	bool font_size = strcmp(name, "size") == 0 ||
			 (strlen(name) > 5 && strcmp(name + strlen(name) - 5, "-size") == 0);
	double max = section[0] == 'h' || strcmp(section, "title") == 0 ? 96 : 72;
	if (style_parse_length(value, ctx->st->body.size, &v))
		bad(ctx, section, name, value,
		    "want a length such as 12pt, 20mm, 1in or 1.2em");
	else if (font_size && (v < 4 || v > max))
		bad(ctx, section, name, value, max > 72 ? "want a font size of 4pt to 96pt"
							 : "want a font size of 4pt to 72pt");
	else
		*(double *)((char *)ctx->st + k->off) = v;
}

/* K_NUM: a plain number, 0..100000. */
static void set_number(struct parse_ctx *ctx, const struct key_def *k,
		       const char *section, const char *name, const char *value)
{
	char *end;
	errno = 0;
	double v = strtod(value, &end);
	if (end == value || *end || errno || !isfinite(v) || v < 0 ||
	    v > 100000)
		bad(ctx, section, name, value, "want a number >= 0");
	else
		*(double *)((char *)ctx->st + k->off) = v;
}

/* K_INT: a whole number 1..16 (contents depth: 1 or 2). */
static void set_int(struct parse_ctx *ctx, const struct key_def *k,
		    const char *section, const char *name, const char *value)
{
	char *end;
	long v = strtol(value, &end, 10);
	if (end == value || *end || v < 1 || v > 16 ||
	    (strcmp(name, "depth") == 0 && v > 2))
		bad(ctx, section, name, value,
		    strcmp(name, "depth") == 0 ? "want 1 or 2"
					       : "want a whole number 1..16");
	else
		*(int *)((char *)ctx->st + k->off) = (int)v;
}

/* K_STR, K_FILE: a short non-empty text; a font file name has no '/'
 * and does not start with '.'. */
static void set_text(struct parse_ctx *ctx, const struct key_def *k,
		     const char *section, const char *name, const char *value)
{
	if (strlen(value) >= k->size || !*value ||
	    (k->kind == K_FILE && (strchr(value, '/') || value[0] == '.')))
		bad(ctx, section, name, value,
		    k->kind == K_FILE ? "want a file name in the fonts folder"
				      : "want a short non-empty text");
	else
		snprintf((char *)ctx->st + k->off, k->size, "%s", value);
}

/* K_REFS: how link destinations are shown in print. */
static void set_refs(struct parse_ctx *ctx, const struct key_def *k,
		     const char *section, const char *name, const char *value)
{
	static const char *const names[] = {"numbers", "footnotes", "none"};
	size_t i = 0;
	while (i < 3 && strcasecmp(value, names[i]) != 0)
		i++;
	if (i == 3)
		bad(ctx, section, name, value, "want numbers, footnotes or none");
	else
		*(enum link_refs *)((char *)ctx->st + k->off) = (enum link_refs)i;
}

/* The known key nearest section.name ("page.margin-inner" for
 * page.margin-innr, "body.size" for bdy.size), heap, or NULL. */
static const char *near_key(const char *section, const char *name)
{
	size_t n = sizeof keys / sizeof keys[0];
	const char **cands = xcalloc(n + 1, sizeof *cands);
	char **full = xcalloc(n, sizeof *full);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(keys[i].section) + strlen(keys[i].name) + 2;
		full[i] = xmalloc(len);
		snprintf(full[i], len, "%s.%s", keys[i].section, keys[i].name);
		cands[i] = full[i];
	}
	size_t wl = strlen(section) + strlen(name) + 2;
	char *want = xmalloc(wl);
	snprintf(want, wl, "%s.%s", section, name);
	const char *near = suggest_word(want, cands);
	char *out = near ? xstrdup(near) : NULL;
	free(want);
	for (size_t i = 0; i < n; i++)
		free(full[i]);
	free(full);
	free(cands);
	return out;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_ctx *ctx = user;
	struct print_style *st = ctx->st;
	const struct key_def *k = find_key(section, name);
	if (!k) {
		const char *near = near_key(section, name);
		diag_error(ctx->diags, ctx->path, ctx->line, 0,
			   "unknown style key '%s.%s'%s%s%s", section, name,
			   near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		free((char *)near);
		ctx->errors++;
		return 1;
	}
	char *base = (char *)st;
	note_line(ctx, k, section, name);
	switch (k->kind) {
	case K_LEN:
		set_length(ctx, k, section, name, value);
		break;
	case K_NUM:
		set_number(ctx, k, section, name, value);
		break;
	case K_INT:
		set_int(ctx, k, section, name, value);
		break;
	case K_COLOR: {
		style_color c;
		if (style_parse_color(value, &c))
			bad(ctx, section, name, value, "want #rrggbb");
		else
			*(style_color *)(base + k->off) = c;
		break;
	}
	case K_BOOL:
		if (parse_bool(value, (bool *)(base + k->off)))
			bad(ctx, section, name, value, "want true or false");
		break;
	case K_STR:
	case K_FILE:
		set_text(ctx, k, section, name, value);
		break;
	case K_REFS:
		set_refs(ctx, k, section, name, value);
		break;
	case K_PAPER:
		if (style_set_paper(st, value))
			bad(ctx, section, name, value, "want a4 or letter");
		else
			ctx->paper_set = true;
		break;
	}
	return 1;
}

/* Checks relations between keys that no single value can break. */
static void check_sanity(struct parse_ctx *ctx)
{
	struct print_style *st = ctx->st;
	struct print_style def;
	style_defaults(&def);
	double tw = st->page_width - st->margin_inner - st->margin_outer;
	double th = st->page_height - st->margin_top - st->margin_bottom;
	if (tw < 72 || th < 144) {
		if (ctx->page_line > 0)
			diag_error(ctx->diags, ctx->path, ctx->page_line, 0,
				   "style key 'page.%s': margins leave a text block of "
				   "%.0fx%.0fpt; need at least 72x144pt (the default "
				   "margins apply)", ctx->page_key, tw, th);
		else
			diag_error(ctx->diags, ctx->path, 0, 0,
				   "style: margins leave a text block of %.0fx%.0fpt; "
				   "need at least 72x144pt (the default margins apply)", tw, th);
		ctx->errors++;
		/* As for a bad value: the defaults stay in force, so the
		 * build can go on. */
		st->margin_top = def.margin_top;
		st->margin_bottom = def.margin_bottom;
		st->margin_inner = def.margin_inner;
		st->margin_outer = def.margin_outer;
		if (st->page_width - st->margin_inner - st->margin_outer < 72 ||
		    st->page_height - st->margin_top - st->margin_bottom < 144) {
			st->page_width = def.page_width;
			st->page_height = def.page_height;
		}
	}
	struct {
		const char *name;
		double *size, def;
	} sizes[] = {{"body.size", &st->body.size, def.body.size},
		     {"code.size", &st->code.size, def.code.size},
		     {"table.size", &st->table.size, def.table.size},
		     {"footnotes.size", &st->footnote.size, def.footnote.size},
		     {"figure.caption-size", &st->caption.size, def.caption.size},
		     {"links.cited-size", &st->resources_cited.size, def.resources_cited.size}};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (*sizes[i].size < 4 || *sizes[i].size > 72) {
			diag_error(ctx->diags, ctx->path, 0, 0,
				   "style key '%s': %.1fpt is outside 4..72pt",
				   sizes[i].name, *sizes[i].size);
			ctx->errors++;
			*sizes[i].size = sizes[i].def;
		}
	}
	for (int i = 0; i < 6; i++) {
		if (st->h[i].size < 4 || st->h[i].size > 96) {
			diag_error(ctx->diags, ctx->path, 0, 0,
				   "style key 'h%d.size': %.1fpt is outside 4..96pt",
				   i + 1, st->h[i].size);
			ctx->errors++;
			st->h[i].size = def.h[i].size;
			st->h[i].leading = def.h[i].leading;
		}
	}
	if (st->table_min_scale <= 0.2 || st->table_min_scale > 1) {
		diag_error(ctx->diags, ctx->path, 0, 0,
			   "style key 'table.min-scale' must be in 0.2..1");
		ctx->errors++;
		st->table_min_scale = def.table_min_scale;
	}
	if (st->figure_max_height <= 0.1 || st->figure_max_height > 1) {
		diag_error(ctx->diags, ctx->path, 0, 0,
			   "style key 'figure.max-height' must be in 0.1..1");
		ctx->errors++;
		st->figure_max_height = def.figure_max_height;
	}
	if (st->tolerance < 0.5)
		st->tolerance = 0.5;
}

int style_load(struct print_style *st, const char *path, const char *paper,
	       struct diag_list *diags)
{
	struct parse_ctx ctx = {.st = st, .path = path, .diags = diags};
	snprintf(st->style_file, sizeof st->style_file, "%s", path);
	for (int i = 0; i < FONT_NROLES; i++)
		st->font_line[i] = 0;
	ctx.f = fopen(path, "r");
	if (!ctx.f) {
		diag_fatal(diags, path, "cannot read print style: %s",
			   strerror(errno));
		return -1;
	}
	int rc = ini_parse_stream(read_line, &ctx, handler, &ctx);
	fclose(ctx.f);
	if (rc > 0) {
		/* A syntax error inih found itself (no '=' or ']'). */
		diag_error(diags, path, rc, 0, "style: malformed line");
		ctx.errors++;
	} else if (rc < 0) {
		diag_fatal(diags, path, "cannot parse print style");
		return -1;
	}
	if (paper && style_set_paper(st, paper)) {
		diag_fatal(diags, NULL, "unknown paper size '%s' (a4, letter)",
			   paper);
		return -1;
	}
	/* Leading follows size unless set: a designer who only raises the
	 * size should not get overlapping lines. */
	if (st->body.leading < st->body.size)
		st->body.leading = st->body.size * 1.2;
	if (st->code.leading < st->code.size)
		st->code.leading = st->code.size * 1.2;
	if (st->table.leading < st->table.size)
		st->table.leading = st->table.size * 1.2;
	if (st->footnote.leading < st->footnote.size)
		st->footnote.leading = st->footnote.size * 1.2;
	if (st->caption.leading < st->caption.size)
		st->caption.leading = st->caption.size * 1.2;
	if (st->resources_cited.leading < st->resources_cited.size)
		st->resources_cited.leading = st->resources_cited.size * 1.2;
	for (int i = 0; i < 6; i++)
		if (st->h[i].leading < st->h[i].size)
			st->h[i].leading = st->h[i].size * 1.2;
	check_sanity(&ctx);
	return ctx.errors ? -1 : 0;
}
