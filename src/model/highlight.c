/*
 * highlight.c - small hand-written lexers for code blocks.
 *
 * Each lexer walks the code once, left to right, and hands every byte to
 * exactly one span.  Spans only ever split the code at ASCII bytes, so a
 * UTF-8 sequence is never cut in two.  The lexers are forgiving: an
 * unterminated string or comment simply runs to the end of the code (or
 * line), which is what a reader expects to see.
 */
#include "model/highlight.h"

#include <stdbool.h>
#include <string.h>

/* Adjacent spans of one class are merged before they reach the caller, so
 * the output has few, long spans. */
struct hl_out {
	hl_emit_fn emit;
	void *ctx;
	enum hl_class cls;
	const char *start;
	size_t len;
};

static void out_flush(struct hl_out *o)
{
	if (o->len > 0)
		o->emit(o->ctx, o->cls, o->start, o->len);
	o->len = 0;
}

static void out_span(struct hl_out *o, enum hl_class cls, const char *p,
		     size_t n)
{
	if (n == 0)
		return;
	if (o->len > 0 && o->cls == cls && o->start + o->len == p) {
		o->len += n;
		return;
	}
	out_flush(o);
	o->cls = cls;
	o->start = p;
	o->len = n;
}

/* ---- Character helpers ------------------------------------------------ */

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Non-ASCII bytes count as identifier characters: identifiers in any
 * script stay whole, and UTF-8 sequences are never split. */
