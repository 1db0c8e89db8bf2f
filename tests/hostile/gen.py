#!/usr/bin/env python3
"""tests/hostile/gen.py [--small] OUT - writes folio's hostile inputs.

OUT/combined/ is one book: its index.md links to one folder per case, and
each case folder (OUT/combined/NAME/) is also a book of its own, with
index.md as its root page, so a case can be checked or timed alone:

    folio check OUT/combined/NAME
    folio build OUT/combined/NAME -o DIR --pdf

OUT/expect.tsv says what `folio check OUT/combined` must print, one line
per expectation:

    NAME <TAB> TEXT    a diagnostic line contains "/NAME/TEXT"
    NAME <TAB> !TEXT   no diagnostic line contains both "/NAME/" and "TEXT"
    NAME <TAB> -       no diagnostic at all names a file of NAME

--small makes the big cases a tenth of their size (10,000 footnotes become
1,000): EPUBCheck's time grows with the square of the number of ids, and
needs 2.5 minutes for the full-size book.

OUT/cases.txt lists the cases, one per line: NAME <TAB> BIG (1 if the
case is large and gets its own timed builds).

Everything is generated (no binary fixtures in the repository); the same
OUT is written on every run.  Special files (a FIFO, a symlink out of the
book) are made here too; a file that cannot be read even by root is
hostile.sh's business.
"""
import os
import struct
import sys
import zlib

CASES = []  # (name, big, function returning (files, expectations))
SMALL = False  # --small: the big cases at a tenth of their size


def case(name, big=False):
    def add(fn):
        CASES.append((name, big, fn))
        return fn
    return add


def parse_limit(name):
    """A nesting limit from src/load/parse.h, so the expected positions follow it."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "src", "load", "parse.h")) as f:
        for line in f:
            words = line.split()
            if len(words) >= 3 and words[0] == "#define" and words[1] == name:
                return int(words[2])
    raise SystemExit("gen.py: %s not found in src/load/parse.h" % name)


BLOCK_MAX = parse_limit("PARSE_MAX_BLOCK_DEPTH")
INLINE_MAX = parse_limit("PARSE_MAX_INLINE_DEPTH")


def scaled(n):
    return n // 10 if SMALL else n


# ---- images, made from scratch -----------------------------------------

def png(width, height, depth=8, color=2, interlace=0, data=None, rows=None):
    """A PNG; rows (list of bytes, filter byte included) default to a
    gradient.  data overrides the compressed IDAT payload."""
    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    bpp = max(1, channels * depth // 8)

    def raw_rows(w, h, x0=0, y0=0):
        out = []
        for y in range(h):
            row = bytearray([0])
            for x in range(w * bpp):
                row.append((x * 37 + (y + y0) * 11 + x0) & 0xFF)
            out.append(bytes(row))
        return out

    if data is None:
        if rows is None:
            if interlace:
                # Adam7: seven reduced images, each with its own rows.
                rows = []
                passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                          (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
                for x0, y0, dx, dy in passes:
                    w = (width - x0 + dx - 1) // dx if width > x0 else 0
                    h = (height - y0 + dy - 1) // dy if height > y0 else 0
                    if w and h:
                        rows += raw_rows(w, h, x0, y0)
            else:
                rows = raw_rows(width, height)
        data = zlib.compress(b"".join(rows), 9)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace))
    if color == 3:
        out += chunk(b"PLTE", bytes(range(0, 48)))
    out += chunk(b"IDAT", data)
    out += chunk(b"IEND", b"")
    return out


def jpeg_header(width, height, components=3):
    """SOI, a JFIF APP0 and a baseline SOF0, then EOI: a header a sniffer
    accepts, with no image data behind it."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    comps = b"".join(bytes([i + 1, 0x11, 0]) for i in range(components))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 8 + 3 * components, 8, height, width,
                                     components) + comps
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def jpeg_grey(width, height):
    """A whole baseline JPEG: one grey component, every 8x8 block mid-grey.
    Its Huffman tables hold one code each (DC difference 0, end of block),
    so each block is two bits."""
    def seg(marker, body):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytearray()
    for k in range(0, len(bits), 8):
        byte = int(bits[k:k + 8], 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0)  # byte stuffing
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1: symbol 0
    return (b"\xff\xd8" +
            seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0") +
            seg(0xDB, b"\x00" + bytes([1] * 64)) +
            seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00") +
            seg(0xC4, b"\x00" + one_code) +
            seg(0xC4, b"\x10" + one_code) +
            seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes(scan) + b"\xff\xd9")


