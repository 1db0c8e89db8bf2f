#!/bin/bash
# tests/e2e/cover.sh - the EPUB's cover and shelf title (issue 20):
#   every EPUB has a cover-image item shown first (cover.xhtml, the first
#   spine item, linear), the first dc:title is the whole title; a book's
#   own cover (folio.ini cover = PATH) goes in as it is, a drawn one
#   (SVG) holds the title, subtitle and authors and fits any title; an
#   unusable cover is a warning naming folio.ini:LINE and a cover is drawn.
# Run from the repository root (see tests/run).
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
. tests/lib.sh
need_tools cover python3

if [ ! -x "$FOLIO" ]; then
	fail "cover: folio binary" "$FOLIO is missing; run make first"
	exit 1
fi

# coverinfo.py EPUB [SOURCE_IMAGE]: checks the cover structure; prints what
# it found, or the problems (exit 1).
cat >"$TMP/coverinfo.py" <<'PY'
import sys, zipfile
import xml.etree.ElementTree as ET
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
X = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
z = zipfile.ZipFile(sys.argv[1])
opf = ET.fromstring(z.read("OEBPS/content.opf"))
problems = []
items = {i.get("id"): i for i in opf.iter(OPF + "item")}
covers = [i for i in items.values() if "cover-image" in (i.get("properties") or "").split()]
if len(covers) != 1:
    problems.append("%d cover-image items" % len(covers))
    print("; ".join(problems)); sys.exit(1)
img = covers[0]
spine = list(opf.iter(OPF + "itemref"))
first = items.get(spine[0].get("idref")) if spine else None
if first is None or first.get("href") != "cover.xhtml" or spine[0].get("linear") == "no":
    problems.append("first spine item is not cover.xhtml (linear)")
metas = [m for m in opf.iter(OPF + "meta") if m.get("name") == "cover"]
if not metas or metas[0].get("content") != img.get("id"):
    problems.append("no <meta name=cover> naming the cover-image item")
page = ET.fromstring(z.read("OEBPS/cover.xhtml"))
imgs = list(page.iter(X + "img"))
if len(imgs) != 1 or imgs[0].get("src") != img.get("href") or not imgs[0].get("alt"):
    problems.append("cover.xhtml does not show the cover image with alt text")
data = z.read("OEBPS/" + img.get("href"))
title = opf.find(".//" + DC + "title").text
texts = []
if img.get("media-type") == "image/svg+xml":
    svg = ET.fromstring(data)
    texts = [t.text or "" for t in svg.iter(SVG + "text")]
    for t in svg.iter(SVG + "text"):
        fs = float(t.get("font-size"))
        y = float(t.get("y"))
        if not (fs <= y <= 2400 - 40):
            problems.append("text %r outside the cover (y %s)" % (t.text, y))
if len(sys.argv) > 2 and open(sys.argv[2], "rb").read() != data:
    problems.append("the cover is not the book's own file, byte for byte")
if problems:
    print("; ".join(problems)); sys.exit(1)
print("title=%s|media=%s|text=%s" % (title, img.get("media-type"), " / ".join(texts)))
PY

epubcheck_clean() { # NAME EPUB
	if [ ! -f "$EPUBCHECK" ] || ! command -v java >/dev/null 2>&1; then
		skip "$1: epubcheck" "EPUBCheck not installed (make test-deps)"
		return
	fi
	local out
	out=$(java -jar "$EPUBCHECK" "$2" 2>&1)
	if echo "$out" | grep -q "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"; then
		pass "$1: epubcheck 0 messages"
	else
		fail "$1: epubcheck" "$(echo "$out" | grep -E '^(ERROR|WARNING|FATAL|INFO|USAGE)' | head -3)"
	fi
}

