/*
 * folder.h - the book folder: what may be read, and the chapters by path.
 *
 * No file outside the book folder is ever read: every path is resolved
 * through symlinks and checked to stay inside book->realdir before it is
 * opened.  The loader (book.c, meta.c, summary.c, preproc.c) and resolve
 * read files only through here.
 */
#ifndef FOLIO_FOLDER_H
#define FOLIO_FOLDER_H

#include "base/arena.h"
#include "model/model.h"

/* Why a local link target was refused or not found. */
enum target_status {
	TARGET_OK,        /* *path is a readable regular file in the book */
	TARGET_MISSING,   /* no such file */
	TARGET_OUTSIDE,   /* climbs out of the book folder, absolute, or a
			     symlink leading out */
	TARGET_NOT_FILE,  /* a directory or special file */
	TARGET_BAD,       /* malformed (bad percent-encoding, NUL) */
	TARGET_LOOP       /* symbolic links that lead round in a loop */
};

/*
 * Resolves a relative link destination (no scheme, fragment already cut
 * off, still percent-encoded) written in the file from_path (relative to
 * the book folder) to a path relative to the book folder (working
 * strings in a).  For ".html"
 * destinations the ".md" source is tried first (for "index.html" then
 * README.md, as mdBook publishes it); a folder tries its index.md then
 * README.md; in an mdBook book a missing index.md is its folder's
 * README.md (mdBook's index preprocessor).  *path is set for TARGET_OK and TARGET_MISSING
 * (the normalised path that was looked for).
 */
enum target_status folder_target(struct arena *a, const struct book *book,
				 const char *from_path, const char *dest,
				 const char **path);

/* The chapter whose path is path, or NULL. */
struct chapter *folder_chapter(const struct book *book, const char *path);
/* Adds ch to the book's path -> chapter index (while loading). */
void folder_index_add(struct arena *a, struct book *book, struct chapter *ch);

/* A known out-of-book target declared in the metadata matching dest as
 * written in from_path, or NULL. */
const struct known_target *folder_known(struct arena *a, const struct book *book,
					const char *from_path, const char *dest);

/* True if rel (relative to the book folder) is a regular file inside it. */
bool folder_is_file(const struct book *book, const char *rel);

/* Reads a file of the book (path relative to the book folder) after the
 * same confinement checks.  Returns 0, or -1 (errno set; EACCES for paths
 * leaving the book).  The caller frees *data. */
int folder_read_file(const struct book *book, const char *path, char **data, size_t *len);

#endif
