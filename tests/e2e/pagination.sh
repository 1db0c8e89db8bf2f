#!/bin/bash
# tests/e2e/pagination.sh - where printed pages begin (issue 12, PDF side).
#
# The print edition (src/print/typeset.h) typeset for a PDF and typeset for
# an EPUB alone must agree page for page, and the word each page mark names
# (taken from the source through the model, by the word rule of
# src/model/words.h) must open that page of the PDF.  FOLIO_PAGINATION_DUMP
# writes the edition's pagination: PATH from a build of the PDF,
# PATH.paginate from a build of the EPUB alone.
. tests/lib.sh

need_tools pagination pdftotext pdfinfo python3

check() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$TMP/$name"
	if ! FOLIO_PAGINATION_DUMP="$TMP/$name.marks" "$FOLIO" build "$dir" \
		-o "$TMP/$name" --pdf -q "$@" 2>"$TMP/$name.err"; then
		[ $? -gt 1 ] && { fail "$name-build" "$(head -c 300 "$TMP/$name.err")"; return; }
	fi
	if ! FOLIO_PAGINATION_DUMP="$TMP/$name.marks.paginate" "$FOLIO" build "$dir" \
		-o "$TMP/$name-epub" --epub -q "$@" 2>"$TMP/$name.err"; then
		[ $? -gt 1 ] && { fail "$name-build-epub" "$(head -c 300 "$TMP/$name.err")"; return; }
	fi
	local pdf
	pdf=$(ls "$TMP/$name"/*.pdf 2>/dev/null | head -n 1)
	if [ -z "$pdf" ] || [ ! -s "$TMP/$name.marks" ]; then
		fail "$name-build" "no PDF or no pagination dump"
		return
	fi
	if cmp -s "$TMP/$name.marks" "$TMP/$name.marks.paginate"; then
		pass "$name-epub-alone-equals-pdf"
	else
		fail "$name-epub-alone-equals-pdf" "$(diff "$TMP/$name.marks" "$TMP/$name.marks.paginate" | head -n 4 | tr '\n' ' ')"
	fi
	python3 - "$name" "$pdf" "$TMP/$name.marks" <<'PY'
import re, subprocess, sys
name, pdf, marks = sys.argv[1:4]
ALNUM = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")

def result(check, ok, why=""):
    print("PASS: %s-%s" % (name, check) if ok else "FAIL: %s-%s: %s" % (name, check, why))

info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
npages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
rows = [l.rstrip("\n").split(" ") for l in open(marks) if l.startswith("mark ")]
result("one-mark-per-page", len(rows) == npages, "%d marks, %d pages" % (len(rows), npages))

# Labels: roman front matter, then 1, 2, 3 ... in order.
body = [r for r in rows if r[3] == "body"]
labels = [r[2] for r in body]
result("labels", labels == [str(i + 1) for i in range(len(body))] and
       all(re.fullmatch(r"[ivxlcdm]+", r[2]) for r in rows if r[3] == "front"),
       "labels %s" % labels[:8])

# Marks follow the book: chapters never go back, and within a chapter
# the leaf blocks' lines never go back either (a footnote's text can
# come before its citing line's page only if it carried over).
bad = []
prev = (-1, 0)
for r in body:
    if len(r) < 8:
        continue
    ch, line = int(r[4]), int(r[6].split(":")[0])
    if ch < prev[0]:
        bad.append("page %s goes back to chapter %d" % (r[2], ch))
    prev = (ch, line) if ch != prev[0] else (ch, max(line, prev[1]))
result("marks-in-order", not bad, "; ".join(bad[:3]))

# Every body page with a mark: its word is among the first words of the
# page (after the running head), as pdftotext reads the page.
checked, wrong, nomark = 0, [], 0
for r in body:
    if len(r) < 9 or r[5] == "-":
        # The Resources appendix (chapter -1) sets no source text.
        nomark += r[4] != "-1"
        continue
    page = int(r[1]) + 1
    word = " ".join(r[8:])
    txt = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True).stdout
    key = "".join(ALNUM.findall(word))
    checked += 1
    if key:
        # Words rejoined over hyphenated line ends: compare letters only.
        stream = "".join(ALNUM.findall(txt))
        at = stream.find(key)
        ok = 0 <= at <= 160
        if not ok and len(key) > 200:
            # A word longer than a page's first lines, continued from
            # the page before: the page opens inside it.
            ok = any(stream[i:i + 30] in key for i in range(0, 160, 10))
        if not ok and r[5] == "cell":
            # A narrow cell breaks a word letter by letter; its pieces
            # mix with the other cells' in pdftotext's reading order.
            it = iter(stream[:2000])
            ok = all(c in it for c in key)
        if not ok:
            wrong.append("p.%s '%s' at %d: %s" % (r[2], word[:60], at, stream[:80]))
    else:
        head = txt[:300]
        if word not in head:
            wrong.append("p.%s '%s' not near the top" % (r[2], word))
result("mark-opens-page", checked > 0 and not wrong,
       "%d of %d: %s" % (len(wrong), checked, "; ".join(wrong[:3])))
# A page may hold a figure or a rule alone, or be a blank verso, but not
# often.
chapters = [r for r in body if r[4] != "-1"]
result("marks-present", nomark <= max(2, len(chapters) // 10),
       "%d of %d chapter pages without a mark" % (nomark, len(chapters)))
print("# %s: %d body pages checked" % (name, checked))
PY
}

check book book
check book-duplex book --duplex
check book-letter book --paper letter
if [ -d "$SHARED/corpora/perf-book" ]; then
	check perf "$SHARED/corpora/perf-book"
else
	skip perf "$SHARED/corpora/perf-book not present"
fi
check stress tests/stress/book
if [ -f "$SHARED/corpora/commonmark-spec/spec.txt" ]; then
	mkdir -p "$TMP/specbook"
	cp "$SHARED/corpora/commonmark-spec/spec.txt" "$TMP/specbook/index.md"
	check spec "$TMP/specbook"
else
	skip spec "$SHARED/corpora/commonmark-spec not present"
fi
exit 0
