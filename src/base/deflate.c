/* deflate.c - zlib compression of whole buffers (deflate.h). */
#include "base/deflate.h"

#include <stdlib.h>

#include <zlib.h>

#include "base/base.h"

struct deflater {
	z_stream z;
};

struct deflater *deflater_new(int level)
{
	struct deflater *d = xcalloc(1, sizeof *d);
	if (deflateInit(&d->z, level) != Z_OK) {
		free(d);
		d = NULL;
	}
	return d;
}

void deflater_free(struct deflater *d)
{
	if (!d)
		return;
	deflateEnd(&d->z);
	free(d);
}

int deflater_run(struct deflater *d, struct buf *b)
{
	if (deflateReset(&d->z) != Z_OK)
		return -1;
	uLong n = deflateBound(&d->z, (uLong)b->len);
	char *out = malloc(n + 1); /* sized by the input: base.h */
	if (!out)
		return -1;
	d->z.next_in = (Bytef *)b->data;
	d->z.avail_in = (uInt)b->len;
	d->z.next_out = (Bytef *)out;
	d->z.avail_out = (uInt)n;
	if (deflate(&d->z, Z_FINISH) != Z_STREAM_END) {
		free(out);
		return -1;
	}
	free(b->data);
	b->data = out;
	b->len = (size_t)(n - d->z.avail_out);
	b->cap = (size_t)n + 1;
	b->data[b->len] = '\0';
	return 0;
}
