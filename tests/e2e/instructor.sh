#!/bin/bash
# instructor.sh - folio for an instructor (issue 22): handout modules of
# an mdBook from SUMMARY.md, handouts that stand alone, a binding gutter
# for --duplex, a book's own print.ini, the EPUB naming the edition its
# page numbers follow.
. tests/lib.sh
need_tools instructor pdftotext pdfinfo python3 unzip
top=$(pwd)
case $FOLIO in /*) F=$FOLIO ;; *) F="$top/$FOLIO" ;; esac
T="$TMP/instructor"
rm -rf "$T" && mkdir -p "$T"
ok() { pass "instructor: $1"; }
no() { fail "instructor: $1" "$2"; }
text() { pdftotext "$1" - 2>/dev/null | tr '\n' ' ' | tr -s ' '; }

# mdBook with part titles: one module per part, the prefix chapter in
# the first.
"$F" handouts tests/fixtures/mdbook -o "$T/parts" -q 2>/dev/null
names=$(ls "$T/parts/handouts" 2>/dev/null | grep '\.pdf$' | tr '\n' ' ')
first=$(text "$T/parts/handouts/module1-getting-started.pdf")
[ "$names" = "module1-getting-started.pdf module2-reference.pdf " ] &&
	echo "$first" | grep -q "Preface" && echo "$first" | grep -q "Getting Started" &&
	ok "mdBook parts are the modules, prefix chapters in the first" ||
	no "mdBook parts" "$names / $(echo "$first" | head -c 300)"

# mdBook without parts whose first page links one chapter: every
# top-level chapter of SUMMARY.md is a module, none is left out.
mkdir -p "$T/guide/src/usage"
cat >"$T/guide/book.toml" <<'X'
[book]
title = "Guide"
authors = ["A"]
X
cat >"$T/guide/src/SUMMARY.md" <<'X'
# Summary

[Introduction](README.md)

- [Installation](install.md)
- [Usage](usage.md)
    - [Sub Usage](usage/sub.md)
X
printf '# Introduction\n\nStart with [usage](usage.md).\n' >"$T/guide/src/README.md"
printf '# Installation\n\nInstall it.\n' >"$T/guide/src/install.md"
printf '# Usage\n\nUse it.\n' >"$T/guide/src/usage.md"
printf '# Sub Usage\n\nMore.\n' >"$T/guide/src/usage/sub.md"
"$F" handouts "$T/guide" -o "$T/g" -q 2>/dev/null
names=$(ls "$T/g/handouts" 2>/dev/null | grep '\.pdf$' | tr '\n' ' ')
all=$(for f in "$T/g/handouts/"*.pdf; do text "$f"; done)
miss=""
for t in "Introduction" "Installation" "Usage" "Sub Usage"; do
	echo "$all" | grep -q "$t" || miss="$miss $t"
done
[ "$names" = "module1-installation.pdf module2-usage.pdf " ] && [ -z "$miss" ] &&
	ok "mdBook top-level chapters are the modules; every chapter in one" ||
	no "mdBook top-level modules" "$names; missing:$miss"

# Handouts stand alone: no "(see X in the book)" pointing outside, no
# "Module 2 (see Module 2, ...)".
"$F" handouts book -o "$T/b" -q 2>/dev/null
rep=""
for f in "$T/b/handouts/"*.pdf; do
	text "$f" | grep -oE "in the book\)|Module ([0-9]+) \(see Module \1," >>"$T/rep"
done
n=$(ls "$T/b/handouts/"*.pdf 2>/dev/null | wc -l)
see=$(for f in "$T/b/handouts/"*.pdf; do text "$f"; done | grep -o "(see Module [0-9]*, " | wc -l)
[ "$n" = 5 ] && [ ! -s "$T/rep" ] && [ "$see" -gt 5 ] &&
	ok "handouts stand alone: no pointers out of the book, no repeated module names" ||
	no "handouts stand alone" "$n handouts, $see notes; $(sort "$T/rep" | uniq -c | head)"
