/*
 * folder.c - the book folder: confinement, link targets, the chapter index
 * (folder.h).
 */
#include "load/folder.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* ---- Confinement -------------------------------------------------------- */

/* Resolves rel (relative to the book folder) through symlinks and checks
 * that it stays inside the book.  Returns the status and, for TARGET_OK,
 * fills *st. */
static enum target_status check_real(const struct book *b, const char *rel,
				     struct stat *st, char real[PATH_MAX])
{
	char full[PATH_MAX];
	if (snprintf(full, sizeof full, "%s/%s", b->realdir, rel) >= (int)sizeof full)
		return TARGET_BAD;
	if (!realpath(full, real))
		return errno == ENOENT || errno == ENOTDIR ? TARGET_MISSING
		       : errno == ELOOP ? TARGET_LOOP : TARGET_OUTSIDE;
	size_t dl = strlen(b->realdir);
	if (strncmp(real, b->realdir, dl) != 0 || (real[dl] != '/' && real[dl] != '\0'))
		return TARGET_OUTSIDE;
	if (stat(real, st) != 0)
		return TARGET_MISSING;
	return S_ISREG(st->st_mode) ? TARGET_OK : TARGET_NOT_FILE;
}

static enum target_status check_path(const struct book *b, const char *rel, struct stat *st)
{
	char real[PATH_MAX];
	return check_real(b, rel, st, real);
}

bool folder_is_file(const struct book *b, const char *rel)
{
	struct stat st;
	return check_path(b, rel, &st) == TARGET_OK;
}

int folder_read_file(const struct book *b, const char *path, char **data, size_t *len)
{
	struct stat st, opened;
	char real[PATH_MAX];
	enum target_status s = check_real(b, path, &st, real);
	if (s != TARGET_OK) {
		errno = s == TARGET_MISSING ? ENOENT : s == TARGET_NOT_FILE ? EISDIR
			: s == TARGET_LOOP ? ELOOP : EACCES;
		return -1;
	}
	/* Opened by the path that was checked, and only if it is still the
	 * file that was checked: a file swapped for a symlink (or another
	 * file) between the check and the open is refused, not followed. */
	int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			errno = EACCES;
		return -1;
	}
	if (fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev ||
	    opened.st_ino != st.st_ino || !S_ISREG(opened.st_mode)) {
		close(fd);
		errno = EACCES;
		return -1;
	}
	return file_read_fd(fd, data, len); /* closes fd */
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum target_status folder_target(struct arena *a, const struct book *b,
				 const char *from_path, const char *dest,
				 const char **path)
{
	*path = NULL;
	if (dest[0] == '/' || dest[0] == '\\')
		return TARGET_OUTSIDE;
	char *dec = percent_decode(a, dest);
	if (!dec)
		return TARGET_BAD;
	if (dec[0] == '/')
		return TARGET_OUTSIDE;
	char *joined = path_join(a, path_dirname(a, from_path), dec);
	char *norm = path_normalize(a, joined);
	if (!norm)
		return TARGET_OUTSIDE;
	bool dir_like = *norm == '\0' || ends_with(dec, "/");

	/* Candidates in order of preference. */
	const char *cand[4];
	int nc = 0;
	const char *ext = path_ext((char[16]){0}, norm);
	if (!dir_like && (strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0)) {
		size_t stem = strlen(norm) - strlen(ext) - 1;
		cand[nc++] = arena_printf(a, "%.*s.md", (int)stem, norm);
		/* mdBook publishes a folder's README.md as its index.html. */
		const char *base = strrchr(norm, '/');
		base = base ? base + 1 : norm;
		if (strncmp(base, "index.", 6) == 0)
			cand[nc++] = arena_printf(a, "%.*sREADME.md", (int)(base - norm), norm);
	}
	if (!dir_like)
		cand[nc++] = norm;
	/* mdBook's index preprocessor makes a folder's README.md chapter its
	 * index.md: links written to that index.md mean the README. */
	const char *nb = strrchr(norm, '/');
	nb = nb ? nb + 1 : norm;
	if (b->mdbook && !dir_like && strcmp(nb, "index.md") == 0)
		cand[nc++] = arena_printf(a, "%.*sREADME.md", (int)(nb - norm), norm);
	/* Report the first candidate's path, and the first status that says
	 * more than "missing". */
	enum target_status result = TARGET_MISSING;
	const char *result_path = nc ? cand[0] : norm;
	for (int i = 0; i < nc; i++) {
		struct stat st;
		enum target_status s = check_path(b, cand[i], &st);
		if (s == TARGET_OK) {
			*path = cand[i];
			return TARGET_OK;
		}
		if (s == TARGET_NOT_FILE && S_ISDIR(st.st_mode))
			dir_like = true;
		else if (result == TARGET_MISSING && s != TARGET_MISSING)
			result = s, result_path = cand[i];
	}
	if (dir_like) {
		static const char *const idx[] = {"index.md", "README.md"};
		for (int i = 0; i < 2; i++) {
			const char *p = path_join(a, norm, idx[i]);
			struct stat st;
			if (check_path(b, p, &st) == TARGET_OK) {
				*path = p;
				return TARGET_OK;
			}
		}
		if (result == TARGET_MISSING) {
			*path = norm;
			return nc ? TARGET_NOT_FILE : TARGET_MISSING;
		}
	}
	*path = result_path;
	return result;
}

const struct known_target *folder_known(struct arena *a, const struct book *b,
					const char *from_path, const char *dest)
{
	if (!b->meta.nknown)
		return NULL;
	char *dec = percent_decode(a, dest);
	const char *rel = dec ? path_normalize_up(a, path_join(a, path_dirname(a, from_path), dec))
			      : NULL;
	for (int i = 0; i < b->meta.nknown; i++) {
		const struct known_target *k = &b->meta.known[i];
		if (strcmp(k->path, dest) == 0)
			return k;
		const char *kn = path_normalize_up(a, k->path);
		if (rel && kn && strcmp(rel, kn) == 0)
			return k;
	}
	return NULL;
}

/* ---- The chapter index (path -> chapter) ------------------------------- */

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

void folder_index_add(struct arena *a, struct book *b, struct chapter *ch)
{
	if ((size_t)(b->nchapters + 1) * 2 > b->chapter_hash_size) {
		size_t size = b->chapter_hash_size ? b->chapter_hash_size * 2 : 64;
		struct chapter **t = arena_calloc(a, size, sizeof *t);
		for (size_t i = 0; i < b->chapter_hash_size; i++) {
			struct chapter *c = b->chapter_hash[i];
			if (!c)
				continue;
			size_t h = hash_str(c->path) & (size - 1);
			while (t[h])
				h = (h + 1) & (size - 1);
			t[h] = c;
		}
		b->chapter_hash = t;
		b->chapter_hash_size = size;
	}
	size_t h = hash_str(ch->path) & (b->chapter_hash_size - 1);
	while (b->chapter_hash[h])
		h = (h + 1) & (b->chapter_hash_size - 1);
	b->chapter_hash[h] = ch;
}

struct chapter *folder_chapter(const struct book *b, const char *path)
{
	if (!b->chapter_hash_size)
		return NULL;
	size_t h = hash_str(path) & (b->chapter_hash_size - 1);
	while (b->chapter_hash[h]) {
		if (strcmp(b->chapter_hash[h]->path, path) == 0)
			return b->chapter_hash[h];
		h = (h + 1) & (b->chapter_hash_size - 1);
	}
	return NULL;
}

