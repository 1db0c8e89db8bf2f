/*
 * renderctx.c - mdBook's RenderContext JSON read into a book (renderctx.h).
 */
#include "load/renderctx.h"
#include "load/book.h"
#include "load/summary.h"
#include "base/util.h"

#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#define RC_FILE "<stdin>"

struct rc {
	struct run *run;
	struct arena *a;
	const char *src;  /* the book's src folder, normalised ("" = root) */
	struct vec items; /* struct summary_item * */
};

/* What mdBook never writes is an error (exit status 1): the outputs are
 * still made of what could be read, but the build is not a success. */
static void rc_error(struct rc *r, const char *where, const char *msg)
{
	diag_error(r->run->diags, RC_FILE, 0, 0, "%s: %s", where, msg);
}

/* A member of obj when it has the type (NULL when obj is not an object or
 * the member is absent or null). */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (obj && json_object_is_type(obj, json_type_object))
		json_object_object_get_ex(obj, key, &v);
	return v && !json_object_is_type(v, json_type_null) ? v : NULL;
}

/* A string member, or NULL (with a warning when present but no string). */
static const char *str_member(struct rc *r, struct json_object *obj, const char *key,
			      const char *where)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		rc_error(r, arena_printf(r->a, "%s.%s", where, key), "not a string; ignored");
		return NULL;
	}
	return arena_strndup(r->a, json_object_get_string(v),
			     (size_t)json_object_get_string_len(v));
}

/* "1.2." from [1, 2]; NULL for null or anything else (warned). */
static const char *section_number(struct rc *r, struct json_object *num, const char *where)
{
	if (!num)
		return NULL;
	size_t n = json_object_is_type(num, json_type_array) ? json_object_array_length(num) : 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(num, i);
		if (!json_object_is_type(d, json_type_int) || json_object_get_int64(d) < 0 ||
		    json_object_get_int64(d) > INT_MAX) {
			n = 0;
			break;
		}
		buf_printf(&b, "%lld.", (long long)json_object_get_int64(d));
	}
	const char *out = n ? buf_to_arena(&b, r->a) : NULL;
	buf_free(&b);
	if (!out)
		rc_error(r, where, "number is not a list of section numbers; unnumbered");
	return out;
}

static int add_item(struct rc *r, enum toc_kind kind, const char *title, int depth, int parent)
{
	struct summary_item *it = arena_alloc(r->a, sizeof *it);
	it->kind = kind;
	it->title = title;
	it->depth = depth;
	it->parent = parent;
	vec_push(&r->items, it);
	return (int)r->items.n - 1;
}

static void read_items(struct rc *r, struct json_object *arr, const char *where, int depth,
		       int parent);

/* One Chapter: its file (confined to the book), its text, its number. */
static void read_chapter(struct rc *r, struct json_object *ch, const char *where, int depth,
			 int parent)
{
	if (!json_object_is_type(ch, json_type_object)) {
		rc_error(r, where, "not an object; left out");
		return;
	}
	const char *name = str_member(r, ch, "name", where);
	const char *file = str_member(r, ch, "source_path", where);
	if (!file)
		file = str_member(r, ch, "path", where);
	struct json_object *content = member(ch, "content");
	bool told = false;
	if (content && !json_object_is_type(content, json_type_string)) {
		rc_error(r, where, "content is not a string; the file is read instead");
		content = NULL;
		told = true;
	}
	const char *path = NULL;
	if (file && *file) {
		const char *joined = *r->src ? path_join(r->a, r->src, file) : file;
		path = file[0] == '/' ? NULL : path_normalize(r->a, joined);
		if (!path || !*path) {
			/* as SUMMARY.md's loader does: its sub-chapters are kept */
			rc_error(r, where, arena_printf(r->a, "chapter path '%s' leaves the book "
							"folder; kept in the contents as "
							"unwritten", file));
			path = NULL;
		}
	}
	if (!name || !*name) {
		/* mdBook always names its chapters; named after the file */
		const char *base = path ? strrchr(path, '/') : NULL;
		base = base ? base + 1 : path ? path : "(untitled)";
		const char *dot = strrchr(base, '.');
		name = arena_strndup(r->a, base, dot && dot != base ? (size_t)(dot - base)
								 : strlen(base));
		rc_error(r, where, arena_printf(r->a, "no name; called '%s'", name));
	}
	int idx = add_item(r, path ? TOC_CHAPTER : TOC_DRAFT, name, depth, parent);
	struct summary_item *it = r->items.v[idx];
	it->number = section_number(r, member(ch, "number"), where);
	if (path) {
		it->path = path;
		it->url = file;
		if (content) {
			it->content = json_object_get_string(content);
			it->content_len = (size_t)json_object_get_string_len(content);
		} else if (!told) {
			rc_error(r, where, arena_printf(r->a, "no content for '%s'; the file is "
							"read instead", file));
		}
	}
	struct json_object *subs = member(ch, "sub_items");
	if (subs)
		read_items(r, subs, arena_printf(r->a, "%s.sub_items", where), depth + 1, idx);
}