GIF_1x1 = bytes.fromhex("474946383961010001008000" "00ffffff000000" "2c00000000010001000002024401003b")
SVG_OK = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
          b'<rect width="40" height="20" fill="#369"/></svg>\n')


# ---- the cases ----------------------------------------------------------

@case("utf8")
def _():
    text = (b"# Invalid UTF-8\n\n"
            b"Line three has bad bytes: \xff\xfe here, a lone \xc3 and an overlong \xc0\xaf.\n\n"
            b"A surrogate \xed\xa0\x80, a truncated \xe2\x82 and beyond U+10FFFF \xf4\x90\x80\x80.\n\n"
            b"Non-characters \xef\xbf\xbe and \xef\xbf\xbf are not allowed in XML.\n\n"
            b"## Bad \xff heading\n\nA heading with a bad byte still gets a slug: [it](#bad--heading).\n")
    return {"index.md": text}, ["index.md:3:27: warning: invalid UTF-8 (17 sequences replaced by U+FFFD)"]


@case("controls")
def _():
    text = (b"# Control characters\n\n"
            b"NUL\x00here, bell\x07, escape\x1b[31m, form feed\x0c, vertical tab\x0b, DEL\x7f,\n"
            b"backspace\x08 and a C1 control \xc2\x9b as text.\n\n"
            b"```\ncode with a NUL\x00 byte\n```\n\nA [link\x00](#control-characters) with a NUL.\n")
    return {"index.md": text}, ["index.md:3:4: warning: control characters removed (10)",
                                "!index.md:10"]


@case("crlf")
def _():
    text = ("# CRLF line endings\r\n\r\nEvery line ends in CR LF.\r\nSee [below](#second).\r\n"
            "[missing](missing.md)\r\n\r\n## Second\r\n\r\nOld Mac: a lone CR\rends this line.\r\n")
    return {"index.md": text.encode()}, ["index.md:5:1: warning: link target 'missing.md' not found",
                                         "!#second"]


@case("bom")
def _():
    text = "\ufeff# BOM title\n\n[self](#bom-title) and [missing](missing.md).\n"
    return {"index.md": text.encode("utf-8")}, [
        "index.md:3:24: warning: link target 'missing.md' not found", "!#bom-title"]


@case("empty")
def _():
    return {"index.md": b""}, ["index.md:1:1: warning: chapter is empty"]


@case("blank")
def _():
    return {"index.md": b"\n\n   \n\t\n"}, ["index.md:1:1: warning: chapter is empty"]


@case("heading-only")
def _():
    return {"index.md": b"# Only a heading\n"}, ["-"]


@case("long-word", big=True)
def _():
    word = "".join(chr(ord("a") + (i * 7) % 26) for i in range(5000))
    text = "# A 5,000-character word\n\nBefore %s after.\n\n> In a quote: %s\n\n| cell |\n|---|\n| %s |\n" % (
        word, word[:3000], word[:2000])
    return {"index.md": text.encode()}, ["-"]


