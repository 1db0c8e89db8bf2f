#!/bin/bash
# tests/e2e/book_snippets.sh - the Rust code blocks of the bundled book
# compile: std-only blocks with the installed rustc (programs with `fn main`
# are also run and must exit 0), crate-dependent blocks with Cargo against
# Debian's librust-*-dev crates where those exist in the versions the book
# uses.  Blocks that need a project's own code, a nightly compiler or a crate
# Debian lacks are skipped with the reason; `rust,ignore` blocks are counted.
# A rustc older than the book's floor (1.85) skips everything, visibly.
# The classes and the rules are in tests/e2e/book_snippets.py.
# Environment: BOOK (default book), TMP, SNIPPET_CACHE (default
# build/book-snippets: Cargo's target directory, kept so that the Debian
# crates are checked once), RUSTC, CARGO.
. tests/lib.sh
if ! command -v python3 >/dev/null 2>&1; then
	skip book_snippets "python3 not installed"
	exit 0
fi
if ! command -v "${RUSTC:-rustc}" >/dev/null 2>&1; then
	skip book_snippets "rustc not installed: the book's Rust snippets were not compiled"
	exit 0
fi
BOOK=${BOOK:-book} TMP=$TMP python3 tests/e2e/book_snippets.py
