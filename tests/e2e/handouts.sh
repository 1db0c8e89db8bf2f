#!/bin/bash
# tests/e2e/handouts.sh - instructor handouts (issue 8): folio handouts.
#
# For the bundled book: one PDF per module in OUT/handouts/, each
# qpdf --check clean, holding exactly its module's chapters (their opening
# words, from the Markdown, found with pdftotext; the others' not), with a
# title block, its own contents and Resources list (one entry per URL its
# chapters cite), "Module N · page P" folios, links out printed as
# "(see Module M, ...)", the page checks of pdfcheck.py; listed in
# build.json and SHA256SUMS; byte-identical when built again from another
# folder; US Letter and duplex apply.
. tests/lib.sh

need_tools handouts qpdf pdftotext pdfinfo python3 cmark-gfm

OUT="$TMP/h1"
mkdir -p "$TMP/dumps"
if SOURCE_DATE_EPOCH=1700000000 FOLIO_HANDOUT_DUMP="$TMP/dumps" "$FOLIO" handouts book -o "$OUT" -q \
	2>"$TMP/h1.err"; then
	pass handouts-build
else
	fail handouts-build "exit status $?: $(head -c 300 "$TMP/h1.err")"
	exit 0
fi

n=$(ls "$OUT"/handouts/module*.pdf 2>/dev/null | wc -l)
if [ "$n" = 5 ]; then pass handouts-five-modules; else fail handouts-five-modules "$n handouts: $(ls "$OUT/handouts" | tr '\n' ' ')"; fi

bad=""
for f in "$OUT"/handouts/*.pdf; do
	qpdf --check "$f" >/dev/null 2>&1 || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then pass handouts-qpdf; else fail handouts-qpdf "qpdf --check fails:$bad"; fi

python3 - "$OUT" book <<'PY'
import json, re, subprocess, sys, glob, os, xml.etree.ElementTree as ET
out, book = sys.argv[1:3]
WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")

def result(check, ok, why=""):
    print("PASS: handouts-%s" % check if ok else "FAIL: handouts-%s: %s" % (check, why))

def text(pdf, first=None, last=None, raw=True):
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(cmd + [pdf, "-"], capture_output=True, text=True).stdout

def stream(s):
    return "".join(WORD.findall(s))

# The modules, found here independently: the root page links module
# folders' index pages; a module is every chapter file under its folder.
root = open(book + "/index.md").read()
mods = []
for m in re.finditer(r"\]\((module\d+)/index\.md\)", root):
    if m.group(1) not in mods:
        mods.append(m.group(1))
def opening(path):
    """The chapter's first heading and the first words after it, up to
    the first link (a handout may add "(see Module 2, ...)" after one)."""
    src = open(path).read()
    h = re.search(r"^# (.+)$", src, re.M).group(1)
    rest = src[src.index(h) + len(h):]
    rest = re.split(r"\[|`|\|", rest)[0]
    return stream(h), stream(" ".join(rest.split()[:12]))
chapters = {}
for mod in mods:
    chapters[mod] = sorted(glob.glob("%s/%s/**/*.md" % (book, mod), recursive=True))

# The distinct external URLs of some Markdown files (cmark-gfm).
def urls(files):
    seen = set()
    for f in files:
        xml = subprocess.run(["cmark-gfm", "-t", "xml", "-e", "table", "-e", "footnotes", "-e",
                              "autolink", "-e", "strikethrough", "-e", "tasklist", f],
                             capture_output=True, text=True).stdout
        xml = re.sub(r'\sxmlns="[^"]+"', "", xml, count=1)
        xml = xml.replace("<<unknown> />", "<fnref />").replace("<<unknown>>", "<fndef>").replace("</<unknown>>", "</fndef>")
        for link in ET.fromstring(xml).iter("link"):
            u = link.get("destination", "")
            if re.match(r"(?i)(https?|mailto):", u):
                m = re.match(r"([^:]+):(//[^/?#]*)?(.*)", u)
                seen.add(m.group(1).lower() + ":" + (m.group(2) or "").lower() + re.sub(r"#$", "", m.group(3)))
    return seen
pdfs = sorted(glob.glob(out + "/handouts/*.pdf"))
result("names", [os.path.basename(p)[:7] for p in pdfs] == ["module%d" % (i + 1) for i in range(len(mods))]
       and all(re.fullmatch(r"module\d+-[a-z0-9-]+\.pdf", os.path.basename(p)) for p in pdfs),
       "%s" % [os.path.basename(p) for p in pdfs])

