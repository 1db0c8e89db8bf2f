/*
 * test_mdconv.c - mdBook's Markdown conventions in the model (load/mdbook.c):
 * heading ids as mdBook makes them, GitHub alerts and admonish fences as
 * callouts, definition lists, heading attributes, rustdoc attribute-only
 * fences.  Each case is a small chapter parsed as the loader parses it.
 */
#include "unit.h"

#include "load/mdbook.h"
#include "load/parse.h"
#include "base/util.h"
#include "model/words.h"

static struct arena A;
static struct diag_list D;

/* The chapter src parsed as load_chapter does. */
static struct chapter *parse(const char *src)
{
	struct run r = {&A, &D, NULL, NULL};
	struct chapter *ch = arena_calloc(&A, 1, sizeof *ch);
	ch->path = "t.md";
	ch->display_path = "t.md";
	ch->source = arena_strdup(&A, src);
	ch->source_len = strlen(src);
	struct admonitions *adm = mdbook_admonish_source(&r, ch);
	md_parse(&r, ch);
	mdbook_blocks(&r, ch, adm);
	return ch;
}

static const char *plain_of(const struct block *b)
{
	return b ? model_plain(&A, b->inlines) : "(none)";
}

static void test_slugs(void)
{
	/* mdBook: trim, keep alphanumerics _ -, each white space -> '-',
	 * drop the rest, lowercase (Unicode). */
	CHECK_STR("slug: trimmed", slug_make(&A, "  Hello World \t"), "hello-world");
	CHECK_STR("slug: each space a dash", slug_make(&A, "a  b\tc"), "a--b-c");
	CHECK_STR("slug: punctuation dropped", slug_make(&A, "Tabs,   spaces & punctuation!?"),
		  "tabs---spaces--punctuation");
	CHECK_STR("slug: Unicode lowercased", slug_make(&A, "Ünïcode Straße Ä"), "ünïcode-straße-ä");
	CHECK_STR("slug: no-break space is white space", slug_make(&A, "a\xc2\xa0" "b"), "a-b");
	CHECK_STR("slug: superscript digits are numbers", slug_make(&A, "x\xc2\xb2"), "x\xc2\xb2");
	CHECK_STR("slug: symbols dropped", slug_make(&A, "Vec<T> \xc2\xa9 \xe2\x86\x92 end"),
		  "vect---end");
	CHECK_STR("slug: nothing left is empty (the caller says section)", slug_make(&A, "???"), "");
}

static void test_alerts(void)
{
	struct chapter *ch = parse("> [!WARNING]\n> Mind it.\n\n> [!tip]\n>\n> Para.\n\n"
				   "> [!NOTE] text after\n\n> [!NOPE]\n> x\n\n> [!CAUTION]\n");
	struct block *b = ch->blocks;
	CHECK("alert: warning is a callout", b && b->type == BLK_CALLOUT &&
	      b->callout == CALLOUT_WARNING && strcmp(b->plain, "Warning") == 0);
	CHECK_STR("alert: marker line removed, body kept", plain_of(b ? b->children : NULL), "Mind it.");
	b = b ? b->next : NULL;
	CHECK("alert: case-insensitive marker, blank line after it", b && b->type == BLK_CALLOUT &&
	      b->callout == CALLOUT_TIP && b->children && b->children->type == BLK_PARAGRAPH &&
	      strcmp(plain_of(b->children), "Para.") == 0 && !b->children->next);
	b = b ? b->next : NULL;
	CHECK("alert: text on the marker's line: a quote", b && b->type == BLK_QUOTE);
	b = b ? b->next : NULL;
	CHECK("alert: unknown marker: a quote", b && b->type == BLK_QUOTE);
	b = b ? b->next : NULL;
	CHECK("alert: marker alone: an empty callout", b && b->type == BLK_CALLOUT &&
	      b->callout == CALLOUT_CAUTION && !b->children);
}

