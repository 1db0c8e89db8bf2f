#!/usr/bin/env python3
"""pdfcheck.py - checks one folio PDF against its source and layout dump.

usage: pdfcheck.py NAME PDF DUMP BOOK_DIR

The chapters' Markdown files are read in the order the dump lists them.

Prints PASS/FAIL lines (tests/run protocol) for:
  text   every word of the source, in order, is in pdftotext's output
         (hyphenated words rejoined; footnote definitions anywhere; the
         words of a table row in any order within the row's stretch);
         the source's plain text comes from cmark-gfm's XML tree
  bbox   no word box from pdftotext -bbox-layout lies outside the text
         block the layout dump gives for its page
  pages  no widow, orphan or heading at a page foot, counted from the
         placed boxes in the dump
  toc    each contents entry's page holds its chapter or heading, and
         prints the number the entry gives
  links  every internal link annotation points at a heading's page and
         height (a footnote mark's at its note, a reference number's at
         its Resources entry, a "cited on" page's at the citing line)
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NAME, PDF, DUMP = sys.argv[1:4]
BOOK = sys.argv[4]
SOURCES = []
FRONT = []
STARTS = []
BOXES_ALL = []
TOC = []
ANCHORS = []
WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")
WINDOW = 3000  # characters a word may lie beyond the previous one


def result(check, ok, why=""):
    if ok:
        print("PASS: %s-%s" % (NAME, check))
    else:
        print("FAIL: %s-%s: %s" % (NAME, check, why))


def words(text):
    return WORD.findall(text or "")


def subsequence(word, text):
    """True if word's characters occur in text in order (a word broken
    over several lines of a table cell)."""
    it = iter(text)
    return all(c in it for c in word)


HIDDEN = re.compile(r"<!--.*?-->|<(script|style|iframe|object|embed|noscript|template|title|"
                    r"select|video|audio|canvas|svg|math)\b.*?</\1\s*>", re.S | re.I)


def html_text(text):
    """The words HTML shows (load/html.c): no tag, comment or script."""
    import html
    text = HIDDEN.sub(" ", text or "")
    text = re.sub(r"<!--.*", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return html.unescape(text)


def source_units(path):
    """Ordered units: ('w', word), ('bag', [words]) for a table row, and
    footnote words collected apart."""
    with open(path, encoding="utf-8", errors="replace") as f:
        md = f.read()
    # YAML front matter (---, key: value lines, ---) is the book's
    # metadata, not text (src/load/frontmatter.c): blanked, as folio does.
    fm = re.match(r"---[ \t]*\n(?:.*\n)*?(?:---|\.\.\.)[ \t]*\n", md)
    if fm:
        md = re.sub(r"[^\n]", "", fm.group(0)) + md[fm.end():]
    xml = subprocess.run(
        ["cmark-gfm", "--smart", "-t", "xml", "-e", "table", "-e",
         "footnotes", "-e", "strikethrough", "-e", "tasklist", "-e",
         "autolink"], input=md,
        capture_output=True, text=True, check=True).stdout
    xml = re.sub(r'\sxmlns="[^"]+"', "", xml, count=1)
    # cmark-gfm 0.29 writes footnote references as "<<unknown> />" and
    # definitions as "<<unknown>> ... </<unknown>>"
    xml = xml.replace("<<unknown> />", "<footnote_reference />")
    xml = xml.replace("<<unknown>>", "<footnote_definition>")
    xml = xml.replace("</<unknown>>", "</footnote_definition>")
    root = ET.fromstring(xml)
    units, notes = [], []

    def text_of(node, out):
        tag = node.tag
        if tag in ("html_block", "html_inline"):
            out.extend(words(html_text(node.text)))
        elif tag in ("text", "code", "code_block"):
            out.extend(words(node.text))
        for child in node:
            text_of(child, out)

    def walk(node):
        tag = node.tag
        if tag == "footnote_definition":
            text_of(node, notes)
            return
        if tag == "table_row" or tag == "table_header":
            bag = []
            text_of(node, bag)
            units.append(("bag", bag))
            return
        if tag in ("text", "code", "code_block", "html_block", "html_inline"):
            text = node.text or ""
            if tag.startswith("html"):
                text = html_text(text)
            lang = re.split(r"[ ,]", node.get("info", "") or "")[0]
            if tag == "code_block" and lang == "rust":
                # rustdoc's hidden lines are not printed
                text = "\n".join(l for l in text.split("\n")
                                  if not re.match(r"\s*#(\s|$)", l))
            for w in words(text):
                units.append(("w", w))
        for child in node:
            walk(child)

    walk(root)
    return units, notes


def pdf_stream(first=1, last=None, crop=None):
    cmd = ["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(first)]
    if crop:
        cmd += ["-r", "72", "-x", str(int(crop[0])), "-y", str(int(crop[1])),
                "-W", str(int(crop[2] + 1)), "-H", str(int(crop[3] + 1))]
    if last:
        cmd += ["-l", str(last)]
    txt = subprocess.run(cmd + [PDF, "-"], capture_output=True, text=True).stdout
    return "".join(WORD.findall(txt))


def check_text():
    import shutil
    if not shutil.which("cmark-gfm"):
        print("SKIP: %s-text: cmark-gfm (the reference parser) not installed" % NAME)
        return
    # The body only: the contents list the same titles first.
    # Cropped to the text block: running heads and folios would split a
    # word that runs from one page to the next.
    lefts = [pg[0][0] for pg in PAGES.values()]
    rights = [pg[0][2] for pg in PAGES.values()]
    _, bottom, _, top = next(iter(PAGES.values()))[0]
    crop = (min(lefts) - 1, SIZE[1] - top - 1, max(rights) - min(lefts) + 2, top - bottom + 2)
    stream = pdf_stream(NFRONT + 1, None, crop)
    pos = 0
    for src in SOURCES:
        units, notes = source_units(src)
        for kind, val in units:
            if kind == "w":
                at = stream.find(val, pos)
                if at < 0 or at - pos > WINDOW:
                    ctx = stream[pos:pos + 60]
                    return result("text", False, "%s: word '%s' missing after '%s'" % (src, val, ctx))
                pos = at + len(val)
            else:
                end = pos
                p = pos
                # Cells are drawn slice by slice, so a word hyphenated in
                # one cell may have another cell's text between its parts.
                region = stream[pos:pos + WINDOW]
                for w in val:
                    at = region.find(w)
                    if at < 0:
                        if not subsequence(w, region):
                            return result("text", False, "%s: table word '%s' missing in %s" % (src, w, region[:200]))
                        continue
                    if end == pos:
                        end = pos + at + len(w)
                # The next row starts after this row's first word: a
                # common word may be found rows later, so no further.
                pos = end
        for w in notes:
            if w not in stream:
                return result("text", False, "%s: footnote word '%s' missing" % (src, w))
    result("text", True)


def read_dump():
    pages, boxes = {}, []
    with open(DUMP) as f:
        for line in f:
            p = line.split()
            if p[0] == "pagesize":
                size = (float(p[1]), float(p[2]))
            elif p[0] == "page":
                pages[int(p[1])] = (tuple(float(x) for x in p[7:11]),
                                    tuple(float(x) for x in p[12:16]))
                if "front" in p[17:]:
                    FRONT.append(int(p[1]))
                if p[5] == "1":
                    STARTS.append(int(p[1]))
            elif p[0] == "toc":
                TOC.append((int(p[1]), p[2], int(p[3]), " ".join(p[4:])))
            elif p[0] == "chapter":
                SOURCES.append(BOOK + "/" + p[2])
            elif p[0] in ("entry", "cite"):
                # a Resources entry, or a place citing an external link:
                # the targets of reference numbers and "cited on" pages
                ANCHORS.append((int(p[2]), float(p[3])))
            elif p[0] == "box":
                boxes.append((int(p[1]), p[2], int(p[3]), int(p[4]), int(p[5])))
                BOXES_ALL.append((int(p[1]), p[2], int(p[3]), int(p[4]), int(p[5]), float(p[6])))
    return size, pages, boxes


def check_bbox(size, pages):
    out = subprocess.run(["pdftotext", "-bbox-layout", PDF, "-"],
                         capture_output=True, text=True).stdout
    height = size[1]
    page = 0
    bad = []
    tol = 0.6
    for line in out.splitlines():
        if "<page " in line:
            page += 1
            continue
        m = re.search(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*)</word>', line)
        if not m:
            continue
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
        # Inside the frame (text block plus running head and folio
        # bands), and inside the text block unless wholly in a band.
        (left, bottom, right, top), (_, fbottom, _, ftop) = pages[page]
        in_band = y1 <= height - top + tol or y0 >= height - bottom - tol
        if (x0 < left - tol or x1 > right + tol or y0 < height - ftop - tol
                or y1 > height - fbottom + tol
                or (not in_band and (y0 < height - top - tol or y1 > height - bottom + tol))):
            bad.append("p%d '%s' (%.1f,%.1f)-(%.1f,%.1f)" % (page, m.group(5), x0, y0, x1, y1))
    result("bbox", not bad, "%d words outside the text block, first: %s" % (len(bad), bad[:3]))


def check_lines(boxes):
    """Every line of every paragraph and code block is placed exactly once
    (nothing lost or repeated at a page break)."""
    seen = {}
    for page, kind, block, line, nlines in boxes:
        if kind in ("line", "code", "heading", "note") and 1 <= line <= nlines:
            seen.setdefault((kind, block), [nlines, []])[1].append(line)
    for (kind, block), (n, lines) in seen.items():
        if sorted(lines) != list(range(1, n + 1)):
            return result("lines", False, "%s block %d: lines %s of %d" % (kind, block, sorted(lines)[:10], n))
    result("lines", bool(seen), "no lines in the dump")


def check_pages(boxes):
    body = [b for b in boxes if b[1] != "note"]
    widows = orphans = feet = 0
    where = []
    for a, b in zip(body, body[1:]):
        if b[0] == a[0]:
            continue
        if a[1] == "heading":
            feet += 1
            where.append("heading at foot of p%d" % a[0])
        if a[1] == "line" and b[1] == "line" and a[2] == b[2]:
            if a[3] == 1 and a[4] > 1:
                orphans += 1
                where.append("orphan p%d" % a[0])
            if b[3] == b[4] and b[4] > 1:
                widows += 1
                where.append("widow p%d" % b[0])
    print("# %s: widows %d, orphans %d, headings at a page foot %d" % (NAME, widows, orphans, feet))
    result("pages", widows + orphans + feet == 0, "; ".join(where[:5]))


def check_toc():
    """Each contents entry's page holds its heading."""
    if not TOC:
        return result("toc", False, "no contents entries in the dump")
    for page, folio, level, title in TOC:
        if level == 0:
            # A chapter: the page it names is where the chapter opens
            # (its contents title may differ from its first heading).
            if page not in STARTS:
                return result("toc", False, "chapter '%s' (p. %s) does not open on page %d" % (title, folio, page))
            continue
        want = "".join(WORD.findall(title))
        if want and want not in pdf_stream(page, page):
            return result("toc", False, "'%s' (p. %s) not on page %d" % (title, folio, page))
        (_, bottom, _, _), _ = PAGES[page]
        band = pdf_stream(page, page, (0, SIZE[1] - bottom, SIZE[0], bottom))
        # a handout's folios read "Module 3 · page 4"
        if band != folio and not (band.startswith("Module") and band.endswith("page" + folio)):
            return result("toc", False, "page %d does not print folio %s" % (page, folio))
    result("toc", True)


