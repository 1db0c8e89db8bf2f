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

#include <stdbool.h>

struct artifact {
	const char *path;    /* as written (OUT_DIR/name) */
	const char *format;  /* "pdf", "epub", "handout" */
	int pages;           /* 0 when not paginated */
	const char *edition; /* the print edition it follows: "a4",
				"letter-duplex", ... */
};

/* What this build made: the print edition's paper ("a4", "letter",
 * "custom") and whether it is duplex; its name is edition. */
struct manifest_edition {
	const char *name;
	const char *paper;
	bool duplex;
};

/* Returns 0, or -1 with a DIAG_FATAL recorded. */
int manifest_write(struct run *run, const struct book *book, const char *out_dir,
		   const struct artifact *arts, int nart, const char *version,
		   const struct manifest_edition *ed);

/*
 * The artifacts out_dir/build.json lists from an earlier run (its
 * "artifacts"), as plain file names inside out_dir: entries whose name
 * holds a '/', starts with '.', or is not a plain JSON string are left
 * out, so that nothing outside the folder is ever named.  path is the
 * bare name, edition NULL when the old build.json has none.  Allocated
 * in a; *n = 0 when there is no build.json.
 */
void manifest_previous(struct arena *a, const char *out_dir, struct artifact **out, int *n);

#endif
