/*
 * deflate.h - zlib (FlateDecode) compression of whole buffers: the PDF's
 * page content streams and image pixels.  The only file besides the zip
 * writer that calls zlib.
 *
 * A compressor is kept for many buffers (one per thread): a new one per
 * buffer would allocate and clear its ~260 KB of state each time, which
 * shows in books of many short pages.
 */
#ifndef FOLIO_DEFLATE_H
#define FOLIO_DEFLATE_H

#include "base/arena.h"

struct deflater;

/* zlib's default level (Z_DEFAULT_COMPRESSION), for callers that do not
 * include zlib. */
#define DEFLATE_DEFAULT (-1)

/* Returns a compressor at zlib level (0-9, or DEFLATE_DEFAULT), or NULL
 * if zlib cannot start one. */
struct deflater *deflater_new(int level);
void deflater_free(struct deflater *d);

/* Replaces b's bytes by their zlib compression.  Returns 0, or -1 if out
 * of memory (b unchanged). */
int deflater_run(struct deflater *d, struct buf *b);

#endif