static bool is_ident_start(int c)
{
	return is_alpha(c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool is_ident(int c)
{
	return is_ident_start(c) || is_digit(c);
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool in_list(const char *const *list, const char *w, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return true;
	return false;
}

static size_t ident_end(const char *s, size_t n, size_t i)
{
	while (i < n && is_ident(s[i]))
		i++;
	return i;
}

static size_t line_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != '\n')
		i++;
	return i;
}

/* A number: digits, letters (hex, suffixes, exponents), '_' and a '.'
 * that is followed by a digit (so Rust's 1..2 stays a range). */
static size_t number_end(const char *s, size_t n, size_t i)
{
	while (i < n) {
		char c = s[i];
		if (is_alpha(c) || is_digit(c) || c == '_') {
			if ((c == 'e' || c == 'E') && i + 1 < n &&
			    (s[i + 1] == '+' || s[i + 1] == '-') &&
			    i + 2 < n && is_digit(s[i + 2]))
				i += 2;
			else
				i++;
		} else if (c == '.' && i + 1 < n && is_digit(s[i + 1])) {
			i++;
		} else {
			break;
		}
	}
	return i;
}

/* A quoted string starting at s[i] == q; backslash escapes; may span
 * lines when multiline, else stops at the line end. */
static size_t quoted_end(const char *s, size_t n, size_t i, char q,
			 bool escapes, bool multiline)
{
	i++;
	while (i < n) {
		if (escapes && s[i] == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		if (s[i] == q)
			return i + 1;
		if (s[i] == '\n' && !multiline)
			return i;
		i++;
	}
	return n;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* ---- C-like languages: Rust, C, Python, JSON ------------------------- */

enum clike_lang { CL_RUST, CL_C, CL_PYTHON, CL_JSON };

static const char *const rust_keywords[] = {
	"as", "async", "await", "break", "const", "continue", "crate", "dyn",
	"else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
	"let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
	"self", "Self", "static", "struct", "super", "trait", "true", "type",
	"union", "unsafe", "use", "where", "while", "yield", "try", "macro",
	NULL
};

static const char *const rust_types[] = {
	"i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
	"u128", "usize", "f32", "f64", "bool", "char", "str", NULL
};

static const char *const c_keywords[] = {
	"auto", "break", "case", "const", "continue", "default", "do", "else",
	"enum", "extern", "for", "goto", "if", "inline", "register",
	"restrict", "return", "sizeof", "static", "struct", "switch",
	"typedef", "union", "volatile", "while", "_Alignas", "_Alignof",
	"_Atomic", "_Generic", "_Noreturn", "_Static_assert",
	"_Thread_local", "true", "false", "NULL", "nullptr",
	/* C++, so that cpp blocks read reasonably too */
	"class", "namespace", "template", "typename", "public", "private",
	"protected", "virtual", "new", "delete", "this", "using", "try",
	"catch", "throw", "operator", "constexpr", "noexcept", NULL
};

static const char *const c_types[] = {
	"void", "char", "short", "int", "long", "float", "double", "signed",
	"unsigned", "_Bool", "bool", "_Complex", "size_t", "FILE", NULL
};

static const char *const py_keywords[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await",
	"break", "class", "continue", "def", "del", "elif", "else", "except",
	"finally", "for", "from", "global", "if", "import", "in", "is",
	"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield", "match", "case", "self", NULL
};

static const char *const py_types[] = {
	"int", "float", "str", "bytes", "bool", "list", "dict", "set",
	"tuple", "object", "type", "complex", "frozenset", "bytearray", NULL
};

static const char *const json_keywords[] = {"true", "false", "null", NULL};

/* Rust: after a quote, is this a char literal ('a', '\n', 'é') rather
 * than a lifetime ('a)?  Returns the end of the literal, or 0. */
static size_t rust_char_end(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j >= n)
		return 0;
	if (s[j] == '\\') {
		/* '\n', '\'', '\u{1F600}' */
		j += 2;
		while (j < n && j < i + 12 && s[j] != '\'' && s[j] != '\n')
			j++;
		return (j < n && s[j] == '\'') ? j + 1 : 0;
	}
	if (s[j] == '\'' || s[j] == '\n')
		return 0;
	/* one UTF-8 character, then the closing quote */
	j++;
	while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
		j++;
	return (j < n && s[j] == '\'') ? j + 1 : 0;
}

/* Rust raw string r"..", r#".."#, br#".."#: s[i] is the first '#' or '"'
 * after the prefix.  Returns its end, or 0 if this is not one. */
static size_t rust_raw_end(const char *s, size_t n, size_t i)
{
	size_t hashes = 0;
	while (i < n && s[i] == '#') {
		hashes++;
		i++;
	}
	if (i >= n || s[i] != '"')
		return 0;
	for (i++; i < n; i++) {
		if (s[i] != '"')
			continue;
		size_t k = 0;
		while (k < hashes && i + 1 + k < n && s[i + 1 + k] == '#')
			k++;
		if (k == hashes)
			return i + 1 + hashes;
	}
	return n;
}

/* Nested (Rust) or flat (C) block comment starting at s[i] == '/'. */
static size_t block_comment_end(const char *s, size_t n, size_t i,
				bool nested)
{
	int depth = 1;
	i += 2;
	while (i < n) {
		if (nested && s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			depth++;
			i += 2;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
			i += 2;
			if (--depth == 0)
				return i;
		} else {
			i++;
		}
	}
	return n;
}

/* Bracketed group from s[i] == '[' to its matching ']' (strings inside
 * are skipped so a "]" in them does not end it).  Stops at n. */
static size_t bracket_end(const char *s, size_t n, size_t i)
{
	int depth = 0;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i = quoted_end(s, n, i, '"', true, true);
			continue;
		}
		if (c == '[')
			depth++;
		else if (c == ']' && --depth == 0)
			return i + 1;
		i++;
	}
	return n;
}

/* Python string prefix letters before a quote: r, b, f, u, rb, br, fr... */
static bool py_string_prefix(const char *s, size_t len)
{
	if (len == 0 || len > 2)
		return false;
	for (size_t k = 0; k < len; k++) {
		char c = s[k] | 0x20;
		if (c != 'r' && c != 'b' && c != 'f' && c != 'u')
			return false;
	}
	return true;
}

static size_t py_string_end(const char *s, size_t n, size_t i)
{
	char q = s[i];
	if (i + 2 < n && s[i + 1] == q && s[i + 2] == q) {
		for (size_t j = i + 3; j < n; j++) {
			if (s[j] == '\\') {
				j++;
				continue;
			}
			if (s[j] == q && j + 2 < n && s[j + 1] == q &&
			    s[j + 2] == q)
				return j + 3;
		}
		return n;
	}
	return quoted_end(s, n, i, q, true, false);
}

/* One C-like lexer run: the language, its word lists and the code. */
struct clike_lexer {
	struct hl_out *o;
	enum clike_lang lang;
	const char *const *kw;
	const char *const *ty; /* NULL: the language has no type list */
	const char *s;
	size_t n;
};

/* C preprocessor: the whole directive from s[i] == '#', with
 * backslash-continued lines. */
