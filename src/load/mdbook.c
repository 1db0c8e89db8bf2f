/*
 * mdbook.c - callouts, definition lists, heading attributes and chapter
 * openings (see mdbook.h).
 *
 * Everything here works on folio's model after md_parse, except the
 * admonish fences: their body is Markdown, so before md_parse each fence
 * becomes a block quote (same lines, "> " before each) opening with a
 * marker line that names the fence, and the quote is then made a callout
 * exactly as a GitHub alert is.
 */
#include "load/mdbook.h"
#include "base/base.h"
#include "base/util.h"
#include "model/words.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MARKER "[!FOLIO-ADMONISH-"

struct admonition {
	enum callout_kind kind;
	const char *label;
};

struct admonitions {
	struct admonition *v;
	int n;
};

/* ---- Kinds ----------------------------------------------------------------- */

struct kind_name {
	const char *name;
	enum callout_kind kind;
};

/* mdbook-admonish's directives (and their aliases), mapped onto the five
 * kinds both editions style. */
static const struct kind_name admonish_kinds[] = {
	{"note", CALLOUT_NOTE},       {"abstract", CALLOUT_NOTE},   {"summary", CALLOUT_NOTE},
	{"tldr", CALLOUT_NOTE},       {"info", CALLOUT_NOTE},       {"todo", CALLOUT_NOTE},
	{"question", CALLOUT_NOTE},   {"help", CALLOUT_NOTE},       {"faq", CALLOUT_NOTE},
	{"example", CALLOUT_NOTE},    {"quote", CALLOUT_NOTE},      {"cite", CALLOUT_NOTE},
	{"tip", CALLOUT_TIP},         {"hint", CALLOUT_TIP},        {"success", CALLOUT_TIP},
	{"check", CALLOUT_TIP},       {"done", CALLOUT_TIP},        {"important", CALLOUT_IMPORTANT},
	{"warning", CALLOUT_WARNING}, {"caution", CALLOUT_WARNING}, {"attention", CALLOUT_WARNING},
	{"failure", CALLOUT_CAUTION}, {"fail", CALLOUT_CAUTION},    {"missing", CALLOUT_CAUTION},
	{"danger", CALLOUT_CAUTION},  {"error", CALLOUT_CAUTION},   {"bug", CALLOUT_CAUTION},
};

/* GitHub's five alerts, by their marker word. */
static const struct kind_name alert_kinds[] = {
	{"NOTE", CALLOUT_NOTE},       {"TIP", CALLOUT_TIP},         {"IMPORTANT", CALLOUT_IMPORTANT},
	{"WARNING", CALLOUT_WARNING}, {"CAUTION", CALLOUT_CAUTION},
};

static const char *const alert_labels[] = {"Note", "Tip", "Important", "Warning", "Caution"};

/* "danger" -> "Danger" */
static const char *capitalised(struct arena *a, const char *s, size_t n)
{
	char *c = arena_strndup(a, s, n);
	if (*c)
		c[0] = (char)toupper((unsigned char)c[0]);
	return c;
}

/* ---- Admonish fences, before md_parse --------------------------------------- */

/* The fence opening line l (n bytes): its indent, character and length;
 * false if it is none. */
static bool fence_open(const char *l, size_t n, size_t *ind, char *ch, size_t *len)
{
	size_t i = 0;
	while (i < n && l[i] == ' ')
		i++;
	if (i >= n || (l[i] != '`' && l[i] != '~'))
		return false;
	size_t k = i;
	while (k < n && l[k] == l[i])
		k++;
	if (k - i < 3)
		return false;
	if (l[i] == '`' && memchr(l + k, '`', n - k))
		return false; /* a backtick fence's info holds no backtick */
	*ind = i;
	*ch = l[i];
	*len = k - i;
	return true;
}

