#!/bin/bash
# tests/e2e/pdf.sh - the PDF writer end to end (issue 5).
#
# For the bundled book, ../shared/corpora/perf-book (skipped if absent) and
# tests/stress/book: qpdf --check, every font embedded and subset, text
# fidelity, geometry and page rules (tests/e2e/pdfcheck.py, reading the
# layout dump that FOLIO_LAYOUT_DUMP asks pdf.c for).  Also: style errors
# name file:line and key, US Letter pages, 16-bit PNGs, a 1 MB book with
# every word, and characters no font has are warned about once.
. tests/lib.sh

need_tools pdf qpdf pdffonts pdftotext pdfinfo python3

# build NAME BOOK_DIR [folio options...]: builds the PDF into $TMP/NAME
build() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$TMP/$name"
	FOLIO_LAYOUT_DUMP="$TMP/$name.dump" "$FOLIO" build "$dir" -o "$TMP/$name" \
		--pdf -q "$@" 2>"$TMP/$name.err"
	local rc=$?
	PDF=$(ls "$TMP/$name"/*.pdf 2>/dev/null | head -n 1)
	if [ "$rc" -gt 1 ] || [ -z "$PDF" ]; then
		fail "$name-build" "exit status $rc: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	pass "$name-build"
}

check_book() {
	local name=$1 dir=$2
	build "$name" "$dir" || return
	if qpdf --check "$PDF" >"$TMP/$name.qpdf" 2>&1; then
		pass "$name-qpdf"
	else
		fail "$name-qpdf" "$(tail -n 3 "$TMP/$name.qpdf")"
	fi
	# Every font row: emb and sub both "yes".
	local bad
	bad=$(pdffonts "$PDF" 2>/dev/null | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes")')
	if [ -z "$bad" ] && [ "$(pdffonts "$PDF" 2>/dev/null | wc -l)" -gt 2 ]; then
		pass "$name-fonts-embedded-subset"
	else
		fail "$name-fonts-embedded-subset" "$bad"
	fi
	python3 tests/e2e/pdfcheck.py "$name" "$PDF" "$TMP/$name.dump" "$dir" 2>&1 |
		grep -E '^(PASS|FAIL|SKIP|#)'
}

check_book book book
if [ -d "$SHARED/corpora/perf-book" ]; then
	check_book perf "$SHARED/corpora/perf-book"
else
	skip perf "$SHARED/corpora/perf-book not present"
fi
check_book stress tests/stress/book

# The stress book's characters beyond the fonts: one warning each, with
# the chapter's path and line.
if [ -f "$TMP/stress.err" ]; then
	n=$(grep -c 'U+1F600 is in none of the PDF fonts' "$TMP/stress.err")
	if [ "$n" = 1 ] && grep -q 'index.md:[0-9]*:[0-9]*: warning: character U+6F22' "$TMP/stress.err"; then
		pass stress-missing-glyph-warnings
	else
		fail stress-missing-glyph-warnings "expected one warning per character, got: $(grep -c 'none of the PDF fonts' "$TMP/stress.err")"
	fi
	# 16-bit and RGBA PNGs embedded (three images drawn)
	imgs=$(pdfimages -list "$PDF" 2>/dev/null | awk 'NR > 2' | wc -l)
	if [ "$imgs" -ge 3 ]; then
		pass stress-png-16bit-rgba
	else
		fail stress-png-16bit-rgba "$imgs images in the PDF, want 3"
	fi
fi

# Every CommonMark construct (the spec's 655 examples) as one chapter.
if [ -f "$SHARED/corpora/commonmark-spec/spec.txt" ]; then
	mkdir -p "$TMP/specbook"
	cp "$SHARED/corpora/commonmark-spec/spec.txt" "$TMP/specbook/index.md"
	check_book spec "$TMP/specbook"
else
	skip spec "$SHARED/corpora/commonmark-spec not present"
fi

# Two builds with the same SOURCE_DATE_EPOCH are byte-identical; the
# document info, page labels and outline are there.
SOURCE_DATE_EPOCH=1700000000 "$FOLIO" build book -o "$TMP/r1" --pdf -q 2>/dev/null
SOURCE_DATE_EPOCH=1700000000 "$FOLIO" build book -o "$TMP/r2" --pdf -q 2>/dev/null
r1=$(ls "$TMP"/r1/*.pdf 2>/dev/null | head -n 1)
r2=$(ls "$TMP"/r2/*.pdf 2>/dev/null | head -n 1)
if [ -n "$r1" ] && cmp -s "$r1" "$r2"; then pass pdf-reproducible; else fail pdf-reproducible "two builds differ"; fi
# Issue 9: pages are drawn on both cores and the EPUB written beside the
# PDF; a build on one thread (FOLIO_THREADS=1) gives the same bytes.
SOURCE_DATE_EPOCH=1700000000 "$FOLIO" build book -o "$TMP/t2" -q 2>/dev/null
FOLIO_THREADS=1 SOURCE_DATE_EPOCH=1700000000 "$FOLIO" build book -o "$TMP/t1" -q 2>/dev/null
same=0
for f in "$TMP"/t2/*.pdf "$TMP"/t2/*.epub; do
	[ -f "$f" ] && cmp -s "$f" "$TMP/t1/$(basename "$f")" && same=$((same + 1))
done
if [ "$same" = 2 ]; then
	pass "one thread or two: byte-identical PDF and EPUB"
else
	fail "one thread or two: byte-identical PDF and EPUB" "$same of 2 files identical"
fi
if pdfinfo "$r1" 2>/dev/null | grep -q '^Creator: *folio ' &&
	pdfinfo "$r1" 2>/dev/null | grep -q '^CreationDate: .*2023'; then
	pass pdf-info
else
	fail pdf-info "$(pdfinfo "$r1" 2>&1 | head -n 8 | tr '\n' ' ')"
fi
python3 - "$r1" "$TMP/book.dump" <<'PY'
import json, subprocess, sys
pdf, dump = sys.argv[1:3]
j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", "--json-key=pagelabels", pdf],
                              capture_output=True, text=True).stdout)
def count(o):
    return sum(1 + count(x["kids"]) for x in o)
toc = [l for l in open(dump) if l.startswith("toc ")]
nfront = sum(1 for l in open(dump) if l.startswith("page ") and l.rstrip().endswith(" front"))
n = count(j["outlines"])
print("PASS: pdf-outline" if n == len(toc) else "FAIL: pdf-outline: %d bookmarks, %d contents entries" % (n, len(toc)))
labels = [(l["index"], l["label"].get("/S"), l["label"].get("/St")) for l in j["pagelabels"]]
want = [(0, "/r", 1), (nfront, "/D", 1)]
print("PASS: pdf-page-labels" if labels == want else "FAIL: pdf-page-labels: %s, want %s" % (labels, want))
PY

# Duplex: mirrored margins, chapters open on right-hand (odd) pages.
if build duplex book --duplex; then
	python3 tests/e2e/pdfcheck.py duplex "$PDF" "$TMP/duplex.dump" book 2>&1 | grep -E '^(PASS|FAIL)'
	bad=$(awk '$1 == "page" && $5 == "1" && $NF != "front" && $19 % 2 == 0 {print $2}' "$TMP/duplex.dump")
	if [ -z "$bad" ]; then pass duplex-recto; else fail duplex-recto "chapters open on even pages: $bad"; fi
fi

# US Letter from the command line.
if build letter book --paper letter; then
	size=$(pdfinfo "$PDF" 2>/dev/null | awk '/^Page size/ {print $3 "x" $5}')
	if [ "$size" = "612x792" ]; then pass letter-size; else fail letter-size "page size $size"; fi
	python3 tests/e2e/pdfcheck.py letter "$PDF" "$TMP/letter.dump" book 2>&1 | grep -E '^(PASS|FAIL)'
fi

# A bad style value is an error naming file:line and the key.
data="$TMP/data"
mkdir -p "$data/styles"
ln -sfn "$PWD/fonts" "$data/fonts"
printf '[page]\npaper = a4\n\n[body]\nsize = 11pt\nleading = twelve\n[nosuch]\nkey = 1\n' >"$data/styles/print.ini"
FOLIO_DATA_DIR="$data" "$FOLIO" build book -o "$TMP/bad" --pdf -q 2>"$TMP/bad.err"
rc=$?
if [ "$rc" = 1 ] && grep -q "print.ini:6:.*body.leading" "$TMP/bad.err" &&
	grep -q "print.ini:8:.*nosuch.key" "$TMP/bad.err"; then
	pass style-error-names-file-line-key
else
	fail style-error-names-file-line-key "exit $rc: $(head -c 300 "$TMP/bad.err")"
fi

# Text whose 2-byte codes contain the bytes a PDF string must escape:
# ( ) \ and CR, LF (U+0128 U+0129 U+015C U+010D U+010A), and the plain
# characters: what pdftotext reads back is what was written.
mkdir -p "$TMP/esc"
printf '[book]\ntitle = Esc\nauthors = A\nidentifier = esc\n' >"$TMP/esc/folio.ini"
printf '# Esc\n\nBytes: \304\250\304\251 \305\234\305\235 \304\215\304\212 (round) back\\\\slash end.\n' >"$TMP/esc/index.md"
"$FOLIO" build "$TMP/esc" -o "$TMP/esc/out" --pdf -q 2>/dev/null
want=$(printf 'Bytes: \304\250\304\251 \305\234\305\235 \304\215\304\212 (round) back\\slash end.')
if pdftotext "$TMP/esc/out/esc.pdf" - 2>/dev/null | grep -q -F -x "$want"; then
	pass "escaped string bytes read back"
else
	fail "escaped string bytes read back" "$(pdftotext "$TMP/esc/out/esc.pdf" - 2>/dev/null | grep Bytes)"
fi

# Only the fonts some text uses are in the PDF: a book without code and
# without bold italic embeds neither monospace font nor the bold italic.
mkdir -p "$TMP/plain"
printf '[book]\ntitle = Plain\nauthors = A\nidentifier = plain\n' >"$TMP/plain/folio.ini"
printf '# Plain\n\nJust words, *some emphasis* and **strong** ones.\n' >"$TMP/plain/index.md"
"$FOLIO" build "$TMP/plain" -o "$TMP/plain/out" --pdf -q 2>/dev/null
fonts=$(pdffonts "$TMP/plain/out/plain.pdf" 2>/dev/null | awk 'NR > 2 { print $1 }' | sed 's/^[A-Z]*+//' | sort | tr '\n' ' ')
case "$fonts" in
*Serif* ) case "$fonts" in
	*Mono* | *BoldItalic* ) fail "only used fonts embedded" "fonts: $fonts" ;;
	* ) pass "only used fonts embedded ($fonts)" ;;
	esac ;;
* ) fail "only used fonts embedded" "no body font in: $fonts" ;;
esac

# A 1 MB book in one file builds: a whole, valid PDF with every word.
# How fast is for make bench (issue 9): no check here depends on timing.
mkdir -p "$TMP/big"
python3 - "$TMP/big" <<'PY'
import sys, random
random.seed(1)
words = "the quick brown fox jumps over lazy dog typography pagination hyphenation".split()
out = ["# Big\n"]
size = 0
n = 0
while size < 1_000_000:
    n += 1
    if n % 40 == 0:
        out.append("## Section %d\n" % n)
    p = " ".join(random.choice(words) for _ in range(random.randint(30, 120))) + ".\n"
    if n % 17 == 0:
        p = "```rust\n" + "fn f() { let x = 1; }\n" * 12 + "```\n"
    out.append(p)
    size += len(p)
open(sys.argv[1] + "/index.md", "w").write("\n".join(out))
PY
"$FOLIO" build "$TMP/big" -o "$TMP/bigout" --pdf -q 2>"$TMP/big.err"
rc=$?
big=$(ls "$TMP"/bigout/*.pdf 2>/dev/null | head -1)
if [ "$rc" = 0 ] && [ -n "$big" ] && qpdf --check "$big" >/dev/null 2>&1 &&
	pdftotext -layout "$big" "$TMP/big.txt" 2>/dev/null &&
	python3 - "$TMP/big/index.md" "$TMP/big.txt" <<'PY'
import re, sys
vocab = set("the quick brown fox jumps over lazy dog typography pagination hyphenation".split())
def count(text):
    # Without the running head ("Big") and page numbers, a word
    # hyphenated at the foot of a page joins its end on the next one.
    # (-layout: pdftotext's own joining would glue "hy-" to a folio.)
    lines = [l.strip() for l in text.replace("\f", "\n").split("\n")
             if l.strip() not in ("Big", "") and not re.fullmatch(r"[0-9ivxlc]+", l.strip())]
    text = re.sub(r"-\n", "", "\n".join(lines))
    return sum(1 for w in re.findall(r"[a-z]+", text) if w in vocab)
src = "".join(l for l in open(sys.argv[1]) if not l.startswith(("#", "```", "fn f")))
want, got = count(src), count(open(sys.argv[2]).read())
print("# 1 MB book: %d words in, %d out" % (want, got))
sys.exit(0 if want == got and want > 100000 else 1)
PY
then
	pass "big-book-every-word"
else
	fail big-book-every-word "exit $rc, pdf '${big}': $(head -c 200 "$TMP/big.err")"
fi
# Footnotes cited only from inside other footnotes (two levels, and one
# citing back) are set on the page of the note that cites them, after it;
# they were missing from the PDF (issue 25 L2).
mkdir -p "$TMP/nestedbook"
cat >"$TMP/nestedbook/index.md" <<'MD'
# Nested notes

Text with a note.[^a] And another.[^c]

[^a]: The first note cites another.[^b]

[^b]: The nested note cites[^d] and [^e].

[^c]: Third note.

[^d]: Deep one.

[^e]: Deep two, cites the first again.[^a]
MD
if build nested "$TMP/nestedbook"; then
	pdftotext -layout "$PDF" - 2>/dev/null | python3 -c '
import re, sys
pages = sys.stdin.read().split("\f")
want = ["1 The first note", "3 The nested note", "4 Deep one.", "5 Deep two", "2 Third note."]
for p in pages:
    lines = [l.strip() for l in p.split("\n")]
    if any(l.startswith("1 The first note") for l in lines):
        got = [w for l in lines for w in want if l.startswith(w)]
        sys.exit(0 if got == want else "order on the page: %s" % got)
sys.exit("note 1 not found")' 2>"$TMP/nested.why" &&
		pass nested-footnotes-in-pdf ||
		fail nested-footnotes-in-pdf "$(cat "$TMP/nested.why")"
fi
exit 0
