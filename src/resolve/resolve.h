/*
 * resolve.h - heading slugs, link targets, images and external links.
 *
 * After resolve(), every INL_LINK / INL_IMAGE has a link kind other than
 * LINK_UNRESOLVED, every heading a unique slug, book->images lists the
 * images in order of first use, and book->extrefs every external link in
 * reading order.  Every target that cannot be honoured is a warning and
 * becomes LINK_BROKEN (rendered as plain text, never a dead link).
 */
#ifndef FOLIO_RESOLVE_H
#define FOLIO_RESOLVE_H

#include "base/run.h"
#include "model/model.h"

void resolve(struct run *run, struct book *book);

/* The heading in chapter whose slug matches fragment (as written, maybe
 * percent-encoded), or NULL. */
struct block *resolve_anchor(struct arena *a, const struct chapter *ch,
			     const char *fragment);

#endif
