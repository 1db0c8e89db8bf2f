/* test_xhtml.c - the XHTML writer: escaping, ids, URLs, and chapters built
 * from hand-made models (well-formed output, the right elements). */
#include "epub/xhtml.h"
#include "epub/epub.h"
#include "model/pagination.h"
#include "unit.h"
#include "resolve/generate.h"
#include "model/words.h"
#include "load/parse.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static struct arena A;

static const char *esc(const char *s, size_t n)
{
	static struct buf b;
	buf_reset(&b);
	xhtml_escape(&b, s, n);
	return b.data ? b.data : "";
}

static const char *id_of(const char *slug)
{
	static struct buf b;
	buf_reset(&b);
	xhtml_id(&b, slug);
	return b.data ? b.data : "";
}

static const char *url_of(const char *url)
{
	static struct buf b;
	buf_reset(&b);
	if (!xhtml_url(&b, url))
		return NULL;
	return b.data ? b.data : "";
}

static void test_escape(void)
{
	CHECK_STR("escape: markup characters", esc("a<b>&\"c'", 9),
		  "a&lt;b&gt;&amp;&quot;c'");
	CHECK_STR("escape: tab and newline kept", esc("a\tb\nc", 5), "a\tb\nc");
	CHECK_STR("escape: C0 controls, CR and DEL dropped",
		  esc("a\x01\x08\x0b\x0c\r\x1f\x7f" "b", 10), "ab");
	CHECK_STR("escape: NUL inside the length dropped", esc("a\0b", 3), "ab");
	CHECK_STR("escape: invalid UTF-8 becomes U+FFFD",
		  esc("x\xff" "y\xc3(", 5), "x\xEF\xBF\xBDy\xEF\xBF\xBD(");
	CHECK_STR("escape: overlong encoding rejected", esc("\xc0\xaf", 2),
		  "\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_STR("escape: encoded surrogate rejected", esc("\xed\xa0\x80", 3),
		  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_STR("escape: truncated sequence at the end", esc("a\xe2\x82", 3),
		  "a\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_STR("escape: U+FFFE and U+FFFF dropped",
		  esc("a\xef\xbf\xbe\xef\xbf\xbf" "b", 8), "ab");
	CHECK_STR("escape: C1 controls dropped", esc("a\xc2\x85" "b", 4), "ab");
	CHECK_STR("escape: other characters kept",
		  esc("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 11),
		  "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK_STR("escape: ]]> is harmless", esc("]]>", 3), "]]&gt;");
}

static void test_label(void)
{
	struct buf b = BUF_INIT;
	xhtml_label(&b, "  a \n\t b  & c ", "x");
	CHECK_STR("label: whitespace collapsed and trimmed", b.data, "a b &amp; c");
	buf_reset(&b);
	xhtml_label(&b, " \x01 \n", "Fallback <1>");
	CHECK_STR("label: nothing visible gives the fallback", b.data, "Fallback &lt;1&gt;");
	buf_reset(&b);
	CHECK("label: NULL text and NULL fallback give nothing",
	      xhtml_label(&b, NULL, NULL) == 0 && b.len == 0);
	buf_free(&b);
}