static bool fence_closes(const char *l, size_t n, size_t ind, char ch, size_t len)
{
	size_t i = 0;
	while (i < n && l[i] == ' ')
		i++;
	if (i > ind + 3)
		return false;
	size_t k = i;
	while (k < n && l[k] == ch)
		k++;
	if (k - i < len)
		return false;
	while (k < n && isspace((unsigned char)l[k]))
		k++;
	return k == n;
}

/* One token of an admonish info string: a quoted string (quotes removed)
 * or a run of non-blanks, where key="a b" stays one token.  Returns the
 * position after it. */
static size_t info_token(const char *s, size_t i, size_t n, struct buf *tok)
{
	buf_reset(tok);
	if (s[i] == '"') {
		for (i++; i < n && s[i] != '"'; i++)
			buf_putc(tok, s[i]);
		return i < n ? i + 1 : i;
	}
	while (i < n && !isspace((unsigned char)s[i])) {
		if (s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				buf_putc(tok, s[i]);
			if (i < n)
				i++;
			continue;
		}
		buf_putc(tok, s[i++]);
	}
	return i;
}

/* "admonish warning "Title" collapsible=true" -> kind and label. */
static struct admonition admonish_info(struct run *run, const struct chapter *ch, int line,
				       int col, const char *s, size_t n)
{
	struct arena *a = run->arena;
	struct admonition ad = {CALLOUT_NOTE, NULL};
	const char *kind = NULL, *title = NULL;
	struct buf tok = BUF_INIT;
	size_t i = strlen("admonish");
	for (;;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		bool quoted = s[i] == '"';
		i = info_token(s, i, n, &tok);
		const char *t = tok.data ? tok.data : "";
		if (quoted)
			title = arena_strdup(a, t);
		else if (strncmp(t, "title=", 6) == 0)
			title = arena_strdup(a, t + 6);
		else if (!strchr(t, '=') && !kind)
			kind = arena_strdup(a, t);
	}
	buf_free(&tok);
	bool known = !kind;
	for (size_t k = 0; kind && k < sizeof admonish_kinds / sizeof *admonish_kinds; k++) {
		if (strcasecmp(kind, admonish_kinds[k].name) == 0) {
			ad.kind = admonish_kinds[k].kind;
			known = true;
		}
	}
	if (!known)
		diag_warn(run->diags, ch->display_path, line, col,
			  "unknown admonish kind '%s'; shown as a note", kind);
	if (title && *title)
		ad.label = title;
	else if (kind && known)
		ad.label = capitalised(a, kind, strlen(kind));
	else
		ad.label = "Note";
	return ad;
}

struct admonitions *mdbook_admonish_source(struct run *run, struct chapter *ch)
{
	struct arena *a = run->arena;
	const char *s = ch->source;
	size_t n = ch->source_len;
	if (!memmem(s, n, "admonish", 8))
		return NULL;
	struct buf out = BUF_INIT;
	struct vec found = {0};
	bool fenced = false, adm = false; /* inside a fence; an admonish one */
	size_t find = 0, flen = 0;
	char fch = 0;
	int line = 1;
	for (size_t i = 0; i < n; line++) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		const char *l = s + i;
		size_t ln = e - i;
		size_t next = nl ? e + 1 : n;
		if (fenced && fence_closes(l, ln, find, fch, flen)) {
			fenced = false;
			if (adm) {
				adm = false;
				buf_puts(&out, next > e ? "\n" : ""); /* the fence: a blank line */
				i = next;
				continue;
			}
		} else if (fenced && adm) {
			size_t k = 0;
			while (k < find && k < ln && l[k] == ' ')
				k++;
			buf_put(&out, l, k);
			buf_puts(&out, k < ln ? "> " : ">");
			buf_put(&out, l + k, next - i - k);
			i = next;
			continue;
		} else if (!fenced && fence_open(l, ln, &find, &fch, &flen)) {
			fenced = true;
			const char *info = l + find + flen;
			size_t il = ln - find - flen;
			while (il && isspace((unsigned char)*info)) {
				info++;
				il--;
			}
			while (il && isspace((unsigned char)info[il - 1]))
				il--;
			if (il >= 8 && memcmp(info, "admonish", 8) == 0 &&
			    (il == 8 || isspace((unsigned char)info[8]))) {
				struct admonition *ad = arena_alloc(a, sizeof *ad);
				*ad = admonish_info(run, ch, line, (int)find + 1, info, il);
				vec_push(&found, ad);
				adm = true;
				buf_put(&out, l, find);
				buf_printf(&out, "> " MARKER "%zu]", found.n - 1);
				buf_puts(&out, nl ? "\n" : "");
				i = next;
				continue;
			}
		}
		buf_put(&out, l, next - i);
		i = next;
	}
	struct admonitions *r = NULL;
	if (found.n) {
		ch->source = buf_to_arena(&out, a);
		ch->source_len = out.len;
		r = arena_alloc(a, sizeof *r);
		r->n = (int)found.n;
		r->v = arena_calloc(a, found.n, sizeof *r->v);
		for (size_t k = 0; k < found.n; k++)
			r->v[k] = *(struct admonition *)found.v[k];
	}
	buf_free(&out);
	vec_free(&found);
	return r;
}