def check_links():
    """Every internal link annotation lands on the page and height of a
    heading (or a chapter's first page top)."""
    import json
    out = subprocess.run(["qpdf", "--json", "--json-key=pages", "--json-key=qpdf", PDF],
                         capture_output=True, text=True).stdout
    j = json.loads(out)
    pageno = {p["object"]: p["pageposfrom1"] for p in j["pages"]}
    objs = j["qpdf"][1]
    def val(ref):
        v = objs.get("obj:" + ref, {}).get("value") if isinstance(ref, str) else ref
        return v
    targets = {}
    for b in BOXES_ALL:
        if b[1] in ("heading", "note"):  # a footnote mark leads to its note
            targets.setdefault(b[0], []).append(b[5])
    for n in STARTS:
        targets.setdefault(n, []).append(PAGES[n][0][3])
    for n, y in ANCHORS:
        targets.setdefault(n, []).append(y)
    nlinks = 0
    for key, o in objs.items():
        v = o.get("value")
        if not isinstance(v, dict) or v.get("/Subtype") != "/Link" or "/Dest" not in v:
            continue
        dest = val(v["/Dest"])
        if not isinstance(dest, list) or len(dest) < 4:
            return result("links", False, "%s: bad destination %s" % (key, dest))
        page, y = pageno.get(dest[0]), float(dest[3])
        nlinks += 1
        if page is None or not any(abs(y - t) < 0.05 for t in targets.get(page, [])):
            return result("links", False, "%s: destination p%s y=%.2f is no heading" % (key, page, y))
    if nlinks == 0:
        print("SKIP: %s-links: no internal links" % NAME)
    else:
        result("links", True)


size, pages, boxes = read_dump()
SIZE, PAGES = size, pages
NFRONT = len(FRONT)
check_toc()
check_links()
check_text()
check_bbox(size, pages)
check_lines(boxes)
check_pages(boxes)
