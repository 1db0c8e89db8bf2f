#!/bin/bash
# tests/e2e/resources_pdf.sh - the PDF's Resources appendix and reference
# numbers (issue 7, PDF side).
#
# On the bundled book and ../shared/corpora/perf-book (skipped if absent):
#   count     the appendix has one entry per distinct normalised URL,
#             counted here from the Markdown with cmark-gfm, and as many
#             as build.json's "resources"
#   numbers   every reference number in the body is a link to the entry
#             (numbered so) whose URL is the cited link's URL
#   cited     every "cited on" page number leads to that page, and the
#             page holds the citing link's text (pdftotext -f N -l N)
#   contents  the appendix is in the contents and the outline, and its
#             pages carry its running head
#   stable    a second build, from a copy of the book elsewhere, numbers
#             the entries the same
# And the style's other modes: links.references = footnotes (URLs at the
# page foot, the PDF still checks out) and none (no numbers).
. tests/lib.sh

need_tools resources-pdf qpdf pdftotext pdfinfo python3 cmark-gfm

# build NAME BOOK_DIR [options]: PDF and dump into $TMP/NAME
build() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$TMP/$name"
	FOLIO_LAYOUT_DUMP="$TMP/$name.dump" "$FOLIO" build "$dir" -o "$TMP/$name" --pdf -q "$@" \
		2>"$TMP/$name.err"
	local rc=$?
	PDF=$(ls "$TMP/$name"/*.pdf 2>/dev/null | head -n 1)
	if [ "$rc" -gt 1 ] || [ -z "$PDF" ]; then
		fail "$name-build" "exit status $rc: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	return 0
}

cat >"$TMP/check.py" <<'PY'
"""Checks the Resources appendix of one PDF against its Markdown."""
import functools, json, math, re, subprocess, sys, xml.etree.ElementTree as ET

name, pdf, dump, book, mode = sys.argv[1:6]
WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")

def result(check, ok, why=""):
    print("PASS: %s-%s" % (name, check) if ok else "FAIL: %s-%s: %s" % (name, check, why))

def normalise(url):
    """Scheme and host lowercased, default port and a trailing '#'
    dropped; path and query kept exactly (issue 7)."""
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(//([^/?#]*))?(.*)$", url, re.S)
    if not m:
        return url
    scheme, auth, rest = m.group(1).lower(), m.group(3), m.group(4)
    out = scheme + ":"
    if m.group(2) is not None:
        user, _, host = auth.rpartition("@")
        port = ""
        hm = re.match(r"(.*?)(:(\d*))?$", host)
        if hm and not host.endswith("]"):
            host, port = hm.group(1), hm.group(3) or ""
        if port in ("", {"http": "80", "https": "443"}.get(scheme)):
            port = ""
        out += "//" + (user + "@" if user else "") + host.lower() + (":" + port if port else "")
    if rest.endswith("#"):
        rest = rest[:-1]
    return out + rest

# ---- The Markdown, read independently of folio ---------------------------
chapters, site = [], None
for line in open(dump):
    p = line.split()
    if p[0] == "chapter":
        chapters.append(book + "/" + " ".join(p[2:]))
try:
    toml = open(book + "/book.toml").read()
    m = re.search(r'site-url\s*=\s*"(https?://[^"]+/)"', toml)
    site = m.group(1) if m else None
    src = re.search(r'^src\s*=\s*"([^"]+)"', toml, re.M)
    chapters = [c.replace(book + "/", book + "/" + (src.group(1) if src else "src") + "/", 1)
                if not c.startswith(book + "/src/") else c for c in chapters]
except OSError:
    pass

texts = {}      # normalised URL -> link texts
def link_text(node):
    return "".join(node.itertext())
for path in chapters:
    xml = subprocess.run(["cmark-gfm", "-t", "xml", "-e", "table", "-e", "footnotes",
                          "-e", "strikethrough", "-e", "tasklist", "-e", "autolink", path],
                         capture_output=True, text=True).stdout
    xml = re.sub(r'\sxmlns="[^"]+"', "", xml, count=1)
    xml = xml.replace("<<unknown> />", "<fnref />").replace("<<unknown>>", "<fndef>").replace("</<unknown>>", "</fndef>")
    for link in ET.fromstring(xml).iter("link"):
        url = link.get("destination", "")
        if not re.match(r"(?i)(https?|mailto):", url):
            continue
        if site and url.startswith(site) and re.sub(r"[#?].*", "", url[len(site):]).endswith(".html"):
            continue  # a page of this book: a chapter link
        texts.setdefault(normalise(url), []).append(link_text(link))

# ---- The PDF --------------------------------------------------------------
j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=pages", "--json-key=qpdf", pdf],
                              capture_output=True, text=True).stdout)
objs = j["qpdf"][1]
def val(v):
    return objs["obj:" + v]["value"] if isinstance(v, str) and v.endswith(" R") else v
pageno = {p["object"]: p["pageposfrom1"] for p in j["pages"]}
height = {}
annots = {}     # page -> [(rect, kind, target)]
for p in j["pages"]:
    n = p["pageposfrom1"]
    pg = val(p["object"])
    height[n] = float(val(pg["/MediaBox"])[3])
    for a in val(pg.get("/Annots", [])) or []:
        a = val(a)
        rect = [float(x) for x in val(a["/Rect"])]
        if "/A" in a:
            act = val(a["/A"])
            annots.setdefault(n, []).append((rect, "uri", act["/URI"][2:]))
        elif "/Dest" in a:
            d = val(a["/Dest"])
            annots.setdefault(n, []).append((rect, "goto", (pageno[d[0]], float(d[3]))))

pages = {}
nfront, appendix = 0, None
for line in open(dump):
    p = line.split()
    if p[0] == "page":
        pages[int(p[1])] = p
        if p[-1] == "front":
            nfront += 1
    elif p[0] == "appendix":
        appendix = int(p[1])
npages = len(pages)

ALLWORDS = {}
page = 0
for line in subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout.splitlines():
    if "<page " in line:
        page += 1
        continue
    m = re.search(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*)</word>', line)
    if m:
        ALLWORDS.setdefault(page, []).append(tuple(float(m.group(i)) for i in range(1, 5)) + (m.group(5),))

def crop_text(page, rect):
    """The words whose middle lies inside a link's rectangle."""
    x0, y0, x1, y1 = rect
    h = height[page]
    got = [w[4] for w in ALLWORDS.get(page, [])
           if x0 <= (w[0] + w[2]) / 2 <= x1 and h - y1 <= (w[1] + w[3]) / 2 <= h - y0]
    out = " ".join(got)
    m = re.match(r"\s*(\d+)\s*[.,;:)!?]?\s*$", out)
    return m.group(1) if m else out.strip()

@functools.lru_cache(maxsize=None)
def page_text(page, raw=True):
    return subprocess.run(["pdftotext"] + (["-raw"] if raw else []) +
                          ["-enc", "UTF-8", "-f", str(page), "-l", str(page), pdf, "-"],
                          capture_output=True, text=True).stdout

if appendix is None:
    result("appendix", False, "no appendix in the layout dump")
    sys.exit(0)

# Entries: their numbers as printed in the appendix, each with the
# position of its first line; the URL link under it.
bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(appendix), "-l", str(npages), pdf, "-"],
                      capture_output=True, text=True).stdout
entries = []   # (page, ytop in PDF coordinates, number)
page = appendix - 1
for line in bbox.splitlines():
    if "<page " in line:
        page += 1
        continue
    m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\d+)\.</word>', line)
    # An entry's number hangs right-aligned before the entry's text
    # (2.4 em in, less a gap of 0.45 em); a group heading's chapter
    # number starts at the margin.
    if m and abs(float(m.group(3)) - (float(pages[page][7]) + 1.95 * 10.5)) < 2:
        entries.append((page, height[page] - float(m.group(2)), int(m.group(5))))
numbers = [e[2] for e in entries]
entry_url = {}
for k, (pg, y, num) in enumerate(entries):
    nxt = entries[k + 1] if k + 1 < len(entries) else (pg + 1, 1e9, 0)
    for rect, kind, target in annots.get(pg, []):
        if kind == "uri" and rect[3] <= y + 1 and (nxt[0] != pg or rect[3] > nxt[1] + 1):
            entry_url.setdefault(num, target)
    if num not in entry_url and nxt[0] != pg:
        for rect, kind, target in annots.get(pg + 1, []):
            if kind == "uri" and (nxt[0] != pg + 1 or rect[3] > nxt[1] + 1):
                entry_url.setdefault(num, target)
                break

bj = json.load(open(dump.replace(".dump", "") + "/build.json"))
want = len(texts)
result("count", numbers == list(range(1, want + 1)) and bj["book"]["resources"] == want,
       "%d entries numbered %s..., %d distinct URLs in the Markdown, build.json says %d"
       % (len(numbers), numbers[:5], want, bj["book"]["resources"]))
result("entry-urls", len(entry_url) == len(numbers) and
       all(normalise(u) in texts for u in entry_url.values()),
       "%d of %d entries with a URL; not in the Markdown: %s" %
       (len(entry_url), len(numbers), [u for u in entry_url.values() if normalise(u) not in texts][:3]))
# The URL is printed in full on the entry's lines (broken without hyphens).
printed = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(appendix), pdf, "-"],
                         capture_output=True, text=True).stdout
joined = re.sub(r"\s+", "", printed)
missing = [u for u in entry_url.values() if re.sub(r"\s+", "", u) not in joined]
result("urls-printed", not missing, "not printed: %s" % missing[:3])

# Reference numbers: in the body, a link to an appendix entry right after
# the link it numbers.
def entry_at(page, y):
    for pg, top, num in entries:
        if pg == page and abs(top - y) < 14:
            return num
    return None

nrefs, bad = 0, []
for page in range(nfront + 1, appendix):
    uris = [(r, t) for r, k, t in annots.get(page, []) if k == "uri"]
    for rect, kind, target in annots.get(page, []):
        if kind != "goto" or target[0] < appendix:
            continue
        if mode == "footnotes":
            continue
        nrefs += 1
        num = entry_at(*target)
        shown = crop_text(page, rect)
        before = [u for r, u in uris if abs(r[1] - rect[1]) < 4 and abs(r[2] - rect[0]) < 1.5]
        if num is None or shown != str(num):
            bad.append("p%d: number '%s' leads to %s (entry %s)" % (page, shown, target, num))
        elif not before or normalise(before[-1]) != normalise(entry_url.get(num, "")):
            bad.append("p%d: number %d after %s, entry's URL %s" % (page, num, before[-1:] or "no link", entry_url.get(num)))
if mode == "none":
    result("no-numbers", nrefs == 0, "%d reference numbers" % nrefs)
elif mode == "numbers":
    result("numbers", nrefs > 0 and not bad, "%d numbers; %s" % (nrefs, "; ".join(bad[:3])))

# "Cited on" pages: each number leads to its page, which holds the text of
# a link to the entry's URL.
ncited, bad = 0, []
for page in range(appendix, npages + 1):
    for rect, kind, target in annots.get(page, []):
        if kind != "goto" or target[0] >= appendix:
            continue
        ncited += 1
        label = crop_text(page, rect)
        tpage = target[0]
        if label != str(tpage - nfront):
            bad.append("p%d: '%s' leads to page %d (label %d)" % (page, label, tpage, tpage - nfront))
            continue
        num = None
        for pg, top, n in entries:
            if (pg, -top) <= (page, -rect[3]):
                num = n
        url = normalise(entry_url.get(num, ""))
        here = "".join(WORD.findall(page_text(tpage)))
        there = here + "".join(WORD.findall(page_text(tpage + 1))) if tpage + 1 < appendix else here
        ok = False
        for t in texts.get(url, []):
            w = WORD.findall(t)
            if not w or (w[0] in here and "".join(w) in there):
                ok = True
                break
        if not ok:
            bad.append("p%d: entry %s cited on p.%s, which has none of %s" % (page, num, label, texts.get(url, [])[:2]))
result("cited", ncited >= len(numbers) and not bad, "%d page links; %s" % (ncited, "; ".join(bad[:3])))

# Contents, outline and running heads.
toc = [l.split(None, 4) for l in open(dump) if l.startswith("toc ")]
outline = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf],
                                    capture_output=True, text=True).stdout)["outlines"]
head = [page_text(p, False).strip().split("\n")[0].strip() for p in range(appendix + 1, min(npages, appendix + 3) + 1)]
result("contents", any(t[4].strip() == "Resources" and int(t[1]) == appendix for t in toc) and
       any(o["title"] == "Resources" and pageno.get(o["dest"][0]) == appendix for o in outline) and
       all(h == "Resources" for h in head),
       "toc %s, outline %s, heads %s" % (toc[-1:], [o["title"] for o in outline][-2:], head))
with open(dump + ".entries", "w") as f:
    for num in numbers:
        f.write("%d %s\n" % (num, entry_url.get(num)))
PY

check() {
	local name=$1 dir=$2 mode=$3
	shift 3
	build "$name" "$dir" "$@" || return
	if qpdf --check "$PDF" >/dev/null 2>&1; then pass "$name-qpdf"; else fail "$name-qpdf" "qpdf --check"; fi
	python3 "$TMP/check.py" "$name" "$PDF" "$TMP/$name.dump" "$dir" "$mode"
}

check book book numbers
if [ -d "$SHARED/corpora/perf-book" ]; then
	check perf "$SHARED/corpora/perf-book" numbers
	# Stable numbering: the same entries, numbered the same, when the
	# book is built again from a copy in another folder.
	cp -r "$SHARED/corpora/perf-book" "$TMP/perf-copy"
	check perf2 "$TMP/perf-copy" numbers
	if [ -s "$TMP/perf.dump.entries" ] && cmp -s "$TMP/perf.dump.entries" "$TMP/perf2.dump.entries"; then
		pass perf-numbering-stable
	else
		fail perf-numbering-stable "entries differ between two builds"
	fi
else
	skip perf "$SHARED/corpora/perf-book not present"
fi

# The other styles of reference: footnoted URLs, and none.
for mode in footnotes none; do
	data="$TMP/data-$mode"
	mkdir -p "$data/styles"
	ln -sfn "$PWD/fonts" "$data/fonts"
	sed "s/^references = .*/references = $mode/" styles/print.ini >"$data/styles/print.ini"
	FOLIO_DATA_DIR="$data" check "book-$mode" book "$mode"
	if [ "$mode" = footnotes ] && [ -n "$PDF" ]; then
		python3 tests/e2e/pdfcheck.py "book-$mode" "$PDF" "$TMP/book-$mode.dump" book 2>&1 |
			grep -E '^(PASS|FAIL)'
		# Each footnoted URL is printed at the foot of a page.
		n=$(pdftotext -raw "$PDF" - 2>/dev/null | grep -cE '^[0-9]+ (https?|mailto):')
		if [ "$n" -gt 0 ]; then pass book-footnotes-urls; else fail book-footnotes-urls "no URL at a page foot"; fi
	fi
done
exit 0