static size_t c_directive_end(const char *s, size_t n, size_t i)
{
	size_t j = i;
	for (;;) {
		j = line_end(s, n, j);
		if (j > i && j < n && s[j - 1] == '\\')
			j++;
		else
			break;
	}
	return j;
}

/* A comment, or a C preprocessor directive at line_start, at s[i]:
 * emits it and returns its end, or returns i if there is none. */
static size_t clike_comment(const struct clike_lexer *L, size_t i,
			    bool line_start)
{
	const char *s = L->s;
	size_t n = L->n;
	char c = s[i];
	size_t j;

	if (L->lang != CL_PYTHON && c == '/' && i + 1 < n && s[i + 1] == '/') {
		j = line_end(s, n, i);
		out_span(L->o, HL_COMMENT, s + i, j - i);
		return j;
	}
	if (L->lang != CL_PYTHON && c == '/' && i + 1 < n && s[i + 1] == '*') {
		j = block_comment_end(s, n, i, L->lang == CL_RUST);
		out_span(L->o, HL_COMMENT, s + i, j - i);
		return j;
	}
	if (L->lang == CL_PYTHON && c == '#') {
		j = line_end(s, n, i);
		out_span(L->o, HL_COMMENT, s + i, j - i);
		return j;
	}
	if (L->lang == CL_C && c == '#' && line_start) {
		j = c_directive_end(s, n, i);
		out_span(L->o, HL_MACRO, s + i, j - i);
		return j;
	}
	return i;
}

/* A Rust attribute #[...] / #![...] or a Python decorator at s[i]:
 * emits it and returns its end, or returns i if there is none. */
static size_t clike_attribute(const struct clike_lexer *L, size_t i)
{
	const char *s = L->s;
	size_t n = L->n;
	char c = s[i];
	size_t j;

	if (L->lang == CL_RUST && c == '#' && i + 1 < n &&
	    (s[i + 1] == '[' ||
	     (s[i + 1] == '!' && i + 2 < n && s[i + 2] == '['))) {
		j = bracket_end(s, n, i + (s[i + 1] == '!' ? 2 : 1));
		out_span(L->o, HL_ATTRIBUTE, s + i, j - i);
		return j;
	}
	if (L->lang == CL_PYTHON && c == '@' && i + 1 < n &&
	    is_ident_start(s[i + 1])) {
		j = i + 1;
		while (j < n && (is_ident(s[j]) || s[j] == '.'))
			j++;
		out_span(L->o, HL_ATTRIBUTE, s + i, j - i);
		return j;
	}
	return i;
}

/* A double-quoted string at s[i] == '"' (in JSON, a key when a ':'
 * follows); emits it and returns its end. */
static size_t clike_dquote(const struct clike_lexer *L, size_t i)
{
	const char *s = L->s;
	size_t n = L->n;
	size_t j;

	if (L->lang == CL_PYTHON)
		j = py_string_end(s, n, i);
	else
		j = quoted_end(s, n, i, '"', true, L->lang == CL_RUST);
	enum hl_class cls = HL_STRING;
	if (L->lang == CL_JSON) {
		/* a key is a string followed by ':' */
		size_t k = j;
		while (k < n && is_space(s[k]))
			k++;
		if (k < n && s[k] == ':')
			cls = HL_VARIABLE;
	}
	out_span(L->o, cls, s + i, j - i);
	return j;
}

/* What starts with s[i] == '\'': a Rust char literal or lifetime, a
 * Python or C string or char, else a plain quote; emits it and returns
 * its end. */
static size_t clike_squote(const struct clike_lexer *L, size_t i)
{
	const char *s = L->s;
	size_t n = L->n;
	size_t j;

	if (L->lang == CL_RUST) {
		j = rust_char_end(s, n, i);
		if (j) {
			out_span(L->o, HL_STRING, s + i, j - i);
		} else if (i + 1 < n && is_ident_start(s[i + 1])) {
			j = ident_end(s, n, i + 1);
			out_span(L->o, HL_LIFETIME, s + i, j - i);
		} else {
			j = i + 1;
			out_span(L->o, HL_PLAIN, s + i, 1);
		}
		return j;
	}
	if (L->lang == CL_PYTHON)
		j = py_string_end(s, n, i);
	else if (L->lang == CL_C)
		j = quoted_end(s, n, i, '\'', true, false);
	else
		j = i + 1;
	out_span(L->o, j > i + 1 ? HL_STRING : HL_PLAIN, s + i, j - i);
	return j;
}

