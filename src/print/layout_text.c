/*
 * layout_text.c - the tokenizer: a run of inlines -> the boxes, glue and
 * penalties the line breaker reads (struct toks), each box with the frag
 * it draws.  Measuring text and picking fonts, collecting a word and its
 * break points (hyphenation, dashes, punctuation in technical words),
 * the reference numbers after external links, "(p. N)" after
 * cross-references and "(see ...)" after links a handout leaves out, and
 * splitting stretches too wide for any line.
 */
#include "print/layout_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/words.h"

float lay_adv(const struct lay *L, int font, uint32_t cp, float size)
{
	return (float)fonts_advance(L->fonts, font, cp) * size / 1000.0f;
}

float lay_text_width(const struct lay *L, int font, float size,
		     const char *s, size_t n)
{
	float w = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, n - i, &cp);
		w += lay_adv(L, font, cp, size);
	}
	return w;
}

int lay_role_of(enum family fam, bool bold, bool italic)
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
int lay_pick_font(struct lay *L, int role, uint32_t cp, int line)
{
	int f = fonts_lookup(L->fonts, role, cp);
	if (f >= 0)
		return f;
	if (cp < 0x110000 && !(L->warned[cp >> 3] & (1u << (cp & 7)))) {
		L->warned[cp >> 3] |= (unsigned char)(1u << (cp & 7));
		/* on a generated page (the title page): the metadata's file */
		diag_warn(L->diags, L->ch && L->ch->display_path ? L->ch->display_path
				    : book_meta_display(L->a, L->book),
			  line, 0,
			  "character U+%04X is in none of the PDF fonts%s; "
			  "drawn as a replacement mark", (unsigned)cp,
			  cp > 0xFFFF ? " (beyond U+FFFF)" : "");
	}
	return -1;
}

/* ---- Tokenizer: inline text -> boxes, glue, penalties ----------------- */

size_t lay_tok_add(struct toks *t, enum lb_kind kind, float width,
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

void lay_toks_reset(struct toks *t)
{
	t->n = 0;
	t->nf = 0;
}

void lay_toks_free(struct toks *t)
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
	return (s->codebg ? FR_CODEBG : 0) | (s->strike ? FR_STRIKE : 0) |
	       (s->under ? FR_UNDER : 0) | (s->mark ? FR_MARK : 0);
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
		width = lay_text_width(L, f.font, f.size, f.text, f.len);
	} else {
		for (size_t j = r; j <= k; j++)
			width += lay_adv(L, w[j].font, w[j].cp, s->size);
	}
	lay_tok_add(t, LB_BOX, width, 0, 0, 0, false, frag_add(t, &f));
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
		lay_tok_add(t, LB_PENALTY, lay_adv(L, hf, '-', size), 0, 0,
			    L->st->hyphen_penalty, true, -1);
	} else if (op == OPP_DASH) {
		lay_tok_add(t, LB_PENALTY, 0, 0, 0, L->st->hyphen_penalty, true, -1);
	} else if (op == OPP_FREE) {
		lay_tok_add(t, LB_PENALTY, 0, 0, 0, 0, false, -1);
	} else if (op == OPP_SOFT) {
		lay_tok_add(t, LB_PENALTY, 0, 0, 0, L->st->looseness_penalty, false, -1);
	} else if (spread && k + 1 < L->nw) {
		lay_tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
		lay_tok_add(t, LB_GLUE, 0, width * 0.12f, width * 0.04f, 0, false, -1);
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
	int f = lay_role_of(s->family, s->bold, s->italic);
	float sp = lay_adv(L, f, ' ', s->size);
	lay_tok_add(t, LB_GLUE, sp, sp * 0.5f, sp * 0.33f, 0, false, -1);
}

/* Starts counting the words of leaf block b (NULL: stop counting). */
void lay_pw_begin(struct lay *L, const struct block *b)
{
	L->pw_block = b;
	L->pw = (struct word_counter){0, false};
	L->pw_pending = -1;
}