@case("big-paragraph", big=True)
def _():
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit",
             "*emphasis*", "`code`", "**strong**", "über", "naïve", "日本語"]
    out, n, i = [], 0, 0
    while n < scaled(1_000_000):
        w = words[(i * 7 + i // 13) % len(words)]
        out.append(w)
        n += len(w) + 1
        i += 1
    # folio check lays the book out: the CJK characters are in no font.
    return {"index.md": ("# A 1 MB paragraph\n\n" + " ".join(out) + "\n").encode()}, [
        "index.md:3:1: warning: character U+65E5 is in none of the PDF fonts",
        "!index.md:1:"]


@case("long-code-line", big=True)
def _():
    line = "let x = " + " + ".join("v%d" % i for i in range(400))
    line = (line + " " * 2000)[:2000]
    text = "# A 2,000-character code line\n\n```rust\n%s\n```\n\n`%s`\n" % (line, line[:2000])
    return {"index.md": text.encode()}, ["-"]


@case("deep-list", big=True)
def _():
    lines = ["# 1,000-deep nested lists", ""]
    for i in range(1000):
        lines.append("  " * i + "- level %d" % i)
    for i in range(300):
        lines.append("   " * i + "1. ordered %d" % i)
    # Level k's list is depth 2k+1 and needs room for its items.
    k = (BLOCK_MAX - 2) // 2 + 1
    return {"index.md": ("\n".join(lines) + "\n").encode()}, [
        "index.md:%d:%d: warning: nesting deeper than %d levels is flattened (content kept)"
        % (3 + k, 2 * k + 1, BLOCK_MAX)]


@case("deep-quote", big=True)
def _():
    text = "# 1,000-deep block quotes\n\n" + "> " * 1000 + "deep\n\n" + ">" * 5000 + " deeper\n"
    return {"index.md": text.encode()}, [
        "index.md:3:%d: warning: nesting deeper than %d levels is flattened (content kept)"
        % (2 * BLOCK_MAX + 1, BLOCK_MAX)]


@case("deep-inline", big=True)
def _():
    n = 3000
    text = ("# Deep inline markup\n\n" + "*" * n + "deep emphasis" + "*" * n + "\n\n" +
            "![" * n + "alt" + "](pic.png)" * n + "\n\n" +
            "**_" * 200 + "mixed" + "_**" * 200 + "\n\n" +
            "[" * n + "brackets" + "]" * n + "\n")
    return {"index.md": text.encode(), "pic.png": png(4, 4)}, [
        "index.md:3:1: warning: inline markup nested deeper than %d levels is flattened (text kept)"
        % INLINE_MAX]


@case("wide-table", big=True)
def _():
    cols = 500
    head = "| " + " | ".join("c%d" % i for i in range(cols)) + " |"
    sep = "|" + "|".join(":--" if i % 3 == 0 else "--:" if i % 3 == 1 else ":-:"
                         for i in range(cols)) + "|"
    rows = ["| " + " | ".join("r%dc%d" % (r, i) for i in range(cols)) + " |" for r in range(20)]
    ragged = "| only | two |"
    text = "# A 500-column table\n\n" + "\n".join([head, sep] + rows + [ragged]) + "\n"
    return {"index.md": text.encode()}, ["-"]


@case("footnotes", big=True)
def _():
    n = scaled(10000)
    body = " ".join("word[^n%d]" % i for i in range(n))
    defs = "\n".join("[^n%d]: Note %d with *markup* and a [link](#10000-footnotes)." % (i, i)
                     for i in range(n))
    extra = ("\n\nA note referenced twice[^twice] and again[^twice], one never "
             "referenced, one missing[^missing], one nested[^outer].\n\n"
             "[^twice]: Twice.\n[^unused]: Never referenced.\n"
             "[^outer]: Outer note with an inner one[^inner].\n[^inner]: Inner.\n")
    return {"index.md": ("# 10,000 footnotes\n\n" + body + extra + "\n" + defs + "\n").encode()}, ["-"]


@case("same-headings", big=True)
def _():
    parts = ["# Same headings", ""]
    n = scaled(5000)
    for i in range(n):
        parts += ["## Repeat", "", "text", ""]
    parts += ["## Repeat-1", "", "[last](#repeat-%d) [literal](#repeat-1-1)" % (n - 1), ""]
    return {"index.md": "\n".join(parts).encode()}, ["-"]


@case("many-links", big=True)
def _():
    parts = ["# Many links", ""]
    for i in range(scaled(3000)):
        parts.append("[e%d](https://example.org/p/%d) [same](https://EXAMPLE.org:443/p/%d) "
                     "[miss](#nowhere-%d) [ok](#many-links) [gone](gone%d.md)" % (i, i, i, i, i))
    return {"index.md": ("\n".join(parts) + "\n").encode()}, [
        "index.md:3:67: warning: link target '#nowhere-0': no heading",
        "index.md:3:104: warning: link target 'gone0.md' not found"]


@case("link-cycle")
def _():
    return {
        "index.md": b"# Cycle start\n\nOn to [A](a.md) and [myself](index.md) and [here](#cycle-start).\n",
        "a.md": b"# A\n\nOn to [B](b.md), back to [start](index.md#cycle-start), [self](a.md#a).\n",
        "b.md": b"# B\n\nBack to [A](a.md) and [start](./index.md), [self](b.md).\n",
    }, ["-"]


@case("bad-links")
def _():
    text = """# Bad links

1. [missing file](nowhere.md)
2. [missing anchor](#no-such-heading) and [in another file](other.md#nope)
3. [climb out](../../etc/passwd) and [deeper](../../../../../../etc/shadow)
4. [absolute](/etc/passwd) and [encoded climb](%2e%2e/%2e%2e/%2e%2e/etc/passwd)
5. [file URL](file:///etc/passwd) and [script](javascript:alert(1))
6. [mixed case](JaVaScRiPt:alert(1)) and [entity](&#106;avascript:alert(1))
7. [vbscript](vbscript:msgbox(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)
8. [escaped symlink](escape.md) and [into a linked folder](escdir/passwd)
9. [a folder](folder.md) and [a FIFO](fifo.md)
10. [NUL escape](a%00b.md) and [bad escape](a%zz.md)
11. [long](LONGNAME.md)
12. <javascript:alert(1)> and <file:///etc/passwd>
13. [backslashes](..\\\\..\\\\etc\\\\passwd) and [drive](C:/Windows/win.ini)
14. [ok](other.md#other) [ok too](other.md)
""".replace("LONGNAME", "x" * 5000)
    other = b"# Other\n\nBack [home](index.md).\n"
    return {
        "index.md": text.encode(),
        "other.md": other,
        "escape.md": ("symlink", "/etc/hostname"),
        "escdir": ("symlink", "/etc"),
        "folder.md": ("dir",),
        "folder.md/note.txt": b"a file inside a folder named like a chapter\n",
        "fifo.md": ("fifo",),
    }, [
        "index.md:3:4: warning: link target 'nowhere.md' not found",
        "index.md:4:4: warning: link target '#no-such-heading': no heading '#no-such-heading'",
        "index.md:4:43: warning: link target 'other.md#nope': no heading '#nope'",
        "index.md:5:4: warning: link target '../../etc/passwd' is outside the book folder",
        "index.md:5:38: warning: link target '../../../../../../etc/shadow' is outside the book folder",
        "index.md:6:4: warning: link target '/etc/passwd' is outside the book folder",
        "index.md:6:32: warning: link target '%2e%2e/%2e%2e/%2e%2e/etc/passwd' is outside the book folder",
        "index.md:7:4: warning: 'file:' links are not allowed in a book",
        "index.md:7:39: warning: 'javascript:' links are not allowed in a book",
        "index.md:8:4: warning: 'JaVaScRiPt:' links are not allowed in a book",
        "index.md:8:42: warning: 'javascript:' links are not allowed in a book",
        "index.md:9:4: warning: 'vbscript:' links are not allowed in a book",
        "index.md:9:39: warning: 'data:' links are not allowed in a book",
        "index.md:10:4: warning: link target 'escape.md' is outside the book folder",
        "index.md:10:37: warning: link target 'escdir/passwd' is outside the book folder",
        "index.md:11:4: warning: link target 'folder.md' is not a regular file",
        "index.md:11:30: warning: link target 'fifo.md' is not a regular file",
        "index.md:12:5: warning: link target 'a%00b.md' is malformed",
        "index.md:12:32: warning: link target 'a%zz.md' is malformed",
        "index.md:13:5: warning: link target 'xxxxxxxx",
        "index.md:14:5: warning: 'javascript:' links are not allowed in a book",
        "index.md:14:31: warning: 'file:' links are not allowed in a book",
        "index.md:15:5: warning: link target '..\\..\\etc\\passwd' not found",
        "!index.md:16",
    ]


@case("odd-names")
def _():
    return {
        "index.md": (b"# Odd file names\n\n[spaces](<with spaces.md>), [unicode](%C3%BCber.md), "
                     b"[hash](a%23b.md), [quote](it%27s.md), [bad byte](%FF.md), [amp](a&amp;b.md).\n"),
        "with spaces.md": b"# With spaces\n",
        "\u00fcber.md".encode(): b"# \xc3\x9cber\n",
        "a#b.md": b"# Hash\n",
        "it's.md": b"# It's\n",
        b"\xff.md": b"# Bad byte in the file name\n",
        "a&b.md": b"# Ampersand <&> in a name\n",
    }, ["!index.md:3"]


@case("html")
def _():
    text = b"""# Raw HTML and markup characters

<script>alert("block")</script>

<img src="x" onerror="alert(1)">

<div onclick="alert(2)" style="background:url(javascript:alert(3))">div</div>

<iframe src="https://example.org/"></iframe>

<style>body { display: none }</style>

Inline <span onmouseover="alert(4)">span</span>, <a href="javascript:alert(5)">a</a>,
<!-- a comment --> <![CDATA[ cdata ]]> <?php echo 1; ?> and </p></div></body>.

Text with & < > " ' ]]> and &amp; &lt; &#0; &#xD800; &#x110000; &bogus; entities.

`code with </pre> and ]]>` and an autolink <https://example.org/?a=1&b=<2>>.

```html
<script>alert("in code")</script>
```
"""
    # HTML is read (load/html.c): what it drops is said where it stands
    return {"index.md": text}, [
        "index.md:5:1: warning: image 'x' not found",
        "index.md:13:50: warning: a link (<a href>) to a script or data: URL is dropped",
        "index.md:9:1: warning: HTML <iframe> cannot be shown in a book; it is left out",
        "!index.md:3:", "!index.md:7:", "!index.md:11:", "!index.md:14:",
        "!index.md:16:", "!index.md:18:", "!index.md:20:",
    ]


@case("images")
def _():
    text = """# Images

1. ![missing](missing.png)
2. ![truncated header](truncated.png) and ![truncated data](truncdata.png)
3. ![not an image](text.png) and ![empty](empty.png)
4. ![an SVG](pic.svg) and ![a GIF](pic.gif) and ![SVG named png](svg.png)
5. ![huge](huge.png) and ![too many pixels](megapixels.png)
6. ![16-bit RGB](rgb16.png) and ![16-bit grey](grey16.png)
7. ![interlaced](interlaced.png) and ![palette](palette.png) and ![grey alpha](greyalpha.png) and ![RGBA](rgba.png)
8. ![JPEG header only](header.jpg) and ![CMYK JPEG header](cmyk.jpg) and ![zero-height JPEG](zero.jpg) and ![a whole JPEG](grey.jpg) and ![cut JPEG](cut.jpg)
9. ![outside](../../etc/passwd) and ![escape](escape.png) and ![a folder](imgdir) and ![remote](https://example.org/x.png)
10. ![scripted SVG](script.svg) and ![SVG with entities](entities.svg)
11. ![same again](rgb16.png)
"""
    return {
        "index.md": text.encode(),
        "truncated.png": png(10, 10)[:20],
        "truncdata.png": png(32, 32)[:60],
        "text.png": b"This is text, not a picture.\n",
        "empty.png": b"",
        "pic.svg": SVG_OK,
        "pic.gif": GIF_1x1,
        "svg.png": SVG_OK,
        "huge.png": png(100000, 100000, data=zlib.compress(b"\0" * 64)),
        "megapixels.png": png(19000, 19000, data=zlib.compress(b"\0" * 64)),
        "rgb16.png": png(16, 8, depth=16, color=2),
        "grey16.png": png(8, 8, depth=16, color=0),
        "interlaced.png": png(13, 11, interlace=1),
        "palette.png": png(8, 8, depth=8, color=3, rows=[bytes([0] + [i % 16] * 8) for i in range(8)]),
        "greyalpha.png": png(8, 8, depth=8, color=4),
        "rgba.png": png(8, 8, depth=8, color=6),
        "header.jpg": jpeg_header(64, 48),
        "cmyk.jpg": jpeg_header(32, 32, components=4),
        "zero.jpg": jpeg_header(32, 0),
        "grey.jpg": jpeg_grey(40, 24),
        "cut.jpg": jpeg_grey(40, 24)[:-2],
        "escape.png": ("symlink", "/usr/share/pixmaps/debian-logo.png"),
        "imgdir": ("dir",),
        "script.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                       b'<script>alert(2)</script><rect width="5" height="5"/></svg>\n'),
        "entities.svg": (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                         b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                         b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>\n'),
    }, [
        "index.md:3:4: warning: image 'missing.png' not found",
        "index.md:4:4: warning: 'truncated.png' is not a PNG, JPEG, GIF or SVG image",
        "index.md:5:4: warning: 'text.png' is not a PNG, JPEG, GIF or SVG image",
        "index.md:5:34: warning: 'empty.png' is not a PNG, JPEG, GIF or SVG image",
        "index.md:6:49: warning: image 'svg.png' is an image/svg+xml file named .png",
        "index.md:7:4: warning: image 'huge.png' has unusable dimensions 100000x100000",
        "index.md:7:26: warning: image 'megapixels.png' has unusable dimensions 19000x19000",
        "index.md:10:4: warning: image 'header.jpg' is truncated or damaged",
        "index.md:10:40: warning: image 'cmyk.jpg' is truncated or damaged",
        "index.md:10:74: warning: image 'zero.jpg' is truncated or damaged",
        "!'grey.jpg'",
        "index.md:10:138: warning: image 'cut.jpg' is truncated or damaged",
        "index.md:11:4: warning: image '../../etc/passwd' is outside the book folder",
        "index.md:11:37: warning: image 'escape.png' is outside the book folder",
        "index.md:11:63: warning: image 'imgdir' is not a regular file",
        "index.md:11:87: warning: remote image 'https://example.org/x.png' is not embedded",
        "index.md:12:5: warning: SVG image 'script.svg': its scripts are removed",
        "index.md:12:37: warning: SVG image 'entities.svg': its entities are removed",
        "!index.md:8:",
        "!index.md:9:",
        "!index.md:13:",
    ]


@case("metadata-chars")
def _():
    # A chapter whose first heading (its title, in the table of contents
    # and the PDF outline) holds every character XML and PDF care about.
    return {"index.md": "# <Title> & \"quotes\" 'apostrophes' ]]> \\ ( ) \u202e\u200b \U0001F600\n\ntext\n".encode()}, [
        "index.md:1:1: warning: character U+1F600 is in none of the PDF fonts",
        "!index.md:3:"]


def write(out):
    book = os.path.join(out, "combined")
    os.makedirs(book, exist_ok=True)
    index = ["# Hostile book", "",
             "Every chapter below is a hostile input that folio must survive.", ""]
    expect = []
    cases = []
    for name, big, make in CASES:
        files, exp = make()
        index.append("- [%s](%s/index.md)" % (name, name))
        for e in exp:
            expect.append("%s\t%s" % (name, e))
        cases.append("%s\t%d" % (name, 1 if big else 0))
        for rel, content in files.items():
            relb = rel if isinstance(rel, bytes) else rel.encode()
            path = os.path.join(book.encode(), name.encode(), relb)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if isinstance(content, tuple):
                kind = content[0]
                if os.path.lexists(path) and kind != "dir":
                    os.unlink(path)
                if kind == "symlink":
                    os.symlink(content[1], path)
                elif kind == "dir":
                    os.makedirs(path, exist_ok=True)
                elif kind == "fifo":
                    os.mkfifo(path)
            else:
                with open(path, "wb") as f:
                    f.write(content)
    with open(os.path.join(book, "index.md"), "w") as f:
        f.write("\n".join(index) + "\n")
    # Metadata is hostile too: markup, invalid UTF-8, controls, and an
    # identifier (it names the output files) that climbs out of the
    # output folder.
    with open(os.path.join(book, "folio.ini"), "wb") as f:
        f.write(b"[book]\ntitle = A Hostile Book <&> \"\xff\" ]]> \x01\xef\xbf\xbf\n"
                b"authors = Folio Tests, <script>alert(1)</script>, \xc3\n"
                b"language = en\nidentifier = ../../hostile-book\ndate = 2024-02-29\n"
                b"description = ]]></dc:description><script>alert(1)</script>\n"
                b"keywords = a, b, c\x1b[31m\n")
    with open(os.path.join(out, "expect.tsv"), "w") as f:
        f.write("\n".join(expect) + "\n")
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--small":
        SMALL = True
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: gen.py [--small] OUT")
    write(args[0])
