#!/bin/bash
# tests/e2e/epub.sh - the EPUB on real and hostile books:
#   EPUBCheck with 0 fatals / 0 errors / 0 warnings (once per book: it is
#   slow), text fidelity against cmark-gfm's plain text, byte-identical
#   rebuilds, and no script, event handler or javascript: URL in the XHTML.
# Books: the bundled book/, ../shared/corpora/perf-book, a book of every
# CommonMark spec example (tools/spec2book.py), a small hostile book, an
# mdBook book and a book with embedded fonts (epub_fonts), written here.  Run from the repository root (see tests/run).
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
. tests/lib.sh

have_epubcheck=1
if [ ! -f "$EPUBCHECK" ] || ! command -v java >/dev/null 2>&1; then
	have_epubcheck=0
fi
have_cmark=1
command -v cmark-gfm >/dev/null 2>&1 || have_cmark=0

if [ ! -x "$FOLIO" ]; then
	fail "epub: folio binary" "$FOLIO is missing; run make first"
	exit 1
fi

# ---- helper: read an EPUB's XHTML (safety checks, text for fidelity) ----
cat >"$TMP/epubtext.py" <<'PY'
import re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

def documents(epub):
    z = zipfile.ZipFile(epub)
    for name in z.namelist():
        if name.endswith(".xhtml"):
            yield name, ET.fromstring(z.read(name))

def text_of(root):
    """The document's text in order; an image counts as its alt text."""
    out = []
    def walk(el):
        if el.tag == XHTML + "img":
            out.append(" " + el.get("alt", "") + " ")
        # blocks, cells and note numbers (cmark shows [^label]) stand
        # apart from the text around them
        apart = el.tag.split("}")[-1] in APART
        if apart:
            out.append(" ")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if apart:
            out.append(" ")
    body = root.find(XHTML + "body")
    walk(body if body is not None else root)
    return "".join(out)

APART = {"sup", "br", "p", "li", "td", "th", "tr", "pre", "div", "aside",
         "section", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}

def words(s):
    return re.findall(r"\w+", s)

def safety(epub):
    """Prints one line per problem; exit status 1 if any."""
    bad = 0
    for name, root in documents(epub):
        if not root.get("lang") or not root.get(XML_LANG):
            print("%s: <html> lacks lang or xml:lang" % name); bad += 1
        for el in root.iter():
            tag = el.tag.split("}")[-1].lower()
            if tag in ("script", "iframe", "object", "embed", "form"):
                print("%s: <%s> element" % (name, tag)); bad += 1
            for k, v in el.attrib.items():
                local = k.split("}")[-1].lower()
                if local.startswith("on"):
                    print("%s: event handler attribute %s" % (name, local)); bad += 1
                if local in ("href", "src"):
                    u = re.sub(r"\s", "", v).lower()
                    if re.match(r"^[a-z][a-z0-9+.-]*:", u) and not re.match(r"^(https?|mailto):", u):
                        print("%s: %s=\"%s\"" % (name, local, v)); bad += 1
    return 1 if bad else 0

def hide_rust_lines(src):
    """rustdoc's hidden lines ("# ..." in rust code blocks), which folio
    leaves out as mdBook does: taken out of the source too."""
    out, fence, rust = [], None, False
    for line in src.decode("utf-8", "surrogateescape").split("\n"):
        s = line.lstrip()
        if fence is None:
            m = re.match(r"(`{3,}|~{3,})\s*([^\s,{`]*)", s)
            if m:
                fence, rust = m.group(1), m.group(2).lower() == "rust"
        elif s.startswith(fence) and not s.rstrip().strip(fence[0]):
            fence = None
        elif rust:
            t = s.rstrip()
            if t.startswith("##"):
                line = line.replace("#", "", 1)
            elif t == "#" or t.startswith("# "):
                continue
        out.append(line)
    return "\n".join(out).encode("utf-8", "surrogateescape")

