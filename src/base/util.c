/* util.c - UTF-8, paths, slugs, URLs and files. */
#include "base/util.h"
#include "base/base.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

bool threads_allowed(void)
{
	const char *v = getenv("FOLIO_THREADS");
	return !(v && strcmp(v, "1") == 0);
}

int utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if ((size_t)len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

int utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* UTF-16 (LE or BE, after its byte-order mark) as UTF-8, in heap memory
 * the caller frees; an unpaired surrogate becomes U+FFFD. */
static char *utf16_to_utf8(const unsigned char *s, size_t n, bool be, size_t *out_len)
{
	char *out = xmalloc(n / 2 * 3 + 4);
	size_t o = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t u = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t lo = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
					 : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD;
		o += (size_t)utf8_encode(u, out + o);
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

char *text_clean(struct arena *a, const char *s, size_t n, size_t *out_len,
		 struct clean_report *rep)
{
	memset(rep, 0, sizeof *rep);
	/* A UTF-16 file (as Windows editors save "Unicode" text), known by
	 * its byte-order mark, is read as the UTF-8 it stands for. */
	char *utf16 = NULL;
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		utf16 = utf16_to_utf8(u + 2, n - 2, u[0] == 0xFE, &n);
		s = utf16;
		rep->had_bom = rep->utf16 = true;
	}
	/* U+FFFD is 3 bytes and replaces at least 1: 3n bounds the output. */
	char *out = arena_alloc(a, n * 3 + 1);
	size_t o = 0, i = 0;
	int line = 1, col = 1;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		rep->had_bom = true;
		i = 3;
	}
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r') {
			out[o++] = '\n';
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
			line++;
			col = 1;
			continue;
		}
		if (c == '\n') {
			out[o++] = '\n';
			i++;
			line++;
			col = 1;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			if (!rep->bad_ctrl++) {
				rep->ctrl_line = line;
				rep->ctrl_col = col;
			}
			i++;
			col++;
			continue;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
			i++;
			col++;
			continue;
		}
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		/* U+FFFE and U+FFFF are not characters and not allowed in XML
		 * (the EPUB): replaced like invalid bytes. */
		if (cp == 0xFFFE || cp == 0xFFFF)
			cp = 0xFFFD;
		if (cp >= 0x80 && cp <= 0x9F) {
			/* C1 controls: dropped like C0 ones. */
			if (!rep->bad_ctrl++) {
				rep->ctrl_line = line;
				rep->ctrl_col = col;
			}
			i += (size_t)len;
			col++;
			continue;
		}
		if (cp == 0xFFFD && !(len == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
			if (!rep->bad_utf8++) {
				rep->utf8_line = line;
				rep->utf8_col = col;
			}
		}
		o += (size_t)utf8_encode(cp, out + o);
		i += (size_t)len;
		col++;
	}
	out[o] = '\0';
	*out_len = o;
	free(utf16);
	return out;
}

/* Lowercase for the scripts headings are mostly written in (Latin-1,
 * Latin Extended-A, Greek, Cyrillic); locale-independent on purpose. */
static uint32_t lower_cp(uint32_t c)
{
	if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149 && c != 0x17F) {
		/* pairs: even upper/odd lower, except 0x139-0x148 and 0x179-0x17E (odd upper) */
		bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
		if (odd_upper ? (c & 1) : !(c & 1))
			return c + 1;
	}
	return c;
}