/* A number at s[i] (in JSON, also one with a leading '-'): emits it and
 * returns its end, or returns i if there is none. */
static size_t clike_number(const struct clike_lexer *L, size_t i)
{
	const char *s = L->s;
	size_t n = L->n;
	size_t j;

	if (is_digit(s[i])) {
		j = number_end(s, n, i);
	} else if (s[i] == '-' && L->lang == CL_JSON && i + 1 < n &&
		   is_digit(s[i + 1])) {
		j = number_end(s, n, i + 1);
	} else {
		return i;
	}
	out_span(L->o, HL_NUMBER, s + i, j - i);
	return j;
}

/* The end of a string whose prefix is the identifier s[i..j): Rust b"",
 * r"", br#""#, c"", b''; Python r'', f"", rb"".  0 if it is not one. */
static size_t clike_prefixed_string_end(const struct clike_lexer *L,
					size_t i, size_t j)
{
	const char *s = L->s;
	size_t n = L->n;
	size_t len = j - i;

	if (L->lang == CL_RUST && j < n &&
	    (s[j] == '"' || s[j] == '#' || s[j] == '\'')) {
		bool raw = (len == 1 && s[i] == 'r') ||
			   (len == 2 && (memcmp(s + i, "br", 2) == 0 ||
					 memcmp(s + i, "cr", 2) == 0));
		if (raw)
			return rust_raw_end(s, n, j);
		if (len == 1 && (s[i] == 'b' || s[i] == 'c') && s[j] == '"')
			return quoted_end(s, n, j, '"', true, true);
		if (len == 1 && s[i] == 'b' && s[j] == '\'')
			return rust_char_end(s, n, j);
		return 0;
	}
	if (L->lang == CL_PYTHON && j < n && (s[j] == '"' || s[j] == '\'') &&
	    py_string_prefix(s + i, len))
		return py_string_end(s, n, j);
	return 0;
}

/* The class of the identifier s[i..j); HL_MACRO means a Rust macro
 * invocation "name!", whose '!' belongs to the span. */
static enum hl_class clike_word_class(const struct clike_lexer *L, size_t i,
				      size_t j)
{
	const char *s = L->s;
	size_t n = L->n;
	size_t len = j - i;

	if (in_list(L->kw, s + i, len))
		return HL_KEYWORD;
	if (L->ty && in_list(L->ty, s + i, len))
		return HL_TYPE;
	if (L->lang == CL_RUST && j < n && s[j] == '!' &&
	    !(j + 1 < n && s[j + 1] == '='))
		return HL_MACRO;
	if (L->lang == CL_RUST && s[i] >= 'A' && s[i] <= 'Z')
		return HL_TYPE;
	if (L->lang == CL_C && len > 2 && memcmp(s + j - 2, "_t", 2) == 0)
		return HL_TYPE;
	if (L->lang == CL_JSON)
		return HL_PLAIN;
	size_t k = j;
	if (L->lang == CL_RUST && k + 1 < n && s[k] == ':' && s[k + 1] == ':' &&
	    k + 2 < n && s[k + 2] == '<')
		k += 2; /* turbofish: f::<T>() */
	if (k < n && (s[k] == '(' ||
		      (L->lang == CL_RUST && s[k] == '<' && k == j + 2)))
		return HL_FUNCTION;
	return HL_PLAIN;
}

/* An identifier at s[i] (or the prefix of a string): emits it and
 * returns its end. */
static size_t clike_word(const struct clike_lexer *L, size_t i)
{
	size_t j = ident_end(L->s, L->n, i);
	size_t e = clike_prefixed_string_end(L, i, j);
	if (e) {
		out_span(L->o, HL_STRING, L->s + i, e - i);
		return e;
	}
	enum hl_class cls = clike_word_class(L, i, j);
	if (cls == HL_MACRO) {
		out_span(L->o, HL_MACRO, L->s + i, j - i + 1);
		return j + 1;
	}
	out_span(L->o, cls, L->s + i, j - i);
	return j;
}

