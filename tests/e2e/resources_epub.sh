#!/bin/bash
# tests/e2e/resources_epub.sh - the Resources appendix of the EPUB (issue 7):
#   one entry per distinct normalised URL (against build.json and an
#   independent count of the EPUB's body links), every body reference
#   number leads to the entry with its link's URL, every back link lands
#   on an id that exists and holds a link to that URL, every citation has
#   its back link, the appendix is in the spine after the last chapter, in
#   nav.xhtml's contents and landmarks (backmatter) and in toc.ncx, the
#   author's own Resources section stays where it was, EPUBCheck is clean
#   and the numbering is the same in a second build; the print style's
#   [links] references = none, title and author-group hold for the EPUB.
# Books: the bundled book/ and ../shared/corpora/perf-book.  Run from the
# repository root (see tests/run).
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
. tests/lib.sh

if [ ! -x "$FOLIO" ]; then
	fail "resources_epub: folio binary" "$FOLIO is missing; run make first"
	exit 1
fi

cat >"$TMP/appendix.py" <<'PY'
"""Checks the Resources appendix of an EPUB; prints PASS/FAIL lines."""
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/", "epub": "http://www.idpf.org/2007/ops"}
X = "{%s}" % NS["x"]
EPUB_TYPE = "{%s}type" % NS["epub"]

def norm(url):
    """The deduplication rule of issue 7: scheme and host lowercased,
    default port and a trailing '#' dropped, path and query kept (an empty
    http(s) path is '/', as RFC 3986 makes them equal)."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", url, re.S)
    if not m:
        return url
    scheme, rest = m.group(1).lower(), m.group(2)
    out = scheme + ":"
    if rest.startswith("//"):
        rest = rest[2:]
        end = len(rest)
        for c in "/?#":
            i = rest.find(c)
            if i >= 0:
                end = min(end, i)
        auth, rest = rest[:end], rest[end:]
        user = ""
        if "@" in auth:
            user, auth = auth.rsplit("@", 1)
            user += "@"
        host, port = auth, None
        m2 = re.match(r"^(.*):(\d*)$", auth)
        if m2 and not auth.endswith("]"):
            host, port = m2.group(1), m2.group(2)
        if port in ("", None) or (scheme == "http" and port == "80") or \
           (scheme == "https" and port == "443"):
            port = None
        out += "//" + user + host.lower() + (":" + port if port else "")
        if not rest and scheme in ("http", "https"):
            rest = "/"
    out += rest
    if out.endswith("#"):
        out = out[:-1]
    return out

def classes(el):
    return (el.get("class") or "").split()

class Epub:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.z.read("OEBPS/content.opf"))
        items = {i.get("id"): i.get("href") for i in self.opf.iter("{%s}item" % NS["opf"])}
        self.spine = [items[r.get("idref")] for r in self.opf.iter("{%s}itemref" % NS["opf"])]
        self.docs = {}
    def doc(self, href):
        if href not in self.docs:
            self.docs[href] = ET.fromstring(self.z.read("OEBPS/" + href))
        return self.docs[href]

def check(name, ok, why=""):
    print(("PASS: %s" % name) if ok else ("FAIL: %s: %s" % (name, why)))
    return ok

def parents(root):
    return {c: p for p in root.iter() for c in p}

def appendix_of(ep):
    """The appendix file, from the nav's backmatter landmark."""
    nav = ep.doc("nav.xhtml")
    for a in nav.iter(X + "a"):
        if a.get(EPUB_TYPE) == "backmatter":
            return a.get("href")
    return None

def entries(ep, app):
    """[(number, url href, title, [back hrefs])] in document order."""
    out = []
    for li in ep.doc(app).iter(X + "li"):
        if "resource" not in classes(li):
            continue
        num = int(li.get("id").split(".")[1])
        url = None
        backs = []
        for a in li.iter(X + "a"):
            if "ext" in classes(a):
                url = a.get("href")
            elif a.get("role") == "doc-backlink":
                backs.append(a.get("href"))
        title = "".join(li.find(X + "p").itertext())
        out.append((num, url, title, backs))
    return out

