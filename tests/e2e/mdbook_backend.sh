#!/bin/bash
# mdbook_backend.sh - folio as an mdBook backend (`folio mdbook-backend`,
# or `mdbook-folio`), fed recorded RenderContext fixtures as `mdbook build`
# would: tests/fixtures/renderctx/v04.json (mdBook 0.4, book.sections) and
# v05.json (0.5, book.items) hold the same book, whose chapter texts
# differ from the files on disk (as after a preprocessor): both outputs
# must show the JSON's text, hide rustdoc's hidden line, keep the figure
# from the book folder, resolve a link to index.md (mdBook's name for a
# README.md), be identical for both shapes, and pass EPUBCheck and qpdf.
# hostile.json (paths out of the book, wrong types, missing fields), a
# 10,000-deep nesting and broken JSON fail cleanly.  Also: book.toml's
# [output.folio] settings and their warnings at path:line:col; README.md
# as index.md; perf-book and tests/fixtures/mdbook through RenderContexts
# made from their files give byte-identical outputs to `folio build`.
. tests/lib.sh
F="$(pwd)/$FOLIO"
FX="$(pwd)/tests/fixtures/renderctx"
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
need_tools mdbook_backend python3 pdftotext unzip

# fixture NAME DEST: the recorded JSON with the book's and destination's
# absolute paths filled in.
fixture() {
	sed -e "s|@ROOT@|$FX/book|" -e "s|@DEST@|$2|" "$FX/$1.json" >"$T/$1.in.json"
}
T="$TMP/backend"
rm -rf "$T" && mkdir -p "$T/run"

epubcheck_ok() { # NAME EPUB
	if [ ! -f "$EPUBCHECK" ] || ! command -v java >/dev/null; then
		skip "mdbook_backend: $1 EPUBCheck" "epubcheck not installed"
	elif java -jar "$EPUBCHECK" "$2" 2>&1 | grep -q "No errors or warnings detected"; then
		pass "mdbook_backend: $1 EPUB passes EPUBCheck with 0 messages"
	else
		fail "mdbook_backend: $1 EPUBCheck" "$(java -jar "$EPUBCHECK" "$2" 2>&1 | grep -E 'ERROR|WARN' | head -3)"
	fi
}