/* An array of BookItems.  Recursion follows the JSON's nesting, which the
 * tokener bounds (RENDERCTX_MAX_DEPTH). */
static void read_items(struct rc *r, struct json_object *arr, const char *where, int depth,
		       int parent)
{
	if (!json_object_is_type(arr, json_type_array)) {
		rc_error(r, where, "not a list; left out");
		return;
	}
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		const char *at = arena_printf(r->a, "%s[%zu]", where, i);
		struct json_object *v;
		if (json_object_is_type(it, json_type_string) &&
		    strcmp(json_object_get_string(it), "Separator") == 0) {
			add_item(r, TOC_SEPARATOR, NULL, 0, -1);
		} else if ((v = member(it, "Chapter"))) {
			read_chapter(r, v, arena_printf(r->a, "%s.Chapter", at), depth, parent);
		} else if ((v = member(it, "PartTitle")) && json_object_is_type(v, json_type_string)) {
			add_item(r, TOC_PART, arena_strdup(r->a, json_object_get_string(v)), 0, -1);
		} else {
			rc_error(r, at, "not a Chapter, Separator or PartTitle; left out");
		}
	}
}

/* Whether mdBook's links preprocessor ({{#include}} and friends) ran. */
static bool links_ran(struct json_object *config)
{
	struct json_object *pre = member(config, "preprocessor");
	if (member(pre, "links"))
		return true;
	struct json_object *def = member(member(config, "build"), "use-default-preprocessors");
	return !def || !json_object_is_type(def, json_type_boolean) || json_object_get_boolean(def);
}

/* config.book over what book.toml on disk said: the JSON is what mdBook
 * loaded (with its MDBOOK_* environment overrides). */
struct adjust_ctx {
	struct rc *r;
	struct json_object *book;
};

static void adjust_meta(void *ctx, struct book *b)
{
	struct adjust_ctx *c = ctx;
	struct rc *r = c->r;
	struct metadata *m = &b->meta;
	const char *s;
	if ((s = str_member(r, c->book, "title", "config.book")))
		m->title = s;
	if ((s = str_member(r, c->book, "description", "config.book")))
		m->description = s;
	if ((s = str_member(r, c->book, "language", "config.book")))
		m->language = s;
	struct json_object *au = member(c->book, "authors");
	if (au && json_object_is_type(au, json_type_array)) {
		size_t n = json_object_array_length(au), k = 0;
		const char **names = arena_calloc(r->a, n + 1, sizeof *names);
		for (size_t i = 0; i < n; i++) {
			struct json_object *one = json_object_array_get_idx(au, i);
			if (json_object_is_type(one, json_type_string) &&
			    json_object_get_string_len(one) > 0)
				names[k++] = arena_strdup(r->a, json_object_get_string(one));
		}
		if (k) {
			m->authors = names;
			m->nauthors = (int)k;
		}
	} else if (au) {
		rc_error(r, "config.book.authors", "not a list; ignored");
	}
}