wrong = []
for k, mod in enumerate(mods):
    pdf = next((p for p in pdfs if os.path.basename(p).startswith("module%d-" % (k + 1))), None)
    if not pdf:
        wrong.append("no handout for %s" % mod)
        continue
    body = stream(text(pdf))
    for other, files in chapters.items():
        for f in files:
            h, p = opening(f)
            present = h + p in body
            if present != (other == mod):
                wrong.append("%s: %s %s" % (os.path.basename(pdf), f, "missing" if other == mod else "present"))
    # nothing of the root page (not in any module)
    h, p = opening(book + "/index.md")
    if p in body:
        wrong.append("%s: holds the root page" % os.path.basename(pdf))
result("exact-chapters", not wrong, "; ".join(wrong[:4]))

# Title block, folios, contents and outline.
bad = []
for k, pdf in enumerate(pdfs, 1):
    first = text(pdf, 1, raw=False)
    if "Expert Level" not in first or "Module %d" % k not in first or "Contents" not in first:
        bad.append("%s: title block %r" % (os.path.basename(pdf), first[:80]))
    pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True,
                                                              text=True).stdout, re.M).group(1))
    for p in range(2, pages + 1):
        t = text(pdf, p, raw=False)
        if "Module %d \u00b7 page %d" % (k, p) not in t:
            bad.append("%s p%d: no folio 'Module %d \u00b7 page %d'" % (os.path.basename(pdf), p, k, p))
            break
    o = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf], capture_output=True,
                                  text=True).stdout)["outlines"]
    titles = [x["title"] for x in o]
    cites = bool(urls(chapters[mods[k - 1]]))
    if len(titles) != len(chapters[mods[k - 1]]) + cites or (cites and titles[-1] != "Resources"):
        bad.append("%s: outline %s" % (os.path.basename(pdf), titles))
result("title-folios-outline", not bad, "; ".join(bad[:3]))

# Links out of the module: "(see Module M, ...)", M another module.
sees, bad = 0, []
for k, pdf in enumerate(pdfs, 1):
    for m in re.finditer(r"\(see Module\s+(\d+),", text(pdf)):
        sees += 1
        if int(m.group(1)) == k or not 1 <= int(m.group(1)) <= len(pdfs):
            bad.append("%s: %s" % (os.path.basename(pdf), m.group(0)))
result("links-out", sees > 0 and not bad, "%d 'see Module' notes; %s" % (sees, bad[:3]))

# Each handout's Resources: one entry per distinct URL its chapters cite,
# from the page the outline's "Resources" leads to.
bad = []
for k, pdf in enumerate(pdfs, 1):
    want = len(urls(chapters[mods[k - 1]]))
    j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", "--json-key=pages", pdf],
                                  capture_output=True, text=True).stdout)
    pageno = {p["object"]: p["pageposfrom1"] for p in j["pages"]}
    at = [pageno[o["dest"][0]] for o in j["outlines"] if o["title"] == "Resources"]
    nums = []
    if at:
        t = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(at[0]), pdf, "-"],
                           capture_output=True, text=True).stdout
        nums = re.findall(r"^\s*(\d+)\.\s", t, re.M)
    if [int(x) for x in nums] != list(range(1, want + 1)):
        bad.append("%s: entries %s, %d URLs cited" % (os.path.basename(pdf), nums[:3] + ["..."] + nums[-2:], want))
result("resources", not bad, "; ".join(bad[:3]))

# build.json lists each handout.
bj = json.load(open(out + "/handouts/build.json"))
arts = [a for a in bj["artifacts"] if a["format"] == "handout"]
result("build-json", len(arts) == len(pdfs) and all(a["pages"] > 1 for a in arts),
       "%s" % [(a["file"], a.get("pages")) for a in arts])
PY

