/* test_highlight.c - the code-block lexers: spans cover the input exactly,
 * and keywords, strings, comments ... get their classes. */
#include "model/highlight.h"
#include "unit.h"

#include <stdlib.h>

struct span {
	enum hl_class cls;
	const char *text;
	size_t len;
};

struct spans {
	struct span v[4096];
	int n;
	int overflow;
};

static void collect(void *ctx, enum hl_class cls, const char *text,
		    size_t len)
{
	struct spans *s = ctx;
	if (s->n == (int)(sizeof s->v / sizeof s->v[0])) {
		s->overflow = 1;
		return;
	}
	s->v[s->n].cls = cls;
	s->v[s->n].text = text;
	s->v[s->n].len = len;
	s->n++;
}

/* The spans, in order, are the code itself: contiguous, non-empty, and
 * ending exactly at its end. */
static int covers(const struct spans *s, const char *code)
{
	const char *p = code;
	if (s->overflow)
		return 0;
	for (int i = 0; i < s->n; i++) {
		if (s->v[i].text != p || s->v[i].len == 0)
			return 0;
		p += s->v[i].len;
	}
	return p == code + strlen(code);
}

/* The class of the span holding the first occurrence of needle, which
 * must lie inside one span; -1 otherwise. */
static int class_of(const struct spans *s, const char *code,
		    const char *needle)
{
	const char *at = strstr(code, needle);
	if (!at)
		return -1;
	for (int i = 0; i < s->n; i++) {
		const char *b = s->v[i].text, *e = b + s->v[i].len;
		if (at >= b && at < e)
			return at + strlen(needle) <= e ? (int)s->v[i].cls : -1;
	}
	return -1;
}

static struct spans sp;

static int run(const char *lang, const char *code)
{
	sp.n = 0;
	sp.overflow = 0;
	return highlight(lang, code, strlen(code), collect, &sp);
}

static void test_rust(void)
{
	const char *code =
		"#[derive(Debug)]\n"
		"struct Point<'a> { name: &'a str, x: i32 }\n"
		"// a comment\n"
		"/* outer /* nested */ still comment */\n"
		"fn main() {\n"
		"    let s = \"hi \\\"there\\\"\";\n"
		"    let r = r#\"raw \"quoted\"\"#;\n"
		"    let c = 'x';\n"
		"    let n = 0x1F + 1_000 + 2.5e-3;\n"
		"    println!(\"{s}\");\n"
		"    let v: Vec<u8> = Vec::new();\n"
		"    for i in 0..10 { helper(i); }\n"
		"}\n";
	CHECK("rust: has highlighter", run("rust", code) == 1);
	CHECK("rust: spans cover input", covers(&sp, code));
	CHECK("rust: attribute", class_of(&sp, code, "#[derive(Debug)]") == HL_ATTRIBUTE);
	CHECK("rust: keyword struct", class_of(&sp, code, "struct") == HL_KEYWORD);
	CHECK("rust: lifetime", class_of(&sp, code, "'a>") == -1 &&
	      class_of(&sp, code, "'a") == HL_LIFETIME);
	CHECK("rust: primitive type", class_of(&sp, code, "i32") == HL_TYPE);
	CHECK("rust: line comment", class_of(&sp, code, "// a comment") == HL_COMMENT);
	CHECK("rust: nested block comment",
	      class_of(&sp, code, "/* outer /* nested */ still comment */") == HL_COMMENT);
	CHECK("rust: string with escapes",
	      class_of(&sp, code, "\"hi \\\"there\\\"\"") == HL_STRING);
	CHECK("rust: raw string", class_of(&sp, code, "r#\"raw \"quoted\"\"#") == HL_STRING);
	CHECK("rust: char literal", class_of(&sp, code, "'x'") == HL_STRING);
	CHECK("rust: hex number", class_of(&sp, code, "0x1F") == HL_NUMBER);
	CHECK("rust: float with exponent", class_of(&sp, code, "2.5e-3") == HL_NUMBER);
	CHECK("rust: range is not a float", class_of(&sp, code, "0..10") == -1);
	CHECK("rust: macro", class_of(&sp, code, "println!") == HL_MACRO);
	CHECK("rust: type name", class_of(&sp, code, "Vec") == HL_TYPE);
	CHECK("rust: function call", class_of(&sp, code, "helper") == HL_FUNCTION);
	CHECK("rust: fn keyword", class_of(&sp, code, "fn") == HL_KEYWORD);
}

static void test_rust_aliases(void)
{
	const char *code = "let x = 1;\n";
	CHECK("alias: rust,ignore", run("rust,ignore", code) == 1);
	CHECK("alias: Rust (case)", run("Rust", code) == 1);
	CHECK("alias: rs", run("rs", code) == 1);
	CHECK("alias: no_run implies rust", run("no_run", code) == 1);
	CHECK("alias: unknown language is plain", run("brainfuck", code) == 0 &&
	      sp.n == 1 && sp.v[0].cls == HL_PLAIN && covers(&sp, code));
	CHECK("alias: empty language is plain", run("", code) == 0 && covers(&sp, code));
	CHECK("alias: NULL language is plain", run(NULL, code) == 0 && covers(&sp, code));
	CHECK("alias: text is plain", run("text", code) == 0);
	CHECK("alias: very long name", run("rustrustrustrustrustrustrustrustrustrust", code) == 0);
}