static void test_admonish(void)
{
	int before = D.nwarn;
	struct chapter *ch = parse("Intro.\n\n```admonish danger \"Hot *Stuff*\"\nBody **b**.\n\n"
				   "- item\n```\n\nAfter.\n\n````admonish example title=\"With code\" collapsible=true\n"
				   "```rust\nlet x = 1;\n```\n````\n\n```admonish bogus\nB.\n```\n\n"
				   "~~~admonish\nTilde.\n~~~\n\n```text\n```admonish\n```\n");
	struct block *b = ch->blocks;
	b = b ? b->next : NULL;
	CHECK("admonish: danger is a caution callout with the author's title", b &&
	      b->type == BLK_CALLOUT && b->callout == CALLOUT_CAUTION &&
	      strcmp(b->plain, "Hot *Stuff*") == 0);
	CHECK("admonish: body parsed as Markdown (paragraph, list)", b && b->children &&
	      b->children->type == BLK_PARAGRAPH && b->children->next &&
	      b->children->next->type == BLK_LIST);
	CHECK_STR("admonish: the text after it is outside", plain_of(b ? b->next : NULL), "After.");
	b = b && b->next ? b->next->next : NULL;
	CHECK("admonish: title= and other options; a fenced code block inside", b &&
	      b->type == BLK_CALLOUT && b->callout == CALLOUT_NOTE &&
	      strcmp(b->plain, "With code") == 0 && b->children && b->children->type == BLK_CODE &&
	      strcmp(b->children->text, "let x = 1;\n") == 0);
	b = b ? b->next : NULL;
	CHECK("admonish: unknown kind: a note labelled Note, one warning at its line",
	      b && b->type == BLK_CALLOUT && b->callout == CALLOUT_NOTE &&
	      strcmp(b->plain, "Note") == 0 && D.nwarn == before + 1 && D.v[D.n - 1].line == 17 &&
	      strstr(D.v[D.n - 1].msg, "unknown admonish kind 'bogus'"));
	b = b ? b->next : NULL;
	CHECK("admonish: no kind, tilde fence: a note", b && b->type == BLK_CALLOUT &&
	      strcmp(b->plain, "Note") == 0 && strcmp(plain_of(b->children), "Tilde.") == 0);
	b = b ? b->next : NULL;
	CHECK("admonish: inside another fence it is code", b && b->type == BLK_CODE &&
	      strcmp(b->text, "```admonish\n") == 0);
}

static void test_deflists(void)
{
	struct chapter *ch = parse("Term\n: Def one.\n: Def two\nlazy.\n\nSecond\n\n: Its def.\n\n"
				   "Plain: text\nwith : colons.\n");
	struct block *d = ch->blocks;
	CHECK("deflist: one list over a blank line", d && d->type == BLK_DEFLIST && d->next &&
	      d->next->type == BLK_PARAGRAPH && !d->next->next);
	struct block *e = d ? d->children : NULL;
	CHECK("deflist: term, two definitions, term, definition", e &&
	      e->type == BLK_DEF_TERM && strcmp(plain_of(e), "Term") == 0 &&
	      e->next && e->next->type == BLK_DEF_DATA &&
	      strcmp(plain_of(e->next->children), "Def one.") == 0 &&
	      e->next->next && e->next->next->type == BLK_DEF_DATA &&
	      strcmp(plain_of(e->next->next->children), "Def two lazy.") == 0 &&
	      e->next->next->next && e->next->next->next->type == BLK_DEF_TERM &&
	      strcmp(plain_of(e->next->next->next), "Second") == 0 &&
	      e->next->next->next->next &&
	      strcmp(plain_of(e->next->next->next->next->children), "Its def.") == 0 &&
	      !e->next->next->next->next->next);
	CHECK("deflist: parents set", e && e->parent == d && e->next->children->parent == e->next);
	ch = parse("> quote\n\n: y\n\n: z\n");
	CHECK("deflist: definitions with no term stay paragraphs", ch->blocks &&
	      ch->blocks->type == BLK_QUOTE && ch->blocks->next &&
	      ch->blocks->next->type == BLK_PARAGRAPH && ch->blocks->next->next &&
	      ch->blocks->next->next->type == BLK_PARAGRAPH);
}

static void test_attrs(void)
{
	struct chapter *ch = parse("# Title {#my-id .cls key=v}\n\n## Only {.c}\n\n## Set {a, b}\n\n"
				   "## Empty {}\n");
	CHECK("attrs: id kept, braces removed", ch->nheadings == 4 && ch->headings[0]->id &&
	      strcmp(ch->headings[0]->id, "my-id") == 0 &&
	      strcmp(ch->headings[0]->plain, "Title") == 0 &&
	      strcmp(plain_of(ch->headings[0]), "Title") == 0);
	CHECK("attrs: classes only: removed, no id", ch->nheadings == 4 && !ch->headings[1]->id &&
	      strcmp(ch->headings[1]->plain, "Only") == 0);
	CHECK("attrs: braces that are text stay", ch->nheadings == 4 &&
	      strcmp(ch->headings[2]->plain, "Set {a, b}") == 0 &&
	      strcmp(ch->headings[3]->plain, "Empty {}") == 0);
}

static void test_fences(void)
{
	struct chapter *ch = parse("```ignore\nx\n```\n\n```should_panic,edition2021\nx\n```\n\n"
				   "```text\nx\n```\n\n```ignore,python\nx\n```\n");
	struct block *b = ch->blocks;
	CHECK("fence: rustdoc attributes alone are Rust", b && strcmp(b->lang, "rust") == 0 &&
	      b->next && strcmp(b->next->lang, "rust") == 0);
	CHECK("fence: other languages stay", b && b->next && b->next->next &&
	      strcmp(b->next->next->lang, "text") == 0 && b->next->next->next &&
	      strcmp(b->next->next->next->lang, "ignore") == 0);
}

int main(void)
{
	arena_init(&A);
	test_slugs();
	test_alerts();
	test_admonish();
	test_deflists();
	test_attrs();
	test_fences();
	diag_list_free(&D);
	arena_free(&A);
	UNIT_END();
}
