#!/bin/bash
# mdbook.sh - mdBook books build unchanged: the fixture book with every
# SUMMARY.md construct and directive checks without a warning and builds;
# the warnings fixture prints exactly tests/fixtures/mdbook-warn/expected.txt
# (positions verified by hand); ../shared/corpora/perf-book (SKIP when
# absent) checks with zero warnings, its contents match the links of its
# SUMMARY.md (extracted here with sed, independently of folio), and its
# PDF and EPUB pass qpdf --check and EPUBCheck.
top=$(pwd)
F="$top/${FOLIO:-build/folio}"
TOC="$top/build/tests/test_mdbook"
S=${SHARED:-../shared}
T=${TMP:-$(mktemp -d)}
ok() { echo "PASS: mdbook: $1"; }
no() { echo "FAIL: mdbook: $1: $2"; }
skip() { echo "SKIP: mdbook: $1: $2"; }

if [ ! -x "$F" ]; then
	no "folio binary" "$F missing (make build/folio)"
	exit 0
fi

# The link list of SUMMARY.md as "title<TAB>path", path relative to the
# book folder ("" for a draft), found with sed only.
summary_links() { # BOOK SRC
	grep -o '\[[^]]*\]([^)]*)' "$1/$2/SUMMARY.md" |
		sed -E 's/^\[([^]]*)\]\(([^)]*)\)$/\1\t\2/' |
		awk -F'\t' -v src="$2" '{ p = $2; if (p != "") p = src "/" p; print $1 "\t" p }'
}

# folio's contents (chapters and drafts) in the same form.
folio_links() { # BOOK
	"$TOC" --toc "$1" | awk -F'\t' '$1 == "chapter" || $1 == "draft" { print $4 "\t" $5 }'
}

compare_contents() { # NAME BOOK SRC
	if [ ! -x "$TOC" ]; then
		skip "$1 contents match SUMMARY.md" "$TOC missing (make build/tests/test_mdbook)"
		return
	fi
	summary_links "$2" "$3" >"$T/want"
	folio_links "$2" >"$T/got"
	if [ -s "$T/want" ] && diff -u "$T/want" "$T/got" >"$T/diff"; then
		ok "$1 contents match SUMMARY.md ($(wc -l <"$T/want") entries, in order)"
	else
		no "$1 contents" "$(head -20 "$T/diff")"
	fi
}

# ---- the fixture book: every construct, no warning -----------------------
fx=tests/fixtures/mdbook
"$F" check "$fx" >"$T/out" 2>"$T/err"; rc=$?
# check lays the book out: without hyphen-fr installed it says that
# French has no hyphenation patterns (the machine's, not the book's).
nh=$(grep -c "no hyphenation patterns for language 'fr'" "$T/err")
grep -v "no hyphenation patterns for language 'fr'" "$T/err" >"$T/err2"
[ $rc = 0 ] && [ ! -s "$T/err2" ] && grep -qE "9 chapters, $nh warnings?, 0 errors" "$T/out" &&
	ok "fixture checks with zero warnings" || no "fixture check" "status $rc: $(cat "$T/out" "$T/err")"
"$F" check "$fx" --verbose 2>&1 | grep -q "note: preprocessor 'katex' is not run by folio" &&
	ok "an mdBook preprocessor folio does not run is a note (--verbose)" ||
	no "preprocessor note" "missing"
compare_contents "fixture" "$fx" pages
"$F" build "$fx" -o "$T/fx-out" >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 0 ] && ls "$T/fx-out/"*.pdf "$T/fx-out/"*.epub >/dev/null 2>&1 &&
	ok "fixture builds a PDF and an EPUB" || no "fixture build" "status $rc: $(tail -3 "$T/err")"

# ---- the warnings fixture: exact diagnostics ------------------------------
mkdir -p "$T/wx" && cp -r tests/fixtures/mdbook-warn "$T/wx/book"
(cd "$T/wx" && "$F" check book >"$T/out" 2>"$T/diag"); rc=$?
if [ $rc = 0 ] && diff -u tests/fixtures/mdbook-warn/expected.txt "$T/diag" >"$T/diff"; then
	ok "warnings fixture prints the expected diagnostics with line:col"
