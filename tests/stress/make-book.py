#!/usr/bin/env python3
"""Writes the stress book into tests/stress/book/ (committed; rerun to
regenerate).  Every construct at a size that breaks naive layouts: a
5,000-character word, a 400-character code line, a 200-row table, lists and
quotes nested 30 deep, a 3,000-line code block, characters beyond U+FFFF and
in no bundled font, 16-bit and RGBA PNGs, many footnotes."""
import os, random, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "book")
random.seed(5)

def png(path, w, h, depth, color_type):
    chans = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    bps = depth // 8
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            for c in range(chans):
                v = (x * 255 // max(w - 1, 1) + c * 60 + y) % 256
                if c == chans - 1 and color_type in (4, 6):
                    v = 255 if (x // 8 + y // 8) % 2 else 96
                raw += bytes([v] * bps) if bps == 2 else bytes([v])
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)

words = ("layout page break glyph kerning leading justify paragraph widow orphan "
         "hyphenation typography margin column footnote figure caption table "
         "monospace ligature baseline").split()

def sentence(n):
    return " ".join(random.choice(words) for _ in range(n)).capitalize() + "."

os.makedirs(OUT, exist_ok=True)
png(os.path.join(OUT, "gradient16.png"), 120, 60, 16, 2)
png(os.path.join(OUT, "alpha.png"), 80, 80, 8, 6)
png(os.path.join(OUT, "grey16a.png"), 64, 32, 16, 4)

with open(os.path.join(OUT, "folio.ini"), "w") as f:
    f.write("[book]\ntitle = Stress Book\nauthors = Folio Tests\nlanguage = en\n")

L = []
L.append("# Stress Book\n")
L.append("## A very long word\n")
L.append("Before the word. " + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(5000)) + " After the word.\n")
L.append("A long URL: <https://example.com/" + "/".join("segment%d" % i for i in range(60)) + "?query=" + "x" * 120 + ">.\n")
L.append("Inline code that is far too long for a line: `" + "let_a_very_long_identifier_" * 14 + "` and more text after it.\n")
L.append("Non-breaking spaces: 10\u00a0km, Dr.\u00a0Who, and a no\u2011break hyphen.\n")
L.append("Characters beyond the fonts: emoji \U0001F600 and \U0001F680, CJK \u6f22\u5b57, and a PUA \ue000 glyph.\n")
L.append("## A long code line\n")
L.append("```rust\nfn main() { let v = vec![" + ", ".join(str(i) for i in range(120))[:380] + "]; }\n```\n")
L.append("## Nested lists\n")
for d in range(30):
    L.append("    " * d + "- level %d item with some words to wrap around the narrowing column %s" % (d + 1, sentence(6)))
L.append("")
for d in range(30):
    L.append("   " * d + "%d. ordered level %d" % (1 if d else 3, d + 1))
L.append("")
L.append("- [ ] open task\n- [x] done task\n")
L.append("7. seven\n8. eight\n9. nine\n10. ten\n")
L.append("## Nested quotes\n")
L.append("\n".join("> " * (d + 1) + "quote depth %d. %s" % (d + 1, sentence(12)) for d in range(30)) + "\n")
L.append("## A 200-row table\n")
L.append("| # | Name | Description | Value |\n|--:|:-----|:-----------:|------:|")
for i in range(200):
    L.append("| %d | row%d | %s | %d.%02d |" % (i + 1, i + 1, sentence(random.randint(2, 14)), i * 7, i % 100))
L.append("")
L.append("## A table too wide for the page\n")
L.append("| " + " | ".join("Column%dWithALongHeader" % i for i in range(12)) + " |")
L.append("|" + "---|" * 12)
for r in range(5):
    L.append("| " + " | ".join("cell_%d_%d_%s" % (r, c, "x" * 20) for c in range(12)) + " |")
L.append("")
L.append("## Footnotes\n")
L.append(" ".join("%s[^n%d]" % (sentence(8), i) for i in range(12)) + "\n")
for i in range(12):
    L.append("[^n%d]: Footnote %d. %s\n" % (i, i, sentence(10 + 6 * (i % 3))))
L.append("## Images\n")
L.append("![A 16-bit RGB gradient](gradient16.png)\n")
L.append("![An RGBA checkerboard](alpha.png)\n")
L.append("![A 16-bit grey and alpha image](grey16a.png)\n")
L.append("## Headings\n")
for lv in range(1, 7):
    L.append("#" * lv + " Heading level %d\n" % lv)
    L.append(sentence(20) + "\n")
L.append("<div class=\"raw\">Raw <b>HTML</b> block shown as text</div>\n")
L.append("Inline <span>raw html</span> too.\n\n---\n")
L.append("## A long code block\n")
L.append("```c\n" + "\n".join("int line_%d = %d; /* %s */" % (i, i, sentence(4)) for i in range(3000)) + "\n```\n")
for p in range(40):
    L.append(sentence(random.randint(20, 90)) + "\n")

with open(os.path.join(OUT, "index.md"), "w") as f:
    f.write("\n".join(L))
