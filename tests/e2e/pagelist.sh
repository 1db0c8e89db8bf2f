#!/bin/bash
# tests/e2e/pagelist.sh - the EPUB's print page numbers (issue 12, EPUB
# side): the page-list in nav.xhtml and the pageList in toc.ncx have one
# entry per PDF page, in order, with the PDF's page labels (qpdf); every
# entry leads to a page-break marker that exists; the word after each
# marker is the word the pagination names (FOLIO_PAGINATION_DUMP) and
# opens that page of the PDF (pdftotext); the OPF names the print source;
# EPUBCheck stays clean; --epub alone and a PDF+EPUB build give
# byte-identical EPUBs.
# Books: the bundled book/ (also --duplex) and ../shared/corpora/perf-book.
# Run from the repository root (see tests/run).
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
. tests/lib.sh

if [ ! -x "$FOLIO" ]; then
	fail "pagelist: folio binary" "$FOLIO is missing; run make first"
	exit 1
fi
need_tools pagelist pdftotext qpdf python3

cat >"$TMP/pagelist.py" <<'PY'
import json, re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/", "epub": "http://www.idpf.org/2007/ops",
      "dc": "http://purl.org/dc/elements/1.1/"}
X = "{%s}" % NS["x"]
EPUB_TYPE = "{%s}type" % NS["epub"]
ALNUM = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")
name, epub, pdf, dump = sys.argv[1:5]

def check(what, ok, why=""):
    print("PASS: %s: %s" % (name, what) if ok else "FAIL: %s: %s: %s" % (name, what, why))

def roman(n, upper):
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                 (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out += s
            n -= v
    return out.upper() if upper else out

def letters(n, upper):
    s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return s.upper() if upper else s

def pdf_labels(pdf, npages):
    """The printed label of every page, from the PDF's /PageLabels."""
    j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=pagelabels", pdf],
                                  capture_output=True, text=True).stdout)
    ranges = j.get("pagelabels") or []
    out = []
    for p in range(npages):
        r = [x for x in ranges if x["index"] <= p]
        if not r:
            out.append(str(p + 1))
            continue
        r = r[-1]
        lab = r["label"]
        n = lab.get("/St", 1) + p - r["index"]
        style = lab.get("/S", "")
        prefix = lab.get("/P", "")
        prefix = prefix[2:] if prefix.startswith("u:") else prefix
        body = {"/D": str(n), "/r": roman(n, False), "/R": roman(n, True),
                "/a": letters(n, False), "/A": letters(n, True)}.get(style, "")
        out.append(prefix + body)
    return out

z = zipfile.ZipFile(epub)
docs = {}
def doc(href):
    if href not in docs:
        docs[href] = ET.fromstring(z.read("OEBPS/" + href))
    return docs[href]

# ---- the page-list and the NCX pageList
nav = doc("nav.xhtml")
pl = [n for n in nav.iter(X + "nav") if n.get(EPUB_TYPE) == "page-list"]
entries = [(a.get("href"), "".join(a.itertext())) for a in pl[0].iter(X + "a")] if pl else []
pages = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", pdf, "-"],
                       capture_output=True, text=True).stdout.split("\f")
npages = len(pages) - 1 if pages and not pages[-1].strip() else len(pages)
labels = pdf_labels(pdf, npages)
check("page-list has one entry per PDF page (%d entries, %d pages)" % (len(entries), npages),
      len(entries) == npages)
check("page-list labels are the PDF's, in order",
      [e[1] for e in entries] == labels,
      "first differences: %s" % [(i, e[1], l) for i, (e, l) in enumerate(zip(entries, labels)) if e[1] != l][:4])
check("page-list nav is hidden", bool(pl) and pl[0].get("hidden") is not None)

ncx = ET.fromstring(z.read("OEBPS/toc.ncx"))
targets = [(t.find("ncx:content", NS).get("src"), t.find("ncx:navLabel/ncx:text", NS).text)
           for t in ncx.iter("{%s}pageTarget" % NS["ncx"])]
check("toc.ncx pageList equals the page-list", targets == entries,
      "%d targets vs %d entries" % (len(targets), len(entries)))