/* Feeds text in style s (an index into L->styles). */
void lay_tok_text(struct lay *L, struct toks *t, int style, const char *s,
		  size_t n)
{
	const struct istyle *st = &L->styles[style];
	int role = lay_role_of(st->family, st->bold, st->italic);
	bool count = st->src && L->pw_block && !L->pw_off;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		int word = -1;
		if (count) {
			bool starts;
			word = words_feed(&L->pw, cp, &starts);
			if (word < 0)
				L->pw_pending = -1;
			else if (starts)
				L->pw_pending = word;
		}
		if (cp == ' ' || cp == '\t' || cp == '\n') {
			flush_word(L, t);
			add_space(L, t, st);
		} else if (cp == 0xA0 || cp == 0x202F) {
			/* No break here, but the space still stretches. */
			flush_word(L, t);
			float sp = lay_adv(L, role, ' ', st->size);
			lay_tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
			lay_tok_add(t, LB_GLUE, sp, sp * 0.5f, sp * 0.33f, 0, false, -1);
		} else if (cp == 0x200B) {
			flush_word(L, t);
			lay_tok_add(t, LB_PENALTY, 0, 0, 0, 0, false, -1);
		} else if (cp == 0xAD) {
			/* soft hyphen: ignored (hyphenation finds the points) */
		} else {
			GROW(L->w, L->nw, L->wcap);
			bool start = word >= 0 && L->pw_pending == word;
			if (start)
				L->pw_pending = -1;
			L->w[L->nw++] = (struct wch){s + i, cp, len,
						     lay_pick_font(L, role, cp, st->line),
						     style, word, start};
		}
		i += (size_t)len;
	}
}

int lay_push_style(struct lay *L, const struct istyle *s)
{
	GROW(L->styles, L->nstyles, L->scap);
	L->styles[L->nstyles] = *s;
	return (int)L->nstyles++;
}

void lay_tok_forced_break(struct lay *L, struct toks *t)
{
	flush_word(L, t);
	while (last_is_glue(t))
		t->n--;
	lay_tok_add(t, LB_GLUE, 0, INFINITY, 0, 0, false, -1);
	lay_tok_add(t, LB_PENALTY, 0, 0, 0, -INF, false, -1);
}

void lay_tok_finish(struct lay *L, struct toks *t)
{
	flush_word(L, t);
	while (last_is_glue(t))
		t->n--;
	if (t->n == 0)
		lay_tok_add(t, LB_BOX, 0, 0, 0, 0, false, -1);
	lay_tok_add(t, LB_PENALTY, 0, 0, 0, INF, false, -1);
	lay_tok_add(t, LB_GLUE, 0, INFINITY, 0, 0, false, -1);
	lay_tok_add(t, LB_PENALTY, 0, 0, 0, -INF, false, -1);
}

/* ---- External links: reference numbers -------------------------------- */

/* The appendix entry (index into L->res) of an external link, or -1. */
static int link_entry(const struct lay *L, const struct link *l)
{
	if (!l || l->kind != LINK_EXTERNAL || !L->res_index || l->ext_index < 0 ||
	    l->ext_index >= L->book->next_distinct)
		return -1;
	return L->res_index[l->ext_index];
}

size_t lay_ptr_hash(const void *p, size_t cap)
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
	for (size_t h = lay_ptr_hash(in, L->ref_cap);; h = (h + 1) & (L->ref_cap - 1)) {
		if (!L->ref_key[h])
			return NULL;
		if (L->ref_key[h] == in)
			return &L->ref_at[L->ref_val[h]];
	}
}