def body_links(ep, app):
    """[(file, link element, its sup.rref or None)] over the chapters."""
    out = []
    for href in ep.spine:
        if href == app or not re.match(r"chapter\d+\.xhtml$", href):
            continue
        root = ep.doc(href)
        for parent in root.iter():
            kids = list(parent)
            for i, el in enumerate(kids):
                if el.tag in (X + "a", X + "span") and ("ext" in classes(el) or "ext-text" in classes(el)):
                    nxt = kids[i + 1] if i + 1 < len(kids) else None
                    sup = nxt if nxt is not None and nxt.tag == X + "sup" and "rref" in classes(nxt) else None
                    out.append((href, el, sup))
    return out

def main(epub, build_json, book_dir, root_md):
    ep = Epub(epub)
    app = appendix_of(ep)
    if not check("appendix in the landmarks as backmatter", app is not None, "no backmatter landmark"):
        return
    chapters = [h for h in ep.spine if re.match(r"chapter\d+\.xhtml$", h)]
    check("appendix in the spine right after the last chapter",
          app in ep.spine and ep.spine.index(app) == ep.spine.index(chapters[-1]) + 1,
          "spine: %s" % ep.spine[-3:])
    toc = ep.doc("nav.xhtml").find(".//x:nav[@id='toc']", NS)
    check("appendix in nav.xhtml's contents",
          any(a.get("href") == app for a in toc.iter(X + "a")), "no toc entry")
    ncx = ET.fromstring(ep.z.read("OEBPS/toc.ncx"))
    check("appendix in toc.ncx",
          any(c.get("src") == app for c in ncx.iter("{%s}content" % NS["ncx"])), "no navPoint")

    ents = entries(ep, app)
    nums = [e[0] for e in ents]
    check("entries numbered 1..N in order", nums == list(range(1, len(ents) + 1)),
          "numbers %s" % nums[:10])
    want = json.load(open(build_json))["book"]["resources"]
    check("entry count (%d) equals build.json's resources (%d)" % (len(ents), want),
          len(ents) == want)

    links = body_links(ep, app)
    hrefs = [el.get("href") for _, el, _ in links if el.get("href")]
    distinct = {norm(h) for h in hrefs}
    check("entry count (%d) equals the distinct normalised URLs of the body links (%d)"
          % (len(ents), len(distinct)), len(ents) == len(distinct),
          "only in the appendix: %s; only in the body: %s" % (
              sorted({norm(e[1]) for e in ents if e[1]} - distinct)[:3],
              sorted(distinct - {norm(e[1]) for e in ents if e[1]})[:3]))
    check("entry URLs are distinct once normalised",
          len({norm(e[1]) for e in ents if e[1]}) == len([e for e in ents if e[1]]))

    by_num = {e[0]: e for e in ents}
    bad = []
    for href, el, sup in links:
        a = sup.find(X + "a") if sup is not None else None
        if a is None:
            bad.append("%s: link %s has no reference number" % (href, el.get("href") or el.get("id")))
            continue
        m = re.match(r"^(.*)#res\.(\d+)$", a.get("href") or "")
        n = int(m.group(2)) if m else None
        if not m or m.group(1) != app or n not in by_num or "".join(a.itertext()) != str(n):
            bad.append("%s: number %r -> %r" % (href, "".join(a.itertext()), a.get("href")))
        elif el.get("href") and norm(by_num[n][1] or "") != norm(el.get("href")):
            bad.append("%s: %s -> entry %d (%s)" % (href, el.get("href"), n, by_num[n][1]))
    check("every body link has a number leading to the entry with its URL (%d links)" % len(links),
          not bad and links, "; ".join(bad[:4]) or "no links")

    # back links: the target exists and is a citation of that entry's URL
    ids = {}
    for href in chapters:
        for el in ep.doc(href).iter():
            if el.get("id"):
                ids[(href, el.get("id"))] = el
    bad, nback = [], 0
    cited = {}
    for n, url, title, backs in ents:
        for b in backs:
            nback += 1
            f, _, frag = b.partition("#")
            el = ids.get((f, frag))
            if el is None:
                bad.append("%s: no such id" % b)
            elif el.get("href") and norm(el.get("href")) != norm(url or ""):
                bad.append("%s: lands on a link to %s, not %s" % (b, el.get("href"), url))
            cited[n] = cited.get(n, 0) + 1
    check("every back link lands on an existing id of a citation of its URL (%d back links)" % nback,
          not bad and nback, "; ".join(bad[:4]) or "no back links")
    per_url = {}
    for _, el, _ in links:
        if el.get("href"):
            per_url[norm(el.get("href"))] = per_url.get(norm(el.get("href")), 0) + 1
    missing = [(n, url) for n, url, _, _ in ents
               if url and cited.get(n, 0) != per_url.get(norm(url), 0)]
    check("every citation has its back link", not missing,
          "entries with other counts: %s" % missing[:4])

    # the author's own Resources section stays where it was written
    src = open(root_md, encoding="utf-8").read()
    m = re.search(r"(?m)^#{2,6}\s+(Resources|Further reading|References)\s*$", src)
    if m:
        root = ep.doc(chapters[0])
        heads = ["".join(h.itertext()).strip() for h in root.iter()
                 if re.match(r"h[2-6]$", h.tag[len(X):])]
        check("author's %s section still in the root chapter" % m.group(1),
              m.group(1) in heads, "headings: %s" % heads)
        # its links, in the author's order, open the appendix
        level = len(src[m.start():].split(None, 1)[0])
        rest = src[m.end():]
        stop = re.search(r"(?m)^#{1,%d}\s" % level, rest)
        section = rest[:stop.start()] if stop else rest
        urls = []
        for u in re.findall(r"\]\((https?://[^)\s]+|mailto:[^)\s]+)|<(https?://[^>\s]+)>", section):
            u = norm(u[0] or u[1])
            if u not in urls:
                urls.append(u)
        grp = ep.doc(app).find(".//x:section[@class='res-group']", NS)
        h2 = grp.find("x:h2", NS) if grp is not None else None
        first = [norm(a.get("href")) for a in grp.iter(X + "a") if "ext" in classes(a)] if grp is not None else []
        check("first group is \"Listed by the author\": the author's %d links in order" % len(urls),
              h2 is not None and "".join(h2.itertext()) == "Listed by the author" and first == urls,
              "group %r: %s vs %s" % ("".join(h2.itertext()) if h2 is not None else None,
                                      first[:3], urls[:3]))

