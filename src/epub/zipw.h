/*
 * zipw.h - a small writer for reproducible ZIP archives (the EPUB
 * container).  The only part of folio that includes minizip.
 *
 * Every entry gets the same timestamp and no extra fields, so the same
 * entries added in the same order give a byte-identical archive.
 */
#ifndef FOLIO_ZIPW_H
#define FOLIO_ZIPW_H

#include <stdbool.h>
#include <stddef.h>

struct zipw;

/* Creates (or truncates) the archive at path.  mtime (seconds since the
 * epoch, UTC) becomes every entry's timestamp, clamped to the ZIP range
 * 1980..2107.  Returns 0 and the writer in *out, or -1 (errno set).  The
 * caller finishes with zipw_close(). */
int zipw_open(struct zipw **out, const char *path, long long mtime);

/* Adds one entry.  compress: deflate at level 9, else stored (as EPUB
 * needs for "mimetype").  Returns 0, or -1; after a failure further adds
 * fail too and zipw_close() reports it. */
int zipw_add(struct zipw *z, const char *name, const void *data, size_t len,
	     bool compress);

/* Writes the central directory, closes the file and frees z.  Returns 0,
 * or -1 if this or any earlier step failed (the file is then incomplete;
 * the caller removes it). */
int zipw_close(struct zipw *z);

#endif
