#!/bin/bash
# mdbook_conventions.sh - mdBook's Markdown conventions, checked in BOTH
# editions of tests/fixtures/mdbook-conv (written to mimic real books):
# GitHub alerts and admonish fences as callouts, definition lists, heading
# attributes and mdBook's heading ids, rustdoc's hidden lines and fence
# attributes, includes that inherit their line's prefix, SUMMARY.md's
# numbers on chapter openings, part pages and groups, drafts skipped.
. tests/lib.sh
need_tools mdbook_conventions pdftotext python3 unzip
name=mdbook_conventions
ok() { pass "$name: $1"; }
no() { fail "$name: $1" "$2"; }

fx=tests/fixtures/mdbook-conv
out="$TMP/mdconv"
rm -rf "$out"
"$FOLIO" build "$fx" -o "$out" --verbose >"$TMP/mdconv.out" 2>"$TMP/mdconv.err"; rc=$?
pdf="$out/conventions.pdf"
epub="$out/conventions.epub"
if [ $rc != 0 ] || [ ! -f "$pdf" ] || [ ! -f "$epub" ]; then
	no "build" "status $rc: $(tail -5 "$TMP/mdconv.err")"
	exit 0
fi
# Exactly the diagnostics the fixture asks for, at their line:col.
cat >"$TMP/mdconv.want" <<W
$fx/src/SUMMARY.md:10:7: note: draft chapter 'Not Yet Written' (no file yet) is skipped
$fx/src/callouts.md:42:1: warning: unknown admonish kind 'frobnicate'; shown as a note
W
grep -E ': (note|warning|error):' "$TMP/mdconv.err" >"$TMP/mdconv.got"
diff -u "$TMP/mdconv.want" "$TMP/mdconv.got" >"$TMP/mdconv.diff" &&
	ok "diagnostics: the draft's note and the unknown kind's warning, nothing else" ||
	no "diagnostics" "$(head -20 "$TMP/mdconv.diff")"

pdftotext -layout "$pdf" "$TMP/mdconv.txt" 2>/dev/null
rm -rf "$TMP/mdconv.x" && mkdir -p "$TMP/mdconv.x" && unzip -q "$epub" -d "$TMP/mdconv.x"
X="$TMP/mdconv.x/OEBPS"
# every chapter's XHTML in reading order, and the navigation
cat "$X"/chapter0*.xhtml >"$TMP/mdconv.xhtml"
nav="$X/nav.xhtml"

# check NAME FILE PYTHON-EXPRESSION (t = the file's text)
check() {
	if python3 - "$2" "$3" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[1].endswith(".xhtml"):
    # the text the reader sees: markup (highlighting spans) removed
    plain = re.sub(r"<[^>]+>", "", t)
else:
    plain = t
sys.exit(0 if eval("(" + sys.argv[2].strip() + "\n)") else 1)
PY
	then ok "$1"; else no "$1" "false: $3"; fi
}
P="$TMP/mdconv.txt"
E="$TMP/mdconv.xhtml"

# ---- callouts ----
check "PDF: five alert labels and the admonish titles, no marker text" "$P" \
	'all(re.search(r"^\s*" + w + r"\s*$", t, re.M) for w in
	     ["Note", "Tip", "Important", "Warning", "Caution", "Mind the Gap", "Nested Code"])
	 and "[!NOTE]" not in t and "[!FOLIO" not in t and "admonish warning" not in t
	 and "Alpha note body" in t and "Foxtrot admonish body" in t and "India body" in t'
check "EPUB: ten callouts, each a div role=note with its kind and a visible label" "$E" \
	'len(re.findall(r"<div class=\"callout (note|tip|important|warning|caution)\" role=\"note\">\n<p class=\"callout-label\">", t)) == 10
	 and "callout warning\" role=\"note\">\n<p class=\"callout-label\">Mind the Gap</p>" in t
	 and "callout caution\" role=\"note\">\n<p class=\"callout-label\">Nested Code</p>" in t
	 and "callout note\" role=\"note\">\n<p class=\"callout-label\">Note</p>\n<p>India body" in t
	 and "[!" not in t.replace("[!note] lower case", "")'