# ---- the bundled book: a drawn cover, the whole title on the shelf ------
"$FOLIO" build book -o "$TMP/book" --epub --quiet 2>"$TMP/book.err"
epub=$(ls "$TMP"/book/*.epub 2>/dev/null | head -1)
if [ -z "$epub" ]; then
	fail "cover: bundled book" "no EPUB: $(head -3 "$TMP/book.err")"
else
	if out=$(python3 "$TMP/coverinfo.py" "$epub"); then
		case "$out" in
		"title=Expert Level: Specialized Rust Applications|media=image/svg+xml|text=Expert Level / Specialized Rust Applications / The Rust Learning Path contributors")
			pass "cover: bundled book: drawn cover with title, subtitle, authors; shelf title whole" ;;
		*) fail "cover: bundled book" "unexpected: $out" ;;
		esac
	else
		fail "cover: bundled book" "$out"
	fi
fi

# ---- perf-book (mdBook: no subtitle) -------------------------------------
perf="$SHARED/corpora/perf-book"
if [ -d "$perf" ]; then
	"$FOLIO" build "$perf" -o "$TMP/perf" --epub --quiet 2>/dev/null
	if out=$(python3 "$TMP/coverinfo.py" "$TMP"/perf/*.epub) &&
		[ "${out%%|*}" = "title=The Rust Performance Book" ]; then
		pass "cover: perf-book has a cover-image shown first"
	else
		fail "cover: perf-book" "$out"
	fi
else
	skip "cover: perf-book" "$perf not present"
fi

# ---- a book with its own cover -------------------------------------------
b="$TMP/own"
mkdir -p "$b/art"
python3 - "$b/art/front.png" "$b/not-an-image.png" "$b/bad.svg" <<'PY'
import struct, sys, zlib
def png(w, h):
    raw = b"".join(b"\x00" + b"\x20\x40\x80" * w for _ in range(h))
    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png(60, 90))
open(sys.argv[2], "w").write("just text\n")
open(sys.argv[3], "w").write('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
PY
printf '# Own\n\nText.\n' >"$b/index.md"
printf '[book]\ntitle = Own Cover?\nsubtitle = With a Subtitle\nauthors = A. Author\ncover = art/front.png\n' >"$b/folio.ini"
if "$FOLIO" build "$b" -o "$TMP/own-out" --epub --quiet 2>"$TMP/own.err" &&
	out=$(python3 "$TMP/coverinfo.py" "$TMP"/own-out/*.epub "$b/art/front.png"); then
	case "$out" in
	"title=Own Cover? With a Subtitle|media=image/png|text=")
		pass "cover: cover = art/front.png goes in as it is; no colon after '?'" ;;
	*) fail "cover: own cover" "unexpected: $out" ;;
	esac
	epubcheck_clean "cover: own cover" "$(ls "$TMP"/own-out/*.epub)"
else
	fail "cover: own cover" "$out $(head -3 "$TMP/own.err")"
fi

# an SVG cover with a script is carried sanitized (load/svg.h), as every
# SVG of the book: the script gone, the file still the cover
printf '[book]\ntitle = Own\nauthors = Me\ncover = bad.svg\n' >"$b/folio.ini"
rm -rf "$TMP/own-out"
"$FOLIO" build "$b" -o "$TMP/own-out" --epub --quiet 2>"$TMP/own.err"
if [ ! -s "$TMP/own.err" ] && unzip -p "$TMP"/own-out/*.epub OEBPS/images/cover.svg >"$TMP/cover.svg" 2>/dev/null &&
	grep -q '<svg' "$TMP/cover.svg" && ! grep -qi 'script\|alert' "$TMP/cover.svg"; then
	pass "cover: cover = bad.svg goes in with its script removed"
else
	fail "cover: cover = bad.svg" "$(head -2 "$TMP/own.err") / $(head -c 200 "$TMP/cover.svg")"
fi

# unusable covers: warned at folio.ini's line, a cover drawn instead
for c in "missing.png|cannot read" "../outside.png|outside the book folder" \
	"not-an-image.png|is not a PNG, JPEG, GIF or SVG image"; do
	path=${c%%|*} why=${c#*|}
	printf '[book]\ntitle = Own\nauthors = Me\ncover = %s\n' "$path" >"$b/folio.ini"
	: >"$TMP/outside.png"
	rm -rf "$TMP/own-out"
	"$FOLIO" build "$b" -o "$TMP/own-out" --epub --quiet 2>"$TMP/own.err"
	if grep -q "^$b/folio.ini:4:1: warning: cover '$path'.*$why.*a cover is drawn instead" "$TMP/own.err" &&
		out=$(python3 "$TMP/coverinfo.py" "$TMP"/own-out/*.epub) &&
		[ "${out#*|}" = "media=image/svg+xml|text=Own / Me" ]; then
		pass "cover: cover = $path warns at folio.ini:4 and a cover is drawn"
	else
		fail "cover: cover = $path" "$(head -2 "$TMP/own.err") / $out"
	fi
done

# folio check, which writes no EPUB, tells the same
printf '[book]\ntitle = Own\nauthors = Me\ncover = nope.png\n' >"$b/folio.ini"
if "$FOLIO" check "$b" 2>&1 | grep -q "^$b/folio.ini:4:1: warning: cover 'nope.png': cannot read"; then
	pass "cover: folio check warns about an unusable cover"
else
	fail "cover: folio check" "no warning for cover = nope.png"
fi

# ---- a drawn cover fits any title ------------------------------------------
b="$TMP/long"
mkdir -p "$b"
printf '# Long\n\nText.\n' >"$b/index.md"
printf '%s\n' '[book]' \
	'title = Supercalifragilisticexpialidocious_and_an_identifier_without_any_break Tales & <Other> "Things" That Go On and On and On Across Many Lines' \
	'subtitle = 日本語の副題とEmoji 🦀 and more words than fit on three lines of the subtitle area at all, surely' \
	'authors = One, Two, Three, Four, Five, Six' >"$b/folio.ini"
if "$FOLIO" build "$b" -o "$TMP/long-out" --epub --quiet 2>"$TMP/long.err" &&
	out=$(python3 "$TMP/coverinfo.py" "$TMP"/long-out/*.epub) &&
	unzip -p "$TMP"/long-out/*.epub OEBPS/images/cover.svg | grep -q 'textLength="1260"'; then
	pass "cover: a very long title is wrapped, squeezed to fit and escaped"
	epubcheck_clean "cover: long title" "$(ls "$TMP"/long-out/*.epub)"
else
	fail "cover: long title" "$out $(head -3 "$TMP/long.err")"
fi
exit 0
