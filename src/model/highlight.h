/*
 * highlight.h - syntax highlighting of code blocks, shared by the EPUB and
 * PDF writers.  A small lexer per language (Rust, TOML, shell, C, ...)
 * splits the code into spans, each with a class; writers map classes to
 * CSS classes or print colours.
 */
#ifndef FOLIO_HIGHLIGHT_H
#define FOLIO_HIGHLIGHT_H

#include <stddef.h>

enum hl_class {
	HL_PLAIN,
	HL_KEYWORD,
	HL_TYPE,
	HL_STRING,
	HL_NUMBER,
	HL_COMMENT,
	HL_MACRO,     /* Rust macro!, C preprocessor */
	HL_ATTRIBUTE, /* #[derive(...)], TOML [section] */
	HL_LIFETIME,
	HL_FUNCTION,
	HL_VARIABLE,  /* shell $VAR, TOML key */
	HL_PROMPT,    /* "$ " at the start of a console line */
	HL_COUNT
};

/* Called for each span in order; spans cover the code exactly once. */
typedef void (*hl_emit_fn)(void *ctx, enum hl_class cls, const char *text,
			   size_t len);

/* Returns 1 if lang has a highlighter (then emit covers the code with
 * classed spans), 0 if not (then emit gets the whole code as HL_PLAIN). */
int highlight(const char *lang, const char *code, size_t len, hl_emit_fn emit,
	      void *ctx);

/* Short stable name for CSS ("kw", "ty", "st", ...). */
const char *hl_class_name(enum hl_class cls);

#endif