static void test_ids(void)
{
	CHECK_STR("id: plain slug kept", id_of("learning-outcomes"), "learning-outcomes");
	CHECK_STR("id: underscore start kept", id_of("_x-1"), "_x-1");
	CHECK_STR("id: digit start prefixed", id_of("1-introduction"), "h.1-introduction");
	CHECK_STR("id: non-ASCII encoded", id_of("\xc3\xbc" "ber"), "h..c3.bcber");
	CHECK_STR("id: empty slug", id_of(""), "h.");
	CHECK("id: distinct slugs stay distinct",
	      strcmp(id_of("1a"), "h.1a") == 0 &&
	      strcmp(id_of("h-1a"), "h-1a") == 0);
	/* the encoded form only ever uses [A-Za-z0-9_.-] */
	const char *x = id_of("a b<\"&>");
	int ok = 1;
	for (const char *p = x; *p; p++)
		if (!(strchr("._-", *p) || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			ok = 0;
	CHECK("id: always an XML name", ok && x[0] == 'h');
}

static void test_urls(void)
{
	CHECK_STR("url: plain https", url_of("https://example.com/a/b?c=1&d=2#top"),
		  "https://example.com/a/b?c=1&amp;d=2#top");
	CHECK_STR("url: scheme lowercased", url_of("HTTP://Example.COM"), "http://Example.COM");
	CHECK_STR("url: mailto", url_of("MAILTO:someone@example.com"), "mailto:someone@example.com");
	CHECK_STR("url: spaces and specials encoded",
		  url_of("https://e.org/a b\"<>\\^`{|}[]"),
		  "https://e.org/a%20b%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D");
	CHECK_STR("url: non-ASCII encoded", url_of("https://e.org/\xc3\xa9"),
		  "https://e.org/%C3%A9");
	CHECK_STR("url: valid escapes kept, bad % encoded", url_of("https://e.org/%41%zz%"),
		  "https://e.org/%41%25zz%25");
	CHECK_STR("url: second # encoded", url_of("https://e.org/#a#b"), "https://e.org/#a%23b");
	CHECK_STR("url: port", url_of("http://localhost:8080/x"), "http://localhost:8080/x");
	CHECK_STR("url: IPv6 literal keeps brackets", url_of("http://[::1]:8080/x"),
		  "http://[::1]:8080/x");
	CHECK_STR("url: user info", url_of("https://me@e.org/"), "https://me@e.org/");
	CHECK("url: javascript refused", url_of("javascript:alert(1)") == NULL);
	CHECK("url: JavaScript refused", url_of("JaVaScRiPt:alert(1)") == NULL);
	CHECK("url: data refused", url_of("data:text/html,x") == NULL);
	CHECK("url: relative refused", url_of("foo/bar.html") == NULL);
	CHECK("url: no host refused", url_of("http://") == NULL);
	CHECK("url: dots for a host refused", url_of("https://../") == NULL);
	CHECK("url: bad port refused", url_of("http://e.org:80a/") == NULL);
	CHECK("url: bad host character refused", url_of("http://e_x!.org/") == NULL);
	CHECK("url: empty mailto refused", url_of("mailto:") == NULL);
	CHECK("url: NULL refused", url_of(NULL) == NULL);
}

/* ---- A tiny well-formedness check: tags nest, attributes are quoted,
 * '&' only starts an entity, no '<' in text. ---- */

static int well_formed(const char *s, char *why, size_t whylen)
{
	char stack[256][32];
	int depth = 0;
	const char *p = strstr(s, "<html");
	if (!p) {
		snprintf(why, whylen, "no <html>");
		return 0;
	}
	while (*p) {
		if (*p == '&') {
			const char *e = p + 1;
			while ((*e >= 'a' && *e <= 'z') || *e == '#' || (*e >= '0' && *e <= '9'))
				e++;
			if (*e != ';' || e == p + 1) {
				snprintf(why, whylen, "bare & at %.20s", p);
				return 0;
			}
			p = e + 1;
			continue;
		}
		if (*p != '<') {
			if (*p == '>') {
				snprintf(why, whylen, "bare > at %.20s", p);
				return 0;
			}
			p++;
			continue;
		}
		bool close = p[1] == '/';
		const char *n = p + (close ? 2 : 1);
		size_t len = strcspn(n, " />\n");
		if (len == 0 || len >= 32) {
			snprintf(why, whylen, "bad tag at %.20s", p);
			return 0;
		}
		const char *q = n + len;
		/* attributes: name="value" with no '<' in the value */
		while (*q && *q != '>' && !(*q == '/' && q[1] == '>')) {
			if (*q == '"') {
				q++;
				while (*q && *q != '"') {
					if (*q == '<') {
						snprintf(why, whylen, "< in attribute at %.20s", p);
						return 0;
					}
					q++;
				}
			}
			if (*q)
				q++;
		}
		if (!*q) {
			snprintf(why, whylen, "unterminated tag");
			return 0;
		}
		bool empty = *q == '/';
		if (close) {
			if (depth == 0 || strncmp(stack[depth - 1], n, len) != 0 ||
			    stack[depth - 1][len]) {
				snprintf(why, whylen, "</%.*s> closes <%s>", (int)len, n,
					 depth ? stack[depth - 1] : "nothing");
				return 0;
			}
			depth--;
		} else if (!empty) {
			if (depth == 256) {
				snprintf(why, whylen, "nesting deeper than 256");
				return 0;
			}
			memcpy(stack[depth], n, len);
			stack[depth][len] = '\0';
			depth++;
		}
		p = q + (empty ? 2 : 1);
	}
	if (depth != 0) {
		snprintf(why, whylen, "<%s> not closed", stack[depth - 1]);
		return 0;
	}
	return 1;
}

/* ---- Building models by hand ---- */

static struct inline_node *inl(enum inline_type t, const char *text)
{
	struct inline_node *n = arena_calloc(&A, 1, sizeof *n);
	n->type = t;
	if (text) {
		n->text = text;
		n->len = strlen(text);
	}
	return n;
}

static struct inline_node *chain(struct inline_node **v, int n)
{
	for (int i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	return n ? v[0] : NULL;
}

static struct block *blk(enum block_type t)
{
	struct block *b = arena_calloc(&A, 1, sizeof *b);
	b->type = t;
	return b;
}

static struct block *para(struct inline_node *in)
{
	struct block *b = blk(BLK_PARAGRAPH);
	b->inlines = in;
	return b;
}

static struct link *lnk(enum link_kind k, const char *url)
{
	struct link *l = arena_calloc(&A, 1, sizeof *l);
	l->kind = k;
	l->url = url;
	l->ext_index = -1;
	return l;
}

static struct inline_node *link_node(struct link *l, const char *text)
{
	struct inline_node *n = inl(INL_LINK, NULL);
	n->link = l;
	n->children = inl(INL_TEXT, text);
	return n;
}

static const char *render(const struct book *book, const struct chapter *ch,
			  const char *const *hrefs, int nhrefs)
{
	static struct buf b;
	struct xhtml_env env = {.book = book, .lang = "en", .css_href = "css/epub.css",
				.image_href = hrefs, .nimage_href = nhrefs};
	buf_reset(&b);
	xhtml_chapter(&b, &env, ch);
	return b.data ? b.data : "";
}

static void test_chapter(void)
{
	struct book book;
	struct chapter ch, other;
	struct footnote fn1, fnu;
	struct image img = {"img/a.png", "image/png", 4, 3, 0};
	char why[160] = "";

	memset(&book, 0, sizeof book);
	memset(&ch, 0, sizeof ch);
	memset(&other, 0, sizeof other);
	ch.index = 0;
	ch.title = "Intro & <more>";
	other.index = 4;
	book.nchapters = 5;

	/* heading with a digit-leading slug */
	struct block *h1 = blk(BLK_HEADING);
	h1->level = 1;
	h1->slug = "1-intro";
	h1->inlines = inl(INL_TEXT, "Intro & <more>");

	/* other chapter's heading, for internal links */
	struct block *oh = blk(BLK_HEADING);
	oh->level = 2;
	oh->slug = "setup";
	struct block *ohs[1] = {oh};
	other.headings = ohs;
	other.nheadings = 1;

	/* links of every kind, footnote referenced twice, one in a link */
	memset(&fn1, 0, sizeof fn1);
	memset(&fnu, 0, sizeof fnu);
	fn1.label = "a";
	fn1.number = 1;
	fnu.label = "unused";
	fnu.number = 0;
	struct link *li = lnk(LINK_INTERNAL, "x.md#setup");
	li->chapter = &other;
	li->anchor = "setup";
	struct link *lmiss = lnk(LINK_INTERNAL, "x.md#gone");
	lmiss->chapter = &other;
	lmiss->anchor = "gone";
	struct link *lk = lnk(LINK_KNOWN, "../adv/index.md");
	lk->note = "a separate volume";
	struct inline_node *ref1 = inl(INL_FOOTNOTE_REF, NULL);
	ref1->footnote = &fn1;
	struct inline_node *ref2 = inl(INL_FOOTNOTE_REF, NULL);
	ref2->footnote = &fn1;
	struct inline_node *ext = link_node(lnk(LINK_EXTERNAL, "https://e.org/?a=1&b=2"), "ext");
	ext->children->next = ref2;
	struct inline_node *emph = inl(INL_EMPH, NULL);
	emph->children = inl(INL_TEXT, "em");
	struct inline_node *p1v[] = {
		inl(INL_TEXT, "A "), emph, inl(INL_SOFTBREAK, NULL),
		link_node(li, "internal"), inl(INL_TEXT, " "),
		link_node(lmiss, "missing anchor"), inl(INL_TEXT, " "),
		link_node(lnk(LINK_BROKEN, "nowhere.md"), "broken"), inl(INL_TEXT, " "),
		link_node(lk, "known"), inl(INL_TEXT, " "),
		link_node(lnk(LINK_EXTERNAL, "javascript:alert(1)"), "js"),
		ref1, inl(INL_TEXT, " "), ext, inl(INL_LINEBREAK, NULL),
		inl(INL_CODE, "a<b"), inl(INL_HTML, "<span onclick=\"x()\">"),
		inl(INL_HTML, "<!-- c -- d -->"), inl(INL_HTML, "<BR />"),
	};
	struct block *p1 = para(chain(p1v, (int)(sizeof p1v / sizeof *p1v)));

	/* images: present and missing */
	struct link *limg = lnk(LINK_IMAGE, "img/a.png");
	limg->image = &img;
	limg->title = "T\"";
	struct inline_node *im = inl(INL_IMAGE, NULL);
	im->link = limg;
	im->children = inl(INL_TEXT, "alt \"q\"");
	struct inline_node *im2 = inl(INL_IMAGE, NULL);
	im2->link = lnk(LINK_BROKEN, "none.png");
	im2->children = inl(INL_TEXT, "gone alt");
	im->next = im2;
	struct block *p2 = para(im);

	/* a tight list with a task item and a nested list */
	struct block *list = blk(BLK_LIST);
	list->tight = true;
	struct block *it1 = blk(BLK_ITEM);
	it1->task = TASK_DONE;
	it1->children = para(inl(INL_TEXT, "done"));
	struct block *it2 = blk(BLK_ITEM);
	struct block *sub = blk(BLK_LIST);
	sub->ordered = true;
	sub->start = 3;
	sub->tight = true;
	struct block *it3 = blk(BLK_ITEM);
	it3->children = para(inl(INL_TEXT, "three"));
	sub->children = it3;
	it2->children = para(inl(INL_TEXT, "two"));
	it2->children->next = sub;
	it1->next = it2;
	list->children = it1;

	/* a table with alignment */
	struct block *table = blk(BLK_TABLE);
	enum cell_align al[2] = {ALIGN_CENTER, ALIGN_RIGHT};
	table->ncols = 2;
	table->align = al;
	struct block *r1 = blk(BLK_TABLE_ROW);
	r1->header = true;
	struct block *c1 = blk(BLK_TABLE_CELL);
	c1->inlines = inl(INL_TEXT, "H1");
	struct block *c2 = blk(BLK_TABLE_CELL);
	c2->inlines = inl(INL_TEXT, "H2");
	c1->next = c2;
	r1->children = c1;
	struct block *r2 = blk(BLK_TABLE_ROW);
	struct block *c3 = blk(BLK_TABLE_CELL);
	c3->inlines = inl(INL_TEXT, "d1");
	r2->children = c3;
	r1->next = r2;
	table->children = r1;

	/* code, raw HTML blocks, a thematic break, footnote definitions */
	struct block *code = blk(BLK_CODE);
	code->text = "fn main() { let s = \"<&>\"; }\n";
	code->len = strlen(code->text);
	code->lang = "rust";
	code->info = "rust,ignore";
	struct block *html = blk(BLK_HTML);
	html->text = "<script>alert(1)</script>\n";
	html->len = strlen(html->text);
	struct block *comment = blk(BLK_HTML);
	comment->text = "<!-- hidden -- note -->\n";
	comment->len = strlen(comment->text);
	struct block *hr = blk(BLK_THEMATIC);
	struct block *d1 = blk(BLK_FOOTNOTE_DEF);
	d1->footnote = &fn1;
	d1->children = para(inl(INL_TEXT, "Note one."));
	fn1.def = d1;
	fn1.nrefs = 2;
	struct block *du = blk(BLK_FOOTNOTE_DEF);
	du->footnote = &fnu;
	du->children = para(inl(INL_TEXT, "Unused note."));
	fnu.def = du;
	struct footnote *fns[2] = {&fn1, &fnu};
	ch.footnotes = fns;
	ch.nfootnotes = 2;

	struct block *seq[] = {h1, p1, p2, list, table, code, html, comment, hr, d1, du};
	for (size_t i = 0; i + 1 < sizeof seq / sizeof *seq; i++)
		seq[i]->next = seq[i + 1];
	ch.blocks = h1;

	const char *hrefs[1] = {"images/image001.png"};
	const char *x = render(&book, &ch, hrefs, 1);

	int wf = well_formed(x, why, sizeof why);
	if (!wf)
		printf("# %s\n", why);
	CHECK("chapter: well-formed", wf);
	CHECK("chapter: lang and xml:lang", strstr(x, "lang=\"en\" xml:lang=\"en\"") != NULL);
	CHECK("chapter: title escaped", strstr(x, "<title>Intro &amp; &lt;more&gt;</title>") != NULL);
	CHECK("chapter: stylesheet", strstr(x, "href=\"css/epub.css\"") != NULL);
	CHECK("chapter: heading id is an XML name", strstr(x, "<h1 id=\"h.1-intro\">") != NULL);
	CHECK("chapter: emphasis", strstr(x, "<em>em</em>") != NULL);
	CHECK("chapter: internal link with anchor",
	      strstr(x, "<a href=\"chapter005.xhtml#setup\">internal</a>") != NULL);
	CHECK("chapter: missing anchor links the chapter",
	      strstr(x, "<a href=\"chapter005.xhtml\">missing anchor</a>") != NULL);
	CHECK("chapter: broken link is text", strstr(x, " broken ") != NULL &&
	      strstr(x, "nowhere") == NULL);
	CHECK("chapter: known target gets its note",
	      strstr(x, "known <span class=\"known-note\">(a separate volume)</span>") != NULL);
	CHECK("chapter: javascript: link is text", strstr(x, "javascript") == NULL &&
	      strstr(x, " js<sup") != NULL);
	CHECK("chapter: external link escaped",
	      strstr(x, "<a class=\"ext\" href=\"https://e.org/?a=1&amp;b=2\">ext") != NULL);
	CHECK("chapter: first note reference",
	      strstr(x, "<a epub:type=\"noteref\" role=\"doc-noteref\" href=\"#fn.1\" id=\"fnref.1.1\">1</a>") != NULL);
	CHECK("chapter: second reference, inside a link, has no nested <a>",
	      strstr(x, "<sup class=\"fnref\" id=\"fnref.1.2\">1</sup></a>") != NULL);
	CHECK("chapter: hard break", strstr(x, "<br/>\n") != NULL);
	CHECK("chapter: inline code escaped", strstr(x, "<code>a&lt;b</code>") != NULL);
	CHECK("chapter: raw inline HTML never shown",
	      strstr(x, "onclick") == NULL && strstr(x, "&lt;span") == NULL &&
	      strstr(x, "raw-html") == NULL);
	CHECK("chapter: HTML comments dropped", strstr(x, "-- d") == NULL &&
	      strstr(x, "hidden") == NULL && strstr(x, "<!--") == NULL);
	CHECK("chapter: raw <BR /> not shown as text", strstr(x, "BR") == NULL);
	CHECK("chapter: image with alt and title",
	      strstr(x, "<img src=\"images/image001.png\" alt=\"alt &quot;q&quot;\" "
			"title=\"T&quot;\" width=\"4\" height=\"3\"/>") != NULL);
	CHECK("chapter: missing image shows its alt text", strstr(x, "gone alt") != NULL &&
	      strstr(x, "none.png") == NULL);
	CHECK("chapter: task item", strstr(x, "<li class=\"task-item\"><span class=\"task task-done\">") != NULL);
	CHECK("chapter: tight item has no <p>", strstr(x, "<li>two\n<ol start=\"3\">") != NULL);
	CHECK("chapter: table header and alignment classes",
	      strstr(x, "<thead>\n<tr><th scope=\"col\" class=\"center\">H1</th><th scope=\"col\" class=\"right\">H2</th></tr>") != NULL);
	CHECK("chapter: table body", strstr(x, "<tbody>\n<tr><td class=\"center\">d1</td></tr>") != NULL);
	CHECK("chapter: no align attribute", strstr(x, " align=") == NULL);
	CHECK("chapter: code block highlighted, its line in a span",
	      strstr(x, "<pre class=\"code\"><code class=\"language-rust\"><span class=\"ln\"><span class=\"kw\">fn</span>") != NULL);
	CHECK("chapter: code string escaped", strstr(x, "&quot;&lt;&amp;&gt;&quot;") != NULL);
	CHECK("chapter: code block has no trailing newline", strstr(x, "}</span></code></pre>") != NULL);
	CHECK("chapter: raw HTML block never shown", strstr(x, "alert") == NULL &&
	      strstr(x, "raw-html") == NULL);
	CHECK("chapter: no script element", strstr(x, "<script") == NULL);
	CHECK("chapter: thematic break", strstr(x, "<hr/>") != NULL);
	CHECK("chapter: footnote aside",
	      strstr(x, "<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn.1\">") != NULL);
	CHECK("chapter: back link to the first reference",
	      strstr(x, "<a class=\"fn-back\" role=\"doc-backlink\" href=\"#fnref.1.1\">1.</a> Note one.") != NULL);
	CHECK("chapter: back link to the second reference",
	      strstr(x, "href=\"#fnref.1.2\">") != NULL);
	CHECK("chapter: unreferenced note kept", strstr(x, "id=\"fn.0.2\"") != NULL &&
	      strstr(x, "Unused note.") != NULL);
	CHECK("chapter: notes written once", strstr(strstr(x, "Note one.") + 1, "Note one.") == NULL);
}

/* Raw inline HTML, as md_parse reads it (load/html.c): formatting
 * becomes elements, tags are never shown as text, scripts never reach
 * the page. */
static void test_raw_html(void)
{
	static const struct {
		const char *name;
		const char *md;
		const char *want;
	} cases[] = {
		{"raw: kbd converted", "<kbd>Ctrl</KBD >", "<kbd>Ctrl</kbd>"},
		{"raw: nested tags converted", "<b><i>x</i></b>", "<strong><em>x</em></strong>"},
		{"raw: crossing tags mended", "<b><i>x</b></i>y", "<strong><em>x</em></strong>y"},
		{"raw: unclosed tag closed", "<sup>x", "<sup>x</sup>"},
		{"raw: stray close dropped", "x</sup>", "x"},
		{"raw: attributes dropped", "<b class=\"x\" onclick=\"y()\">x</b>",
		 "<strong>x</strong>"},
		{"raw: span unwrapped", "<span>x</span>", "x"},
		{"raw: Markdown inside kept", "<u>a *b* `c`</u>", "<u>a <em>b</em> <code>c</code></u>"},
		{"raw: br is a hard break", "a<br/>b", "a<br/>\nb"},
		{"raw: comment dropped", "a <!-- c --> b", "a b"},
		{"raw: script dropped", "a <script>alert(1)</script> b", "a b"},
		{"raw: javascript: link is text", "<a href=\" java&#115;cript:x()\">t</a>", "t"},
		{"raw: anchor", "<a id=\"k\"></a>t", "<a id=\"k\"></a>t"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct book book;
		struct chapter ch;
		struct arena a;
		struct diag_list d = {0};
		char why[160] = "";

		arena_init(&a);
		memset(&book, 0, sizeof book);
		memset(&ch, 0, sizeof ch);
		ch.title = "Raw";
		ch.display_path = "raw.md";
		ch.source = cases[c].md;
		ch.source_len = strlen(cases[c].md);
		md_parse(&(struct run){&a, &d, NULL, NULL}, &ch);
		const char *x = render(&book, &ch, NULL, 0);
		const char *p = strstr(x, "<p>");
		int ok = p && strncmp(p + 3, cases[c].want, strlen(cases[c].want)) == 0 &&
			 strncmp(p + 3 + strlen(cases[c].want), "</p>", 4) == 0;
		if (!ok)
			printf("# got %.200s\n", p ? p : x);
		CHECK(cases[c].name, ok && well_formed(x, why, sizeof why));
		diag_list_free(&d);
		arena_free(&a);
	}
}

/* Pathological nesting: no stack overflow, still well-formed, text kept. */
static void test_deep(void)
{
	struct book book;
	struct chapter ch;
	char why[160] = "";
	enum { DEPTH = 20000 };

	memset(&book, 0, sizeof book);
	memset(&ch, 0, sizeof ch);
	ch.title = "Deep";

	struct block *top = blk(BLK_QUOTE), *b = top;
	for (int i = 0; i < DEPTH; i++) {
		struct block *inner = blk(i % 3 == 0 ? BLK_LIST : i % 3 == 1 ? BLK_ITEM : BLK_QUOTE);
		b->children = inner;
		b = inner;
	}
	struct inline_node *in = inl(INL_STRONG, NULL), *n = in;
	for (int i = 0; i < DEPTH; i++) {
		struct inline_node *inner = inl(i % 2 ? INL_EMPH : INL_LINK, NULL);
		if (inner->type == INL_LINK)
			inner->link = lnk(LINK_EXTERNAL, "https://e.org/");
		n->children = inner;
		n = inner;
	}
	n->children = inl(INL_TEXT, "bottom");
	b->children = para(in);
	ch.blocks = top;

	const char *x = render(&book, &ch, NULL, 0);
	int wf = well_formed(x, why, sizeof why);
	if (!wf)
		printf("# %s\n", why);
	CHECK("deep: well-formed and bounded nesting", wf);
	CHECK("deep: text kept", strstr(x, "bottom") != NULL);
}

/* The Resources appendix and the citations in a chapter: ids on the
 * links, numbers leading to the entries, back links only to ids that
 * were written, URLs that may break. */
static void test_resources(void)
{
	struct book book;
	struct chapter ch;
	struct chapter *chs[1] = {&ch};
	char why[160] = "";

	memset(&book, 0, sizeof book);
	memset(&ch, 0, sizeof ch);
	ch.title = "Links";
	ch.path = "index.md";
	book.chapters = chs;
	book.nchapters = 1;

	/* three citations of two URLs; the third is refused as a link */
	struct inline_node *l1 = link_node(lnk(LINK_EXTERNAL, "https://e.org/a/b?x=1&y=2"), "first");
	struct inline_node *l2 = link_node(lnk(LINK_EXTERNAL, "https://e.org/a/b?x=1&y=2"), "again");
	struct inline_node *l3 = link_node(lnk(LINK_EXTERNAL, "https://../"), "refused");
	struct inline_node *v[] = {l1, inl(INL_TEXT, " and "), l2, inl(INL_TEXT, " and "), l3};
	struct block *p = para(chain(v, 5));
	ch.blocks = p;

	struct extref ex[3];
	memset(ex, 0, sizeof ex);
	struct inline_node *nodes[3] = {l1, l2, l3};
	for (int i = 0; i < 3; i++) {
		ex[i].url = nodes[i]->link->url;
		ex[i].chapter = &ch;
		ex[i].node = nodes[i];
		ex[i].owner = p;
		ex[i].distinct = i < 2 ? 0 : 1;
	}
	int refs0[2] = {0, 1}, refs1[1] = {2};
	struct resource res[2];
	memset(res, 0, sizeof res);
	res[0] = (struct resource){.number = 1, .url = ex[0].url, .title = "First <site>",
				   .description = "The author's words", .author_listed = true,
				   .chapter = &ch, .refs = refs0, .nrefs = 2};
	res[1] = (struct resource){.number = 2, .url = ex[2].url, .title = ex[2].url,
				   .chapter = &ch, .refs = refs1, .nrefs = 1};
	book.extrefs = ex;
	book.nextrefs = 3;
	book.resources = res;
	book.nresources = 2;

	int nrefs = 0;
	struct xhtml_ref *refs = xhtml_refs(&book, &A, &nrefs);
	bool written[3] = {false, false, false};
	struct xhtml_env env = {.book = &book, .lang = "en", .css_href = "css/epub.css",
				.resources_href = "resources.xhtml", .resource_numbers = true,
				.refs = refs, .nrefs = nrefs, .ref_written = written};
	struct buf b = BUF_INIT;
	xhtml_chapter(&b, &env, &ch);
	const char *x = b.data;
	CHECK("resources: chapter well-formed", well_formed(x, why, sizeof why));
	CHECK("resources: citation id on the link, number after it",
	      strstr(x, "<a class=\"ext\" href=\"https://e.org/a/b?x=1&amp;y=2\" id=\"ref.1.1\">first</a>"
			"<sup class=\"rref\"><a href=\"resources.xhtml#res.1\" aria-label=\"Resource 1\">1</a></sup>") != NULL);
	CHECK("resources: second citation of the same URL", strstr(x, "id=\"ref.1.2\">again</a>") != NULL);
	CHECK("resources: refused URL keeps its id on a span",
	      strstr(x, "<span class=\"ext-text\" id=\"ref.2.1\">refused</span><sup class=\"rref\">"
			"<a href=\"resources.xhtml#res.2\"") != NULL && strstr(x, "href=\"https://..") == NULL);
	CHECK("resources: written ids recorded", written[0] && written[1] && written[2]);

	/* the appendix: the second citation's id is taken as never written */
	written[1] = false;
	buf_reset(&b);
	struct generate_titles titles = {"Contents", "Resources", "Listed by the author"};
	struct diag_list gd = {0};
	generate_pages(&(struct run){&A, &gd, NULL, NULL}, &book, &titles);
	xhtml_resources(&b, &env);
	x = b.data;
	int wf = well_formed(x, why, sizeof why);
	if (!wf)
		printf("# %s\n", why);
	CHECK("resources: appendix well-formed", wf);
	CHECK("resources: appendix is an appendix section",
	      strstr(x, "<section class=\"resources\" epub:type=\"appendix\" role=\"doc-appendix\"") != NULL);
	CHECK("resources: author's group first",
	      strstr(x, "<h2 id=\"group.1\">Listed by the author</h2>\n<ol class=\"resources\" start=\"1\">") != NULL);
	CHECK("resources: second group named by its chapter",
	      strstr(x, "<h2 id=\"group.2\">Links</h2>\n<ol class=\"resources\" start=\"2\">") != NULL);
	CHECK("resources: entry number, id and escaped title",
	      strstr(x, "<li class=\"resource\" id=\"res.1\">\n<p class=\"res-title\"><span class=\"res-num\">1.</span> "
			"First &lt;site&gt;</p>") != NULL);
	CHECK("resources: full URL linked, breakable after '/' and before '?' and '&'",
	      strstr(x, "<a class=\"ext\" href=\"https://e.org/a/b?x=1&amp;y=2\">https://e.org/<wbr/>a/<wbr/>b"
			"<wbr/>?x=1<wbr/>&amp;y=2</a>") != NULL);
	CHECK("resources: description", strstr(x, "<p class=\"res-desc\">The author's words</p>") != NULL);
	CHECK("resources: back link to a written id",
	      strstr(x, "Cited in: <a role=\"doc-backlink\" href=\"chapter001.xhtml#ref.1.1\">Links</a>") != NULL);
	CHECK("resources: no back link to an id never written",
	      strstr(x, "#ref.1.2") == NULL && strstr(x, ", Links (2)</p>") != NULL);
	CHECK("resources: a URL that may not be a link is shown, not linked",
	      strstr(x, "<p class=\"res-url\">https://../</p>") != NULL);
	buf_free(&b);
}

/* Page-break markers: before the named word by the rule of pagination.h,
 * inside code, cells, tight items and footnotes; never inside a tag or
 * an attribute; each exactly once. */
static struct xhtml_pagebreak pbk(const struct chapter *ch, const struct block *b,
				  int word, const char *label)
{
	struct xhtml_pagebreak pb;
	memset(&pb, 0, sizeof pb);
	pb.place = PB_CHAPTER;
	pb.chapter = ch;
	pb.block = b;
	pb.word = word;
	pb.label = label;
	pb.id = arena_printf(&A, "page.%s", label);
	return pb;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#define PB(label) "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page." label \
	"\" aria-label=\"" label "\"/>"

static void test_pagebreaks(void)
{
	struct book book;
	struct chapter ch, other;
	struct footnote fn;
	char why[160] = "";

	memset(&book, 0, sizeof book);
	memset(&ch, 0, sizeof ch);
	memset(&other, 0, sizeof other);
	ch.title = "Pages";
	other.index = 1;

	struct block *h = blk(BLK_HEADING);
	h->level = 1;
	h->slug = "pages";
	h->inlines = inl(INL_TEXT, "Pages");

	/* words: alpha(0) be|ta(1) gamma(2) delta(3) epsilon(4)
	 * <kbd>zeta</kbd>(5) [alt text: no words] eta(6) theta(7) */
	struct inline_node *em = inl(INL_EMPH, NULL);
	em->children = inl(INL_TEXT, "ta gamma");
	struct inline_node *img = inl(INL_IMAGE, NULL);
	img->link = lnk(LINK_BROKEN, "gone.png");
	img->children = inl(INL_TEXT, "alt words");
	struct inline_node *kbd = inl(INL_SPAN, NULL);
	kbd->span = SPAN_KBD;
	kbd->children = inl(INL_TEXT, "zeta");
	struct inline_node *v[] = {
		inl(INL_TEXT, "alpha be"), em, inl(INL_SOFTBREAK, NULL),
		inl(INL_CODE, "delta epsilon"), inl(INL_TEXT, " "), kbd, img, inl(INL_TEXT, " eta "),
		link_node(lnk(LINK_EXTERNAL, "https://e.org/"), "theta"),
	};
	struct block *p = para(chain(v, (int)(sizeof v / sizeof *v)));

	struct block *code = blk(BLK_CODE);
	code->text = "fn main() {\n    let x = 1;\n}\n";
	code->len = strlen(code->text);
	code->lang = "rust";

	struct block *table = blk(BLK_TABLE);
	table->ncols = 1;
	struct block *row = blk(BLK_TABLE_ROW);
	struct block *cell = blk(BLK_TABLE_CELL);
	cell->inlines = inl(INL_TEXT, "one two");
	row->children = cell;
	table->children = row;

	struct block *list = blk(BLK_LIST);
	list->tight = true;
	struct block *item = blk(BLK_ITEM);
	struct block *ip = para(inl(INL_TEXT, "item words"));
	item->children = ip;
	list->children = item;

	struct block *comment = blk(BLK_HTML);
	comment->text = "<!-- hidden -->\n";
	comment->len = strlen(comment->text);

	memset(&fn, 0, sizeof fn);
	fn.label = "n";
	fn.number = 1;
	struct block *def = blk(BLK_FOOTNOTE_DEF);
	def->footnote = &fn;
	struct block *fp = para(inl(INL_TEXT, "Note text here"));
	def->children = fp;
	fn.def = def;
	struct footnote *fns[1] = {&fn};
	ch.footnotes = fns;
	ch.nfootnotes = 1;

	struct block *seq[] = {h, p, code, table, list, comment, def};
	for (size_t i = 0; i + 1 < sizeof seq / sizeof *seq; i++)
		seq[i]->next = seq[i + 1];
	ch.blocks = h;

	struct block *elsewhere = blk(BLK_PARAGRAPH);
	struct xhtml_pagebreak pbs[] = {
		pbk(&ch, h, 0, "1"), pbk(&ch, p, 1, "2"), pbk(&ch, p, 2, "3"),
		pbk(&ch, p, 4, "4"), pbk(&ch, p, 5, "5"), pbk(&ch, p, 6, "6"),
		pbk(&ch, p, 7, "7"), pbk(&ch, p, 99, "8"), pbk(&ch, code, 3, "9"),
		pbk(&ch, cell, 1, "10"), pbk(&ch, ip, 0, "11"), pbk(&ch, comment, 0, "12"),
		pbk(&ch, fp, 2, "13"), pbk(&ch, NULL, 0, "14"), pbk(&ch, elsewhere, 0, "15"),
		pbk(&other, p, 0, "16"),
	};
	int npbs = (int)(sizeof pbs / sizeof *pbs);
	struct xhtml_env env = {.book = &book, .lang = "en", .css_href = "css/epub.css",
				.breaks = pbs, .nbreaks = npbs};
	struct buf b = BUF_INIT;
	xhtml_chapter(&b, &env, &ch);
	const char *x = b.data;

	int wf = well_formed(x, why, sizeof why);
	if (!wf)
		printf("# %s\n", why);
	CHECK("pagebreak: chapter well-formed", wf);
	int once = 1;
	for (int i = 0; i < npbs - 1; i++) {
		char id[32];
		snprintf(id, sizeof id, "id=\"page.%s\"", pbs[i].label);
		if (count_of(x, id) != 1 || !pbs[i].written)
			once = 0;
	}
	CHECK("pagebreak: each of the chapter's markers exactly once", once);
	CHECK("pagebreak: another chapter's marker left alone",
	      strstr(x, "page.16") == NULL && !pbs[npbs - 1].written);
	CHECK("pagebreak: word 0 of a heading goes before its element",
	      strstr(x, PB("1") "<h1 id=\"pages\">Pages</h1>") != NULL);
	CHECK("pagebreak: inside a word run split over emphasis, before its start",
	      strstr(x, "<p>alpha " PB("2") "be<em>ta " PB("3") "gamma</em>") != NULL);
	CHECK("pagebreak: inside inline code", strstr(x, "<code>delta " PB("4") "epsilon</code>") != NULL);
	CHECK("pagebreak: inside an HTML formatting element, not in its tag",
	      strstr(x, "<kbd>" PB("5") "zeta</kbd>") != NULL);
	CHECK("pagebreak: alt text shown for a missing image is not words",
	      strstr(x, "alt words " PB("6") "eta ") != NULL);
	CHECK("pagebreak: inside a link's text, not in its attributes",
	      strstr(x, "href=\"https://e.org/\">" PB("7") "theta</a>") != NULL);
	CHECK("pagebreak: past the last word: at the end of the block, inside it",
	      strstr(x, "theta</a>" PB("8") "</p>") != NULL);
	CHECK("pagebreak: inside a highlighted code block",
	      strstr(x, "{\n</span><span class=\"ln i4\">    " PB("9") "<span class=\"kw\">let</span>") != NULL ||
	      strstr(x, "{\n</span><span class=\"ln i4\">    <span class=\"kw\">" PB("9") "let</span>") != NULL);
	CHECK("pagebreak: inside a table cell, never between rows",
	      strstr(x, "<td>one " PB("10") "two</td>") != NULL);
	CHECK("pagebreak: a tight item's first word: inside the <li>",
	      strstr(x, "<li>" PB("11") "item words") != NULL);
	CHECK("pagebreak: an HTML comment block: where it stands",
	      strstr(x, "</ul>\n" PB("12")) != NULL);
	CHECK("pagebreak: inside a footnote", strstr(x, "Note text " PB("13") "here") != NULL);
	CHECK("pagebreak: a page without text: where the chapter's text ends, before the notes",
	      strstr(x, PB("14") "<section class=\"footnotes\"") != NULL);
	CHECK("pagebreak: a block never met: at the chapter's end",
	      strstr(x, PB("15") "</section>\n</body>") != NULL);

	/* the writer counts words as words_count() does: a marker at
	 * the last word stands before it, one past it at the block's end */
	static const char *const texts[] = {
		"a b", " lead and trail ", "tab\tsep\nline", "no\xc2\xa0" "break space",
		"em\xe2\x80\x83space", "cr\rsep", "one", "   ", "x\vy\fz",
	};
	int agree = 1;
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		int n = words_count(texts[t], strlen(texts[t]));
		struct block *tp = para(inl(INL_TEXT, texts[t]));
		struct chapter tc;
		memset(&tc, 0, sizeof tc);
		tc.title = "W";
		tc.blocks = tp;
		struct xhtml_pagebreak tb[2] = {pbk(&tc, tp, n - 1, "last"), pbk(&tc, tp, n, "end")};
		struct xhtml_env tenv = {.book = &book, .lang = "en", .breaks = tb, .nbreaks = 2};
		struct buf tbuf = BUF_INIT;
		xhtml_chapter(&tbuf, &tenv, &tc);
		const char *last = strstr(tbuf.data, "id=\"page.last\"");
		const char *end = strstr(tbuf.data, PB("end") "</p>");
		/* after the "last" marker: one word, then only blanks */
		const char *q = last ? strstr(last, "/>") + 2 : NULL;
		int words_after = q && end ? words_count(q, (size_t)(end - q)) : -1;
		bool ok = n > 0 ? end && words_after == 1 : last != NULL;
		if (!ok) {
			printf("# words of \"%s\": %d; got %s\n", texts[t], n, tbuf.data);
			agree = 0;
		}
		buf_free(&tbuf);
	}
	CHECK("pagebreak: words counted as words_count() counts them", agree);

	/* without markers the output is what it always was */
	struct buf plain = BUF_INIT;
	struct xhtml_env env0 = {.book = &book, .lang = "en", .css_href = "css/epub.css"};
	xhtml_chapter(&plain, &env0, &ch);
	CHECK("pagebreak: none asked, none written", strstr(plain.data, "pagebreak") == NULL);
	buf_free(&plain);

	/* the Resources appendix: at its start, and at the entry opening a page */
	int refs0[1] = {0};
	struct extref ex;
	memset(&ex, 0, sizeof ex);
	ex.url = "https://e.org/";
	ex.chapter = &ch;
	ex.node = v[8];
	struct resource res[2];
	memset(res, 0, sizeof res);
	res[0] = (struct resource){.number = 1, .url = "https://e.org/", .title = "E",
				   .chapter = &ch, .refs = refs0, .nrefs = 1};
	res[1] = (struct resource){.number = 2, .url = "https://f.org/", .title = "F",
				   .chapter = &ch, .refs = refs0, .nrefs = 0};
	book.extrefs = &ex;
	book.nextrefs = 1;
	book.resources = res;
	book.nresources = 2;
	struct xhtml_pagebreak apb[3] = {pbk(NULL, NULL, 0, "20"), pbk(NULL, NULL, 1, "21"),
					 pbk(NULL, NULL, 7, "22")};
	for (int i = 0; i < 3; i++)
		apb[i].place = PB_APPENDIX;
	struct xhtml_env aenv = {.book = &book, .lang = "en", .css_href = "css/epub.css",
				 .resources_href = "resources.xhtml", .breaks = apb, .nbreaks = 3};
	buf_reset(&b);
	struct generate_titles titles = {"Contents", "Resources", NULL};
	struct diag_list gd = {0};
	generate_pages(&(struct run){&A, &gd, NULL, NULL}, &book, &titles);
	xhtml_resources(&b, &aenv);
	x = b.data;
	CHECK("pagebreak: appendix well-formed", well_formed(x, why, sizeof why));
	CHECK("pagebreak: appendix start", strstr(x, PB("20") "<h1 id=\"resources\">") != NULL);
	CHECK("pagebreak: appendix entry that opens a page",
	      strstr(x, "<li class=\"resource\" id=\"res.2\">" PB("21") "\n<p") != NULL);
	CHECK("pagebreak: appendix pages past its entries at its end",
	      strstr(x, PB("22") "</section>\n</body>") != NULL);
	buf_free(&b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n >= 0 && (data = malloc((size_t)n + 1)) != NULL)
		*len = fread(data, 1, (size_t)n, f);
	fclose(f);
	return data;
}

/* epub_write on a one-chapter book: the container layout, reproducible
 * bytes, the temporary file gone, a fatal diagnostic naming the path on
 * failure. */
static void test_epub_write(void)
{
	struct diag_list diags;
	struct book book;
	struct chapter ch;
	struct chapter *chs[1] = {&ch};
	struct build_opts opts;
	char dir[] = "/tmp/folio-test-epub-XXXXXX";
	char p1[128], p2[128];

	memset(&diags, 0, sizeof diags);
	memset(&book, 0, sizeof book);
	memset(&ch, 0, sizeof ch);
	memset(&opts, 0, sizeof opts);
	book.meta.title = "T & T";
	book.meta.language = "en";
	book.meta.identifier = "test-book";
	book.chapters = chs;
	book.nchapters = 1;
	ch.title = "One";
	ch.path = "index.md";
	struct block *h = blk(BLK_HEADING);
	h->level = 1;
	h->slug = "one";
	h->plain = "One";
	h->inlines = inl(INL_TEXT, "One");
	struct block *hs[1] = {h};
	ch.blocks = h;
	ch.headings = hs;
	ch.nheadings = 1;
	opts.data_dir = ".";
	opts.source_date = 1700000000;
	struct run run = {&A, &diags, &opts, NULL};
	struct generate_titles gtitles = {"Contents", "Resources", NULL};
	generate_pages(&run, &book, &gtitles);

	if (!mkdtemp(dir)) {
		CHECK("epub_write: temporary folder", 0);
		return;
	}
	snprintf(p1, sizeof p1, "%s/a.epub", dir);
	snprintf(p2, sizeof p2, "%s/b.epub", dir);
	int rc1 = epub_write(&run, &book, NULL, p1);
	int rc2 = epub_write(&run, &book, NULL, p2);
	size_t n1, n2;
	char *d1 = slurp(p1, &n1), *d2 = slurp(p2, &n2);
	CHECK("epub_write: succeeds", rc1 == 0 && rc2 == 0 && d1 && d2 && diags.nfatal == 0);
	CHECK("epub_write: mimetype first, stored, no extra field",
	      d1 && n1 > 58 && memcmp(d1, "PK\3\4", 4) == 0 &&
	      d1[8] == 0 && d1[9] == 0 &&          /* method 0 */
	      d1[26] == 8 && d1[27] == 0 &&        /* name length 8 */
	      d1[28] == 0 && d1[29] == 0 &&        /* no extra field */
	      memcmp(d1 + 30, "mimetypeapplication/epub+zip", 28) == 0);
	CHECK("epub_write: byte-identical twice", d1 && d2 && n1 == n2 && memcmp(d1, d2, n1) == 0);
	free(d1);
	free(d2);

	int others = 0;
	DIR *dp = opendir(dir);
	struct dirent *e;
	while (dp && (e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "a.epub") != 0 &&
		    strcmp(e->d_name, "b.epub") != 0)
			others++;
	if (dp)
		closedir(dp);
	CHECK("epub_write: no temporary file left", others == 0);
	unlink(p1);
	unlink(p2);
	rmdir(dir);

	int rc = epub_write(&run, &book, NULL, "/nonexistent-folio-dir/x.epub");
	CHECK("epub_write: unwritable path fails with a fatal diagnostic",
	      rc == -1 && diags.nfatal == 1 && diags.n > 0 &&
	      diags.v[diags.n - 1].file &&
	      strcmp(diags.v[diags.n - 1].file, "/nonexistent-folio-dir/x.epub") == 0);
	diag_list_free(&diags);
}

int main(void)
{
	arena_init(&A);
	test_escape();
	test_label();
	test_ids();
	test_urls();
	test_chapter();
	test_raw_html();
	test_deep();
	test_resources();
	test_pagebreaks();
	test_epub_write();
	arena_free(&A);
	UNIT_END();
}