static void lex_clike(struct hl_out *o, enum clike_lang lang, const char *s,
		      size_t n)
{
	const struct clike_lexer L = {
		.o = o,
		.lang = lang,
		.kw = lang == CL_RUST     ? rust_keywords
		      : lang == CL_C      ? c_keywords
		      : lang == CL_PYTHON ? py_keywords
					  : json_keywords,
		.ty = lang == CL_RUST     ? rust_types
		      : lang == CL_C      ? c_types
		      : lang == CL_PYTHON ? py_types
					  : NULL,
		.s = s,
		.n = n,
	};
	bool line_start = true; /* only blanks so far on this line */
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		size_t j;

		if (c == '\n') {
			out_span(o, HL_PLAIN, s + i, 1);
			i++;
			line_start = true;
			continue;
		}
		if (c == ' ' || c == '\t') {
			j = skip_spaces(s, n, i);
			out_span(o, HL_PLAIN, s + i, j - i);
			i = j;
			continue;
		}
		/* A comment or directive that ends a line leaves line_start
		 * to the newline after it, so clearing it here is safe. */
		j = clike_comment(&L, i, line_start);
		line_start = false;
		if (j == i)
			j = clike_attribute(&L, i);
		if (j == i && c == '"')
			j = clike_dquote(&L, i);
		if (j == i && c == '\'')
			j = clike_squote(&L, i);
		if (j == i)
			j = clike_number(&L, i);
		if (j == i && is_ident_start(c))
			j = clike_word(&L, i);
		if (j == i) {
			/* one byte of punctuation (multi-byte characters
			 * were taken as identifiers above) */
			out_span(o, HL_PLAIN, s + i, 1);
			j = i + 1;
		}
		i = j;
	}
}

/* ---- Shell ------------------------------------------------------------ */

static const char *const sh_keywords[] = {
	"if", "then", "else", "elif", "fi", "for", "while", "until", "do",
	"done", "case", "esac", "function", "in", "select", "return",
	"export", "local", "readonly", "declare", "unset", "break",
	"continue", "exit", "source", "alias", "set", "shift", "trap",
	"time", NULL
};

/* A $ expansion at s[i] == '$': $NAME, ${...}, $1, $?, $@ ...
 * Returns its end, or i if the '$' starts none ($( is a command). */
static size_t sh_var_end(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j >= n)
		return i;
	if (s[j] == '{') {
		while (j < n && s[j] != '}' && s[j] != '\n')
			j++;
		return j < n && s[j] == '}' ? j + 1 : j;
	}
	if (is_alpha(s[j]) || s[j] == '_') {
		while (j < n && (is_alpha(s[j]) || is_digit(s[j]) ||
				 s[j] == '_'))
			j++;
		return j;
	}
	if (is_digit(s[j]) || (s[j] && strchr("?@*#!$-", s[j])))
		return j + 1;
	return i;
}

