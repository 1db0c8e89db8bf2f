/*
 * resources.h - the Resources appendix: every external link of the book,
 * deduplicated by normalised URL, numbered and grouped.
 *
 * Runs after resolve().  The writers print book->resources; a body link
 * finds its entry as book->resource_of[link->ext_index].
 */
#ifndef FOLIO_RESOURCES_H
#define FOLIO_RESOURCES_H

#include "base/run.h"
#include "model/model.h"

void resources_collect(struct run *run, struct book *book);

#endif