def plain_of(md_path):
    """cmark-gfm's plain text of a Markdown file (folio's options), with
    the markers folio renders differently (footnote labels, task boxes)
    taken out, and the first heading's text as the title."""
    opts = ["cmark-gfm", "--smart", "--validate-utf8", "-e", "table", "-e", "strikethrough",
            "-e", "autolink", "-e", "tasklist", "-e", "footnotes"]
    src = hide_rust_lines(open(md_path, "rb").read())
    # folio drops control characters before parsing (with a warning)
    src = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", b"", src.replace(b"\r\n", b"\n"))
    plain = subprocess.run(opts + ["-t", "plaintext"], input=src,
                           capture_output=True).stdout.decode("utf-8", "replace")
    plain = re.sub(r"\[\^[^\]\s]*\]:?", " ", plain)
    plain = re.sub(r"\[[ xX]\]", " ", plain)
    # ordered list numbers are the list's own, not text
    plain = re.sub(r"(?m)^([ \t]*)(?:(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))+", r"\1", plain)
    # (cmark-gfm's XML output is not well-formed with footnotes on)
    xml = subprocess.run(opts[:-2] + ["-t", "xml"], input=src,
                         capture_output=True).stdout
    # (nor with control characters, which folio drops too)
    xml = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", b"", xml)
    title = None
    try:
        doc = ET.fromstring(xml)
        ns = "{http://commonmark.org/xml/1.0}"
        h = doc.find(".//" + ns + "heading")
        if h is not None:
            # raw inline HTML is not part of a chapter's title
            for el in list(h.iter()):
                for child in list(el):
                    if child.tag == ns + "html_inline":
                        el.remove(child)
            title = " ".join("".join(t for t in h.itertext()).split())
    except ET.ParseError:
        pass
    return title, plain

def fidelity(epub, book_dir, md_files):
    """Every word of each chapter's plain text appears, in order, in the
    XHTML of the chapter with the same title."""
    by_title, by_heading = {}, {}
    for name, root in documents(epub):
        if not re.search(r"chapter\d+\.xhtml$", name):
            continue
        t = root.find(XHTML + "head/" + XHTML + "title")
        title = " ".join((t.text or "").split()) if t is not None else ""
        by_title.setdefault(title, []).append(root)
        # mdBook books take titles from SUMMARY.md: also match the
        # chapter's first heading
        for el in root.iter():
            if re.match(r"h[1-6]$", el.tag.split("}")[-1]):
                h = " ".join("".join(el.itertext()).split())
                by_heading.setdefault(h, []).append(root)
                break
    compared = unmatched = 0
    bad = []
    for md in md_files:
        title, plain = plain_of(md)
        roots = by_title.get(title) if title else None
        if title and (not roots or len(roots) != 1):
            roots = by_heading.get(title)
        if not roots or len(roots) != 1:
            unmatched += 1
            continue
        compared += 1
        want = words(plain)
        have = words(text_of(roots[0]))
        j = 0
        for i, w in enumerate(want):
            while j < len(have) and have[j] != w:
                j += 1
            if j == len(have):
                bad.append("%s: word %d '%s' (after: %s) not found in order"
                           % (md, i, w, " ".join(want[max(0, i - 6):i])))
                break
            j += 1
    for b in bad[:10]:
        print(b)
    print("compared %d chapters, %d without a unique title match" % (compared, unmatched))
    return 1 if bad or compared == 0 else 0

if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "safety":
        sys.exit(safety(sys.argv[2]))
    if mode == "fidelity":
        sys.exit(fidelity(sys.argv[2], sys.argv[3], sys.argv[4:]))
PY

