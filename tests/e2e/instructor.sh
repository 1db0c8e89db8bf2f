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

# --duplex: a binding gutter by default (the shipped style's margins are
# equal): the text block sits further from the left edge on right-hand
# pages than on left-hand ones; one-sided, it does not move.
lefts() {
	pdftotext -bbox "$1" - 2>/dev/null | python3 -c '
import re, sys
pages = sys.stdin.read().split("<page ")[1:]
odd, even = set(), set()
for i, p in enumerate(pages[2:30], 3):
    xs = [float(x) for x in re.findall(r"xMin=\"([0-9.]+)\"", p)]
    if len(xs) > 20:
        (odd if i % 2 else even).add(round(min(xs)))
print(min(odd), min(even))'
}
"$F" build book -o "$T/dx" --duplex --pdf -q 2>/dev/null
"$F" build book -o "$T/sx" --pdf -q 2>/dev/null
read -r dodd deven <<<"$(lefts "$T/dx/"*-a4-duplex.pdf)"
read -r sodd seven <<<"$(lefts "$T/sx/"*.pdf)"
[ -n "$dodd" ] && [ $((dodd - deven)) -ge 20 ] && [ "$sodd" = "$seven" ] &&
	ok "--duplex gives a binding gutter (inner margin > outer)" ||
	no "duplex gutter" "duplex left edges odd $dodd even $deven; one-sided $sodd $seven"

# A book's own print.ini over the shared style, no fonts/ or styles/ copied.
mkdir -p "$T/own" && cp -r book/. "$T/own/"
printf '[body]\nsize = 14pt\n' >"$T/own/print.ini"
"$F" build "$T/own" -o "$T/own-out" --pdf -q 2>"$T/e"; rc=$?
p0=$(pdfinfo "$T/sx/"*.pdf 2>/dev/null | awk '/^Pages/ {print $2}')
p1=$(pdfinfo "$T/own-out/"*.pdf 2>/dev/null | awk '/^Pages/ {print $2}')
[ $rc = 0 ] && [ -n "$p1" ] && [ "$p1" -gt $((p0 + 3)) ] && [ ! -s "$T/e" ] &&
	ok "a print.ini beside the book overrides the style ($p0 -> $p1 pages)" ||
	no "book print.ini" "status $rc, pages $p0 -> $p1: $(cat "$T/e")"
printf '[body]\nsize = 14pt\ncolour = red\n' >"$T/own/print.ini"
(cd "$T" && "$F" check own >/dev/null 2>"$T/e"); rc=$?
[ $rc = 1 ] && grep -q "^own/print.ini:3:1: error: unknown style key 'body.colour'" "$T/e" &&
	ok "the book's print.ini is checked, its errors named" || no "book print.ini errors" "status $rc: $(cat "$T/e")"

# The EPUB names the print edition its page numbers follow.
"$F" build book -o "$T/ed" --epub -q 2>/dev/null
"$F" build book -o "$T/ed" --epub --paper letter --duplex -q 2>/dev/null
a4=$(unzip -p "$T/ed/rust-learning-path-expert-level.epub" OEBPS/content.opf 2>/dev/null)
lt=$(unzip -p "$T/ed/rust-learning-path-expert-level-letter-duplex.epub" OEBPS/content.opf 2>/dev/null)
s4=$(echo "$a4" | grep -o '<dc:source[^<]*')
sl=$(echo "$lt" | grep -o '<dc:source[^<]*')
echo "$a4" | grep -q 'property="dcterms:description">PDF edition, A4, one-sided<' &&
	echo "$lt" | grep -q 'property="dcterms:description">PDF edition, US Letter, two-sided (duplex)<' &&
	[ -n "$s4" ] && [ "$s4" != "$sl" ] &&
	ok "the EPUB's dc:source names the edition its page-list follows" ||
	no "dc:source edition" "$s4 / $sl"