/* ---- Callouts ------------------------------------------------------------------ */

/* The text of the first line of a paragraph when it is text alone, with
 * the inline after that line in *rest; NULL otherwise. */
static char *first_line(struct arena *a, const struct block *p, struct inline_node **rest)
{
	struct buf b = BUF_INIT;
	const struct inline_node *in = p->inlines;
	for (; in && in->type == INL_TEXT; in = in->next)
		buf_put(&b, in->text, in->len);
	if (in && in->type != INL_SOFTBREAK && in->type != INL_LINEBREAK) {
		buf_free(&b);
		return NULL;
	}
	*rest = in ? in->next : NULL;
	char *t = buf_to_arena(&b, a);
	buf_free(&b);
	size_t n = strlen(t);
	while (n && isspace((unsigned char)t[n - 1]))
		t[--n] = '\0';
	return t;
}

/* Whether the quote q opens with an alert or admonish marker; if so,
 * makes it a callout and removes the marker. */
static void callout_of(struct arena *a, struct block *q, const struct admonitions *adm)
{
	struct block *p = q->children;
	if (!p || p->type != BLK_PARAGRAPH)
		return;
	struct inline_node *rest = NULL;
	const char *t = first_line(a, p, &rest);
	if (!t || t[0] != '[' || t[1] != '!')
		return;
	size_t n = strlen(t);
	bool found = false;
	if (adm && strncmp(t, MARKER, strlen(MARKER)) == 0 && t[n - 1] == ']') {
		int k = atoi(t + strlen(MARKER));
		if (k >= 0 && k < adm->n) {
			q->callout = adm->v[k].kind;
			q->plain = adm->v[k].label;
			found = true;
		}
	}
	for (size_t k = 0; !found && k < sizeof alert_kinds / sizeof *alert_kinds; k++) {
		size_t kl = strlen(alert_kinds[k].name);
		if (n == kl + 3 && t[n - 1] == ']' && strncasecmp(t + 2, alert_kinds[k].name, kl) == 0) {
			q->callout = alert_kinds[k].kind;
			q->plain = alert_labels[q->callout];
			found = true;
		}
	}
	if (!found)
		return;
	q->type = BLK_CALLOUT;
	p->inlines = rest;
	if (!rest)
		q->children = p->next; /* the marker was the whole paragraph */
}

/* ---- Definition lists ---------------------------------------------------------- */

/* A line of a paragraph: inlines first..last (top-level, no breaks). */
struct pline {
	struct inline_node *first, *last;
	bool def; /* opens with ": " */
};