/* The plain text of inlines, spaces for no-break spaces. */
static void plain_text(struct buf *b, const struct inline_node *in)
{
	for (; in; in = in->next) {
		if (in->text && (in->type == INL_TEXT || in->type == INL_CODE)) {
			for (size_t i = 0; i < in->len; i++) {
				if (i + 1 < in->len && (unsigned char)in->text[i] == 0xC2 &&
				    (unsigned char)in->text[i + 1] == 0xA0) {
					buf_putc(b, ' ');
					i++;
				} else {
					buf_putc(b, in->text[i]);
				}
			}
		}
		plain_text(b, in->children);
	}
}

/* Whether the link's own words already say where it leads: "Module 2"
 * (not "Module 20"), or the module's title. */
static bool names_module(const struct inline_node *in, const struct module *m)
{
	struct buf b = BUF_INIT;
	plain_text(&b, in->children);
	bool yes = false;
	if (b.data) {
		char num[32];
		int k = snprintf(num, sizeof num, "module %d", m->number);
		for (const char *p = b.data; (p = strcasestr(p, num)) != NULL; p += k)
			if (!isdigit((unsigned char)p[k]))
				yes = true;
		yes |= m->title && *m->title && strcasestr(b.data, m->title) != NULL;
	}
	buf_free(&b);
	return yes;
}

/* After a link to a chapter a handout leaves out: "(see Module 2,
 * *Custom Runtimes*)".  A handout stands alone: nothing when the chapter
 * is in no module (the book's own first page: the link stays as words),
 * and no "Module 2, " again when the link's words name it ("In Module 2
 * you build...": nothing, or "(see *Project: ...*)" for a chapter inside
 * the module). */
static void tok_see(struct lay *L, struct toks *t, const struct istyle *s,
		    const struct chapter *ch, const struct inline_node *in)
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
	if (!m)
		return;
	bool named = names_module(in, m);
	if (named && m->page == ch)
		return;
	const char *title = m->page == ch ? m->title : ch->title ? ch->title : ch->path;
	const char *before = named ? "(see "
				   : arena_printf(L->a, "(see Module\xc2\xa0%d, ", m->number);
	const char *after = ")";
	flush_word(L, t);
	add_space(L, t, &n);
	lay_tok_text(L, t, lay_push_style(L, &n), before, strlen(before));
	lay_tok_text(L, t, lay_push_style(L, &it), title, strlen(title));
	lay_tok_text(L, t, lay_push_style(L, &n), after, strlen(after));
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
	lay_tok_text(L, t, lay_push_style(L, &c), num, strlen(num));
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
void lay_collect_refs(const struct lay *L, const struct inline_node *in,
		      int **refs, size_t *n, size_t *cap, int *nlinks)
{
	for (; in; in = in->next) {
		if (in->children)
			lay_collect_refs(L, in->children, refs, n, cap, nlinks);
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
	lay_tok_inlines(L, t, in, NULL, s);
}

/* HTML formatting (enum span_kind) over the children of in. */
static void tok_span(struct lay *L, struct toks *t, const struct inline_node *in,
		     struct istyle c)
{
	float size = c.size;
	switch (in->span) {
	case SPAN_KBD:
	case SPAN_CODE:
		c.family = FAM_MONO;
		c.size = size * (float)L->st->code_inline_scale;
		c.codebg = in->span == SPAN_KBD;
		if (!c.link)
			c.color = L->st->code.color;
		break;
	case SPAN_SUP:
		c.size = size * 0.7f;
		c.rise += size * 0.35f;
		break;
	case SPAN_SUB:
		c.size = size * 0.7f;
		c.rise -= size * 0.15f;
		break;
	case SPAN_VAR:
		c.italic = !c.italic;
		break;
	case SPAN_UNDERLINE:
		c.under = true;
		break;
	case SPAN_MARK:
		c.mark = true;
		break;
	case SPAN_SMALL:
		c.size = size * 0.85f;
		break;
	}
	tok_plain_children(L, t, in->children, c);
}

void lay_tok_inlines(struct lay *L, struct toks *t,
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
			lay_tok_text(L, t, lay_push_style(L, &c), in->text, in->len);
			break;
		case INL_SOFTBREAK:
			L->pw.inword = false;
			flush_word(L, t);
			add_space(L, t, &c);
			break;
		case INL_LINEBREAK:
			L->pw.inword = false;
			lay_tok_forced_break(L, t);
			break;
		case INL_CODE:
			c.src = true;
			c.family = FAM_MONO;
			c.size = s.size * (float)L->st->code_inline_scale;
			c.codebg = true;
			if (!c.link)
				c.color = L->st->code.color;
			lay_tok_text(L, t, lay_push_style(L, &c), in->text, in->len);
			break;
		case INL_HTML:
		case INL_ANCHOR:
			break; /* load/html.c leaves no raw HTML; anchors show nothing */
		case INL_SPAN:
			tok_span(L, t, in, c);
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
				tok_see(L, t, &s, away, in);
			} else if (page >= 0) {
				struct istyle n = s;
				flush_word(L, t);
				add_space(L, t, &n);
				char *ref = arena_printf(L->a, "(p.\xc2\xa0%d)", page);
				lay_tok_text(L, t, lay_push_style(L, &n), ref, strlen(ref));
			}
			if (in->link && in->link->kind == LINK_KNOWN &&
			    in->link->note) {
				struct istyle n = s;
				n.italic = !s.italic;
				flush_word(L, t);
				add_space(L, t, &n);
				int si = lay_push_style(L, &n);
				lay_tok_text(L, t, si, "(", 1);
				lay_tok_text(L, t, si, in->link->note,
					     strlen(in->link->note));
				lay_tok_text(L, t, si, ")", 1);
			}
			break;
		}
		case INL_IMAGE: {
			/* An image inside running text: its alt text. */
			c.italic = !s.italic;
			int si = lay_push_style(L, &c);
			L->pw_off++; /* alt text is no words (pagination.h) */
			lay_tok_text(L, t, si, "[", 1);
			tok_plain_children(L, t, in->children, c);
			lay_tok_text(L, t, si, "]", 1);
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
			lay_tok_text(L, t, lay_push_style(L, &c), txt, (size_t)len);
			break;
		}
		}
	}
}