# epub_file OUT_DIR - the one .epub written there
epub_file() {
	ls "$1"/*.epub 2>/dev/null | head -n 1
}

# build NAME BOOK_DIR OUT_DIR - builds the EPUB; folio exits 0, or 1 for
# content errors in the input; 2 (usage, environment) or a crash fails.
build() {
	"$FOLIO" build "$2" -o "$3" --epub >"$3.log" 2>&1
	rc=$?
	if [ "$rc" -ge 2 ] || [ -z "$(epub_file "$3")" ]; then
		fail "$1: build" "folio exited $rc: $(tail -n 3 "$3.log" | tr '\n' ' ')"
		return 1
	fi
	pass "$1: build"
}

# epubcheck NAME EPUB - 0 fatals, 0 errors, 0 warnings
epubcheck() {
	if [ "$have_epubcheck" = 0 ]; then
		skip "$1: epubcheck" "java or $EPUBCHECK not installed (make test-deps)"
		return
	fi
	java -jar "$EPUBCHECK" "$2" >"$TMP/check.out" 2>&1
	summary=$(grep -E '^Messages: ' "$TMP/check.out" | tail -n 1)
	if [ -z "$summary" ]; then
		if grep -q 'No errors or warnings detected' "$TMP/check.out"; then
			summary="Messages: 0 fatals / 0 errors / 0 warnings"
		else
			fail "$1: epubcheck" "no summary: $(tail -n 3 "$TMP/check.out" | tr '\n' ' ')"
			return
		fi
	fi
	if echo "$summary" | grep -qE '^Messages: 0 fatals / 0 errors / 0 warnings'; then
		pass "$1: epubcheck ($summary)"
	else
		fail "$1: epubcheck" "$summary; $(grep -E '^(FATAL|ERROR|WARNING)' "$TMP/check.out" | head -n 5 | tr '\n' ' ')"
	fi
}

safety() {
	if out=$(python3 "$TMP/epubtext.py" safety "$2" 2>&1); then
		pass "$1: no script, event handlers or javascript: URLs; lang on every document"
	else
		fail "$1: safety" "$(echo "$out" | head -n 5 | tr '\n' ' ')"
	fi
}

# fidelity NAME EPUB BOOK_DIR MD_FILE...
fidelity() {
	name=$1; epub=$2; dir=$3; shift 3
	if [ "$have_cmark" = 0 ]; then
		skip "$name: text fidelity" "cmark-gfm (Debian package cmark-gfm) not installed"
		return
	fi
	if out=$(python3 "$TMP/epubtext.py" fidelity "$epub" "$dir" "$@" 2>&1); then
		pass "$name: text fidelity ($(echo "$out" | tail -n 1))"
	else
		fail "$name: text fidelity" "$(echo "$out" | head -n 6 | tr '\n' ' ')"
	fi
}

# reproducible NAME BOOK_DIR EPUB - a second build is byte-identical
reproducible() {
	"$FOLIO" build "$2" -o "$TMP/again" --epub >/dev/null 2>&1
	again=$(epub_file "$TMP/again")
	if [ -n "$again" ] && cmp -s "$3" "$again"; then
		pass "$1: two builds are byte-identical"
	else
		fail "$1: reproducible" "second build differs from the first ($again)"
	fi
	rm -rf "$TMP/again"
}

md_files() {
	find "$1" -name '*.md' -type f | sort
}

# ---- 1. the bundled book ------------------------------------------------
if build book book "$TMP/book"; then
	epub=$(epub_file "$TMP/book")
	epubcheck book "$epub"
	safety book "$epub"
	fidelity book "$epub" book $(md_files book)
	reproducible book book "$epub"
fi

# ---- 2. the Rust Performance Book --------------------------------------
perf="$SHARED/corpora/perf-book"
if [ -d "$perf" ]; then
	if build perf-book "$perf" "$TMP/perf"; then
		epub=$(epub_file "$TMP/perf")
		epubcheck perf-book "$epub"
		safety perf-book "$epub"
		fidelity perf-book "$epub" "$perf" $(md_files "$perf/src" | grep -v '/SUMMARY.md$')
	fi
else
	skip "perf-book" "$perf not present"
fi

# ---- 3. every CommonMark spec example -----------------------------------
spec="$SHARED/corpora/commonmark-spec/spec.txt"
if [ -f "$spec" ]; then
	if python3 tools/spec2book.py "$spec" "$TMP/specbook" >/dev/null; then
		if build spec-book "$TMP/specbook" "$TMP/spec"; then
			epub=$(epub_file "$TMP/spec")
			epubcheck spec-book "$epub"
			safety spec-book "$epub"
			fidelity spec-book "$epub" "$TMP/specbook" $(md_files "$TMP/specbook/examples")
			reproducible spec-book "$TMP/specbook" "$epub"
		fi
	else
		fail "spec-book: spec2book" "tools/spec2book.py failed"
	fi
else
	skip "spec-book" "$spec not present"
fi

# ---- 4. a hostile book ---------------------------------------------------
h="$TMP/hostile"
mkdir -p "$h/part" "$h/img"
python3 - "$h" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def png(w, h):
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * w for _ in range(h))
    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(d + "/img/dot.png", "wb").write(png(4, 3))
open(d + "/folio.ini", "w").write(
    "[book]\ntitle = Hostile <Book> & \"Friends\"\nsubtitle = Every trap at once\n"
    "authors = Ada & Co, Bob <b@x>\nlanguage = en-GB\nidentifier = hostile-book\n"
    "version = 1.0 --rc\ndate = 2024-02-29\ndescription = Tests -- with dashes\n"
    "keywords = a, b & c,, d\n")
index = (
    "# 1. Start & Intro <i>x</i>\n\n"
    "Go to [part one](part/one.md#überblick), [its start](part/one.md), "
    "[numbered](#1-start--intro) and [nowhere](part/missing.md).\n\n"
    "<script>alert('x')</script>\n\n"
    "Inline <img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">a</a> "
    "and [js](javascript:alert(1)) and <javascript:alert(2)> and "
    "[data](data:text/html;base64,PHNjcmlwdD4=) and [vb](VBScript:x).\n\n"
    "<!-- a comment -- with dashes -->\n\n"
    "Line <br>break, <b>bold</b>, &amp; &copy; &#0; &#x1F600; ctrl\x01\x0bchars, bad @BAD1@ bytes @BAD2@.\n\n"
    "Notes[^a] twice[^a] and [in a link[^b]](https://example.com/a b?q=1&r=<2>#f#g) "
    "and <https://../> and <http://[::1]:8080/x> and <mailto:someone@example.com>.\n\n"
    "[^a]: First note with `code`.\n\n    and an indented second paragraph.\n\n"
    "[^b]: ```rust\n    let x = 1;\n    ```\n\n"
    "[^unused]: Never referenced.\n\n"
    "- [x] done\n- [ ] open\n  - [x] nested *task*\n\n"
    "| Left | Center | Right | None |\n|:-----|:------:|------:|------|\n"
    "| `a\\|b` | **c** | ~~d~~ | [e](https://e.org) |\n| only one |\n\n"
    "![A dot \"quoted\" & <alt>](img/dot.png \"title\") and ![missing](img/none.png) "
    "and ![remote](https://example.com/x.png)\n\n"
    "Hard  \nbreak\\\nagain.\n\n***\n\n"
    + "> " * 200 + "deep quote\n\n"
    + "".join("  " * i + "- level %d\n" % i for i in range(120)) + "\n"
    + "*" * 300 + "stars" + "*" * 300 + "\n\n"
    "```c\n#include <stdio.h>\nint main(void) { return printf(\"%d\\n\", 1); }\n```\n\n"
    "```toml\n[package]\nname = \"x\"\n```\n\n"
    "```console\n$ cargo run\n   Compiling x\n```\n\n"
    "```sh\nexport A=1 # c\n```\n\n"
    "```\nno language ]]> </pre>\n```\n\n"
    "## 1. Start & Intro\n\n"
    "## !!!\n\n"
    "<div onclick=\"alert(1)\">\n*html block*\n</div>\n"
)
open(d + "/index.md", "wb").write(index.encode("utf-8")
                                  .replace(b"@BAD1@", b"\xff\xfe")
                                  .replace(b"@BAD2@", b"\xc3\x28"))
open(d + "/part/one.md", "w").write(
    "# Überblick\n\nBack to [the start](../index.md#1-start--intro).\n\n"
    "## Ünïcödé heading\n\n## 日本語\n\nText[^n].\n\n[^n]: Note in part one.\n")
PY
# images of the other types
printf 'GIF89a\001\000\001\000\200\000\000\000\000\000\377\377\377!\371\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;' >"$h/img/dot.gif"
cat >"$h/img/shape.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><rect width="40" height="20" fill="#888"/></svg>
SVG
cat >"$h/img/evil.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>
SVG
printf '\n![gif](../img/dot.gif) ![svg](../img/shape.svg) ![evil](../img/evil.svg)\n' >>"$h/part/one.md"
if build hostile "$h" "$TMP/hostile-out"; then
	epub=$(epub_file "$TMP/hostile-out")
	epubcheck hostile "$epub"
	safety hostile "$epub"
	fidelity hostile "$epub" "$h" $(md_files "$h")
	reproducible hostile "$h" "$epub"
fi
# ---- 5. an mdBook book with parts, drafts, nesting and hidden lines -----
m="$TMP/mdbook"
mkdir -p "$m/src/sub"
cat >"$m/book.toml" <<'TOML'
[book]
title = "Parts & Drafts"
authors = ["A. Author"]
language = "en"
src = "src"
TOML
cat >"$m/src/SUMMARY.md" <<'MD'
# Summary

[Preface](preface.md)

---

# Part One

- [Intro](intro.md)
  - [Setup](sub/setup.md)
  - [Draft child]()
- [Unwritten]()
  - [Under a draft](sub/under.md)

# Empty Part

# Part Two

- [Second](second.md)

---

[Appendix](appendix.md)
MD
for f in preface intro sub/setup sub/under second appendix; do
	printf '# %s\n\nText of %s, see [intro](%s).\n\n## Section A\n\n### Sub A1\n\n## Section B\n\n```rust\n# fn hidden() {}\nfn shown() {}\n```\n' \
		"$(basename $f)" "$f" "$( [ "${f%%/*}" = sub ] && echo ../intro.md || echo intro.md)" >"$m/src/$f.md"
done
if build mdbook "$m" "$TMP/mdbook-out"; then
	epub=$(epub_file "$TMP/mdbook-out")
	epubcheck mdbook "$epub"
	nav=$(python3 -c "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('OEBPS/nav.xhtml').decode())" "$epub")
	if echo "$nav" | grep -q '<span>Part One</span>' &&
	   echo "$nav" | grep -q '<span>Unwritten</span>' &&
	   ! echo "$nav" | grep -q 'Empty Part' && ! echo "$nav" | grep -q 'Draft child'; then
		pass "mdbook: nav has parts and drafts that hold chapters, and no empty ones"
	else
		fail "mdbook: nav" "$(echo "$nav" | grep -E 'span|li' | head -n 12 | tr '\n' ' ')"
	fi
	fidelity mdbook "$epub" "$m" $(md_files "$m/src" | grep -v '/SUMMARY.md$')
fi

# ---- 6. embedded fonts (folio.ini: [book] epub_fonts = yes) --------------
f="$TMP/fontbook"
mkdir -p "$f"
printf '[book]\ntitle = Fonts\nauthors = A. Author\nlanguage = en\nidentifier = fonts\nepub_fonts = yes\n' >"$f/folio.ini"
printf '# Fonts\n\nSerif *italic* **bold** ***both***, and `mono` code:\n\n```rust\nfn main() {}\n```\n' >"$f/index.md"
cp -r "$f" "$TMP/nofontbook"
sed -i 's/^epub_fonts = yes$/epub_fonts = no/' "$TMP/nofontbook/folio.ini"
cp -r "$f" "$TMP/badfontbook"
sed -i 's/^epub_fonts = yes$/epub_fonts = maybe/' "$TMP/badfontbook/folio.ini"
if build fonts "$f" "$TMP/fonts-out" && build fonts-off "$TMP/nofontbook" "$TMP/nofonts-out"; then
	epub=$(epub_file "$TMP/fonts-out")
	epubcheck fonts "$epub"
	if out=$(python3 - "$epub" "$(epub_file "$TMP/nofonts-out")" <<'PY'
import re, sys, zipfile
import xml.etree.ElementTree as ET
OPF = "{http://www.idpf.org/2007/opf}"
def items(epub):
    z = zipfile.ZipFile(epub)
    opf = ET.fromstring(z.read("OEBPS/content.opf"))
    return z, {i.get("href"): i.get("media-type") for i in opf.iter(OPF + "item")}
z, man = items(sys.argv[1])
fonts = sorted(h for h, t in man.items() if h.startswith("fonts/") and h.endswith(".ttf"))
bad = [h for h in fonts if man[h] != "font/ttf"]
css = z.read("OEBPS/css/epub.css").decode()
urls = re.findall(r'url\("\.\./([^"]+)"\)', css)
families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
problems = []
if len(fonts) != 6 or bad:
    problems.append("fonts %s, media types wrong: %s" % (fonts, bad))
if sorted(urls) != fonts:
    problems.append("@font-face urls %s vs manifest %s" % (urls, fonts))
for h in fonts:
    if z.read("OEBPS/" + h)[:4] not in (b"\0\1\0\0", b"true"):
        problems.append("%s is not TrueType" % h)
if not {"Liberation Serif", "DejaVu Sans Mono"} <= families or \
   not re.search(r'body\s*\{\s*font-family:\s*"Liberation Serif"', css):
    problems.append("families %s" % families)
for lic in ("fonts/LICENSE-Liberation.txt", "fonts/LICENSE-DejaVu.txt"):
    if man.get(lic) != "text/plain":
        problems.append("licence %s missing" % lic)
z2, man2 = items(sys.argv[2])
if any(h.startswith("fonts/") for h in man2) or "@font-face" in z2.read("OEBPS/css/epub.css").decode():
    problems.append("epub_fonts = no still embeds fonts")
print("; ".join(problems) or "6 faces as font/ttf, @font-face for each, licences beside them")
sys.exit(1 if problems else 0)
PY
	); then
		pass "fonts: $out; none with epub_fonts = no"
	else
		fail "fonts: embedded" "$out"
	fi
fi
if "$FOLIO" build "$TMP/badfontbook" -o "$TMP/badfont-out" --epub 2>&1 |
	grep -q "folio.ini:6:1: warning: epub_fonts = 'maybe': expected yes or no"; then
	pass "fonts: epub_fonts = maybe is a warning naming file:line"
else
	fail "fonts: bad value" "no warning for epub_fonts = maybe"
fi
exit 0
