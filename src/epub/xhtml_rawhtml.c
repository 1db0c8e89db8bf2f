/*
 * xhtml_rawhtml.c - what the XHTML writer recognises in raw HTML: a
 * comment (dropped), <br> (written as <br/>), and the simple formatting
 * tags it writes as elements when they are balanced among their
 * siblings.  Everything else is shown as text by the callers.
 */
#include "epub/xhtml_render.h"

#include <string.h>

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			 s[i] == '\r'))
		i++;
	return i;
}

/* Only HTML comments (and white space): a reader would see nothing, so
 * folio writes nothing (and never has to put "--" in an XML comment). */
bool rawhtml_is_comment(const char *s, size_t n)
{
	size_t i = skip_ws(s, 0, n);
	if (i == n)
		return false;
	while (i < n) {
		if (n - i < 4 || memcmp(s + i, "<!--", 4) != 0)
			return false;
		size_t j = i + 4;
		while (j + 3 <= n && memcmp(s + j, "-->", 3) != 0)
			j++;
		if (j + 3 > n)
			return false;
		i = skip_ws(s, j + 3, n);
	}
	return true;
}

/* <br>, <br/>, <br /> in any case. */
bool rawhtml_is_br(const char *s, size_t n)
{
	if (n < 4 || s[0] != '<' || (s[1] | 0x20) != 'b' || (s[2] | 0x20) != 'r')
		return false;
	size_t i = skip_ws(s, 3, n);
	if (i < n && s[i] == '/')
		i++;
	return i + 1 == n && s[i] == '>';
}

/* Inline HTML that folio converts when the author's tags are simple (no
 * attributes) and balanced among their siblings: formatting only, so
 * nothing in it can run or load anything. */
static const char *const simple_tags[] = {
	"b", "i", "em", "strong", "code", "kbd", "samp", "var", "sup", "sub",
	"u", "s", "mark", "small", "del", "ins", NULL
};

const char *rawhtml_tag_name(int tag)
{
	return simple_tags[tag];
}

/* "<name>" or "</name>" for a simple tag: its index in simple_tags, or
 * -1. */
int rawhtml_simple_tag(const char *s, size_t n, bool *close)
{
	size_t i = 1, start;
	char name[8];

	if (n < 3 || s[0] != '<')
		return -1;
	*close = s[1] == '/';
	if (*close)
		i++;
	start = i;
	while (i < n && i - start < sizeof name - 1 && ascii_alpha(s[i])) {
		name[i - start] = (char)(s[i] | 0x20);
		i++;
	}
	if (i == start || i - start >= sizeof name - 1)
		return -1;
	name[i - start] = '\0';
	i = skip_ws(s, i, n);
	if (i + 1 != n || s[i] != '>')
		return -1;
	for (int k = 0; simple_tags[k]; k++)
		if (strcmp(simple_tags[k], name) == 0)
			return k;
	return -1;
}

/* Does the simple open tag n (tag) have its close tag among the siblings
 * after it, with every simple tag in between balanced? */
bool rawhtml_tag_closed(const struct inline_node *n, int tag)
{
	int stack[32];
	int depth = 0;

	for (const struct inline_node *m = n->next; m; m = m->next) {
		bool close;
		int t;
		if (m->type != INL_HTML ||
		    (t = rawhtml_simple_tag(m->text, m->len, &close)) < 0)
			continue;
		if (!close) {
			if (depth == 32)
				return false;
			stack[depth++] = t;
		} else if (depth == 0) {
			return t == tag;
		} else if (stack[depth - 1] == t) {
			depth--;
		} else {
			return false;
		}
	}
	return false;
}