static void test_toml(void)
{
	const char *code =
		"[package]\n"
		"name = \"folio\" # the name\n"
		"version = '0.1.0'\n"
		"edition = 2021\n"
		"date = 1979-05-27T07:32:00Z\n"
		"inline = { path = \"../x\", optional = true }\n"
		"list = [1, 2, \"three\"]\n"
		"\n[[bin]]\n"
		"text = \"\"\"\nmulti\nline\"\"\"\n";
	CHECK("toml: has highlighter", run("toml", code) == 1);
	CHECK("toml: spans cover input", covers(&sp, code));
	CHECK("toml: table header", class_of(&sp, code, "[package]") == HL_ATTRIBUTE);
	CHECK("toml: array of tables", class_of(&sp, code, "[[bin]]") == HL_ATTRIBUTE);
	CHECK("toml: key", class_of(&sp, code, "name") == HL_VARIABLE);
	CHECK("toml: string", class_of(&sp, code, "\"folio\"") == HL_STRING);
	CHECK("toml: literal string", class_of(&sp, code, "'0.1.0'") == HL_STRING);
	CHECK("toml: comment", class_of(&sp, code, "# the name") == HL_COMMENT);
	CHECK("toml: number", class_of(&sp, code, "2021") == HL_NUMBER);
	CHECK("toml: date", class_of(&sp, code, "1979-05-27T07:32:00Z") == HL_NUMBER);
	CHECK("toml: inline table key", class_of(&sp, code, "optional") == HL_VARIABLE);
	CHECK("toml: boolean", class_of(&sp, code, "true") == HL_KEYWORD);
	CHECK("toml: array string is a value", class_of(&sp, code, "\"three\"") == HL_STRING);
	CHECK("toml: multi-line string", class_of(&sp, code, "\"\"\"\nmulti\nline\"\"\"") == HL_STRING);
}

static void test_shell(void)
{
	const char *code =
		"# build it\n"
		"export RUST_LOG=debug\n"
		"if [ -f \"$HOME/x\" ]; then\n"
		"  cargo build --release 2>&1 | tee log # note\n"
		"fi\n"
		"echo 'single $NOT' ${VAR:-x} a#b\n";
	CHECK("sh: has highlighter", run("sh", code) == 1);
	CHECK("sh: spans cover input", covers(&sp, code));
	CHECK("sh: comment", class_of(&sp, code, "# build it") == HL_COMMENT);
	CHECK("sh: keyword", class_of(&sp, code, "export") == HL_KEYWORD);
	CHECK("sh: keyword if", class_of(&sp, code, "if") == HL_KEYWORD);
	CHECK("sh: command", class_of(&sp, code, "cargo") == HL_FUNCTION);
	CHECK("sh: argument is plain", class_of(&sp, code, "build --release") == HL_PLAIN);
	CHECK("sh: command after pipe", class_of(&sp, code, "tee") == HL_FUNCTION);
	CHECK("sh: variable in string", class_of(&sp, code, "$HOME") == HL_VARIABLE);
	CHECK("sh: string around variable", class_of(&sp, code, "/x\"") == HL_STRING);
	CHECK("sh: single quotes keep $", class_of(&sp, code, "'single $NOT'") == HL_STRING);
	CHECK("sh: braced variable", class_of(&sp, code, "${VAR:-x}") == HL_VARIABLE);
	CHECK("sh: trailing comment", class_of(&sp, code, "# note") == HL_COMMENT);
	CHECK("sh: # inside word is not a comment", class_of(&sp, code, "a#b") != HL_COMMENT &&
	      class_of(&sp, code, "#b") != HL_COMMENT);
	CHECK("sh: bash alias", run("bash", code) == 1);
	CHECK("sh: shell alias", run("shell", code) == 1);
}

static void test_console(void)
{
	const char *code =
		"$ cargo run --release\n"
		"   Compiling folio v0.1.0\n"
		"$ echo \"$PATH\"\n";
	CHECK("console: has highlighter", run("console", code) == 1);
	CHECK("console: spans cover input", covers(&sp, code));
	CHECK("console: prompt", class_of(&sp, code, "$ ") == HL_PROMPT);
	CHECK("console: command", class_of(&sp, code, "cargo") == HL_FUNCTION);
	CHECK("console: output is plain", class_of(&sp, code, "   Compiling folio v0.1.0") == HL_PLAIN);
	CHECK("console: variable", class_of(&sp, code, "$PATH") == HL_VARIABLE);
}