check "EPUB: code inside an admonish fence stays code; admonish inside another fence stays text" "$E" \
	'"<p>Hotel body with code:</p>\n<pre class=\"code\"><code class=\"language-rust\">" in t
	 and "```admonish note\nKilo stays code" in plain'
check "an ordinary quote and a non-alert stay quotes (both editions)" "$E" \
	'"<blockquote>\n<p>An ordinary quote stays a quote.</p>" in t
	 and "<blockquote>\n<p>[!note] lower case" in t'

# ---- definition lists ----
check "EPUB: definition lists as dl/dt/dd, lazy continuation joined" "$E" \
	'"<dl>\n<dt>Ownership</dt>\n<dd><p>Each value has one owner.</p>" in t
	 and "<dd><p>A second definition of borrowing.</p>" in t
	 and "<dt>Lifetime</dt>\n<dd><p>The scope a reference is valid for,\ncontinued lazily" in t
	 and "<p>An ordinary paragraph: with a colon inside" in t'
check "PDF: terms and definitions without the colons" "$P" \
	're.search(r"^Ownership\n\s+Each value has one owner\.", t, re.M)
	 and ": Each value" not in t and ": The scope" not in t'

# ---- heading ids and attributes ----
ids='["setup", "setup-1", "setup-2", "tabs---spaces--punctuation", "vect-and-emphasis",
      "my-anchor", "classes-only", "set-notation-a-b", "section", "hidden-lines"]'
check "EPUB: heading ids exactly as mdBook makes them, {#id} as written" "$E" \
	"all(('id=\"%s\"' % i) in t for i in $ids)"
check "EPUB: every link to those ids resolves (href to the heading)" "$E" \
	"all(('.xhtml#%s\"' % i) in t for i in $ids)"
check "attribute braces never printed; braces that are text kept (both)" "$P" \
	'"{#" not in t and "{.wide}" not in t and "Set notation {a, b}" in t'
check "EPUB: attribute braces never printed" "$E" \
	'"{#" not in t and ".fancy" not in t and "Set notation {a, b}</h2>" in t'

# ---- code: hidden lines, fence attributes, includes ----
for f in P E; do
	eval file=\$$f
	check "$f: rustdoc hidden lines hidden, ## shown as #, #[attr] and #! kept" "$file" \
		'all(w not in plain for w in ["hidden_setup", "indented_hidden", "hidden_in_bare_attribute_fence",
		                              "hidden_space_separated", "hidden_editable"])
		 and "# let shown_with_one_hash" in plain and "## let" not in plain
		 and "#[derive(Debug)]" in plain and "#![allow(unused)]" in plain and "#notaspace_stays" in plain'
	check "$f: fence attributes never printed" "$file" \
		'all(w not in plain for w in ["should_panic", "no_run", "compile_fail", "edition2021", "editable,"])'
done
check "EPUB: an include inside a quote and a list item stays inside them" "$E" \
	're.search(r"<blockquote>\n<p>A quote whose code comes from a file:</p>\n<pre class=\"code\"><code class=\"language-rust\">.*?anchored body.*?}(</span>)?</code></pre>\n</blockquote>", t, re.S)
	 and re.search(r"<li><p>A list item whose code comes from a file:</p>\n<pre class=\"code\"><code class=\"language-rust\">.*?}(</span>)?</code></pre>\n</li>\n<li><p>The next item.", t, re.S)'

check "PDF: the included lines are code inside the quote and the list item" "$P" \
	're.search(r"^ +A quote whose code comes from a file:\n\n +fn main\(\) \{\n +println!\(\"anchored body\"\);\n +\}", t, re.M)
	 and re.search(r"^ *\u2022 A list item whose code comes from a file:\n\n +fn main\(\) \{\n +println!", t, re.M)
	 and "{{#include" not in t'

# ---- SUMMARY.md: openings, contents, parts, drafts ----
check "PDF: numbered chapters open with their number, prefix/suffix without" "$P" \
	'all(re.search(r"^\f?" + re.escape(h) + r"$", t, re.M) for h in
	     ["1 Callouts", "2 Definitions", "2.1 Untitled Page", "3 Heading Ids", "4 Code and Includes", "Foreword", "Afterword"])'