/* Unicode White_Space beyond ASCII. */
static bool is_uspace(uint32_t c)
{
	return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/*
 * mdBook's rule (its id_from_content / normalize_id): the text trimmed,
 * then each character kept lowercased if alphanumeric, '_' or '-', each
 * white space made '-', the rest dropped.  For ASCII this is GitHub's
 * rule too.  Beyond ASCII, letters and digits of any script are kept and
 * the punctuation and symbol blocks dropped.
 */
char *slug_make(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(a, n + 1);
	size_t o = 0, i = 0;
	/* trim white space, ASCII and Unicode, at both ends */
	for (;;) {
		uint32_t cp = (unsigned char)text[i];
		int len = 1;
		if (i < n && cp >= 0x80)
			len = utf8_decode(text + i, n - i, &cp);
		if (i < n && (isspace((int)cp) || (cp >= 0x80 && is_uspace(cp))))
			i += (size_t)len;
		else
			break;
	}
	while (n > i) {
		size_t k = n - 1;
		while (k > i && ((unsigned char)text[k] & 0xC0) == 0x80)
			k--;
		uint32_t cp = (unsigned char)text[k];
		if (cp >= 0x80)
			utf8_decode(text + k, n - k, &cp);
		if (!(cp < 0x80 ? isspace((int)cp) != 0 : is_uspace(cp)))
			break;
		n = k;
	}
	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x80) {
			if (isalnum(c) || c == '-' || c == '_')
				out[o++] = (char)tolower(c);
			else if (isspace(c))
				out[o++] = '-';
			i++;
			continue;
		}
		uint32_t cp;
		int len = utf8_decode(text + i, n - i, &cp);
		/* Latin-1's letters and numbers (ª µ º ¹ ² ³ ¼ ½ ¾) are kept */
		bool alnum_l1 = cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB2 ||
				cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE);
		bool punct = (cp >= 0x2000 && cp <= 0x206F) || /* general punctuation */
			     (cp >= 0x00A0 && cp <= 0x00BF && !alnum_l1) || cp == 0x00D7 ||
			     cp == 0x00F7 || (cp >= 0x2190 && cp <= 0x2BFF) || /* arrows, symbols */
			     (cp >= 0x3000 && cp <= 0x303F) || /* CJK punctuation */
			     (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
			     cp >= 0x1F000 || cp == 0xFFFD;
		if (is_uspace(cp))
			out[o++] = '-';
		else if (!punct)
			o += (size_t)utf8_encode(lower_cp(cp), out + o);
		i += (size_t)len;
	}
	out[o] = '\0';
	return out;
}

static char *normalize(struct arena *a, const char *path, bool allow_up)
{
	size_t n = strlen(path);
	char *out = arena_alloc(a, n + 1);
	/* Segment start offsets in out, to pop on "..". */
	size_t *starts = xcalloc(n / 2 + 2, sizeof *starts);
	size_t nseg = 0, o = 0;
	const char *p = path;
	char *result = out;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* skip */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg == 0 || (allow_up && o >= 2 && strncmp(out + starts[nseg - 1], "..", 2) == 0 &&
					  o - starts[nseg - 1] == 2)) {
				if (!allow_up) {
					result = NULL;
					break;
				}
				/* keep a leading ".." */
				if (o > 0)
					out[o++] = '/';
				starts[nseg++] = o;
				out[o++] = '.';
				out[o++] = '.';
			} else {
				o = starts[--nseg];
				if (o > 0)
					o--; /* drop the '/' before it */
			}
		} else {
			if (o > 0)
				out[o++] = '/';
			starts[nseg++] = o;
			memcpy(out + o, p, len);
			o += len;
		}
		if (!e)
			break;
		p = e + 1;
	}
	free(starts);
	if (result)
		out[o] = '\0';
	return result;
}

char *path_normalize(struct arena *a, const char *path)
{
	return normalize(a, path, false);
}

char *path_normalize_up(struct arena *a, const char *path)
{
	return normalize(a, path, true);
}

char *path_dirname(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, "");
}

