/*
 * genbook - writes a deterministic synthetic Markdown book for benchmarks
 * and tests.
 *
 *   genbook OUT_DIR SIZE_BYTES [--seed N] [--shape SHAPE]
 *
 * SIZE_BYTES is the total size of the files written (a plain number, or
 * with a k/M suffix meaning 1000/1000000).  OUT_DIR is created if needed
 * and must be empty, so that a half-written or stale book is never mixed
 * with a new one.  The same arguments always give byte-identical output:
 * all randomness comes from our own splitmix64 generator and integer
 * arithmetic (no libm, no locale, no time).
 *
 * Shapes (each book is index.md + ch*.md + folio.ini, about SIZE bytes):
 *   normal     chapters of 20-40 KB of English-like prose with headings,
 *              code blocks (rust, toml, sh, c), GFM tables, nested and task
 *              lists, footnotes, block quotes, emphasis, inline code,
 *              cross-chapter links to existing heading slugs, external links
 *   paragraph  one paragraph of SIZE/6 words (100,000 words at 600 KB)
 *   codeblock  one fenced code block of 20,000 lines
 *   table      one table of 2,000 rows (2,002 table lines)
 *   links      one chapter holding 10,000 links
 *   chapters   1,000 chapters of one line each
 * The pathological counts are fixed; the length of each unit (line, row,
 * link, chapter) follows from SIZE.  Where SIZE is too small for the count
 * even at a minimal unit (20 bytes a code line, 48 a row, 50 a link, 120 a
 * chapter) the count is lowered instead, so the book stays about SIZE.
 *
 * Links only ever point backwards, to the next chapter or within a
 * chapter, so a depth-first walk of the links from index.md visits the
 * chapters in file-name order.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Words ------------------------------------------------------------- */

/* Roughly in order of English frequency: picked with Zipf weights. */
static const char *const common_words[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it",
	"as", "with", "was", "on", "be", "by", "this", "are", "or", "at",
	"from", "not", "but", "have", "an", "they", "which", "you", "one",
	"we", "all", "can", "has", "their", "more", "will", "would", "there",
	"if", "when", "so", "what", "about", "into", "than", "them", "some",
	"its", "other", "also", "only", "out", "these", "time", "may", "up",
	"could", "most", "like", "then", "do", "our", "first", "over", "such",
	"even", "any", "new", "because", "how", "just", "where", "much",
	"make", "through", "between", "well", "both", "each", "those", "many",
	"after", "should", "very", "used", "use", "being", "way", "same",
	"while", "must", "own", "still", "under", "it's", "don't", "often",
	"without", "however", "program", "number", "part", "work", "small",
	"large", "before", "different", "important", "another", "example",
	"usually", "whether", "every", "little", "rather", "instead", "almost",
	"general", "simple", "possible", "isn't", "doesn't", "can't", "you'll",
	"we're", "against", "during", "enough", "several", "although",
	"probably", "already", "together", "something", "everything",
	"measure", "change", "result", "problem", "question", "answer",
	"reason", "approach", "section", "chapter", "below", "above",
	"earlier", "later", "case", "cases", "point", "idea", "detail",
	"details", "pattern", "cost", "faster", "slower", "better", "worse",
	"surprising", "obvious", "careful", "common", "typical", "practice",
};

/* Technical vocabulary, picked uniformly. */
static const char *const topic_words[] = {
	"performance", "memory", "allocation", "allocator", "compiler",
	"function", "value", "values", "type", "types", "data", "structure",
	"loop", "iterator", "vector", "buffer", "cache", "latency",
	"throughput", "benchmark", "profile", "profiler", "thread", "threads",
	"lock", "code", "heap", "stack", "pointer", "reference", "bounds",
	"check", "inline", "binary", "build", "release", "debug",
	"optimization", "hash", "table", "string", "bytes", "layout", "field",
	"struct", "trait", "method", "call", "calls", "input", "output",
	"file", "files", "system", "kernel", "page", "pages", "instruction",
	"branch", "predictor", "register", "measurement", "results", "error",
	"errors", "tests", "crate", "module", "library", "version", "feature",
	"runtime", "overhead", "speed", "copy", "clone", "borrow", "lifetime",
	"ownership", "parallelism", "workload", "queue", "channel", "mutex",
	"atomic", "closure", "generic", "slice", "array", "index", "capacity",
	"entry", "parser", "token", "stream", "writer", "reader", "syscall",
	"sample", "samples", "flame", "graph", "counter", "hardware",
};

/* Words that stress line breaking and hyphenation. */
static const char *const long_words[] = {
	"internationalization", "incomprehensibility", "characteristically",
	"counterintuitively", "microarchitectural", "interoperability",
	"straightforwardly", "implementation-defined", "monomorphization",
	"deoptimization", "parallelizability", "uncharacteristically",
	"responsibilities", "disproportionately", "well-understood",
	"cache-friendly", "zero-cost", "copy-on-write",
	"electroencephalographically", "antidisestablishmentarianism",
	"pneumonoultramicroscopicsilicovolcanoconiosis",
};

/* A little non-ASCII text, as real books have. */
static const char *const accented_words[] = {
	"naïve", "café", "résumé", "façade", "rôle", "Zürich", "über",
	"déjà", "coöperative", "Ångström",
};

static const char *const numbers[] = {
	"2", "3", "10", "17", "42", "64", "100", "256", "1024", "4096",
	"3.5x", "10%", "40%", "1.7x", "99.9%",
};

/* Inline code for prose (may contain spaces: never in the paragraph
 * shape, whose words must be countable with wc -w). */
static const char *const idents[] = {
	"Vec<u8>", "HashMap", "BTreeMap", "String::with_capacity",
	"Box<dyn Error>", "&mut self", "Option<T>", "#[inline]",
	"#[inline(always)]", "--release", "Cargo.toml", "RUSTFLAGS",
	"opt-level = 3", "lto = true", "malloc", "memcpy()", "size_t", "u64",
	"iter().map()", "clone()", "unsafe", "std::hint::black_box",
	"perf stat", "-C target-cpu=native", "collect::<Vec<_>>()",
	"a * b + c", "x_1", "__builtin_expect", "<T as Trait>::f",
	"SmallVec", "Rc<RefCell<T>>", "&str", "Cow<'a, str>", "FxHashMap",
	"panic!", "assert_eq!", "codegen-units", "valgrind",
};

static const char *const gerunds[] = {
	"Measuring", "Reducing", "Avoiding", "Understanding", "Tuning",
	"Profiling", "Caching", "Reading", "Writing", "Testing", "Choosing",
	"Batching", "Sharing", "Inlining", "Hashing", "Sorting", "Parsing",
	"Streaming", "Allocating", "Comparing",
};

