/* zipw.c - reproducible ZIP archives through minizip 1.1. */
#include "epub/zipw.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <minizip/zip.h>
#include <zlib.h>

#include "base/base.h"

struct zipw {
	zipFile zf;
	zip_fileinfo info; /* the same for every entry */
	int failed;
};

/* The ZIP (DOS) date format covers 1980-01-01 .. 2107-12-31. */
static void zip_time(long long t, tm_zip *out)
{
	const long long min = 315532800LL;   /* 1980-01-01T00:00:00Z */
	const long long max = 4354819199LL;  /* 2107-12-31T23:59:59Z */
	struct tm tm;
	time_t tt;

	if (t < min)
		t = min;
	if (t > max)
		t = max;
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	out->tm_sec = (uInt)tm.tm_sec;
	out->tm_min = (uInt)tm.tm_min;
	out->tm_hour = (uInt)tm.tm_hour;
	out->tm_mday = (uInt)tm.tm_mday;
	out->tm_mon = (uInt)tm.tm_mon;
	out->tm_year = (uInt)(tm.tm_year + 1900);
}

int zipw_open(struct zipw **out, const char *path, long long mtime)
{
	struct zipw *z = xcalloc(1, sizeof *z);

	*out = NULL;
	z->zf = zipOpen64(path, APPEND_STATUS_CREATE);
	if (!z->zf) {
		if (!errno)
			errno = EIO;
		free(z);
		return -1;
	}
	zip_time(mtime, &z->info.tmz_date);
	*out = z;
	return 0;
}

int zipw_add(struct zipw *z, const char *name, const void *data, size_t len,
	     bool compress)
{
	const unsigned char *p = data;
	int rc;

	if (z->failed)
		return -1;
	/* zip64 = 0: a zip64 extra field on small entries is legal ZIP but
	 * EPUB checkers reject it; folio's books stay far below 4 GiB. */
	rc = zipOpenNewFileInZip4_64(z->zf, name, &z->info, NULL, 0, NULL, 0,
				     NULL, compress ? Z_DEFLATED : 0,
				     compress ? 9 : 0, 0, -MAX_WBITS,
				     DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY, NULL,
				     0, 0, 0, 0);
	if (rc != ZIP_OK) {
		z->failed = 1;
		return -1;
	}
	while (len > 0) {
		unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
		if (zipWriteInFileInZip(z->zf, p, chunk) != ZIP_OK) {
			z->failed = 1;
			break;
		}
		p += chunk;
		len -= chunk;
	}
	if (zipCloseFileInZip(z->zf) != ZIP_OK)
		z->failed = 1;
	return z->failed ? -1 : 0;
}

int zipw_close(struct zipw *z)
{
	int failed;

	if (!z)
		return -1;
	failed = z->failed;
	if (zipClose(z->zf, NULL) != ZIP_OK)
		failed = 1;
	free(z);
	return failed ? -1 : 0;
}
