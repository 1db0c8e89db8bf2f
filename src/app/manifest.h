/*
 * manifest.h - release artifacts' companions: out/SHA256SUMS (the
 * `sha256sum -c` format, file names relative to the output folder) and
 * out/build.json (artifacts with sizes, pages and checksums, chapters,
 * diagnostics with their locations, folio version, source date).
 *
 * Both are written to a temporary file and renamed into place.  Neither
 * holds a time of day or a path outside the output folder, so they are
 * as reproducible as the artifacts.
 */
#ifndef FOLIO_MANIFEST_H
#define FOLIO_MANIFEST_H

#include "model/model.h"
#include "base/run.h"

struct artifact {
	const char *path;   /* as written (OUT_DIR/name) */
	const char *format; /* "pdf", "epub", "handout" */
	int pages;          /* 0 when not paginated */
};

/* Returns 0, or -1 with a DIAG_FATAL recorded. */
int manifest_write(struct run *run, const struct book *book, const char *out_dir,
		   const struct artifact *arts, int nart, const char *version);

#endif
