/*
 * layout_mdbook.c - callout boxes (GitHub alerts, mdbook-admonish) and
 * definition lists in print.
 *
 * A callout is set like a block quote with a double rule at its left and
 * its label ("Warning", or the author's title) in bold sans above the
 * text, kept with the text's first line: the rule and the word carry it
 * in black and white.  The label is no words of the page-break rule
 * (model/words.h), as in the EPUB.
 */
#include "print/layout_int.h"

#include <string.h>

struct bctx layout_callout_open(struct lay *L, const struct bctx *c, const struct block *b)
{
	const struct print_style *st = L->st;
	struct bctx in = *c;
	float bw = (float)st->quote_bar_width;
	float ind = (float)st->quote_indent + bw * 2.5f;
	if (c->w - ind >= (float)st->list_min_width) {
		if (in.nbars + 2 <= MAX_BARS) {
			in.bars[in.nbars++] = c->x;
			in.bars[in.nbars++] = c->x + bw * 2.5f;
		}
		in.x = c->x + ind;
		in.w = c->w - ind;
	}
	lay_want_space(L, (float)st->par_spacing);
	L->after_para = false;
	struct istyle s = lay_base_style(&in);
	s.family = FAM_SANS;
	s.bold = true;
	s.italic = false;
	s.color = st->h[2].color;
	s.line = b->line;
	struct inline_node *label = arena_calloc(L->a, 1, sizeof *label);
	label->type = INL_TEXT;
	label->text = b->plain && *b->plain ? b->plain : "Note";
	label->len = strlen(label->text);
	lay_pw_begin(L, NULL);
	L->pw_off++;
	layout_text(L, &in, label, NULL, s, in.leading, false, ALIGN_LEFT, BOX_LINE, 0, true);
	L->pw_off--;
	lay_add_penalty(L, INF); /* the label stays with the text */
	L->pending_space = 0;
	lay_want_space(L, 2);
	L->after_para = false;
	return in;
}

void layout_callout_close(struct lay *L, const struct bctx *c)
{
	lay_want_space(L, (float)L->st->par_spacing);
	L->after_para = false;
	/* The space after it carries only the bars around it, so two
	 * callouts in a row show as two. */
	if (L->last_nbars > c->nbars)
		L->last_nbars = c->nbars;
}

struct bctx layout_def_open(struct lay *L, const struct bctx *c, const struct block *e,
			    bool first)
{
	const struct print_style *st = L->st;
	if (first)
		lay_want_space(L, (float)st->par_spacing);
	else
		lay_want_space(L, 3);
	L->after_para = false;
	if (e->type == BLK_DEF_TERM) {
		struct istyle s = lay_base_style(c);
		s.bold = true;
		s.line = e->line;
		lay_pw_begin(L, e);
		layout_text(L, c, e->inlines, NULL, s, c->leading, false, ALIGN_LEFT, BOX_LINE, 0,
			    true);
		lay_pw_begin(L, NULL);
		lay_add_penalty(L, INF); /* a term stays with its definition */
		L->pending_space = 0;
		lay_want_space(L, 1.5f);
		return *c;
	}
	struct bctx in = *c;
	float ind = (float)st->list_indent;
	if (c->w - ind >= (float)st->list_min_width) {
		in.x = c->x + ind;
		in.w = c->w - ind;
	}
	in.tight = true;
	return in;
}

/* A part title of SUMMARY.md ("# Part One") as a page of its own before
 * the part's first chapter: the title centred a third down, no running
 * head.  Its page belongs to that chapter (pagination.h), whose opening
 * still marks the chapter's start. */
void layout_part_page(struct lay *L, struct pager *P, const struct chapter *ch)
{
	const struct print_style *st = L->st;
	struct vlist V = {0};
	lay_start_list(L, &V);
	struct bctx c = {0};
	c.w = L->W;
	c.family = FAM_SANS;
	c.size = (float)st->body.size;
	c.leading = (float)st->body.leading;
	c.color = st->body.color;
	struct vitem *v = lay_emit_box(L, &c, BOX_RULE, L->H * 0.3f, -1, NULL, 0);
	v->block = ++L->serial;
	struct istyle s = {0};
	s.family = FAM_SANS;
	s.bold = true;
	s.size = (float)st->h[0].size * 1.25f;
	s.color = st->h[0].color;
	struct inline_node *t = arena_calloc(L->a, 1, sizeof *t);
	t->type = INL_TEXT;
	t->text = ch->part;
	t->len = strlen(ch->part);
	lay_pw_begin(L, NULL);
	layout_text(L, &c, t, NULL, s, (float)st->h[0].leading * 1.25f, false, ALIGN_CENTER,
		    BOX_HEADING, 0, true);
	P->ch = ch;
	lay_place_chapter(P, &V);
	lay_vlist_free(&V);
	L->part_page[ch->index] = P->page;
}