check "PDF: the contents list each chapter once (entry and first heading are one)" "$P" \
	'(lambda c: all(len(re.findall(r"^\s*" + re.escape(e) + r" \.", c, re.M)) == 1 for e in
	   ["Foreword", "1. Callouts", "2. Definitions", "2.1. Untitled Page", "3. Heading Ids", "Afterword"])
	 and not re.search(r"^\s*(Callouts|Definitions|Untitled Page) \.", c, re.M))(t.split("\f")[1])'
check "PDF: each part title is a page of its own" "$P" \
	'sum(1 for pg in t.split("\f") if pg.split() in (["The", "Basics", "2"], ["Going", "Further", "6"])) == 2'
check "PDF: the contents give each part title its page" "$P" \
	're.search(r"^The Basics \.[ .]*2$", t, re.M) and re.search(r"^Going Further \.[ .]*6$", t, re.M)'
check "PDF: a file without a heading opens with its SUMMARY.md title" "$P" \
	're.search(r"^\f?2\.1 Untitled Page\nThis file has no heading", t, re.M)'
check "PDF and EPUB: the draft is in neither edition" "$P" '"Not Yet Written" not in t'
check "EPUB nav: parts are groups holding their chapters, no draft" "$nav" \
	'"Not Yet Written" not in t and re.search(r"<li><span>The Basics</span>\n\s*<ol>\n\s*<li><a href=\"chapter002.xhtml\">1. Callouts</a>", t)
	 and re.search(r"<li><span>Going Further</span>\n\s*<ol>\n\s*<li><a href=\"chapter005.xhtml\">3. Heading Ids</a>", t)'
check "EPUB: chapter openings carry the same numbers" "$E" \
	'"<h1 id=\"callouts\">1 Callouts</h1>" in t and "<h1 id=\"untitled-page\">2.1 Untitled Page</h1>" in t
	 and "<h1 id=\"foreword\">Foreword</h1>" in t'

# ---- deep nesting: callouts in 150 quotes, definition lists in 100 lists ----
deep="$TMP/mdconv-deep"
rm -rf "$deep" && mkdir -p "$deep"
python3 - "$deep/index.md" <<'PY'
import sys
s = "# Deep\n\n"
for i in range(150):
    s += "> " * i + "[!NOTE]\n" + "> " * (i + 1) + "\n"
s += "\n"
for i in range(100):
    s += "  " * i + "- T\n" + "  " * i + "  : def\n"
open(sys.argv[1], "w").write(s)
PY
"$FOLIO" build "$deep" -o "$deep/out" -q >/dev/null 2>"$deep/err"; rc=$?
if [ $rc = 0 ] && ls "$deep/out/"*.epub >/dev/null 2>&1; then
	ok "deeply nested callouts and definition lists build"
	if [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null; then
		java -jar /usr/share/java/epubcheck.jar "$deep/out/"*.epub >"$deep/ec" 2>&1
		grep -q "No errors or warnings detected" "$deep/ec" &&
			ok "deeply nested: EPUBCheck no messages (page markers stay inside dt)" ||
			no "deeply nested EPUBCheck" "$(grep -E 'ERROR|WARNING|FATAL' "$deep/ec" | head -3)"
	fi
else
	no "deeply nested build" "status $rc: $(tail -3 "$deep/err")"
fi

# ---- validity ----
if [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null; then
	java -jar /usr/share/java/epubcheck.jar "$epub" >"$TMP/mdconv.ec" 2>&1
	grep -q "No errors or warnings detected" "$TMP/mdconv.ec" && ok "EPUBCheck: no messages" ||
		no "EPUBCheck" "$(grep -E 'ERROR|WARNING|FATAL' "$TMP/mdconv.ec" | head -5)"
else
	skip "$name: EPUBCheck" "epubcheck not installed"
fi
if command -v qpdf >/dev/null; then
	qpdf --check "$pdf" >"$TMP/mdconv.q" 2>&1 && ok "qpdf --check" || no "qpdf" "$(tail -3 "$TMP/mdconv.q")"
else
	skip "$name: qpdf --check" "qpdf not installed"
fi