def cmark_count(epub, md_files):
    """Citations and distinct normalised URLs counted by cmark-gfm (not
    folio) in the Markdown sources, against the EPUB's."""
    import html, subprocess
    opts = ["cmark-gfm", "--smart", "-e", "table", "-e", "strikethrough", "-e", "autolink",
            "-e", "tasklist", "-e", "footnotes", "-t", "html"]
    found = []
    for f in md_files:
        out = subprocess.run(opts, input=open(f, "rb").read(), capture_output=True).stdout
        for d in re.findall(r'<a href="([^"]*)"', out.decode("utf-8", "replace")):
            d = html.unescape(d)
            if re.match(r"(?i)(https?|mailto):", d):
                found.append(norm(d))
    ep = Epub(epub)
    app = appendix_of(ep)
    ents = entries(ep, app) if app else []
    links = body_links(ep, app) if app else []
    check("cmark-gfm finds %d links, %d distinct URLs in the sources; the EPUB has %d citations, %d entries"
          % (len(found), len(set(found)), len(links), len(ents)),
          len(found) == len(links) and len(set(found)) == len(ents))

if __name__ == "__main__":
    if sys.argv[1] == "check":
        main(*sys.argv[2:6])
    elif sys.argv[1] == "cmark":
        cmark_count(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "numbers":
        ep = Epub(sys.argv[2])
        for n, url, title, backs in entries(ep, appendix_of(ep)):
            print(n, url, " ".join(backs))
PY

# epub_file OUT_DIR - the one .epub written there
epub_file() {
	ls "$1"/*.epub 2>/dev/null | head -n 1
}

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

# book NAME DIR ROOT_MD MD_FILE... (the chapters' sources)
book() {
	name=$1 dir=$2 root=$3
	shift 3
	md="$*"
	out="$TMP/$name"
	if ! "$FOLIO" build "$dir" -o "$out" --epub >"$out.log" 2>&1 || [ -z "$(epub_file "$out")" ]; then
		fail "$name: build" "$(tail -n 3 "$out.log" | tr '\n' ' ')"
		return
	fi
	epub=$(epub_file "$out")
	python3 "$TMP/appendix.py" check "$epub" "$out/build.json" "$dir" "$root" | sed "s/^\(PASS\|FAIL\): /\1: $name: /"
	if command -v cmark-gfm >/dev/null 2>&1; then
		python3 "$TMP/appendix.py" cmark "$epub" $md | sed "s/^\(PASS\|FAIL\): /\1: $name: /"
	else
		skip "$name: independent count" "cmark-gfm (Debian package cmark-gfm) not installed"
	fi
	epubcheck "$name" "$epub"
	"$FOLIO" build "$dir" -o "$out-again" --epub >/dev/null 2>&1
	python3 "$TMP/appendix.py" numbers "$epub" >"$TMP/n1"
	python3 "$TMP/appendix.py" numbers "$(epub_file "$out-again")" >"$TMP/n2"
	if [ -s "$TMP/n1" ] && cmp -s "$TMP/n1" "$TMP/n2"; then
		pass "$name: numbering identical in a second build ($(wc -l <"$TMP/n1") entries)"
	else
		fail "$name: numbering" "differs between two builds: $(diff "$TMP/n1" "$TMP/n2" | head -n 3 | tr '\n' ' ')"
	fi
}

book book book book/index.md $(find book -name '*.md' | sort)

# The print style's [links] settings hold for the EPUB too: references =
# none leaves the numbers out (ids and back links stay); title and
# author-group name the appendix and the author's group.
data="$TMP/data-none"
mkdir -p "$data/styles"
ln -sfn "$PWD/fonts" "$data/fonts"
cp styles/epub.css "$data/styles/"
sed -e 's/^references = .*/references = none/' -e 's/^title = Resources$/title = Web links/' \
	-e 's/^author-group = .*/author-group = From the author/' styles/print.ini >"$data/styles/print.ini"
if FOLIO_DATA_DIR="$data" "$FOLIO" build book -o "$TMP/none" --epub -q >"$TMP/none.log" 2>&1; then
	if out=$(python3 - "$(epub_file "$TMP/none")" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
docs = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
app = docs.get("OEBPS/resources.xhtml", "")
nav = docs.get("OEBPS/nav.xhtml", "")
bad = []
if any('class="rref"' in t for t in docs.values()):
    bad.append("reference numbers written")
if '<h1 id="resources">Web links</h1>' not in app or '"resources.xhtml">Web links</a>' not in nav:
    bad.append("appendix not titled from the style")
if '>From the author</h2>' not in app:
    bad.append("author's group not named from the style")
backs = app.count('role="doc-backlink"')
ids = sum(t.count(' id="ref.') for n, t in docs.items() if "chapter" in n)
if not backs or backs != ids:
    bad.append("%d back links, %d citation ids" % (backs, ids))
print("; ".join(bad) or "no numbers; %d citation ids and back links; titles from the style" % ids)
sys.exit(1 if bad else 0)
PY
	); then
		pass "book: print style references = none, title, author-group: $out"
	else
		fail "book: print style [links]" "$out"
	fi
else
	fail "book: build with references = none" "$(tail -n 3 "$TMP/none.log" | tr '\n' ' ')"
fi

perf="$SHARED/corpora/perf-book"
if [ -d "$perf" ]; then
	book perf-book "$perf" "$perf/src/introduction.md" \
		$(find "$perf/src" -name '*.md' ! -name SUMMARY.md | sort)
else
	skip "perf-book" "$perf not present"
fi
exit 0