/* Line and column of byte off in text. */
static void position(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

static struct json_object *parse(struct run *run, const char *json, size_t len)
{
	struct diag_list *d = run->diags;
	if (len > INT_MAX) {
		diag_fatal(d, RC_FILE, "RenderContext larger than 2 GB");
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new_ex(RENDERCTX_MAX_DEPTH);
	if (!tok) {
		diag_fatal(d, RC_FILE, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *obj = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (obj && err == json_tokener_success) {
		while (end < len && strchr(" \t\r\n", json[end]))
			end++;
		if (end < len)
			err = json_tokener_error_parse_unexpected;
	} else if (err == json_tokener_continue) {
		err = json_tokener_error_parse_eof;
	}
	json_tokener_free(tok);
	if (err != json_tokener_success || !obj) {
		int line, col;
		position(json, end < len ? end : len, &line, &col);
		diag_add(d, DIAG_FATAL, RC_FILE, line, col,
			 "not mdBook's RenderContext JSON: %s%s", json_tokener_error_desc(err),
			 err == json_tokener_error_depth ? " (nested deeper than 64)" : "");
		json_object_put(obj);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		diag_fatal(d, RC_FILE, "not mdBook's RenderContext: not a JSON object");
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* A required string member of the top object, or NULL after a fatal. */
static const char *required(struct rc *r, struct json_object *top, const char *key)
{
	struct json_object *v = member(top, key);
	if (!v || !json_object_is_type(v, json_type_string) || !json_object_get_string_len(v) ||
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		diag_fatal(r->run->diags, RC_FILE, "not mdBook's RenderContext: '%s' %s", key,
			   v ? "is not a folder name" : "is missing");
		return NULL;
	}
	return arena_strdup(r->a, json_object_get_string(v));
}

int renderctx_load(struct book **out, const char **destination, struct run *run,
		   const char *json, size_t len)
{
	struct rc r = {.run = run, .a = run->arena};
	int rc = -1;
	struct json_object *top = parse(run, json, len);
	if (!top)
		return -1;
	const char *root = required(&r, top, "root");
	const char *dest = root ? required(&r, top, "destination") : NULL;
	struct json_object *book = member(top, "book");
	struct json_object *items = member(book, "items");
	const char *where = "book.items";
	if (!items) {
		items = member(book, "sections");
		where = "book.sections";
	}
	if (dest && (!items || !json_object_is_type(items, json_type_array))) {
		diag_fatal(run->diags, RC_FILE, "not mdBook's RenderContext: no list of chapters "
			   "(book.items in mdBook 0.5, book.sections in 0.4)");
		dest = NULL;
	}
	if (!dest)
		goto out;
	struct json_object *config = member(top, "config");
	struct json_object *cbook = member(config, "book");
	const char *src = str_member(&r, cbook, "src", "config.book");
	if (!src)
		src = "src";
	r.src = src[0] == '/' ? NULL : path_normalize(r.a, src);
	if (!r.src) {
		diag_fatal(run->diags, RC_FILE, "config.book.src '%s' leaves the book folder", src);
		goto out;
	}
	read_items(&r, items, where, 0, -1);
	struct summary sum = {.path = RC_FILE, .display_path = RC_FILE,
			      .nitems = (int)r.items.n};
	sum.items = arena_calloc(r.a, r.items.n + 1, sizeof *sum.items);
	for (size_t i = 0; i < r.items.n; i++)
		sum.items[i] = *(struct summary_item *)r.items.v[i];
	struct adjust_ctx ac = {&r, cbook};
	if (book_load_outline(out, run, root, r.src, &sum, links_ran(config), adjust_meta,
			      &ac) == 0) {
		*destination = dest;
		rc = 0;
	}
out:
	vec_free(&r.items);
	json_object_put(top);
	return rc;
}