# ---- every entry leads to a marker that exists, once
markers = {}
for href in sorted({e[0].split("#")[0] for e in entries}):
    for el in doc(href).iter():
        if el.get(EPUB_TYPE) == "pagebreak":
            ok = el.get("role") == "doc-pagebreak" and el.tag == X + "span" and len(el) == 0
            markers[(href, el.get("id"))] = (el, el.get("aria-label"), ok)
bad = []
for href, label in entries:
    f, _, frag = href.partition("#")
    m = markers.get((f, frag))
    if not m:
        bad.append("%s: no marker" % href)
    elif m[1] != label or not m[2]:
        bad.append("%s: label %r, role/element ok %s" % (href, m[1], m[2]))
check("every entry leads to its marker (empty span, doc-pagebreak, aria-label = label)",
      not bad and entries, "; ".join(bad[:4]) or "no entries")
check("one marker per entry", len(markers) == len(entries),
      "%d markers, %d entries" % (len(markers), len(entries)))

# ---- the OPF names the print source
opf = ET.fromstring(z.read("OEBPS/content.opf"))
src = opf.find(".//dc:source", NS)
refine = [m for m in opf.iter("{%s}meta" % NS["opf"])
          if src is not None and m.get("refines") == "#" + (src.get("id") or "") and m.get("property") == "source-of"]
feats = [m.text for m in opf.iter("{%s}meta" % NS["opf"]) if m.get("property") == "schema:accessibilityFeature"]
check("OPF: dc:source names the print edition (source-of pagination), page features declared",
      src is not None and (src.text or "").startswith("urn:uuid:") and refine and refine[0].text == "pagination"
      and "pageBreakMarkers" in feats and "pageNavigation" in feats and "printPageNumbers" in feats,
      "source %r, features %s" % (src.text if src is not None else None, feats))

# ---- the word after each marker: the pagination's word, on its PDF page
def text_after(root, target, limit=200):
    """Text in document order after element target (writer-added
    reference and note numbers left out), up to limit characters."""
    out, seen = [], [False]
    def walk(el):
        if sum(map(len, out)) > limit:
            return
        skip = el.tag == X + "sup" or {"known-note", "task"} & set((el.get("class") or "").split())
        if el is target:
            seen[0] = True
        elif seen[0] and not skip and el.text:
            out.append(el.text)
        if not skip:
            for c in el:
                walk(c)
                if seen[0] and c.tail:
                    out.append(c.tail)
    walk(root)
    return "".join(out)

rows = [l.rstrip("\n").split(" ") for l in open(dump) if l.startswith("mark ")] if dump != "-" else []
by_page = {int(r[1]): r for r in rows}
checked, wrong, unchecked = 0, [], 0
for i, (href, label) in enumerate(entries):
    r = by_page.get(i)
    if not r or len(r) < 9 or r[5] == "-" or r[3] == "front":
        unchecked += 1
        continue
    f, _, frag = href.partition("#")
    el = markers[(f, frag)][0]
    after = text_after(doc(f), el)
    first = after.split()[0] if after.split() else ""
    want = " ".join(r[8:])
    key = "".join(ALNUM.findall(first))
    wkey = "".join(ALNUM.findall(want))
    checked += 1
    if key != wkey and not (key and wkey and (key.startswith(wkey) or wkey.startswith(key))):
        wrong.append("p.%s: EPUB word %r, pagination's %r" % (label, first[:40], want[:40]))
        continue
    stream = "".join(ALNUM.findall(pages[i]))
    # the running head comes first; hyphenated words rejoin in letters
    probe = "".join(ALNUM.findall(" ".join(after.split()[:3])))[:40] or key
    at = stream.find(probe)
    ok = 0 <= at <= 200 or (key and 0 <= stream.find(key) <= 200)
    if not ok and r[5] in ("cell", "code") and key:
        it = iter(stream[:3000])
        ok = all(c in it for c in key)
    if not ok:
        wrong.append("p.%s: %r not at the top of the PDF page: %s" % (label, probe[:30], stream[:60]))
check("the word after each marker is the pagination's and opens its PDF page (%d pages checked, %d without text)"
      % (checked, unchecked), checked > 0 and not wrong, "; ".join(wrong[:4]))

