#!/bin/bash
# author.sh - folio for an author (issue 22): YAML front matter as
# metadata, .md files no link reaches, language names, "did you mean",
# a root page without a heading, German hyphenation patterns cached.
. tests/lib.sh
top=$(pwd)
case $FOLIO in /*) F=$FOLIO ;; *) F="$top/$FOLIO" ;; esac
T="$TMP/author"
rm -rf "$T" && mkdir -p "$T"
ok() { pass "author: $1"; }
no() { fail "author: $1" "$2"; }
export XDG_CACHE_HOME="$T/cache"

# YAML front matter is the book's metadata, not text.
mkdir -p "$T/fm"
cat >"$T/fm/index.md" <<'X'
---
title: Front Matter Title
subtitle: "A Subtitle"
author:
  - Front Author
  - Second Author
date: 2026-01-02
lang: de
identifier: fm-book
cover-image: cover.png
colour: red
---

Some text, and [a chapter](one.md).
X
printf -- '---\ntitle: Chapter From Front Matter\n---\n\nNo heading here.\n' >"$T/fm/one.md"
(cd "$T" && "$F" build fm -o "$T/fm-out" --epub >"$T/o" 2>"$T/e"); rc=$?
opf=$(unzip -p "$T/fm-out/fm-book.epub" OEBPS/content.opf 2>/dev/null)
echo "$opf" | grep -q '<dc:title[^>]*>Front Matter Title: A Subtitle</dc:title>' &&
	echo "$opf" | grep -q '>Front Author</dc:creator>' && echo "$opf" | grep -q '>Second Author</dc:creator>' &&
	echo "$opf" | grep -q '<dc:language>de</dc:language>' &&
	echo "$opf" | grep -q '<dc:date>2026-01-02' &&
	! unzip -p "$T/fm-out/fm-book.epub" 'OEBPS/*.xhtml' 2>/dev/null | grep -q "title: Front" &&
	ok "YAML front matter is read as metadata, not shown as text" ||
	no "front matter" "status $rc: $(cat "$T/e"; echo "$opf" | grep -E 'dc:(title|creator|language|date)')"
grep -q "^fm/index.md:10:1: warning: cover 'cover.png': cannot read" "$T/e" &&
	grep -q "^fm/index.md:11:1: warning: front matter: unknown key 'colour'" "$T/e" &&
	! grep -q "no folio.ini" "$T/e" &&
	ok "front matter keys folio does not use are warned at their line" || no "front matter warnings" "$(cat "$T/e" | tr "\n" " ")"
unzip -p "$T/fm-out/fm-book.epub" OEBPS/nav.xhtml 2>/dev/null | grep -q "Chapter From Front Matter" &&
	ok "a chapter's front matter title names it" || no "chapter front matter title" "$(unzip -p "$T/fm-out/fm-book.epub" OEBPS/nav.xhtml | grep -o '<a [^<]*</a>' | head)"

# A .md file no link reaches: a warning, at line 1.
mkdir -p "$T/un/notes"
printf '# Book\n\n[One](one.md)\n' >"$T/un/index.md"
printf '# One\n\nText.\n' >"$T/un/one.md"
printf '# Orphan\n' >"$T/un/orphan.md"
printf '# Draft\n' >"$T/un/notes/draft.md"
printf '[book]\ntitle = Un\nauthors = A\n' >"$T/un/folio.ini"
(cd "$T" && "$F" check un >/dev/null 2>"$T/e")
[ "$(grep -c 'no link reaches this file' "$T/e")" = 2 ] &&
	grep -q "^un/orphan.md:1:1: warning: no link reaches this file" "$T/e" &&
	grep -q "^un/notes/draft.md:1:1: warning: no link reaches this file" "$T/e" &&
	ok "unreached .md files are warned" || no "unreached files" "$(cat "$T/e")"
"$F" check tests/fixtures/mdbook 2>&1 | grep -q "no link reaches" &&
	no "unreached in mdBook" "mdBook books warned" || ok "mdBook books: SUMMARY.md decides, no unreached warnings"

# language = english: the expected form, the tag meant, used.
printf '[book]\ntitle = L\nauthors = A\nlanguage = english\ntitel = X\n' >"$T/un/folio.ini"
(cd "$T" && "$F" build un -o "$T/l-out" --epub >/dev/null 2>"$T/e")
grep -q "^un/folio.ini:4:1: warning: language 'english' is not a BCP 47 tag (expected the form en, en-US, de, pt-BR); did you mean 'en'?" "$T/e" &&
	unzip -p "$T/l-out/"*.epub OEBPS/content.opf 2>/dev/null | grep -q '<dc:language>en</dc:language>' &&
	ok "language = english: warning with the expected form, 'en' used" || no "language name" "$(cat "$T/e")"
grep -q "^un/folio.ini:5:1: warning: unknown key 'titel' in \[book\]; did you mean 'title'?" "$T/e" &&
	ok "a misspelled folio.ini key gets 'did you mean'" || no "did you mean (folio.ini)" "$(cat "$T/e")"
mkdir -p "$T/data/styles" && ln -sfn "$top/fonts" "$T/data/fonts" && cp "$top/styles/"*.* "$T/data/styles/"
printf '[page]\nmargin-innr = 20mm\n' >>"$T/data/styles/print.ini"
FOLIO_DATA_DIR="$T/data" "$F" check "$T/un" >/dev/null 2>"$T/e"
grep -q "error: unknown style key 'page.margin-innr'; did you mean 'page.margin-inner'?" "$T/e" &&
	ok "a misspelled style key gets 'did you mean'" || no "did you mean (style)" "$(cat "$T/e")"

# A root page without a heading: the warning names the title and the
# files the build writes.
mkdir -p "$T/my-notes"
printf 'Just text, no heading.\n' >"$T/my-notes/index.md"
(cd "$T" && "$F" build my-notes -o "$T/n-out" --pdf >/dev/null 2>"$T/e")
grep -q "^my-notes/index.md:1:1: warning: no folio.ini metadata file; using defaults: title 'my-notes' (from the book folder's name: the root page has no heading), identifier 'my-notes' (output files my-notes.pdf, my-notes.epub)" "$T/e" &&
	[ -f "$T/n-out/my-notes.pdf" ] && ok "a root page without a heading: the warning and the file names agree" ||
	no "untitled" "$(cat "$T/e"; ls "$T/n-out")"

# German: the compiled patterns are cached, so the second layout is fast.
if [ -f /usr/share/hyphen/hyph_de_DE.dic ]; then
	mkdir -p "$T/de"
	printf '[book]\ntitle = D\nauthors = A\nlanguage = de\n' >"$T/de/folio.ini"
	printf '# Silbentrennung\n\nDonaudampfschifffahrtsgesellschaftskapitän und Rechtsschutzversicherungsgesellschaften sind lange Wörter, die eine Silbentrennung brauchen, damit der Blocksatz gelingt.\n' >"$T/de/index.md"
	FOLIO_LAYOUT_DUMP="$T/d1" "$F" check "$T/de" >/dev/null 2>&1
	n=$(ls "$T/cache/folio/" 2>/dev/null | grep -c '^hyph-.*\.bin$')
	s=$(date +%s.%N)
	FOLIO_LAYOUT_DUMP="$T/d2" "$F" check "$T/de" >/dev/null 2>&1
	e=$(date +%s.%N)
	dt=$(echo "$e - $s" | bc 2>/dev/null || python3 -c "print($e - $s)")
	fast=$(python3 -c "print(1 if $dt < 3 else 0)")
	[ "$n" = 1 ] && [ "$fast" = 1 ] && cmp -s "$T/d1" "$T/d2" &&
		ok "German patterns cached ($dt s with the cache), the same layout" ||
		no "German cache" "$n cache files, $dt s, dumps $(cmp "$T/d1" "$T/d2" 2>&1)"
else
	skip "author: German cache" "hyphen-de not installed"
fi