/* Double-quoted string: string spans with $ expansions inside. */
static size_t sh_dquote(struct hl_out *o, const char *s, size_t n, size_t i)
{
	size_t start = i;
	i++;
	while (i < n && s[i] != '"') {
		if (s[i] == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		if (s[i] == '$') {
			size_t e = sh_var_end(s, n, i);
			if (e > i) {
				out_span(o, HL_STRING, s + start, i - start);
				out_span(o, HL_VARIABLE, s + i, e - i);
				i = start = e;
				continue;
			}
		}
		i++;
	}
	if (i < n)
		i++; /* closing quote */
	out_span(o, HL_STRING, s + start, i - start);
	return i;
}

static bool sh_word_char(int c)
{
	return c != 0 && !is_space(c) && !strchr("|&;()<>\"'`$#", c);
}

/* Where a shell lexer is in its command: is the next word in command
 * position, and does a new word start here? */
struct sh_state {
	bool command;
	bool word_start;
};

/* A word at s[i]: an assignment NAME=, a keyword, a command name or an
 * argument; emits it and returns its end. */
static size_t sh_word(struct hl_out *o, struct sh_state *st, const char *s,
		      size_t n, size_t i)
{
	size_t j = i;
	while (j < n && sh_word_char(s[j]) && s[j] != '=')
		j++;
	size_t len = j - i;
	bool name = true;
	for (size_t k = i; k < j; k++)
		if (!(is_alpha(s[k]) || s[k] == '_' ||
		      (k > i && is_digit(s[k]))))
			name = false;
	if (st->word_start && st->command && name && j < n && s[j] == '=') {
		/* assignment NAME=value; still before the command */
		out_span(o, HL_VARIABLE, s + i, len);
		out_span(o, HL_PLAIN, s + j, 1);
		st->word_start = false;
		return j + 1;
	}
	/* the rest of the word, '=' included */
	while (j < n && sh_word_char(s[j]))
		j++;
	len = j - i;
	enum hl_class cls = HL_PLAIN;
	if (st->word_start && in_list(sh_keywords, s + i, len)) {
		cls = HL_KEYWORD;
		/* after these, a command follows */
		st->command = true;
	} else if (st->word_start && st->command) {
		cls = HL_FUNCTION;
		st->command = false;
	}
	out_span(o, cls, s + i, len);
	st->word_start = false;
	return j;
}

/* A quoted string, $ expansion or word at s[i]: emits it and returns its
 * end, or returns i if s[i] starts none of these. */
static size_t sh_quoted_or_word(struct hl_out *o, struct sh_state *st,
				const char *s, size_t n, size_t i)
{
	char c = s[i];
	size_t j;

	if (c == '\'') {
		j = quoted_end(s, n, i, '\'', false, true);
		out_span(o, HL_STRING, s + i, j - i);
	} else if (c == '"') {
		j = sh_dquote(o, s, n, i);
	} else if (c == '$') {
		j = sh_var_end(s, n, i);
		if (j == i)
			j = i + 1;
		out_span(o, j > i + 1 ? HL_VARIABLE : HL_PLAIN, s + i, j - i);
	} else if (sh_word_char(c)) {
		return sh_word(o, st, s, n, i);
	} else {
		return i;
	}
	st->command = st->word_start = false;
	return j;
}

/* Lexes shell code from s[0..n); its first word is a command name. */
static void lex_shell(struct hl_out *o, const char *s, size_t n)
{
	struct sh_state st = {.command = true, .word_start = true};
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		size_t j;

		if (c == '\n' || c == ';' || c == '|' || c == '&' ||
		    c == '(' || c == '{' || c == '`') {
			out_span(o, HL_PLAIN, s + i, 1);
			/* a line ending in '\' continues the command */
			if (c != '\n' || i == 0 || s[i - 1] != '\\')
				st.command = true;
			st.word_start = true;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			out_span(o, HL_PLAIN, s + i, 1);
			st.word_start = true;
			i++;
			continue;
		}
		if (c == '#' && st.word_start) {
			j = line_end(s, n, i);
			out_span(o, HL_COMMENT, s + i, j - i);
			i = j;
			continue;
		}
		if (c == '\\') {
			j = i + 1 < n ? i + 2 : i + 1;
			out_span(o, HL_PLAIN, s + i, j - i);
			i = j;
			st.word_start = false;
			continue;
		}
		j = sh_quoted_or_word(o, &st, s, n, i);
		if (j > i) {
			i = j;
			continue;
		}
		out_span(o, HL_PLAIN, s + i, 1);
		st.word_start = c == ')' || c == '<' || c == '>' || c == '}';
		i++;
	}
}

/* Console sessions: "$ " prompts start commands; other lines are output
 * and stay plain. */
static void lex_console(struct hl_out *o, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t e = line_end(s, n, i);
		size_t p = skip_spaces(s, n, i);
		if (p < e && (s[p] == '$' || s[p] == '%') &&
		    (p + 1 == e || s[p + 1] == ' ')) {
			size_t q = p + 1 < e ? p + 2 : p + 1;
			out_span(o, HL_PROMPT, s + i, q - i);
			lex_shell(o, s + q, e - q);
		} else {
			out_span(o, HL_PLAIN, s + i, e - i);
		}
		if (e < n)
			out_span(o, HL_PLAIN, s + e, 1);
		i = e + 1;
	}
}

/* ---- TOML ------------------------------------------------------------- */

static bool toml_bare_key(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.';
}

static size_t toml_string_end(const char *s, size_t n, size_t i)
{
	char q = s[i];
	bool esc = q == '"';
	if (i + 2 < n && s[i + 1] == q && s[i + 2] == q) {
		for (size_t j = i + 3; j < n; j++) {
			if (esc && s[j] == '\\') {
				j++;
				continue;
			}
			if (s[j] == q && j + 2 < n && s[j + 1] == q &&
			    s[j + 2] == q) {
				j += 3;
				/* up to two more quotes belong to the
				 * string ("""a""""") */
				while (j < n && s[j] == q && j < i + 6 + 2)
					j++;
				return j;
			}
		}
		return n;
	}
	return quoted_end(s, n, i, q, esc, false);
}