char *path_join(struct arena *a, const char *dir, const char *rel)
{
	if (!dir || !*dir)
		return arena_strdup(a, rel);
	size_t dl = strlen(dir);
	return arena_printf(a, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", rel);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *percent_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			int h = hexval((unsigned char)s[i + 1]);
			int l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return NULL;
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

const char *path_ext(char ext[16], const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (!dot || (slash && dot < slash) || strlen(dot + 1) >= 16) {
		ext[0] = '\0';
		return ext;
	}
	size_t i = 0;
	for (const char *p = dot + 1; *p; p++)
		ext[i++] = (char)tolower((unsigned char)*p);
	ext[i] = '\0';
	return ext;
}

bool url_has_scheme(const char *url)
{
	/* RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (!isalpha((unsigned char)url[0]))
		return false;
	const char *p = url + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	/* A one-letter "scheme" is a Windows drive letter, not a URL. */
	return *p == ':' && p - url > 1;
}

char *url_normalize(struct arena *a, const char *url)
{
	struct buf b = BUF_INIT;
	const char *colon = strchr(url, ':');
	if (!colon || !url_has_scheme(url)) {
		char *s = arena_strdup(a, url);
		return s;
	}
	char scheme[32];
	size_t sl = (size_t)(colon - url);
	if (sl >= sizeof scheme)
		sl = sizeof scheme - 1;
	for (size_t i = 0; i < sl; i++)
		scheme[i] = (char)tolower((unsigned char)url[i]);
	scheme[sl] = '\0';
	buf_puts(&b, scheme);
	buf_putc(&b, ':');
	const char *p = colon + 1;
	if (p[0] == '/' && p[1] == '/') {
		buf_puts(&b, "//");
		p += 2;
		const char *hend = p;
		while (*hend && *hend != '/' && *hend != '?' && *hend != '#')
			hend++;
		/* userinfo@host:port - lowercase the host, drop default port */
		const char *at = NULL;
		for (const char *q = p; q < hend; q++)
			if (*q == '@')
				at = q;
		const char *host = at ? at + 1 : p;
		if (at)
			buf_put(&b, p, (size_t)(host - p));
		const char *port = NULL;
		for (const char *q = hend; q > host; q--)
			if (q[-1] == ':') {
				port = q - 1;
				break;
			} else if (q[-1] == ']') {
				break;
			}
		const char *hostend = port ? port : hend;
		for (const char *q = host; q < hostend; q++)
			buf_putc(&b, tolower((unsigned char)*q));
		if (port) {
			size_t plen = (size_t)(hend - port - 1);
			bool dflt = (plen == 0) ||
				    (plen == 2 && strcmp(scheme, "http") == 0 && memcmp(port + 1, "80", 2) == 0) ||
				    (plen == 3 && strcmp(scheme, "https") == 0 && memcmp(port + 1, "443", 3) == 0);
			if (!dflt)
				buf_put(&b, port, (size_t)(hend - port));
		}
		p = hend;
		if (!*p && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0))
			buf_putc(&b, '/');
	}
	buf_puts(&b, p);
	/* A lone trailing '#' names no fragment. */
	if (b.len && b.data[b.len - 1] == '#')
		b.data[--b.len] = '\0';
	char *s = buf_to_arena(&b, a);
	buf_free(&b);
	return s;
}

/* No book file (chapter, image, font) is this big; a chapter costs up to 3
 * times its size again when cleaned.  Larger files fail with EFBIG. */
#define FILE_READ_MAX ((size_t)256 << 20)

int file_read(const char *path, char **out, size_t *len)
{
	return file_read_stream(fopen(path, "rb"), out, len);
}

int file_read_fd(int fd, char **out, size_t *len)
{
	FILE *f = fdopen(fd, "rb");
	if (!f)
		close(fd);
	return file_read_stream(f, out, len);
}

int file_read_stream(FILE *f, char **out, size_t *len)
{
	if (!f)
		return -1;
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		if (b.len + n > FILE_READ_MAX) {
			fclose(f);
			buf_free(&b);
			errno = EFBIG;
			return -1;
		}
		buf_put(&b, tmp, n);
	}
	int err = ferror(f);
	int saved = errno;
	fclose(f);
	if (err) {
		buf_free(&b);
		errno = saved ? saved : EIO;
		return -1;
	}
	if (!b.data)
		buf_grow(&b, 0), b.data[0] = '\0';
	*out = b.data;
	*len = b.len;
	return 0;
}

void time_iso8601(long long t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

mode_t file_umask(void)
{
	/* umask() can only be read by setting it, which would race with a
	 * file created meanwhile on another thread; Linux shows it here. */
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned mask = 022;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Umask: %o", &mask) == 1)
			break;
	if (f)
		fclose(f);
	return (mode_t)(mask & 0777);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	/* A name of its own that nobody can have planted a symlink at:
	 * mkstemp() creates it with O_EXCL, so an existing name - a file or
	 * a link to one elsewhere - is never opened, let alone overwritten. */
	struct buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp.data);
	if (fd < 0) {
		buf_free(&tmp);
		return -1;
	}
	if (fchmod(fd, 0644 & ~file_umask()) != 0)
		goto fail;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) != 0 && errno != EINVAL)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.data, path) != 0)
		goto fail;
	buf_free(&tmp);
	return 0;
fail:;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp.data);
	buf_free(&tmp);
	errno = saved;
	return -1;
}

bool date_valid(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n != 4 && n != 7 && n != 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	if (n >= 7) {
		int m = (s[5] - '0') * 10 + (s[6] - '0');
		if (m < 1 || m > 12)
			return false;
	}
	if (n == 10) {
		int d = (s[8] - '0') * 10 + (s[9] - '0');
		if (d < 1 || d > 31)
			return false;
	}
	return true;
}

/* Case-insensitive Levenshtein distance of a and b, both at most 63
 * bytes (longer: a large number). */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 1000;
	int row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *suggest_word(const char *word, const char *const *cands)
{
	size_t n = strlen(word);
	int limit = n >= 5 ? 2 : 1;
	const char *best = NULL;
	int bd = limit + 1;
	for (; *cands; cands++) {
		int d = edit_distance(word, *cands);
		if (d < bd && 2 * d < (int)n) {
			bd = d;
			best = *cands;
		}
	}
	return best;
}