# ---- pages of the print Resources appendix: the pagination names the
# entry that opens each page (page_mark.resource), and its marker stands
# right before that entry; only the appendix's opening page (after a blank
# verso in a duplex book) waits at the appendix's start, before its title
app = [(i, e) for i, e in enumerate(entries) if by_page.get(i) and by_page[i][3] == "body"
       and by_page[i][4] == "-1" and e[0].startswith("resources.xhtml#")]
in_entry = {el for root in [doc("resources.xhtml")] if app for li in root.iter(X + "li") for el in li}
at_start = [n for n, (i, e) in enumerate(app) if markers[tuple(e[0].split("#", 1))][0] not in in_entry]
if app:
    check("only the appendix's opening page waits at its start (%d of %d pages)" % (len(at_start), len(app)),
          at_start == list(range(len(at_start))) and 1 <= len(at_start) <= 2,
          "pages at the start: %s" % ", ".join(app[n][1][1] for n in at_start))
    wrong = []
    for i, (href, label) in app[len(at_start):]:
        f, _, frag = href.partition("#")
        after = text_after(doc(f), markers[(f, frag)][0])
        probe = "".join(ALNUM.findall(" ".join(after.split()[:4])))[:30]
        at = "".join(ALNUM.findall(pages[i])).find(probe)
        if not (0 <= at <= 200):
            wrong.append("p.%s: %r at %d" % (label, probe, at))
    check("each appendix page's marker stands before the entry that opens it (%d pages)"
          % (len(app) - len(at_start)), not wrong, "; ".join(wrong[:4]))
PY

epub_file() { ls "$1"/*.epub 2>/dev/null | head -n 1; }
pdf_file() { ls "$1"/*.pdf 2>/dev/null | head -n 1; }

epubcheck() {
	if [ ! -f "$EPUBCHECK" ] || ! command -v java >/dev/null 2>&1; then
		skip "$1: epubcheck" "java or $EPUBCHECK not installed (make test-deps)"
		return
	fi
	java -jar "$EPUBCHECK" "$2" >"$TMP/check.out" 2>&1
	summary=$(grep -E '^Messages: ' "$TMP/check.out" | tail -n 1)
	if echo "$summary" | grep -qE '^Messages: 0 fatals / 0 errors / 0 warnings'; then
		pass "$1: epubcheck ($summary)"
	else
		fail "$1: epubcheck" "${summary:-no summary}; $(grep -E '^(FATAL|ERROR|WARNING)' "$TMP/check.out" | head -n 5 | tr '\n' ' ')"
	fi
}

# book NAME DIR [FOLIO OPTIONS...]
book() {
	name=$1 dir=$2
	shift 2
	both="$TMP/$name-both" alone="$TMP/$name-alone"
	if ! FOLIO_PAGINATION_DUMP="$TMP/$name.marks" "$FOLIO" build "$dir" -o "$both" -q "$@" \
		>"$both.log" 2>&1 || [ -z "$(epub_file "$both")" ] || [ -z "$(pdf_file "$both")" ]; then
		fail "$name: build" "$(tail -n 3 "$both.log" | tr '\n' ' ')"
		return
	fi
	if ! "$FOLIO" build "$dir" -o "$alone" --epub -q "$@" >"$alone.log" 2>&1 ||
	   [ -z "$(epub_file "$alone")" ]; then
		fail "$name: --epub build" "$(tail -n 3 "$alone.log" | tr '\n' ' ')"
		return
	fi
	if cmp -s "$(epub_file "$both")" "$(epub_file "$alone")"; then
		pass "$name: --epub alone and PDF+EPUB give byte-identical EPUBs"
	else
		fail "$name: --epub alone" "the EPUB differs from the PDF+EPUB build's"
	fi
	dump="$TMP/$name.marks"
	[ -s "$dump" ] || dump=-
	python3 "$TMP/pagelist.py" "$name" "$(epub_file "$both")" "$(pdf_file "$both")" "$dump"
	epubcheck "$name" "$(epub_file "$both")"
}

book book book
book book-duplex book --duplex
perf="$SHARED/corpora/perf-book"
if [ -d "$perf" ]; then
	book perf-book "$perf"
else
	skip "perf-book" "$perf not present"
fi
exit 0