static bool is_def_start(const struct inline_node *in)
{
	return in && in->type == INL_TEXT && in->len >= 2 && in->text[0] == ':' &&
	       (in->text[1] == ' ' || in->text[1] == '\t');
}

/* The paragraph's lines (split at top-level soft breaks) into *out;
 * returns how many open with ": ". */
static int para_lines(const struct block *p, struct vec *out)
{
	int defs = 0;
	struct inline_node *start = p->inlines, *prev = NULL;
	for (struct inline_node *in = p->inlines;; in = in->next) {
		if (!in || in->type == INL_SOFTBREAK) {
			if (start && start != in) {
				struct pline *l = xcalloc(1, sizeof *l);
				l->first = start;
				l->last = prev;
				l->def = is_def_start(start);
				defs += l->def;
				vec_push(out, l);
			}
			if (!in)
				break;
			start = in->next;
		}
		prev = in;
	}
	return defs;
}

static struct block *new_child(struct arena *a, struct block *parent, enum block_type t,
			       int line, int col)
{
	struct block *b = arena_calloc(a, 1, sizeof *b);
	b->type = t;
	b->line = line;
	b->col = col;
	b->parent = parent;
	b->number = -1;
	if (parent) {
		struct block **tail = &parent->children;
		while (*tail)
			tail = &(*tail)->next;
		*tail = b;
	}
	return b;
}

/* Appends the lines of paragraph p to the definition list d: ": " lines
 * open a definition, other lines are terms (or, after a definition, its
 * lazy continuation). */
static void add_lines(struct arena *a, struct block *d, const struct block *p)
{
	struct vec lines = {0};
	para_lines(p, &lines);
	struct block *data = NULL;
	for (size_t i = 0; i < lines.n; i++) {
		struct pline *l = lines.v[i];
		l->last->next = NULL;
		int line = p->line + (int)i;
		if (l->def) {
			struct inline_node *t = arena_alloc(a, sizeof *t);
			*t = *l->first;
			size_t k = 1;
			while (k < t->len && (t->text[k] == ' ' || t->text[k] == '\t'))
				k++;
			t->text += k;
			t->len -= k;
			t->col += (int)k;
			data = new_child(a, d, BLK_DEF_DATA, line, l->first->col);
			struct block *para = new_child(a, data, BLK_PARAGRAPH, line, t->col);
			para->inlines = t->len ? t : t->next;
		} else if (data) {
			struct inline_node *tail = data->children->inlines;
			struct inline_node *br = arena_calloc(a, 1, sizeof *br);
			br->type = INL_SOFTBREAK;
			if (!tail) {
				data->children->inlines = l->first;
			} else {
				while (tail->next)
					tail = tail->next;
				tail->next = br;
				br->next = l->first;
			}
		} else {
			struct block *term = new_child(a, d, BLK_DEF_TERM, line, l->first->col);
			term->inlines = l->first;
			term->plain = model_plain(a, l->first);
		}
		free(l);
	}
	vec_free(&lines);
}

/* Whether paragraph b holds definition lines (": ..."); *opens: its
 * first line is one. */
static bool has_defs(const struct block *b, bool *opens)
{
	struct vec lines = {0};
	int defs = b->type == BLK_PARAGRAPH ? para_lines(b, &lines) : 0;
	*opens = defs && ((struct pline *)lines.v[0])->def;
	for (size_t i = 0; i < lines.n; i++)
		free(lines.v[i]);
	vec_free(&lines);
	return defs > 0;
}

static struct block *new_deflist(struct arena *a, const struct block *at, struct block *parent)
{
	struct block *d = arena_calloc(a, 1, sizeof *d);
	*d = (struct block){.type = BLK_DEFLIST, .line = at->line, .col = at->col,
			    .parent = parent, .number = -1};
	return d;
}

/*
 * Definition lists among the blocks of the list *head (children of
 * parent, or the chapter's).  A paragraph with ": " lines is terms and
 * definitions; a paragraph opening with one defines the paragraph before
 * it ("Term", blank line, ": definition"); entries separated by blank
 * lines make one list.
 */
