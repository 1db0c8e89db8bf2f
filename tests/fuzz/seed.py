#!/usr/bin/env python3
"""tests/fuzz/seed.py CORPUS - writes the fuzzer's seed inputs into CORPUS.
tests/fuzz/seed.py --names OLD NEW - after a libFuzzer merge into NEW, gives
each file of NEW that is also in OLD (same bytes) its name there, and the
others "fuzz-" and the start of their SHA-1 (libFuzzer names them by it).

Seeds (all small; see fuzz_chapter.c for the "%%% NAME" multi-file form):
  spec-NNN.md    CommonMark spec examples (../shared/corpora/commonmark-spec,
                 CC-BY-SA 4.0), every example, tabs restored
  hostile-*.md   the small hostile cases of tests/hostile/gen.py
  fixture-*.md   tests/fixtures' pages
  book-*.md      the first 6 KB of each chapter of book/
  multi-*.md     folio.ini, mdBook (book.toml + SUMMARY.md) and print-style
                 variants
Files already in CORPUS that these names do not cover (inputs the fuzzer
found and `make fuzz-merge` kept) are left alone.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
MAX = 32768


def spec_examples(path):
    fence = "`" * 32
    out, cur, state = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(fence + " example"):
                state, cur = "md", []
            elif state == "md" and line.rstrip("\n") == ".":
                out.append("".join(cur).replace("\u2192", "\t"))
                state = "html"
            elif state == "html" and line.startswith(fence):
                state = None
            elif state == "md":
                cur.append(line)
    return out


def multi():
    style = open(os.path.join(TOP, "styles", "print.ini"), encoding="utf-8").read()
    page = "# Title\n\nText [other](other.md#section-one) and ![pic](pic.png).\n"
    return {
        "multi-ini.md": "%%% folio.ini\n[book]\ntitle = <T&>\nauthors = a, b, \"c\"\n"
                        "date = 2024-02-30\nidentifier = ../../x\n[external]\n../x.md = X\n"
                        "%%% index.md\n" + page + "[x](../x.md)\n",
        "multi-mdbook.md": "%%% book.toml\n[book]\ntitle = \"M\"\nauthors = [\"A\"]\nsrc = \"src\"\n"
                           "%%% src/SUMMARY.md\n# Summary\n\n[Intro](a.md)\n\n# Part\n\n"
                           "- [A](a.md)\n  - [Draft]()\n- [Other](../other.md)\n"
                           "%%% src/a.md\n# A\n\nText.\n",
        "multi-style.md": "%%% print.ini\n" + style + "%%% index.md\n" + page,
        "multi-style-bad.md": "%%% print.ini\n[page]\npaper = a3\nmargin-top = -5mm\n"
                              "[body]\nsize = 2pt\nleading = huge\ncolor = #zzzzzz\n"
                              "[fonts]\nserif = ../../etc/passwd\n%%% index.md\n" + page,
        "multi-other.md": "%%% other.md\n# Replaced\n\n[loop](index.md)\n%%% index.md\n"
                          "# Root\n\n[o](other.md) [s](other.md#replaced)\n",
    }


def main(corpus):
    os.makedirs(corpus, exist_ok=True)
    seeds = {}
    spec = os.path.join(TOP, "..", "shared", "corpora", "commonmark-spec", "spec.txt")
    if os.path.exists(spec):
        for i, ex in enumerate(spec_examples(spec), 1):
            seeds["spec-%03d.md" % i] = ex
    else:
        print("seed.py: %s not found; no spec examples" % spec, file=sys.stderr)
    sys.path.insert(0, os.path.join(TOP, "tests", "hostile"))
    import gen
    gen.SMALL = True
    for name, big, make in gen.CASES:
        files, _ = make()
        text = files.get("index.md")
        if isinstance(text, bytes) and len(text) <= MAX:
            seeds["hostile-%s.md" % name] = text
    for root, _, names in os.walk(os.path.join(TOP, "tests", "fixtures")):
        for n in sorted(names):
            if n.endswith(".md"):
                rel = os.path.relpath(os.path.join(root, n), os.path.join(TOP, "tests", "fixtures"))
                seeds["fixture-" + rel.replace("/", "-")] = open(os.path.join(root, n), "rb").read()
    for root, _, names in os.walk(os.path.join(TOP, "book")):
        for n in sorted(names):
            if n.endswith(".md"):
                rel = os.path.relpath(os.path.join(root, n), os.path.join(TOP, "book"))
                seeds["book-" + rel.replace("/", "-")] = open(os.path.join(root, n), "rb").read()[:6144]
    seeds.update(multi())
    for name, text in sorted(seeds.items()):
        data = text.encode("utf-8") if isinstance(text, str) else text
        with open(os.path.join(corpus, name), "wb") as f:
            f.write(data)
    print("seed.py: %d seeds in %s" % (len(seeds), corpus))


def names(old, new):
    import hashlib
    by_content = {}
    for n in os.listdir(old):
        with open(os.path.join(old, n), "rb") as f:
            by_content[f.read()] = n
    for n in sorted(os.listdir(new)):
        with open(os.path.join(new, n), "rb") as f:
            data = f.read()
        want = by_content.get(data) or "fuzz-" + hashlib.sha1(data).hexdigest()[:16]
        if want != n:
            os.rename(os.path.join(new, n), os.path.join(new, want))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--names":
        names(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if len(sys.argv) != 2:
        sys.exit("usage: seed.py CORPUS")
    main(sys.argv[1])
