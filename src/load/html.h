/*
 * html.h - raw HTML inside Markdown, mapped into folio's model.
 *
 * cmark-gfm keeps HTML as it was written: HTML blocks (BLK_HTML) and one
 * inline node per tag (INL_HTML).  html_convert() reassembles them with
 * the Markdown between them (an open tag, text, a close tag; an HTML
 * block, a code fence, another HTML block), parses that with libxml2's
 * HTML parser and maps the result into ordinary blocks and inlines
 * (formatting, links, anchors, images, figures and captions, listings,
 * tables), so both writers render it and neither ever shows a raw tag.
 * Comments, <script>, <style>, <iframe> and the like are dropped; any
 * other unknown tag is dropped with its content kept and one warning per
 * tag name in the book.
 */
#ifndef FOLIO_HTML_H
#define FOLIO_HTML_H

#include "base/run.h"
#include "model/model.h"

/* Rewrites ch->blocks in place (after md_parse's walk, before headings
 * are listed) and fills ch->anchors.  The containers it makes stay
 * within max_block / max_inline levels of nesting (md_parse's limits). */
void html_convert(struct run *run, struct chapter *ch, int max_block, int max_inline);

#endif