else
	no "warnings fixture" "status $rc: $(head -30 "$T/diff")"
fi
(cd "$T/wx" && "$F" check book --strict >/dev/null 2>&1); rc=$?
[ $rc = 1 ] && ok "warnings fixture fails --strict" || no "--strict" "status $rc"

# ---- the Rust Performance Book ---------------------------------------------
perf="$S/corpora/perf-book"
if [ ! -f "$perf/book.toml" ]; then
	skip "perf-book" "$perf absent"
	exit 0
fi
"$F" check "$perf" --strict >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 0 ] && [ ! -s "$T/err" ] && grep -q " 0 warnings, 0 errors" "$T/out" &&
	ok "perf-book checks with zero warnings (--strict)" ||
	no "perf-book check" "status $rc: $(head -5 "$T/err")"
compare_contents "perf-book" "$perf" src

"$F" build "$perf" -o "$T/perf" --strict >"$T/out" 2>"$T/err"; rc=$?
pdf=$(ls "$T/perf/"*.pdf 2>/dev/null | head -1)
epub=$(ls "$T/perf/"*.epub 2>/dev/null | head -1)
[ $rc = 0 ] && [ -n "$pdf" ] && [ -n "$epub" ] && ok "perf-book builds with zero warnings" ||
	no "perf-book build" "status $rc: $(tail -5 "$T/err")"
if [ -z "$pdf" ]; then
	no "perf-book PDF" "not written"
elif ! command -v qpdf >/dev/null; then
	skip "perf-book PDF passes qpdf --check" "qpdf not installed"
elif qpdf --check "$pdf" >"$T/q" 2>&1; then
	ok "perf-book PDF passes qpdf --check"
else
	no "perf-book qpdf --check" "$(tail -3 "$T/q")"
fi
if [ -z "$epub" ]; then
	no "perf-book EPUB" "not written"
elif [ ! -f /usr/share/java/epubcheck.jar ] || ! command -v java >/dev/null; then
	skip "perf-book EPUB passes EPUBCheck" "epubcheck not installed"
else
	java -jar /usr/share/java/epubcheck.jar "$epub" >"$T/ec" 2>&1
	if grep -q "No errors or warnings detected" "$T/ec"; then
		ok "perf-book EPUB passes EPUBCheck with no messages"
	else
		no "perf-book epubcheck" "$(grep -E 'ERROR|WARNING|FATAL|Messages' "$T/ec" | head -5)"
	fi
fi
# The EPUB's table of contents names the chapters of SUMMARY.md, in order.
if [ -n "$epub" ] && command -v python3 >/dev/null; then
	summary_links "$perf" src | cut -f1 >"$T/want"
	python3 - "$epub" >"$T/got" 2>"$T/pyerr" <<'PY'
import re, sys, zipfile, html
z = zipfile.ZipFile(sys.argv[1])
nav = next(n for n in z.namelist() if n.endswith("nav.xhtml"))
toc = z.read(nav).decode("utf-8")
toc = toc[toc.index('epub:type="toc"'):]
toc = toc[:toc.index("</nav>")]
for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', toc, re.S):
    # chapter entries, not their headings, the title page or the appendix;
    # mdBook's numbers ("1.2.") are part of the entry but not of SUMMARY's text
    if "#" not in href and re.match(r"chapter\d+\.xhtml$", href):
        t = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        print(re.sub(r"^(\d+\.)+\s+", "", t))
PY
	if diff -u "$T/want" "$T/got" >"$T/diff"; then
		ok "perf-book EPUB contents list SUMMARY.md's chapters in order"
	else
		no "perf-book EPUB contents" "$(head -20 "$T/diff" "$T/pyerr")"
	fi
else
	skip "perf-book EPUB contents" "no EPUB or no python3"
fi