static const char *const adjectives[] = {
	"fast", "slow", "hidden", "common", "small", "large", "shared",
	"unsafe", "parallel", "cold", "hot", "lazy", "eager", "simple", "real",
	"cheap", "costly", "nested", "unbounded", "stable",
};

static const char *const heading_idents[] = {
	"HashMap", "Vec<u8>", "--release", "perf", "malloc", "size_t",
	"Box<dyn Trait>", "#[inline]", "black_box", "Cargo.toml",
};

static const char *const first_names[] = {
	"Ada", "Brook", "Chidi", "Dana", "Emeka", "Farah", "Greta", "Hiro",
	"Ines", "Jonas", "Kemi", "Lior",
};

static const char *const last_names[] = {
	"Example", "Sample", "Fixture", "Placeholder", "Testwell",
	"Mockridge", "Stubbs", "Dummett",
};

static const char *const url_kinds[] = {
	"https://example.org/docs/%s/%s",
	"https://example.org/blog/20%02u/%s-%s",
	"https://example.com/%s?topic=%s",
	"https://example.org/%s.html#%s",
	"https://docs.example.net/%s/%s/",
};

/* ---- Growable buffer --------------------------------------------------- */

/* Bytes being built for one file.  p is NUL-terminated when cap > 0. */
struct buf {
	char *p;
	size_t n, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("genbook: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (b->n + n + 1 > cap)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("internal: formatted text too long");
	buf_add(b, tmp, (size_t)n);
}

static void buf_reset(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* ---- Random numbers ---------------------------------------------------- */

/* splitmix64: tiny, fast, and the same on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z;

	r->s += 0x9e3779b97f4a7c15u;
	z = r->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the modulo bias is irrelevant for text. */
static size_t rng_below(struct rng *r, size_t n)
{
	return n ? (size_t)(rng_next(r) % n) : 0;
}

/* Uniform in [lo, hi]. */
static size_t rng_range(struct rng *r, size_t lo, size_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* True with probability permille / 1000. */
static bool rng_chance(struct rng *r, unsigned permille)
{
	return rng_below(r, 1000) < permille;
}

#define PICK(r, list) ((list)[rng_below((r), ARRAY_LEN(list))])

/* Zipf-weighted choice from common_words: weight of rank k is 1/(k+3),
 * in integers so that the result does not depend on floating point. */
static uint64_t zipf_cum[ARRAY_LEN(common_words)];

static void zipf_init(void)
{
	uint64_t total = 0;

	for (size_t k = 0; k < ARRAY_LEN(common_words); k++) {
		total += 10000000u / (k + 3);
		zipf_cum[k] = total;
	}
}

static const char *zipf_word(struct rng *r)
{
	uint64_t x = rng_next(r) % zipf_cum[ARRAY_LEN(common_words) - 1];
	size_t lo = 0, hi = ARRAY_LEN(common_words) - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (zipf_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return common_words[lo];
}

/* One word of prose: mostly common words, some technical ones, now and
 * then a very long or accented one. */
static const char *prose_word(struct rng *r)
{
	size_t x = rng_below(r, 1000);

	if (x < 600)
		return zipf_word(r);
	if (x < 975)
		return PICK(r, topic_words);
	if (x < 990)
		return PICK(r, long_words);
	return PICK(r, accented_words);
}

/* ---- Headings and slugs ------------------------------------------------ */

#define TEXT_MAX 128

/* A heading planned before any text is written, so that links from any
 * chapter can point at it.  slug is unique within its chapter. */
struct heading {
	int level;
	char text[TEXT_MAX];
	char slug[TEXT_MAX];
};

/* GitHub-style slug of ASCII heading text: lowercase, keep letters,
 * digits, '-' and '_', a space becomes '-', anything else is dropped. */
static void slug_of(const char *text, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *s = text; *s && n + 1 < cap; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			out[n++] = c;
		else if (c == ' ')
			out[n++] = '-';
	}
	out[n] = '\0';
}

static void capitalize(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
}

/* Heading text in sentence case, with the punctuation, inline code and
 * ampersands that make slugs interesting. */
static void heading_text(struct rng *r, char *out, size_t cap)
{
	const char *n1 = PICK(r, topic_words), *n2 = PICK(r, topic_words);
	const char *adj = PICK(r, adjectives);

	switch (rng_below(r, 9)) {
	case 0:
		snprintf(out, cap, "%s the %s %s", PICK(r, gerunds), n1, n2);
		break;
	case 1:
		snprintf(out, cap, "%s %s and %s", adj, n1, n2);
		break;
	case 2:
		snprintf(out, cap, "Why %s %s matters", adj, n1);
		break;
	case 3:
		snprintf(out, cap, "%s: %s %s", n1, adj, n2);
		break;
	case 4:
		snprintf(out, cap, "Using `%s` for %s", PICK(r, heading_idents),
			 n1);
		break;
	case 5:
		snprintf(out, cap, "What's %s about %s?", adj, n1);
		break;
	case 6:
		snprintf(out, cap, "Step %u: %s %s", (unsigned)rng_range(r, 1, 9),
			 PICK(r, gerunds), n1);
		break;
	case 7:
		snprintf(out, cap, "%s %s (%s %s)", adj, n1, PICK(r, adjectives),
			 n2);
		break;
	default:
		snprintf(out, cap, "%s, %s & %s", n1, n2, PICK(r, topic_words));
		break;
	}
	capitalize(out);
}

/* ---- The book plan ------------------------------------------------------ */

enum shape {
	SHAPE_NORMAL,
	SHAPE_PARAGRAPH,
	SHAPE_CODEBLOCK,
	SHAPE_TABLE,
	SHAPE_LINKS,
	SHAPE_CHAPTERS
};

static const char *const shape_names[] = {
	"normal", "paragraph", "codeblock", "table", "links", "chapters",
};

/* One chapter file.  h[0] is the level-1 title; the others are planned
 * section headings with slugs unique in the chapter.  target is the size
 * in bytes the chapter's file should reach. */
struct chapter {
	char file[24];
	struct heading *h;
	int nh;
	size_t target;
};

#define NURLS 40

/* Everything the writers share.  ch[cur] is the chapter being written;
 * tail collects its footnote and link-reference definitions, which go at
 * the end of the file. */
struct gen {
	struct rng rng;
	enum shape shape;
	size_t size;
	char title[TEXT_MAX];
	struct chapter *ch;
	int nch;
	int cur;
	struct buf tail;
	int nfoot, nref;
	bool last_rule; /* the last block written was a thematic break */
	char urls[NURLS][TEXT_MAX];
};

static void plan_urls(struct gen *g)
{
	for (int i = 0; i < NURLS; i++) {
		const char *fmt = PICK(&g->rng, url_kinds);

		if (strstr(fmt, "20%02u"))
			snprintf(g->urls[i], TEXT_MAX, fmt,
				 (unsigned)rng_range(&g->rng, 10, 24),
				 PICK(&g->rng, topic_words),
				 PICK(&g->rng, topic_words));
		else
			snprintf(g->urls[i], TEXT_MAX, fmt,
				 PICK(&g->rng, topic_words),
				 PICK(&g->rng, topic_words));
	}
}

/* External URLs repeat: low indexes are much more likely. */
static const char *pick_url(struct gen *g)
{
	size_t a = rng_below(&g->rng, NURLS);
	size_t b = rng_below(&g->rng, NURLS);

	return g->urls[a < b ? a : b];
}

static bool slug_taken(const struct chapter *c, int n, const char *slug)
{
	for (int i = 0; i < n; i++)
		if (strcmp(c->h[i].slug, slug) == 0)
			return true;
	return false;
}

/* Plans heading i of chapter c (0 = the title), unique within c. */
static void plan_heading(struct gen *g, struct chapter *c, int i, int level)
{
	struct heading *h = &c->h[i];

	h->level = level;
	for (int attempt = 0;; attempt++) {
		heading_text(&g->rng, h->text, TEXT_MAX - 8);
		if (attempt >= 8) {
			size_t n = strlen(h->text);

			snprintf(h->text + n, TEXT_MAX - n, " %d", i);
		}
		slug_of(h->text, h->slug, TEXT_MAX);
		if (!slug_taken(c, i, h->slug))
			break;
	}
}

static void chapter_names(struct gen *g, int n)
{
	int width = 3;

	for (int k = n; k >= 1000; k /= 10)
		width++;
	g->nch = n;
	g->ch = calloc((size_t)n, sizeof *g->ch);
	if (!g->ch)
		die("out of memory");
	for (int i = 0; i < n; i++) {
		struct chapter *c = &g->ch[i];

		snprintf(c->file, sizeof c->file, "ch%0*d.md", width % 10,
			 (i + 1) % 1000000000);
		c->nh = 1;
		c->h = calloc(1, sizeof *c->h);
		if (!c->h)
			die("out of memory");
		plan_heading(g, c, 0, 1);
	}
}

/* ---- Wrapped text ------------------------------------------------------ */

/* Writes whitespace-separated tokens into b as lines of at most width
 * bytes (0 = one line), the first line starting with first and the others
 * with cont.  A token is never split, so a link or a code span stays on
 * one line. */
struct wrap {
	struct buf *b;
	const char *first, *cont;
	size_t width;
	size_t col;
	bool line_open;  /* a token is on the current line */
	bool started;    /* the first line has been begun */
	long tokens;
};

static void wrap_begin(struct wrap *w, struct buf *b, const char *first,
		       const char *cont, size_t width)
{
	w->b = b;
	w->first = first;
	w->cont = cont;
	w->width = width;
	w->col = 0;
	w->line_open = false;
	w->started = false;
	w->tokens = 0;
}

static void wrap_token(struct wrap *w, const char *s, size_t n)
{
	if (w->line_open && w->width && w->col + 1 + n > w->width) {
		buf_add(w->b, "\n", 1);
		w->line_open = false;
	}
	if (!w->line_open) {
		const char *prefix = w->started ? w->cont : w->first;

		buf_puts(w->b, prefix);
		w->col = strlen(prefix);
		w->started = true;
		w->line_open = true;
	} else {
		buf_add(w->b, " ", 1);
		w->col++;
	}
	buf_add(w->b, s, n);
	w->col += n;
	w->tokens++;
}

static void wrap_str(struct wrap *w, const char *s)
{
	wrap_token(w, s, strlen(s));
}

static void wrap_end(struct wrap *w)
{
	if (w->line_open)
		buf_add(w->b, "\n", 1);
	w->line_open = false;
}

/* ---- Prose ------------------------------------------------------------- */

/* What a sentence may contain. */
enum {
	PROSE_MARKUP = 1, /* emphasis, strong, inline code, numbers */
	PROSE_LINKS = 2,  /* links and footnote references */
	PROSE_PLAIN = 0,  /* words and punctuation only: one token per word */
	PROSE_ALL = PROSE_MARKUP | PROSE_LINKS
};

/* A link to a heading or chapter that exists: within this chapter, to an
 * earlier chapter, to the next one, or to the index. */
static void internal_link(struct gen *g, struct buf *tok)
{
	struct rng *r = &g->rng;
	const struct chapter *c = &g->ch[g->cur];
	size_t x = rng_below(r, 100);

	if (x < 35 && g->cur > 0) {
		const struct chapter *t = &g->ch[rng_below(r, (size_t)g->cur)];
		const struct heading *h = &t->h[rng_below(r, (size_t)t->nh)];

		if (rng_chance(r, 250))
			buf_printf(tok, "[the chapter on %s](%s)", t->h[0].text,
				   t->file);
		else
			buf_printf(tok, "[%s](%s#%s)", h->text, t->file, h->slug);
	} else if (x < 45 && g->cur + 1 < g->nch) {
		const struct chapter *t = &g->ch[g->cur + 1];

		buf_printf(tok, "[the next chapter](%s)", t->file);
	} else if (x < 52) {
		buf_puts(tok, rng_chance(r, 500) ? "[the contents](index.md)" :
			 "[the contents](index.md#contents)");
	} else {
		const struct heading *h = &c->h[rng_below(r, (size_t)c->nh)];

		buf_printf(tok, "[%s](#%s)", h->text, h->slug);
	}
}

static void external_link(struct gen *g, struct buf *tok, const char *text)
{
	struct rng *r = &g->rng;
	size_t x = rng_below(r, 100);

	if (x < 70) {
		buf_printf(tok, "[%s](%s)", text, pick_url(g));
	} else if (x < 90) {
		/* reference style, defined at the end of the chapter */
		g->nref++;
		buf_printf(tok, "[%s][ref-%d]", text, g->nref);
		buf_printf(&g->tail, "[ref-%d]: %s\n", g->nref, pick_url(g));
	} else {
		buf_printf(tok, "<%s>", pick_url(g));
	}
}

static void footnote(struct gen *g, struct buf *tok);

/* The next token of a sentence into tok (cleared first): one or a few
 * words, maybe marked up or linked. */
static void sentence_token(struct gen *g, struct buf *tok, int what,
			   bool first)
{
	struct rng *r = &g->rng;
	size_t x = rng_below(r, 1000);
	char word[64];

	buf_reset(tok);
	snprintf(word, sizeof word, "%s", prose_word(r));
	if (first)
		capitalize(word);
	if (first || !(what & PROSE_MARKUP) || x >= 120) {
		buf_puts(tok, word);
		/* an em dash between two words, without spaces */
		if (!first && (what & PROSE_MARKUP) && rng_chance(r, 5))
			buf_printf(tok, "—%s", prose_word(r));
		return;
	}
	if (x < 30) {
		const char *mark = rng_chance(r, 700) ? "*" : "_";

		buf_printf(tok, "%s%s%s", mark, word, mark);
	} else if (x < 50) {
		buf_printf(tok, "**%s**", word);
	} else if (x < 53) {
		buf_printf(tok, "~~%s~~", word);
	} else if (x < 80) {
		buf_printf(tok, "`%s`", PICK(r, idents));
	} else if (x < 90) {
		buf_puts(tok, PICK(r, numbers));
	} else if (x < 110 && (what & PROSE_LINKS)) {
		if (rng_chance(r, 550)) {
			internal_link(g, tok);
		} else {
			char text[TEXT_MAX];

			snprintf(text, sizeof text, "%s %s", word,
				 prose_word(r));
			external_link(g, tok, text);
		}
	} else if (x < 114 && (what & PROSE_LINKS)) {
		buf_puts(tok, word);
		footnote(g, tok);
	} else {
		buf_puts(tok, word);
	}
}

/* One sentence of words into w.  Never ends on a number or a link, so
 * that a wrapped line can not start like a list item. */
static void sentence(struct gen *g, struct wrap *w, int what, size_t nwords)
{
	struct rng *r = &g->rng;
	struct buf tok = {0};

	for (size_t i = 0; i < nwords; i++) {
		bool last = i + 1 == nwords;

		if (last) {
			buf_reset(&tok);
			buf_puts(&tok, prose_word(r));
			if (i == 0)
				capitalize(tok.p);
		} else {
			sentence_token(g, &tok, what, i == 0);
		}
		if (last) {
			size_t x = rng_below(r, 100);

			buf_puts(&tok, x < 88 ? "." : x < 95 ? "?" : "!");
		} else if (i > 1 && rng_chance(r, 70)) {
			buf_puts(&tok, rng_chance(r, 900) ? "," : ";");
		}
		wrap_token(w, tok.p, tok.n);
	}
	free(tok.p);
}

static size_t sentence_length(struct rng *r)
{
	if (rng_chance(r, 80))
		return rng_range(r, 25, 45);
	return rng_range(r, 6, 20);
}

/* A footnote reference appended to tok; its definition goes to the tail. */
static void footnote(struct gen *g, struct buf *tok)
{
	struct wrap w;
	char label[32], first[48];

	g->nfoot++;
	if (rng_chance(&g->rng, 700))
		snprintf(label, sizeof label, "%d", g->nfoot);
	else
		snprintf(label, sizeof label, "note-%d", g->nfoot);
	buf_printf(tok, "[^%s]", label);
	snprintf(first, sizeof first, "[^%s]:", label);
	wrap_begin(&w, &g->tail, "", "    ", 80);
	wrap_str(&w, first);
	for (size_t i = rng_range(&g->rng, 1, 2); i > 0; i--)
		sentence(g, &w, PROSE_MARKUP, sentence_length(&g->rng));
	wrap_end(&w);
}

/* A paragraph of a few sentences with the given line prefixes.  Some
 * paragraphs are one long line, as many Markdown sources keep them. */
static void paragraph(struct gen *g, struct buf *b, int what, size_t nsent)
{
	struct wrap w;
	size_t width = rng_chance(&g->rng, 200) ? 0 : 80;

	wrap_begin(&w, b, "", "", width);
	for (size_t i = 0; i < nsent; i++)
		sentence(g, &w, what, sentence_length(&g->rng));
	wrap_end(&w);
}

/* ---- Code -------------------------------------------------------------- */

enum lang { LANG_RUST, LANG_TOML, LANG_SH, LANG_C };

static const char *const lang_names[] = { "rust", "toml", "sh", "c" };

/* An identifier made of one or two words. */
static void ident(struct rng *r, char *out, size_t cap)
{
	if (rng_chance(r, 500))
		snprintf(out, cap, "%s", PICK(r, topic_words));
	else
		snprintf(out, cap, "%s_%s", PICK(r, topic_words),
			 PICK(r, topic_words));
}

/* Code being generated: the closers of the blocks that are open,
 * innermost last. */
struct code {
	enum lang lang;
	int depth;
	const char *closers[8];
};

static void indent(struct buf *b, const struct code *k, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(b, k->lang == LANG_C ? "\t" : "    ");
}

static void comment(struct rng *r, struct buf *b, enum lang lang)
{
	const char *open = lang == LANG_RUST ? "//" :
			   lang == LANG_C ? "/*" : "#";

	buf_puts(b, open);
	for (size_t i = rng_range(r, 3, 9); i > 0; i--) {
		buf_puts(b, " ");
		buf_puts(b, prose_word(r));
	}
	if (lang == LANG_C)
		buf_puts(b, " */");
}

/* Appends one line (without its newline) to b.  lines_left counts this
 * line: when it reaches the number of open blocks, only closers come. */
static void code_line(struct rng *r, struct code *k, struct buf *b,
		      size_t lines_left)
{
	char a[TEXT_MAX], c[TEXT_MAX];
	size_t x = rng_below(r, 100);

	ident(r, a, sizeof a);
	ident(r, c, sizeof c);
	if (k->depth > 0 && ((size_t)k->depth >= lines_left ||
			     rng_chance(r, 150))) {
		k->depth--;
		indent(b, k, k->depth);
		buf_puts(b, k->closers[k->depth]);
		return;
	}
	bool can_open = k->depth < 4 && lines_left > (size_t)k->depth + 2;

	if (x < 4)
		return; /* a blank line */
	indent(b, k, k->depth);
	if (x < 12) {
		comment(r, b, k->lang);
		return;
	}
	switch (k->lang) {
	case LANG_RUST:
		if (can_open && x < 32) {
			if (k->depth == 0)
				buf_printf(b, "fn %s(%s: &[u8]) -> Result<u64, Error> {",
					   a, c);
			else if (x < 22)
				buf_printf(b, "for %s in %s.iter() {", a, c);
			else
				buf_printf(b, "if %s.len() > %u {", c,
					   (unsigned)rng_range(r, 1, 4096));
			k->closers[k->depth++] = "}";
		} else if (x < 50) {
			buf_printf(b, "let %s = %s(&%s);", a,
				   PICK(r, topic_words), c);
		} else if (x < 65) {
			buf_printf(b, "let mut %s = Vec::with_capacity(%u);", a,
				   (unsigned)rng_range(r, 1, 1 << 16));
		} else if (x < 80) {
			buf_printf(b, "%s += %s[%u] as u64;", a, c,
				   (unsigned)rng_below(r, 64));
		} else if (x < 90) {
			buf_printf(b, "println!(\"{} {:?}\", %s, %s);", a, c);
		} else {
			buf_printf(b, "%s.push(%s.clone());", a, c);
		}
		break;
	case LANG_C:
		if (can_open && x < 32) {
			if (k->depth == 0)
				buf_printf(b, "static int %s(const char *%s, size_t n) {",
					   a, c);
			else if (x < 22)
				buf_puts(b, "for (size_t i = 0; i < n; i++) {");
			else
				buf_printf(b, "if (%s == NULL) {", c);
			k->closers[k->depth++] = "}";
		} else if (x < 50) {
			buf_printf(b, "%s = %s(%s, %u);", a, PICK(r, topic_words),
				   c, (unsigned)rng_below(r, 1000));
		} else if (x < 65) {
			buf_printf(b, "memcpy(%s, %s, n * sizeof *%s);", a, c, a);
		} else if (x < 80) {
			buf_printf(b, "%s->%s += %s;", a, PICK(r, topic_words), c);
		} else if (x < 90) {
			buf_printf(b, "free(%s);", a);
		} else {
			buf_printf(b, "return %s;", rng_chance(r, 500) ? "0" : "-1");
		}
		break;
	case LANG_SH:
		if (can_open && x < 24) {
			if (x < 18) {
				buf_printf(b, "for f in %s/*.%s; do", a,
					   PICK(r, topic_words));
				k->closers[k->depth++] = "done";
			} else {
				buf_printf(b, "if [ -f %s.txt ]; then", a);
				k->closers[k->depth++] = "fi";
			}
		} else if (x < 40) {
			buf_printf(b, "cargo bench --bench %s -- --save-baseline %s",
				   a, PICK(r, adjectives));
		} else if (x < 55) {
			buf_puts(b, "$ cargo build --release");
		} else if (x < 70) {
			buf_printf(b, "perf record -g --call-graph=dwarf ./target/release/%s",
				   a);
		} else if (x < 80) {
			buf_puts(b, "export RUSTFLAGS=\"-C target-cpu=native\"");
		} else if (x < 90) {
			buf_printf(b, "hyperfine --warmup 3 './%s %s.txt'", a, c);
		} else {
			buf_printf(b, "wc -c \"$f\" | sort -n > %s.log", c);
		}
		break;
	case LANG_TOML:
		if (x < 25) {
			static const char *const sections[] = {
				"[package]", "[dependencies]", "[profile.release]",
				"[profile.bench]", "[features]", "[dev-dependencies]",
			};
			buf_puts(b, PICK(r, sections));
		} else if (x < 40) {
			buf_printf(b, "%s = \"%u.%u\"", a, (unsigned)rng_below(r, 3),
				   (unsigned)rng_below(r, 30));
		} else if (x < 55) {
			buf_printf(b, "%s = { version = \"%u.%u\", features = [\"%s\"] }",
				   a, (unsigned)rng_below(r, 3),
				   (unsigned)rng_below(r, 30), c);
		} else if (x < 65) {
			buf_puts(b, "lto = true");
		} else if (x < 75) {
			buf_puts(b, "codegen-units = 1");
		} else if (x < 85) {
			buf_printf(b, "opt-level = %u", (unsigned)rng_below(r, 4));
		} else {
			buf_printf(b, "name = \"%s\"", a);
		}
		break;
	}
}

/* A short line (blank, closer or tiny statement), for when a code block
 * is ahead of its byte budget.  Same contract as code_line. */
static void code_short(struct rng *r, struct code *k, struct buf *b,
		       size_t lines_left)
{
	static const char *const stmts[] = {
		"i += 1;", "n -= 1;", "continue;", "break;", "acc = 0;",
		"pos += len;", "x.clear();", "drop(buf);",
	};

	if (k->depth > 0 && ((size_t)k->depth >= lines_left ||
			     rng_chance(r, 400))) {
		k->depth--;
		indent(b, k, k->depth);
		buf_puts(b, k->closers[k->depth]);
	} else if (rng_chance(r, 200)) {
		return; /* a blank line */
	} else {
		indent(b, k, k->depth);
		buf_puts(b, PICK(r, stmts));
	}
}

static void code_block(struct gen *g, struct buf *b, enum lang lang,
		       size_t nlines)
{
	struct code k = { .lang = lang };

	buf_printf(b, "```%s\n", lang_names[lang]);
	for (size_t left = nlines; left > 0; left--) {
		code_line(&g->rng, &k, b, left);
		buf_puts(b, "\n");
	}
	buf_puts(b, "```\n");
}

/* ---- Tables and lists -------------------------------------------------- */

static void table_cell(struct gen *g, struct buf *b, int col, int row)
{
	struct rng *r = &g->rng;

	if (col == 0) {
		if (rng_chance(r, 300))
			buf_printf(b, "`%s`", PICK(r, idents));
		else
			buf_printf(b, "%s %d", PICK(r, topic_words), row + 1);
		return;
	}
	switch (rng_below(r, 6)) {
	case 0:
		buf_printf(b, "%u.%u", (unsigned)rng_below(r, 1000),
			   (unsigned)rng_below(r, 10));
		break;
	case 1:
		buf_printf(b, "%u%%", (unsigned)rng_below(r, 101));
		break;
	case 2:
		buf_printf(b, "**%s**", PICK(r, adjectives));
		break;
	default:
		for (size_t i = rng_range(r, 1, 6); i > 0; i--) {
			buf_puts(b, prose_word(r));
			if (i > 1)
				buf_puts(b, " ");
		}
		break;
	}
}

static void table_header(struct gen *g, struct buf *b, int ncols)
{
	static const char *const aligns[] = { ":---", ":---:", "---:", "---" };

	for (int i = 0; i < ncols; i++) {
		char word[TEXT_MAX];

		snprintf(word, sizeof word, "%s", PICK(&g->rng, topic_words));
		capitalize(word);
		buf_printf(b, "| %s ", word);
	}
	buf_puts(b, "|\n");
	for (int i = 0; i < ncols; i++)
		buf_printf(b, "| %s ", i == 0 ? ":---" : PICK(&g->rng, aligns));
	buf_puts(b, "|\n");
}

static void table(struct gen *g, struct buf *b)
{
	int ncols = (int)rng_range(&g->rng, 3, 5);
	int nrows = (int)rng_range(&g->rng, 3, 12);

	table_header(g, b, ncols);
	for (int row = 0; row < nrows; row++) {
		for (int col = 0; col < ncols; col++) {
			buf_puts(b, "| ");
			table_cell(g, b, col, row);
			buf_puts(b, " ");
		}
		buf_puts(b, "|\n");
	}
}

/* A list item: marker, then a sentence or two wrapped under it. */
static void list_item(struct gen *g, struct buf *b, int depth,
		      const char *marker, int what)
{
	char first[64], cont[64];
	int pad = 0;
	struct wrap w;

	/* nested items sit under the text of their parent item */
	for (int i = 0; i < depth; i++)
		pad += 2;
	snprintf(first, sizeof first, "%*s%s ", pad, "", marker);
	snprintf(cont, sizeof cont, "%*s", (int)strlen(first), "");
	wrap_begin(&w, b, first, cont, 80);
	sentence(g, &w, what, rng_range(&g->rng, 4, 16));
	if (rng_chance(&g->rng, 200))
		sentence(g, &w, what, rng_range(&g->rng, 4, 16));
	wrap_end(&w);
}

static void bullet_list(struct gen *g, struct buf *b, int depth)
{
	const char *marker = depth == 1 ? "*" : "-";

	for (size_t i = rng_range(&g->rng, 2, 6); i > 0; i--) {
		list_item(g, b, depth, marker, PROSE_MARKUP | PROSE_LINKS);
		if (depth < 2 && rng_chance(&g->rng, 250))
			bullet_list(g, b, depth + 1);
	}
}

static void ordered_list(struct gen *g, struct buf *b)
{
	size_t n = rng_range(&g->rng, 2, 7);

	for (size_t i = 1; i <= n; i++) {
		char first[32];
		struct wrap w;

		snprintf(first, sizeof first, "%zu. ", i);
		wrap_begin(&w, b, first, "   ", 80);
		sentence(g, &w, PROSE_MARKUP | PROSE_LINKS,
			 rng_range(&g->rng, 5, 18));
		wrap_end(&w);
		if (rng_chance(&g->rng, 250)) {
			for (size_t j = rng_range(&g->rng, 1, 3); j > 0; j--) {
				wrap_begin(&w, b, "   - ", "     ", 80);
				sentence(g, &w, PROSE_MARKUP,
					 rng_range(&g->rng, 4, 12));
				wrap_end(&w);
			}
		}
	}
}

static void task_list(struct gen *g, struct buf *b)
{
	for (size_t i = rng_range(&g->rng, 3, 7); i > 0; i--)
		list_item(g, b, 0, rng_chance(&g->rng, 400) ? "- [x]" : "- [ ]",
			  PROSE_MARKUP);
}

static void block_quote(struct gen *g, struct buf *b)
{
	struct wrap w;
	size_t npara = rng_range(&g->rng, 1, 2);

	for (size_t i = 0; i < npara; i++) {
		if (i > 0)
			buf_puts(b, ">\n");
		wrap_begin(&w, b, "> ", "> ", 80);
		if (i == 0 && rng_chance(&g->rng, 300))
			wrap_str(&w, "**Note:**");
		for (size_t j = rng_range(&g->rng, 1, 3); j > 0; j--)
			sentence(g, &w, PROSE_MARKUP | PROSE_LINKS,
				 sentence_length(&g->rng));
		wrap_end(&w);
	}
}

/* ---- Shapes ------------------------------------------------------------ */

static void write_file(const char *dir, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0)
		die("%s: write failed", path);
}

static void book_title(struct gen *g)
{
	char adj[32], noun[32];

	snprintf(adj, sizeof adj, "%s", PICK(&g->rng, adjectives));
	snprintf(noun, sizeof noun, "%s", PICK(&g->rng, topic_words));
	capitalize(adj);
	capitalize(noun);
	snprintf(g->title, sizeof g->title, "The %s %s Handbook (%s)", adj,
		 noun, shape_names[g->shape]);
}

static void metadata(struct gen *g, struct buf *b)
{
	buf_puts(b, "; written by tools/genbook.c\n[book]\n");
	buf_printf(b, "title = %s\n", g->title);
	buf_printf(b, "authors = %s %s, %s %s\n", PICK(&g->rng, first_names),
		   PICK(&g->rng, last_names), PICK(&g->rng, first_names),
		   PICK(&g->rng, last_names));
	buf_puts(b, "language = en\n");
}

/* index.md: the title, a short introduction and the chapter list, which
 * fixes the reading order. */
static void index_page(struct gen *g, struct buf *b)
{
	buf_printf(b, "# %s\n\n", g->title);
	g->cur = 0;
	paragraph(g, b, PROSE_MARKUP, 2);
	buf_puts(b, "\n## Contents\n\n");
	for (int i = 0; i < g->nch; i++)
		buf_printf(b, "%d. [%s](%s)\n", i + 1, g->ch[i].h[0].text,
			   g->ch[i].file);
}

/* A chapter's title and section headings are planned up front: about one
 * heading per 2.5 KB, a quarter of them one level down. */
static void plan_sections(struct gen *g, struct chapter *c)
{
	int n = (int)(c->target / 2500);

	if (n < 1)
		n = 1;
	c->h = realloc(c->h, (size_t)(n + 1) * sizeof *c->h);
	if (!c->h)
		die("out of memory");
	for (int i = 1; i <= n; i++) {
		int level = i > 1 && rng_chance(&g->rng, 250) ? 3 : 2;

		plan_heading(g, c, i, level);
	}
	c->nh = n + 1;
}

static void some_block(struct gen *g, struct buf *b)
{
	struct rng *r = &g->rng;
	size_t x = rng_below(r, 100);

	buf_puts(b, "\n");
	/* two rules in a row would look like a generator wrote them */
	if (x >= 97 && g->last_rule)
		x = 0;
	g->last_rule = x >= 97;
	if (x < 52)
		paragraph(g, b, PROSE_ALL, rng_range(r, 2, 7));
	else if (x < 64)
		code_block(g, b, (enum lang)rng_below(r, 4), rng_range(r, 4, 30));
	else if (x < 70)
		table(g, b);
	else if (x < 79)
		bullet_list(g, b, 0);
	else if (x < 85)
		ordered_list(g, b);
	else if (x < 89)
		task_list(g, b);
	else if (x < 97)
		block_quote(g, b);
	else
		buf_puts(b, "---\n");
}

static void normal_chapter(struct gen *g, struct buf *b)
{
	const struct chapter *c = &g->ch[g->cur];
	size_t per;

	buf_reset(&g->tail);
	g->nfoot = 0;
	g->nref = 0;
	buf_printf(b, "# %s\n\n", c->h[0].text);
	paragraph(g, b, PROSE_ALL, rng_range(&g->rng, 2, 5));
	per = c->target > b->n ? (c->target - b->n) / (size_t)(c->nh - 1) : 0;
	for (int i = 1; i < c->nh; i++) {
		/* the tail goes at the end, so count it now */
		size_t goal = c->target - per * (size_t)(c->nh - 1 - i);

		buf_printf(b, "\n%s %s\n\n",
			   c->h[i].level == 2 ? "##" : "###", c->h[i].text);
		paragraph(g, b, PROSE_ALL, rng_range(&g->rng, 1, 5));
		while (b->n + g->tail.n + 1 < goal)
			some_block(g, b);
	}
	if (g->tail.n) {
		buf_puts(b, "\n");
		buf_add(b, g->tail.p, g->tail.n);
	}
}

static void shape_normal(struct gen *g, const char *dir)
{
	struct buf ini = {0}, index = {0}, b = {0};
	int n = (int)((g->size + 15000) / 30000);
	size_t budget, sum = 0;

	if (n < 1)
		n = 1;
	chapter_names(g, n);
	metadata(g, &ini);
	index_page(g, &index);
	budget = g->size > ini.n + index.n ? g->size - ini.n - index.n : 1;

	/* chapter sizes: random in 20-40 KB, then scaled to the budget */
	for (int i = 0; i < n; i++) {
		g->ch[i].target = rng_range(&g->rng, 20000, 40000);
		sum += g->ch[i].target;
	}
	for (int i = 0; i < n; i++) {
		g->ch[i].target = (size_t)((uint64_t)g->ch[i].target * budget / sum);
		plan_sections(g, &g->ch[i]);
	}
	for (g->cur = 0; g->cur < n; g->cur++) {
		buf_reset(&b);
		normal_chapter(g, &b);
		write_file(dir, g->ch[g->cur].file, &b);
	}
	write_file(dir, "folio.ini", &ini);
	write_file(dir, "index.md", &index);
	free(ini.p);
	free(index.p);
	free(b.p);
}

/* index.md + folio.ini for the one-chapter pathological shapes; returns
 * the bytes they take. */
static size_t one_chapter_frame(struct gen *g, const char *dir)
{
	struct buf ini = {0}, index = {0};
	size_t n;

	chapter_names(g, 1);
	metadata(g, &ini);
	buf_printf(&index, "# %s\n\n- [%s](%s)\n", g->title,
		   g->ch[0].h[0].text, g->ch[0].file);
	write_file(dir, "folio.ini", &ini);
	write_file(dir, "index.md", &index);
	n = ini.n + index.n;
	free(ini.p);
	free(index.p);
	return n;
}

static size_t remaining(const struct gen *g, size_t used)
{
	return g->size > used ? g->size - used : 0;
}

/* How many units of min_bytes fit, at most want. */
static size_t unit_count(size_t bytes, size_t want, size_t min_bytes)
{
	size_t fit = bytes / min_bytes;

	if (fit < 1)
		fit = 1;
	return fit < want ? fit : want;
}

static void shape_paragraph(struct gen *g, const char *dir)
{
	struct buf b = {0};
	struct wrap w;
	size_t words = g->size / 6;

	one_chapter_frame(g, dir);
	buf_printf(&b, "# %s\n\n", g->ch[0].h[0].text);
	wrap_begin(&w, &b, "", "", 80);
	while ((size_t)w.tokens < words) {
		size_t n = sentence_length(&g->rng);

		if (n > words - (size_t)w.tokens)
			n = words - (size_t)w.tokens;
		sentence(g, &w, PROSE_PLAIN, n);
	}
	wrap_end(&w);
	write_file(dir, g->ch[0].file, &b);
	free(b.p);
}

static void shape_codeblock(struct gen *g, const char *dir)
{
	struct buf b = {0}, line = {0};
	struct code k = { .lang = LANG_RUST };
	size_t start, nlines, body;

	body = remaining(g, one_chapter_frame(g, dir));
	buf_printf(&b, "# %s\n\n", g->ch[0].h[0].text);
	paragraph(g, &b, PROSE_MARKUP, 1);
	buf_puts(&b, "\n```rust\n");
	start = b.n;
	body = body > start + 4 ? body - start - 4 : 0;
	nlines = unit_count(body, 20000, 20);
	for (size_t i = 0; i < nlines; i++) {
		/* pad with a trailing comment while behind the byte schedule */
		size_t goal = start + body * (i + 1) / nlines;

		struct code saved = k;

		buf_reset(&line);
		code_line(&g->rng, &k, &line, nlines - i);
		if (b.n + line.n + 1 > goal + 12) {
			k = saved;
			buf_reset(&line);
			code_short(&g->rng, &k, &line, nlines - i);
		}
		if (b.n + line.n + 1 < goal)
			buf_puts(&line, line.n > 0 ? " //" : "//");
		while (b.n + line.n + 1 < goal) {
			buf_puts(&line, " ");
			buf_puts(&line, prose_word(&g->rng));
		}
		buf_add(&b, line.p, line.n);
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "```\n");
	write_file(dir, g->ch[0].file, &b);
	free(b.p);
	free(line.p);
}

static void shape_table(struct gen *g, const char *dir)
{
	const int ncols = 6;
	struct buf b = {0};
	size_t start, nrows, body;

	body = remaining(g, one_chapter_frame(g, dir));
	buf_printf(&b, "# %s\n\n", g->ch[0].h[0].text);
	paragraph(g, &b, PROSE_MARKUP, 1);
	buf_puts(&b, "\n");
	table_header(g, &b, ncols);
	start = b.n;
	body = body > start ? body - start : 0;
	nrows = unit_count(body, 2000, 8 * (size_t)ncols);
	for (size_t row = 0; row < nrows; row++) {
		size_t goal = start + body * (row + 1) / nrows;
		struct buf cells[6] = {{0}};
		size_t len = 2;

		for (int col = 0; col < ncols; col++) {
			table_cell(g, &cells[col], col, (int)row);
			len += cells[col].n + 3;
		}
		/* lengthen the text cells while behind the byte schedule */
		for (int col = 2; b.n + len < goal; col = col == ncols - 1 ? 2 : col + 1) {
			const char *w = prose_word(&g->rng);

			buf_puts(&cells[col], " ");
			buf_puts(&cells[col], w);
			len += 1 + strlen(w);
		}
		for (int col = 0; col < ncols; col++) {
			buf_puts(&b, "| ");
			buf_add(&b, cells[col].p, cells[col].n);
			buf_puts(&b, " ");
			free(cells[col].p);
		}
		buf_puts(&b, "|\n");
	}
	write_file(dir, g->ch[0].file, &b);
	free(b.p);
}

static void shape_links(struct gen *g, const char *dir)
{
	struct buf b = {0}, tok = {0};
	struct chapter *c;
	size_t start, nlinks, body, nsections;
	struct wrap w;

	body = remaining(g, one_chapter_frame(g, dir));
	c = &g->ch[0];
	nlinks = unit_count(body, 10000, 50);
	nsections = nlinks / 500 + 1;
	c->h = realloc(c->h, (nsections + 1) * sizeof *c->h);
	if (!c->h)
		die("out of memory");
	for (size_t i = 1; i <= nsections; i++)
		plan_heading(g, c, (int)i, 2);
	c->nh = (int)nsections + 1;

	g->cur = 0;
	buf_printf(&b, "# %s\n\n", c->h[0].text);
	start = b.n;
	body = body > start ? body - start : 0;
	size_t per_section = (nlinks + nsections - 1) / nsections;
	for (size_t i = 0; i < nlinks; i++) {
		size_t goal = start + body * (i + 1) / nlinks;

		if (i % per_section == 0) {
			if (i > 0)
				wrap_end(&w);
			buf_printf(&b, "\n## %s\n\n",
				   c->h[1 + i / per_section].text);
			wrap_begin(&w, &b, "", "", 80);
		} else if (i % 12 == 0) {
			wrap_end(&w);
			buf_puts(&b, "\n");
			wrap_begin(&w, &b, "", "", 80);
		}
		buf_reset(&tok);
		if (rng_chance(&g->rng, 600)) {
			buf_printf(&tok, "[%s %s](%s)", prose_word(&g->rng),
				   PICK(&g->rng, topic_words), pick_url(g));
		} else if (rng_chance(&g->rng, 800)) {
			const struct heading *h =
				&c->h[rng_below(&g->rng, (size_t)c->nh)];

			buf_printf(&tok, "[%s](#%s)", h->text, h->slug);
		} else {
			buf_puts(&tok, "[the contents](index.md)");
		}
		wrap_token(&w, tok.p, tok.n);
		/* a few words between links, as far as the budget allows */
		while (b.n + 2 < goal)
			wrap_str(&w, prose_word(&g->rng));
	}
	wrap_end(&w);
	write_file(dir, c->file, &b);
	free(b.p);
	free(tok.p);
}

static void shape_chapters(struct gen *g, const char *dir)
{
	struct buf ini = {0}, index = {0}, b = {0};
	size_t n, body;

	metadata(g, &ini);
	/* each chapter costs about 30 bytes of index plus its line */
	n = unit_count(remaining(g, ini.n + 200), 1000, 120);
	chapter_names(g, (int)n);
	buf_printf(&index, "# %s\n\n", g->title);
	for (size_t i = 0; i < n; i++)
		buf_printf(&index, "- [Part %zu](%s)\n", i + 1, g->ch[i].file);
	body = remaining(g, ini.n + index.n);
	for (size_t i = 0; i < n; i++) {
		/* one line: sentences up to this chapter's share of the budget */
		size_t goal = body * (i + 1) / n - body * i / n;
		struct wrap w;

		g->cur = (int)i;
		buf_reset(&b);
		wrap_begin(&w, &b, "", "", 0);
		do {
			size_t len = sentence_length(&g->rng);
			size_t room = goal > b.n + 7 ? (goal - b.n) / 7 : 1;

			sentence(g, &w, PROSE_MARKUP, len < room ? len : room);
		} while (b.n + 8 < goal);
		wrap_end(&w);
		write_file(dir, g->ch[i].file, &b);
	}
	write_file(dir, "folio.ini", &ini);
	write_file(dir, "index.md", &index);
	free(ini.p);
	free(index.p);
	free(b.p);
}

/* ---- Command line ------------------------------------------------------ */

static void mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof tmp)
		die("bad output folder '%s'", path);
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			die("%s: %s", tmp, strerror(errno));
		tmp[i] = i == n ? '\0' : '/';
	}
}