# The page checks (text fidelity, nothing outside the text block, no
# widows or orphans, contents and links) on each handout's layout dump.
for f in "$OUT"/handouts/*.pdf; do
	name=$(basename "$f" .pdf)
	python3 tests/e2e/pdfcheck.py "$name" "$f" "$TMP/dumps/$name.dump" book 2>&1 |
		grep -E '^(PASS|FAIL|SKIP)'
done

# SHA256SUMS verifies from the output folder.
# The handouts' manifest lives beside them and leaves the book's alone.
if (cd "$OUT/handouts" && sha256sum -c SHA256SUMS >/dev/null 2>&1) &&
   [ "$(grep -c '  module' "$OUT/handouts/SHA256SUMS")" = 5 ] && [ -f "$OUT/handouts/build.json" ]; then
	pass handouts-sha256sums
else
	fail handouts-sha256sums "$(cd "$OUT/handouts" && sha256sum -c SHA256SUMS 2>&1 | head -n 3 | tr '\n' ' ')"
fi

# Reproducible: a copy of the book in another folder, built from another
# working directory with another umask, gives the same bytes.
mkdir -p "$TMP/elsewhere/work"
cp -r book "$TMP/elsewhere/book"
folio_abs=$(cd "$(dirname "$FOLIO")" && pwd)/$(basename "$FOLIO")
(cd "$TMP/elsewhere/work" && umask 077 && SOURCE_DATE_EPOCH=1700000000 FOLIO_DATA_DIR="$OLDPWD" \
	"$folio_abs" handouts ../book -o ../h2 -q 2>/dev/null)
same=1
for f in "$OUT"/handouts/*.pdf; do
	cmp -s "$f" "$TMP/elsewhere/h2/handouts/$(basename "$f")" || same=0
done
if [ "$same" = 1 ] && [ -n "$(ls "$TMP/elsewhere/h2/handouts" 2>/dev/null)" ]; then
	pass handouts-reproducible
else
	fail handouts-reproducible "handouts differ between two builds"
fi

# --paper letter and --duplex apply to handouts.
if "$FOLIO" handouts book -o "$TMP/h3" --paper letter --duplex -q 2>/dev/null; then
	f=$(ls "$TMP"/h3/handouts/module1-*.pdf 2>/dev/null | head -n 1)
	size=$(pdfinfo "$f" 2>/dev/null | awk '/^Page size/ {print $3 "x" $5}')
	if [ "$size" = "612x792" ] && qpdf --check "$f" >/dev/null 2>&1; then
		pass handouts-letter-duplex
	else
		fail handouts-letter-duplex "page size $size"
	fi
else
	fail handouts-letter-duplex "build failed"
fi

# An mdBook book whose first page links no chapter: its top-level chapters
# (SUMMARY.md) are the modules.
SHARED=${SHARED:-../shared}
if [ -d "$SHARED/corpora/perf-book" ]; then
	mkdir -p "$TMP/pdumps"
	FOLIO_HANDOUT_DUMP="$TMP/pdumps" "$FOLIO" handouts "$SHARED/corpora/perf-book" -o "$TMP/h5" -q 2>/dev/null
	# SUMMARY.md's top-level chapter lines after the title page ("- [...](...)")
	want=$(grep -cE '^- \[[^]]+\]\([^)]+\.md\)' "$SHARED/corpora/perf-book/src/SUMMARY.md")
	got=$(ls "$TMP"/h5/handouts/*.pdf 2>/dev/null | wc -l)
	bad=""
	for f in "$TMP"/h5/handouts/*.pdf; do
		qpdf --check "$f" >/dev/null 2>&1 || bad="$bad $(basename "$f")"
	done
	if [ "$got" -gt 1 ] && [ "$got" = "$want" ] && [ -z "$bad" ]; then
		pass perf-handouts
	else
		fail perf-handouts "$got handouts for $want top-level chapters; qpdf fails:$bad"
	fi
	for f in $(ls "$TMP"/h5/handouts/*.pdf 2>/dev/null | sed -n '1p;5p;$p'); do
		name=$(basename "$f" .pdf)
		python3 tests/e2e/pdfcheck.py "perf-$name" "$f" "$TMP/pdumps/$name.dump" \
			"$SHARED/corpora/perf-book" 2>&1 | grep -E '^(PASS|FAIL|SKIP)'
	done
else
	skip perf-handouts "$SHARED/corpora/perf-book not present"
fi

# folio.ini [handouts] modules overrides the derived modules.
mkdir -p "$TMP/custom"
cp -r book/. "$TMP/custom/"
printf '\n[handouts]\nmodules = module2/index.md, module4/index.md, nosuch.md\n' >>"$TMP/custom/folio.ini"
"$FOLIO" handouts "$TMP/custom" -o "$TMP/h4" -q 2>"$TMP/h4.err"
names=$(ls "$TMP/h4/handouts" 2>/dev/null | grep "\.pdf$" | tr '\n' ' ')
if [ "$names" = "module1-custom-runtimes.pdf module2-performance-optimization.pdf " ] &&
	grep -q "folio.ini:[0-9]*:.*nosuch.md" "$TMP/h4.err"; then
	pass handouts-modules-from-folio-ini
else
	fail handouts-modules-from-folio-ini "handouts: $names; $(head -c 200 "$TMP/h4.err")"
fi
exit 0