/* True if a line may end at item i. */
bool lay_legal_break(const struct toks *t, size_t i)
{
	const struct lb_item *it = &t->it[i];
	if (it->kind == LB_PENALTY)
		return it->penalty < INF;
	return it->kind == LB_GLUE && i > 0 && t->it[i - 1].kind == LB_BOX;
}

/* Splits every stretch without a legal break that is wider than width
 * into single characters with hyphenated breaks between them, so no line
 * can ever be overfull.  Returns true if t was changed. */
bool lay_split_wide(struct lay *L, struct toks *t, float width)
{
	/* A run must fit with the hyphen its closing break may add. */
	float limit = width + 0.01f;
	bool need = false;
	float run = 0;
	for (size_t i = 0; i < t->n && !need; i++) {
		if (lay_legal_break(t, i)) {
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
		while (j < t->n && !lay_legal_break(t, j)) {
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
				lay_tok_add(&o, it->kind, (float)it->width,
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
							       : lay_adv(L, f.font, cp, f.size);
				lay_tok_add(&o, LB_BOX, cw, 0, 0, 0, false, frag_add(&o, &g));
				p += (size_t)n;
				lay_tok_add(&o, LB_PENALTY, lay_adv(L, f.font, '-', f.size),
					    0, 0, 500, true, -1);
			}
		}
		if (j < t->n) {
			const struct lb_item *it = &t->it[j];
			int fr = t->fr[j] >= 0 ? frag_add(&o, &t->frags[t->fr[j]]) : -1;
			lay_tok_add(&o, it->kind, (float)it->width, (float)it->stretch,
				    (float)it->shrink, (float)it->penalty, it->flagged, fr);
		}
		i = j + 1;
	}
	lay_toks_free(t);
	*t = o;
	return true;
}