static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		die("%s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

static void usage(void)
{
	fputs("usage: genbook OUT_DIR SIZE_BYTES [--seed N] "
	      "[--shape normal|paragraph|codeblock|table|links|chapters]\n",
	      stderr);
	exit(2);
}

/* A byte count: digits with an optional k (1000) or M (1000000). */
static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return false;
	if (*end == 'k' || *end == 'K') {
		v *= 1000;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		v *= 1000000;
		end++;
	}
	if (*end != '\0' || v == 0 || v > (1ull << 34))
		return false;
	*out = (size_t)v;
	return true;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *size_arg = NULL;
	uint64_t seed = 1;
	struct gen g = {0};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			char *end;

			errno = 0;
			seed = strtoull(argv[++i], &end, 10);
			if (errno || *end != '\0' || end == argv[i])
				usage();
		} else if (strcmp(argv[i], "--shape") == 0 && i + 1 < argc) {
			size_t k;

			i++;
			for (k = 0; k < ARRAY_LEN(shape_names); k++)
				if (strcmp(argv[i], shape_names[k]) == 0)
					break;
			if (k == ARRAY_LEN(shape_names))
				usage();
			g.shape = (enum shape)k;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage();
		} else if (!dir) {
			dir = argv[i];
		} else if (!size_arg) {
			size_arg = argv[i];
		} else {
			usage();
		}
	}
	if (!dir || !size_arg)
		usage();
	if (!parse_size(size_arg, &g.size) || g.size < 1000) {
		fprintf(stderr, "genbook: SIZE_BYTES must be a number >= 1000, "
			"got '%s'\n", size_arg);
		return 2;
	}
	mkdir_p(dir);
	if (!dir_empty(dir))
		die("%s: folder is not empty", dir);

	zipf_init();
	/* the shape is mixed in so that two shapes never share their text */
	g.rng.s = seed * 0x100000001b3u + (uint64_t)g.shape;
	plan_urls(&g);
	book_title(&g);
	switch (g.shape) {
	case SHAPE_NORMAL:
		shape_normal(&g, dir);
		break;
	case SHAPE_PARAGRAPH:
		shape_paragraph(&g, dir);
		break;
	case SHAPE_CODEBLOCK:
		shape_codeblock(&g, dir);
		break;
	case SHAPE_TABLE:
		shape_table(&g, dir);
		break;
	case SHAPE_LINKS:
		shape_links(&g, dir);
		break;
	case SHAPE_CHAPTERS:
		shape_chapters(&g, dir);
		break;
	}
	for (int i = 0; i < g.nch; i++)
		free(g.ch[i].h);
	free(g.ch);
	free(g.tail.p);
	return 0;
}