/* A [table] or [[array.of.tables]] header at s[i] == '[': its end. */
static size_t toml_header_end(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && s[j] != '\n' && s[j] != '#' && s[j] != ']')
		j++;
	while (j < n && s[j] == ']')
		j++;
	return j;
}

/* Does s[i] start a number, date or time (1_000, 0xff, -inf, +nan,
 * 1979-05-27T07:32:00Z)? */
static bool toml_number_start(const char *s, size_t n, size_t i)
{
	char c = s[i];
	return is_digit(c) || ((c == '+' || c == '-') && i + 1 < n &&
			       (is_digit(s[i + 1]) || s[i + 1] == 'i' ||
				s[i + 1] == 'n'));
}

static size_t toml_number_end(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && (is_alpha(s[j]) || is_digit(s[j]) ||
			 (s[j] && strchr("_:.+-", s[j]))))
		j++;
	return j;
}

/* The class of a bare word in a value: true/false, inf/nan or plain. */
static enum hl_class toml_word_class(const char *w, size_t len)
{
	if ((len == 4 && memcmp(w, "true", 4) == 0) ||
	    (len == 5 && memcmp(w, "false", 5) == 0))
		return HL_KEYWORD;
	if (len == 3 && (memcmp(w, "inf", 3) == 0 || memcmp(w, "nan", 3) == 0))
		return HL_NUMBER;
	return HL_PLAIN;
}

/* Where a TOML lexer is: the open containers ('{' inline table, whose
 * keys follow ',', or '[' array) and whether a key comes next. */
struct toml_state {
	char stack[64];
	int depth;
	bool expect_key;
};

/* Tracks the one punctuation byte c ('=', brackets or ','); false if c
 * is none of these. */
static bool toml_punct(struct toml_state *st, char c)
{
	if (c == '=') {
		st->expect_key = false;
	} else if (c == '{' || c == '[') {
		if (st->depth < (int)sizeof st->stack)
			st->stack[st->depth] = c;
		st->depth++;
		st->expect_key = c == '{';
	} else if (c == '}' || c == ']') {
		if (st->depth > 0)
			st->depth--;
		st->expect_key = false;
	} else if (c == ',') {
		st->expect_key = st->depth > 0 &&
				 st->depth <= (int)sizeof st->stack &&
				 st->stack[st->depth - 1] == '{';
	} else {
		return false;
	}
	return true;
}

/* A string, key, punctuation byte, number or word at s[i]: emits it and
 * returns its end. */
static size_t toml_token(struct hl_out *o, struct toml_state *st,
			 const char *s, size_t n, size_t i)
{
	char c = s[i];
	size_t j;

	if (c == '"' || c == '\'') {
		j = toml_string_end(s, n, i);
		out_span(o, st->expect_key ? HL_VARIABLE : HL_STRING, s + i,
			 j - i);
		return j;
	}
	if (st->expect_key && toml_bare_key(c)) {
		j = i;
		while (j < n && toml_bare_key(s[j]))
			j++;
		out_span(o, HL_VARIABLE, s + i, j - i);
		return j;
	}
	if (toml_punct(st, c)) {
		out_span(o, HL_PLAIN, s + i, 1);
		return i + 1;
	}
	if (toml_number_start(s, n, i)) {
		j = toml_number_end(s, n, i);
		out_span(o, HL_NUMBER, s + i, j - i);
		return j;
	}
	if (is_ident_start(c)) {
		j = ident_end(s, n, i);
		out_span(o, toml_word_class(s + i, j - i), s + i, j - i);
		return j;
	}
	out_span(o, HL_PLAIN, s + i, 1);
	return i + 1;
}

static void lex_toml(struct hl_out *o, const char *s, size_t n)
{
	struct toml_state st = {.depth = 0, .expect_key = true};
	bool line_start = true;
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		size_t j;

		if (c == '\n') {
			out_span(o, HL_PLAIN, s + i, 1);
			i++;
			line_start = true;
			if (st.depth == 0)
				st.expect_key = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			out_span(o, HL_PLAIN, s + i, 1);
			i++;
			continue;
		}
		if (c == '#') {
			j = line_end(s, n, i);
			out_span(o, HL_COMMENT, s + i, j - i);
			i = j;
			continue;
		}
		if (c == '[' && line_start && st.depth == 0) {
			j = toml_header_end(s, n, i);
			out_span(o, HL_ATTRIBUTE, s + i, j - i);
			i = j;
			line_start = false;
			st.expect_key = false;
			continue;
		}
		line_start = false;
		i = toml_token(o, &st, s, n, i);
	}
}

