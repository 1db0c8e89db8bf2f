/*
 * backend.h - `folio mdbook-backend` (also run as `mdbook-folio`): folio as
 * an mdBook backend, and the book's own settings over the command line's.
 *
 * With [output.folio] in book.toml, `mdbook build` runs folio with the
 * RenderContext JSON on standard input (load/renderctx.h) and the
 * destination folder as its working folder; folio writes the PDF and the
 * EPUB there, prints diagnostics on standard error and exits non-zero on
 * errors, as `folio build` does.
 */
#ifndef FOLIO_BACKEND_H
#define FOLIO_BACKEND_H

#include "base/options.h"
#include "base/run.h"
#include "model/model.h"

/* Reads the RenderContext from standard input and loads its book.
 * Returns 0 with *out and *out_dir (the destination), or -1 after a
 * DIAG_FATAL. */
int backend_load(struct book **out, const char **out_dir, struct run *run);

/* The book's [output.folio] paper, duplex and style where the command
 * line said nothing. */
void backend_settings(struct build_opts *o, const struct book *b);

#endif