# ---- both shapes: the same book ---------------------------------------------
for v in v04 v05; do
	out="$T/out-$v"
	fixture $v "$out"
	# mdBook runs the backend in the destination folder, which may not exist yet
	(cd "$T/run" && "$F" mdbook-backend <"$T/$v.in.json" >"$T/$v.out" 2>"$T/$v.err"); rc=$?
	pdf=$out/backend-fixture.pdf epub=$out/backend-fixture.epub
	if [ $rc = 0 ] && [ ! -s "$T/$v.err" ] && [ -f "$pdf" ] && [ -f "$epub" ]; then
		pass "mdbook_backend: $v writes the PDF and the EPUB into the destination, no diagnostic"
	else
		fail "mdbook_backend: $v build" "status $rc: $(head -5 "$T/$v.err")"
		continue
	fi
	pdftotext "$pdf" "$T/$v.txt" 2>/dev/null
	want=("Preprocessed: this sentence was written by a preprocessor" "hello from the listing"
	      "The text {{#include nothing.rs}} stays as written" "Part One" "1. First Chapter"
	      "1.1. Second Chapter" "Afterword" "Typeset through mdBook"
	      "Version 2.1" "Back to the introduction (p. 1)")
	miss=""
	for w in "${want[@]}"; do
		grep -qF "$w" "$T/$v.txt" || miss="$miss [$w]"
	done
	# A draft chapter is left out, as from SUMMARY.md (mdbook_conventions.sh).
	for w in "On disk." "hidden_helper" "This file is on disk" "Not Written Yet"; do
		grep -qF "$w" "$T/$v.txt" && miss="$miss [has: $w]"
	done
	[ -z "$miss" ] && pass "mdbook_backend: $v PDF text is the RenderContext's (numbers, parts, drafts, hidden lines)" ||
		fail "mdbook_backend: $v PDF text" "$miss"
	if command -v pdfimages >/dev/null; then
		n=$(pdfimages -list "$pdf" 2>/dev/null | awk 'NR > 2 && $3 == "image"' | wc -l)
		[ "$n" = 1 ] && pass "mdbook_backend: $v PDF has the figure from the book folder" ||
			fail "mdbook_backend: $v PDF figure" "$n images"
	fi
	if command -v qpdf >/dev/null; then
		qpdf --check "$pdf" >/dev/null 2>&1 && pass "mdbook_backend: $v PDF passes qpdf --check" ||
			fail "mdbook_backend: $v qpdf" "$(qpdf --check "$pdf" 2>&1 | tail -2)"
	fi
	rm -rf "$T/x-$v" && mkdir -p "$T/x-$v" && unzip -q "$epub" -d "$T/x-$v"
	xh=$(cat "$T/x-$v"/*/chapter*.xhtml 2>/dev/null)
	miss=""
	grep -qF "Preprocessed: this sentence" <<<"$xh" || miss="$miss [intro text]"
	img=$(grep -o '<img src="images/[a-z0-9]*\.png" alt="A gradient"' <<<"$xh" | sed 's/.*src="\([^"]*\)".*/\1/')
	[ -n "$img" ] || miss="$miss [img]"
	[ -n "$img" ] && cmp -s "$T/x-$v/OEBPS/$img" "$FX/book/src/images/gradient.png" || miss="$miss [image file]"
	# the introduction is the first chapter (README.md, which mdBook calls index.md)
	grep -q '<a href="chapter001.xhtml">introduction</a>' <<<"$xh" || miss="$miss [link to index.md]"
	grep -qF "hidden_helper" <<<"$xh" && miss="$miss [hidden line shown]"
	grep -qF "On disk." <<<"$xh" && miss="$miss [file text]"
	[ -z "$miss" ] && pass "mdbook_backend: $v EPUB XHTML has the RenderContext's text, the figure and the index.md link" ||
		fail "mdbook_backend: $v EPUB XHTML" "$miss"
	epubcheck_ok $v "$epub"
done
if cmp -s "$T/out-v04/backend-fixture.pdf" "$T/out-v05/backend-fixture.pdf" &&
   cmp -s "$T/out-v04/backend-fixture.epub" "$T/out-v05/backend-fixture.epub"; then
	pass "mdbook_backend: the 0.4 and 0.5 shapes give byte-identical PDF and EPUB"
else
	fail "mdbook_backend: 0.4 vs 0.5" "outputs differ"
fi

# ---- run as mdbook-folio (mdBook's default command for [output.folio]) -------
ln -sf "$F" "$T/mdbook-folio"
fixture v05 "$T/out-link"
(cd "$T/run" && "$T/mdbook-folio" <"$T/v05.in.json" >/dev/null 2>"$T/link.err"); rc=$?
[ $rc = 0 ] && [ -f "$T/out-link/backend-fixture.epub" ] &&
	pass "mdbook_backend: installed as mdbook-folio it is the backend" ||
	fail "mdbook_backend: mdbook-folio" "status $rc: $(head -3 "$T/link.err")"

# ---- hostile RenderContexts fail cleanly -------------------------------------
fixture hostile "$T/out-hostile"
if command -v strace >/dev/null && strace -f -qq -e trace=none true 2>/dev/null; then
	# (LeakSanitizer cannot run under ptrace: off for this one run.)
	(cd "$T/run" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat,stat,lstat,newfstatat -o "$T/strace" \
		"$F" mdbook-backend <"$T/hostile.in.json" >/dev/null 2>"$T/hostile.err"); rc=$?
	if ! grep -q 'book\.toml' "$T/strace"; then
		fail "mdbook_backend: hostile reads nothing outside" "strace saw no open of book.toml"
	elif grep -q 'passwd' "$T/strace"; then
		fail "mdbook_backend: hostile reads nothing outside" "$(grep passwd "$T/strace" | head -2)"
	else
		pass "mdbook_backend: hostile RenderContext: no file outside the book is opened or stat'ed"
	fi
else
	(cd "$T/run" && "$F" mdbook-backend <"$T/hostile.in.json" >/dev/null 2>"$T/hostile.err"); rc=$?
	skip "mdbook_backend: hostile reads nothing outside" "strace unusable"
fi
miss=""
for w in "<stdin>:1:1: error: book.sections[0].Chapter: chapter path '../../etc/passwd' leaves the book folder; kept in the contents as unwritten" \
	 "<stdin>:1:1: error: book.sections[1].Chapter: chapter path '/etc/passwd' leaves the book folder" \
	 "<stdin>:1:1: error: book.sections[2].Chapter.name: not a string" \
	 "<stdin>:1:1: error: book.sections[2].Chapter: number is not a list of section numbers" \
	 "<stdin>:1:1: error: book.sections[2].Chapter.sub_items: not a list" \
	 "<stdin>:1:1: error: book.sections[3].Chapter: content is not a string" \
	 "<stdin>:1:1: error: book.sections[4].Chapter: not an object" \
	 "<stdin>:1:1: error: book.sections[5]: not a Chapter, Separator or PartTitle" \
	 "<stdin>:1:1: error: config.book.title: not a string" \
	 "$FX/book/src/ok.md:3:1: warning: image '../../../../etc/passwd' is outside the book folder"; do
	grep -qF "$w" "$T/hostile.err" || miss="$miss [$w]"
done
[ $rc = 1 ] && [ -z "$miss" ] &&
	pass "mdbook_backend: hostile RenderContext: errors at <stdin> by JSON place, exit status 1" ||
	fail "mdbook_backend: hostile" "status $rc:$miss"
[ -f "$T/out-hostile/backend-fixture.epub" ] && epubcheck_ok hostile "$T/out-hostile/backend-fixture.epub" ||
	fail "mdbook_backend: hostile EPUB" "not written"

python3 - "$FX/book" "$T/deep.json" <<'PY'
import sys
n = 10000
s = '{"root": "%s", "destination": "d", "book": {"items": ' % sys.argv[1]
s += '[{"Chapter": {"name": "x", "content": "# x", "path": "x.md", "sub_items": ' * n
s += '[]' + '}}]' * n + '}}'
open(sys.argv[2], "w").write(s)
PY
bad() { # NAME EXPECTED-STATUS EXPECTED-MESSAGE (stdin: the input)
	(cd "$T/run" && timeout 20 "$F" mdbook-backend >/dev/null 2>"$T/bad.err"); local rc=$?
	if [ $rc = "$2" ] && grep -qF -- "$3" "$T/bad.err"; then
		pass "mdbook_backend: $1 fails cleanly (status $rc)"
	else
		fail "mdbook_backend: $1" "status $rc: $(head -3 "$T/bad.err")"
	fi
}
bad "10,000-deep nesting" 2 "error: not mdBook's RenderContext JSON: nesting too deep" <"$T/deep.json"
bad "empty input" 2 "<stdin>:1:1: error: not mdBook's RenderContext JSON: unexpected end of data" </dev/null
printf '{"root": "%s",\n  "book": {"items": [}' "$FX/book" >"$T/syntax.json"
bad "a syntax error" 2 "<stdin>:2:22: error: not mdBook's RenderContext JSON: unexpected character" <"$T/syntax.json"
printf '{"destination": "d", "book": {"items": []}}' >"$T/noroot.json"
bad "no root" 2 "<stdin>:1:1: error: not mdBook's RenderContext: 'root' is missing" <"$T/noroot.json"
printf '{"root": "%s", "destination": "d", "book": {"chapters": []}}' "$FX/book" >"$T/nobook.json"
bad "no book.items or book.sections" 2 "no list of chapters" <"$T/nobook.json"
printf '{"root": "%s", "destination": "d", "book": {"items": []}, "config": {"book": {"src": "../.."}}}' \
	"$FX/book" >"$T/src.json"
bad "config.book.src out of the book" 2 "config.book.src '../..' leaves the book folder" <"$T/src.json"

# ---- [output.folio] in book.toml ------------------------------------------------
B="$T/settings"
cp -r "$FX/book" "$B"
# a style of the book's own: the default one on letter paper
mkdir -p "$B/styles" && sed 's/^paper = a4$/paper = letter/' styles/print.ini >"$B/styles/mine.ini"
cp "$B/book.toml" "$T/book.toml.orig"
cat >>"$B/book.toml" <<'EOF'
style = "styles/mine.ini"
keywords = ["mdbook", "pdf"]
epub_fonts = false
handout-modules = ["src/chapter_1.md"]
colour = "blue"

[output.folio.external]
"../other/index.md" = "the companion volume"
EOF
(cd "$T" && "$F" check settings >"$T/s.out" 2>"$T/s.err"); rc=$?
if [ $rc = 0 ] && [ "$(grep -c . "$T/s.err")" = 1 ] &&
   grep -qF "settings/book.toml:17:1: warning: unknown key 'colour' in [output.folio]" "$T/s.err"; then
	pass "mdbook_backend: [output.folio] known keys read, an unknown key warned at book.toml:line:col"
else
	fail "mdbook_backend: [output.folio] keys" "status $rc: $(cat "$T/s.err")"
fi
page_size() { pdfinfo "$1" 2>/dev/null | awk '/Page size/ { print $3 "x" $5 }'; }
# the PDF in folder $1 (a Letter or duplex edition is named for it)
pdf_of() { ls "$1"/*.pdf 2>/dev/null | head -n 1; }
(cd "$T" && "$F" build settings -o "$T/s-style" >/dev/null 2>&1)
[ "$(page_size "$(pdf_of "$T/s-style")")" = "612x792" ] &&
	pass "mdbook_backend: [output.folio] style = a style file of the book (letter paper) is used" ||
	fail "mdbook_backend: style" "page size '$(page_size "$(pdf_of "$T/s-style")")'"
(cd "$T" && "$F" build settings -o "$T/s-a4" --paper a4 >/dev/null 2>&1)
[ "$(page_size "$(pdf_of "$T/s-a4")")" = "595.276x841.89" ] &&
	pass "mdbook_backend: --paper a4 wins over the book's style" ||
	fail "mdbook_backend: --paper" "page size '$(page_size "$(pdf_of "$T/s-a4")")'"
{ cat "$T/book.toml.orig"; echo 'paper = "letter"'; } >"$B/book.toml"
(cd "$T" && "$F" build settings -o "$T/s-paper" >/dev/null 2>&1)
{ cat "$T/book.toml.orig"; echo 'paper = "letter"'; echo 'duplex = true'; } >"$B/book.toml"
(cd "$T" && "$F" build settings -o "$T/s-duplex" >/dev/null 2>&1)
(cd "$T" && "$F" build settings -o "$T/s-duplex2" --duplex >/dev/null 2>&1)
[ "$(page_size "$(pdf_of "$T/s-paper")")" = "612x792" ] &&
	pass "mdbook_backend: [output.folio] paper = \"letter\" gives letter pages" ||
	fail "mdbook_backend: paper" "page size '$(page_size "$(pdf_of "$T/s-paper")")'"
! cmp -s "$(pdf_of "$T/s-paper")" "$(pdf_of "$T/s-duplex")" &&
	cmp -s "$(pdf_of "$T/s-duplex")" "$(pdf_of "$T/s-duplex2")" &&
	pass "mdbook_backend: [output.folio] duplex = true builds what --duplex builds" ||
	fail "mdbook_backend: duplex" "duplex = true is not --duplex"
cat >"$B/book.toml" <<'EOF'
[book]
title = "Settings"

[output.folio]
paper = "a5"
duplex = "yes"
style = "../../etc/passwd"
date = "tomorrow"
EOF
(cd "$T" && "$F" check settings >/dev/null 2>"$T/s2.err")
miss=""
for w in "settings/book.toml:5:1: warning: [output.folio] paper = 'a5': expected a4 or letter" \
	 "settings/book.toml:6:1: warning: [output.folio] duplex should be true or false" \
	 "settings/book.toml:7:1: warning: [output.folio] style '../../etc/passwd' leaves the book folder" \
	 "settings/book.toml:8:1: warning: date 'tomorrow' is not YYYY-MM-DD"; do
	grep -qF "$w" "$T/s2.err" || miss="$miss [$w]"
done
[ -z "$miss" ] && pass "mdbook_backend: bad [output.folio] values are warnings at book.toml:line:col" ||
	fail "mdbook_backend: bad values" "$miss: $(cat "$T/s2.err")"

# ---- README.md chapters: a link to index.md is the folder's README.md -------
R="$T/readme"
mkdir -p "$R/src/part"
printf '[book]\ntitle = "Readme"\n' >"$R/book.toml"
printf -- '- [Part](part/README.md)\n- [Other](other.md)\n' >"$R/src/SUMMARY.md"
printf '# Part\n\nSee [other](../other.md).\n' >"$R/src/part/README.md"
printf '# Other\n\n[index](part/index.md), [README](part/README.md), [html](part/index.html), [folder](part/).\n' \
	>"$R/src/other.md"
(cd "$T" && "$F" check readme --strict >/dev/null 2>"$T/r.err"); rc=$?
[ $rc = 0 ] && [ ! -s "$T/r.err" ] &&
	pass "mdbook_backend: links to part/index.md, README.md, index.html and part/ all reach part/README.md" ||
	fail "mdbook_backend: README index" "status $rc: $(cat "$T/r.err")"

# ---- real books through a RenderContext = the same books built ---------------
# The RenderContext is made here as mdBook makes it, each chapter's content
# its file, from the contents folio reads in SUMMARY.md (test_mdbook
# --toc): perf-book (no preprocessor) and tests/fixtures/mdbook (parts,
# drafts, nesting under a draft, {{#include}}: mdBook's links preprocessor
# off, so folio expands them).  PDF and EPUB must be byte-identical to
# `folio build`'s.
TOC="$(pwd)/build/tests/test_mdbook"
rc_book() { # NAME BOOK SRC LINKS-RAN
	local name=$1 book=$2 src=$3 links=$4
	if [ ! -f "$book/book.toml" ]; then
		skip "mdbook_backend: $name through a RenderContext" "$book absent"
		return
	elif [ ! -x "$TOC" ]; then
		skip "mdbook_backend: $name through a RenderContext" "$TOC missing"
		return
	fi
	book=$(cd "$book" && pwd -P)
	"$TOC" --toc "$book" >"$T/$name.toc"
	python3 - "$book" "$T/$name-rc" "$T/$name.toc" "$src" "$links" >"$T/$name.json" <<'PY'
import json, sys
root, dest, toc, src, links = sys.argv[1:6]
items, stack = [], []   # stack: (depth, sub_items list)
for line in open(toc, encoding="utf-8"):
    kind, num, depth, title, path = line.rstrip("\n").split("\t")
    depth = int(depth)
    if kind == "part":
        items.append({"PartTitle": title}); stack = []; continue
    if kind == "separator":
        items.append("Separator"); continue
    number = [int(n) for n in num.strip(".").split(".")] if num not in ("-", "") else None
    rel = path[len(src) + 1:] if kind == "chapter" else None
    ch = {"name": title, "number": number, "sub_items": [], "parent_names": [],
          "path": rel, "source_path": rel,
          "content": open(root + "/" + path, encoding="utf-8").read() if rel else ""}
    while stack and stack[-1][0] >= depth:
        stack.pop()
    (stack[-1][1] if stack else items).append({"Chapter": ch})
    stack.append((depth, ch["sub_items"]))
json.dump({"version": "0.5.1", "root": root, "destination": dest, "book": {"items": items},
           "config": {"book": {"src": src},
                      "build": {"use-default-preprocessors": links == "yes"}}}, sys.stdout)
PY
	(cd "$T/run" && "$F" mdbook-backend <"$T/$name.json" >/dev/null 2>"$T/$name-rc.err"); rc=$?
	(cd "$T/run" && "$F" build "$book" -o "$T/$name-build" >/dev/null 2>"$T/$name-build.err")
	local same=yes f
	for f in "$T/$name-build"/*.pdf "$T/$name-build"/*.epub; do
		cmp -s "$f" "$T/$name-rc/$(basename "$f")" || same="no: $(basename "$f")"
	done
	# the same diagnostics as folio build (their paths absolute)
	[ $rc = 0 ] && [ "$(wc -l <"$T/$name-rc.err")" = "$(wc -l <"$T/$name-build.err")" ] &&
	[ "$same" = yes ] &&
		pass "mdbook_backend: $name through a RenderContext gives byte-identical PDF and EPUB ($(grep -c . "$T/$name.toc") entries)" ||
		fail "mdbook_backend: $name through a RenderContext" "status $rc, same $same: $(head -3 "$T/$name-rc.err")"
}
rc_book perf-book "$SHARED/corpora/perf-book" src yes
rc_book mdbook-fixture tests/fixtures/mdbook pages no