static void deflists(struct arena *a, struct block **head, struct block *parent)
{
	struct block *prev = NULL, *pprev = NULL; /* the two blocks before *pp */
	for (struct block **pp = head; *pp;) {
		struct block *b = *pp;
		bool opens;
		bool defs = has_defs(b, &opens);
		bool prev_opens;
		/* a paragraph that has definition lines is no term itself */
		bool term_before = opens && prev && prev->type == BLK_PARAGRAPH &&
				   !has_defs(prev, &prev_opens);
		if (!defs || (opens && !term_before && (!prev || prev->type != BLK_DEFLIST))) {
			pprev = prev;
			prev = b;
			pp = &b->next;
			continue;
		}
		struct block *d;
		if (term_before) {
			/* prev is the term: it joins the list before it, or
			 * opens one in its place */
			struct block **at = head;
			while (*at != prev)
				at = &(*at)->next;
			if (pprev && pprev->type == BLK_DEFLIST && *at == pprev->next) {
				d = pprev;
			} else {
				d = new_deflist(a, prev, parent);
				*at = d;
				d->next = prev;
				at = &d->next;
			}
			add_lines(a, d, prev);
			*at = b;
			pp = at;
		} else if (prev && prev->type == BLK_DEFLIST) {
			d = prev;
		} else {
			d = new_deflist(a, b, parent);
			d->next = b;
			*pp = d;
			pp = &d->next;
		}
		add_lines(a, d, b);
		*pp = b->next; /* b is now part of d */
		if (d == pprev)
			pprev = NULL; /* (what stands before d matters no more) */
		prev = d;
	}
}

/* ---- Heading attributes --------------------------------------------------------- */

/* "{#id .class key=value}" at the end of a heading: removed, the id kept. */
static bool heading_attrs(struct arena *a, struct block *h)
{
	struct inline_node *last = h->inlines;
	while (last && last->next)
		last = last->next;
	if (!last || last->type != INL_TEXT)
		return false;
	size_t n = last->len;
	while (n && isspace((unsigned char)last->text[n - 1]))
		n--;
	if (n < 3 || last->text[n - 1] != '}')
		return false;
	size_t open = n - 1;
	while (open > 0 && last->text[open] != '{')
		open--;
	if (last->text[open] != '{')
		return false;
	const char *id = NULL;
	int ntok = 0;
	for (size_t i = open + 1; i < n - 1;) {
		while (i < n - 1 && isspace((unsigned char)last->text[i]))
			i++;
		size_t s = i;
		while (i < n - 1 && !isspace((unsigned char)last->text[i]))
			i++;
		if (i == s)
			break;
		char c = last->text[s];
		if (c == '#' && i > s + 1)
			id = arena_strndup(a, last->text + s + 1, i - s - 1);
		else if (c != '.' && !memchr(last->text + s, '=', i - s))
			return false; /* "{a, b}" is text */
		ntok++;
	}
	if (!ntok)
		return false;
	while (open && isspace((unsigned char)last->text[open - 1]))
		open--;
	last->len = open;
	h->id = id;
	h->plain = model_plain(a, h->inlines);
	return true;
}

/* ---- Code blocks ------------------------------------------------------------------ */

/* rustdoc's attributes of a Rust code block: a fence that names only
 * these (```ignore, ```should_panic,no_run) is Rust, as in rustdoc. */
static bool rustdoc_word(const char *w, size_t n)
{
	static const char *const words[] = {"ignore", "should_panic", "no_run", "compile_fail",
					    "editable", "noplayground", "noplaypen", "mdbook-runnable",
					    "test_harness", "allow_fail"};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && memcmp(w, words[i], n) == 0)
			return true;
	if (n > 7 && memcmp(w, "edition", 7) == 0)
		return true; /* edition2015 ... edition2024 */
	return n > 7 && memcmp(w, "ignore-", 7) == 0; /* ignore-wasm32 ... */
}