static void test_c(void)
{
	const char *code =
		"#include <stdio.h>\n"
		"#define MAX(a, b) \\\n  ((a) > (b) ? (a) : (b))\n"
		"/* block */\n"
		"static int count(const char *s, size_t n) {\n"
		"    uint32_t x = 0xFFu; // line\n"
		"    char c = '\\n';\n"
		"    return printf(\"%d\\n\", 42);\n"
		"}\n";
	CHECK("c: has highlighter", run("c", code) == 1);
	CHECK("c: spans cover input", covers(&sp, code));
	CHECK("c: include", class_of(&sp, code, "#include <stdio.h>") == HL_MACRO);
	CHECK("c: define with continuation",
	      class_of(&sp, code, "#define MAX(a, b) \\\n  ((a) > (b) ? (a) : (b))") == HL_MACRO);
	CHECK("c: block comment", class_of(&sp, code, "/* block */") == HL_COMMENT);
	CHECK("c: keyword", class_of(&sp, code, "static") == HL_KEYWORD);
	CHECK("c: type", class_of(&sp, code, "int") == HL_TYPE);
	CHECK("c: _t type", class_of(&sp, code, "uint32_t") == HL_TYPE);
	CHECK("c: function", class_of(&sp, code, "count") == HL_FUNCTION);
	CHECK("c: number", class_of(&sp, code, "0xFFu") == HL_NUMBER);
	CHECK("c: line comment", class_of(&sp, code, "// line") == HL_COMMENT);
	CHECK("c: char", class_of(&sp, code, "'\\n'") == HL_STRING);
	CHECK("c: string", class_of(&sp, code, "\"%d\\n\"") == HL_STRING);
}

static void test_json_python(void)
{
	const char *json = "{\"key\": [1, -2.5, true, null, \"v\"]}\n";
	CHECK("json: has highlighter", run("json", json) == 1);
	CHECK("json: spans cover input", covers(&sp, json));
	CHECK("json: key", class_of(&sp, json, "\"key\"") == HL_VARIABLE);
	CHECK("json: value string", class_of(&sp, json, "\"v\"") == HL_STRING);
	CHECK("json: negative number", class_of(&sp, json, "-2.5") == HL_NUMBER);
	CHECK("json: literal", class_of(&sp, json, "null") == HL_KEYWORD);

	const char *py =
		"@dataclass\n"
		"def f(x: int) -> str:  # comment\n"
		"    return f\"{x}\" + r'raw' + \"\"\"doc\n\"\"\"\n";
	CHECK("python: has highlighter", run("python", py) == 1);
	CHECK("python: spans cover input", covers(&sp, py));
	CHECK("python: decorator", class_of(&sp, py, "@dataclass") == HL_ATTRIBUTE);
	CHECK("python: keyword", class_of(&sp, py, "def") == HL_KEYWORD);
	CHECK("python: comment", class_of(&sp, py, "# comment") == HL_COMMENT);
	CHECK("python: prefixed string", class_of(&sp, py, "f\"{x}\"") == HL_STRING);
	CHECK("python: triple-quoted", class_of(&sp, py, "\"\"\"doc\n\"\"\"") == HL_STRING);
}

/* Unterminated and hostile inputs: still exact cover, no overrun. */
static void test_edges(void)
{
	static const char *const langs[] = {
		"rust", "c", "toml", "sh", "console", "json", "python", NULL
	};
	static const char *const codes[] = {
		"", "\"unterminated", "/* open", "'", "r###\"x", "#[", "$",
		"${", "\\", "[[", "x = \"\"\"", "'\\", "b'", "0x", "1e+",
		"$ ", "#!", "é 'é' \"é\" ünï // ç\n", "\n\n", "a\\\n",
		"#define X \\", "@", "f'''", "{,}", NULL
	};
	int ok = 1;
	for (int l = 0; langs[l]; l++)
		for (int c = 0; codes[c]; c++) {
			run(langs[l], codes[c]);
			if (!covers(&sp, codes[c])) {
				printf("# not covered: %s %s\n", langs[l], codes[c]);
				ok = 0;
			}
		}
	CHECK("edges: every language covers odd inputs exactly", ok);

	/* a pseudo-random byte soup */
	char soup[3000];
	unsigned x = 12345;
	for (size_t i = 0; i < sizeof soup - 1; i++) {
		x = x * 1103515245u + 12345u;
		char c = (char)(32 + (x >> 16) % 95);
		if ((x >> 8) % 17 == 0)
			c = '\n';
		soup[i] = c;
	}
	soup[sizeof soup - 1] = '\0';
	ok = 1;
	for (int l = 0; langs[l]; l++) {
		run(langs[l], soup);
		if (!covers(&sp, soup))
			ok = 0;
	}
	CHECK("edges: random input covered exactly", ok);
}

static void test_class_names(void)
{
	int ok = 1;
	for (int c = 0; c < HL_COUNT; c++) {
		const char *n = hl_class_name((enum hl_class)c);
		if (!n || !*n)
			ok = 0;
		for (int d = 0; d < c; d++)
			if (strcmp(n, hl_class_name((enum hl_class)d)) == 0)
				ok = 0;
	}
	CHECK("class names: non-empty and distinct", ok);
	CHECK_STR("class names: keyword", hl_class_name(HL_KEYWORD), "kw");
}

int main(void)
{
	test_rust();
	test_rust_aliases();
	test_toml();
	test_shell();
	test_console();
	test_c();
	test_json_python();
	test_edges();
	test_class_names();
	UNIT_END();
}