/* ---- Language names ---------------------------------------------------- */

enum hl_lang {
	LANG_NONE, LANG_RUST, LANG_C, LANG_PYTHON, LANG_JSON, LANG_TOML,
	LANG_SHELL, LANG_CONSOLE
};

static const struct {
	const char *name;
	enum hl_lang lang;
} lang_names[] = {
	{"rust", LANG_RUST}, {"rs", LANG_RUST},
	/* rustdoc attributes that imply Rust */
	{"ignore", LANG_RUST}, {"no_run", LANG_RUST},
	{"should_panic", LANG_RUST}, {"compile_fail", LANG_RUST},
	{"edition2015", LANG_RUST}, {"edition2018", LANG_RUST},
	{"edition2021", LANG_RUST}, {"edition2024", LANG_RUST},
	{"c", LANG_C}, {"h", LANG_C}, {"cpp", LANG_C}, {"c++", LANG_C},
	{"cxx", LANG_C}, {"cc", LANG_C}, {"hpp", LANG_C},
	{"python", LANG_PYTHON}, {"py", LANG_PYTHON}, {"python3", LANG_PYTHON},
	{"json", LANG_JSON}, {"jsonc", LANG_JSON},
	{"toml", LANG_TOML},
	{"sh", LANG_SHELL}, {"bash", LANG_SHELL}, {"shell", LANG_SHELL},
	{"zsh", LANG_SHELL}, {"ksh", LANG_SHELL},
	{"console", LANG_CONSOLE}, {"shell-session", LANG_CONSOLE},
	{"shellsession", LANG_CONSOLE}, {"sh-session", LANG_CONSOLE},
	{"terminal", LANG_CONSOLE},
};

/* The language of an info word such as "rust", "Rust,ignore" or
 * "{.rust}": the first name, compared case-insensitively. */
static enum hl_lang lang_lookup(const char *lang)
{
	char name[32];
	size_t k = 0;
	if (!lang)
		return LANG_NONE;
	while (*lang == '{' || *lang == '.' || *lang == ' ')
		lang++;
	for (; *lang && *lang != ',' && *lang != ' ' && *lang != '\t' &&
	       *lang != '}' && *lang != '\n';
	     lang++) {
		if (k + 1 >= sizeof name)
			return LANG_NONE;
		char c = *lang;
		name[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	name[k] = '\0';
	for (size_t i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
		if (strcmp(lang_names[i].name, name) == 0)
			return lang_names[i].lang;
	return LANG_NONE;
}

int highlight(const char *lang, const char *code, size_t len, hl_emit_fn emit,
	      void *ctx)
{
	struct hl_out o = {emit, ctx, HL_PLAIN, code, 0};
	enum hl_lang l = lang_lookup(lang);

	switch (l) {
	case LANG_RUST:
		lex_clike(&o, CL_RUST, code, len);
		break;
	case LANG_C:
		lex_clike(&o, CL_C, code, len);
		break;
	case LANG_PYTHON:
		lex_clike(&o, CL_PYTHON, code, len);
		break;
	case LANG_JSON:
		lex_clike(&o, CL_JSON, code, len);
		break;
	case LANG_TOML:
		lex_toml(&o, code, len);
		break;
	case LANG_SHELL:
		lex_shell(&o, code, len);
		break;
	case LANG_CONSOLE:
		lex_console(&o, code, len);
		break;
	case LANG_NONE:
		out_span(&o, HL_PLAIN, code, len);
		out_flush(&o);
		return 0;
	}
	out_flush(&o);
	return 1;
}

const char *hl_class_name(enum hl_class cls)
{
	static const char *const names[HL_COUNT] = {
		[HL_PLAIN] = "pl",     [HL_KEYWORD] = "kw",
		[HL_TYPE] = "ty",      [HL_STRING] = "st",
		[HL_NUMBER] = "nu",    [HL_COMMENT] = "co",
		[HL_MACRO] = "ma",     [HL_ATTRIBUTE] = "at",
		[HL_LIFETIME] = "lt",  [HL_FUNCTION] = "fn",
		[HL_VARIABLE] = "va",  [HL_PROMPT] = "pr",
	};
	if ((int)cls < 0 || cls >= HL_COUNT)
		return "pl";
	return names[cls];
}