static void code_lang(struct block *b)
{
	const char *s = b->info ? b->info : "";
	bool any = false;
	for (size_t i = 0; s[i];) {
		while (s[i] == ',' || isspace((unsigned char)s[i]))
			i++;
		size_t st = i;
		while (s[i] && s[i] != ',' && !isspace((unsigned char)s[i]))
			i++;
		if (i == st)
			break;
		if (!rustdoc_word(s + st, i - st))
			return;
		any = true;
	}
	if (any)
		b->lang = "rust";
}

/* ---- The walk ---------------------------------------------------------------------- */

struct mb_walk {
	struct arena *arena;
	const struct admonitions *adm;
};

static void mb_block(void *ctx, struct block *b)
{
	struct mb_walk *w = ctx;
	if (b->type == BLK_QUOTE)
		callout_of(w->arena, b, w->adm);
	if (b->type == BLK_HEADING)
		heading_attrs(w->arena, b);
	if (b->type == BLK_CODE)
		code_lang(b);
	if (b->children)
		deflists(w->arena, &b->children, b);
}

void mdbook_blocks(struct run *run, struct chapter *ch, const struct admonitions *adm)
{
	struct mb_walk w = {run->arena, adm};
	deflists(run->arena, &ch->blocks, NULL);
	model_each_block(ch->blocks, mb_block, &w);
}

/* ---- Chapter openings ------------------------------------------------------------ */

static struct inline_node *text_inline(struct arena *a, const char *t, int line, int col)
{
	struct inline_node *in = arena_calloc(a, 1, sizeof *in);
	in->type = INL_TEXT;
	in->text = t;
	in->len = strlen(t);
	in->line = line;
	in->col = col;
	return in;
}

/* A heading the file lacks: level 1, its SUMMARY.md title. */
static struct block *title_heading(struct arena *a, struct chapter *ch, const char *title)
{
	struct block *h = arena_calloc(a, 1, sizeof *h);
	h->type = BLK_HEADING;
	h->level = 1;
	h->line = 1;
	h->col = 1;
	h->inlines = text_inline(a, title, 1, 1);
	h->plain = title;
	h->next = ch->blocks;
	ch->blocks = h;
	struct block **hs = arena_calloc(a, (size_t)ch->nheadings + 2, sizeof *hs);
	hs[0] = h;
	for (int i = 0; i < ch->nheadings; i++)
		hs[i + 1] = ch->headings[i];
	ch->headings = hs;
	ch->nheadings++;
	for (int i = 0; i < ch->nheadings; i++)
		ch->headings[i]->number = i;
	return h;
}

void mdbook_openings(struct run *run, struct book *b)
{
	struct arena *a = run->arena;
	if (!b->mdbook)
		return;
	for (int i = 0; i < b->nchapters; i++) {
		struct chapter *ch = b->chapters[i];
		int t = ch->toc_index;
		if (t < 0 || t >= b->ntoc || b->toc[t].chapter != ch)
			continue; /* not from SUMMARY.md */
		struct block *first = ch->blocks;
		while (first && first->type == BLK_HTML)
			first = first->next;
		struct block *h = first && first->type == BLK_HEADING ? first : NULL;
		if (!h) {
			const char *title = b->toc[t].title;
			h = title_heading(a, ch, title && *title ? title : ch->title);
		}
		if (ch->number && *ch->number) {
			/* "4.1." in the contents, "4.1" before the title */
			size_t n = strlen(ch->number);
			if (n > 1 && ch->number[n - 1] == '.')
				n--;
			struct inline_node *num = text_inline(
				a, arena_printf(a, "%.*s ", (int)n, ch->number), h->line, h->col);
			num->next = h->inlines;
			h->inlines = num;
		}
	}
}
