#!/usr/bin/env python3
"""spec2book.py SPEC_TXT OUT_DIR - a folio book with every example of the
CommonMark spec, each example its own chapter.

Each example is a chapter of its own (examples/NNNN.md) so that an
unclosed fence or HTML block in one example cannot swallow the next: every
construct and edge case of the syntax then reaches the writers on its own.
The root page (index.md) repeats the spec's section headings and links
every example in order, which gives the reading order.  Tabs, written as
"\u2192" in the spec, become real tabs.

The spec is CC-BY-SA 4.0; the generated book is for tests only and is
written outside the repository.
"""
import os
import re
import sys

FENCE = "`" * 32


def parse(spec):
    """Yields (section, number, markdown) for each example, and the
    headings seen before it."""
    lines = spec.split("\n")
    section = "Introduction"
    number = 0
    i = 0
    in_front = lines and lines[0] == "---"
    while i < len(lines):
        line = lines[i]
        if in_front:
            if i > 0 and line in ("...", "---"):
                in_front = False
            i += 1
            continue
        if line.startswith(FENCE + " example"):
            md = []
            i += 1
            while i < len(lines) and lines[i] != ".":
                md.append(lines[i])
                i += 1
            # skip the expected HTML up to the closing fence
            while i < len(lines) and not lines[i].startswith(FENCE):
                i += 1
            number += 1
            yield section, number, "\n".join(md).replace("\u2192", "\t")
        else:
            m = re.match(r"^(#{1,2}) +(.*?) *$", line)
            if m:
                section = m.group(2)
        i += 1


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    spec_path, out = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = f.read()
    os.makedirs(os.path.join(out, "examples"), exist_ok=True)

    index = ["# CommonMark Spec Examples", "",
             "Every example of the CommonMark spec, one chapter each.", ""]
    last = None
    count = 0
    for section, number, md in parse(spec):
        if section != last:
            index += ["", "## " + section.replace("[", "\\[").replace("]", "\\]"), ""]
            last = section
        name = "examples/%04d.md" % number
        index.append("- [Example %d](%s)" % (number, name))
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            # the heading names the example; a blank line keeps the
            # example's own first line from joining it
            f.write("# Example %d\n\n%s\n" % (number, md))
        count += 1
    with open(os.path.join(out, "index.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(index) + "\n")
    with open(os.path.join(out, "folio.ini"), "w", encoding="utf-8") as f:
        f.write("[book]\n"
                "title = CommonMark Spec Examples\n"
                "subtitle = Every example of the CommonMark spec\n"
                "authors = John MacFarlane\n"
                "language = en\n"
                "identifier = folio-test-commonmark-spec-examples\n"
                "version = 0.31.2\n"
                "date = 2024-01-28\n")
    print("%d examples" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
