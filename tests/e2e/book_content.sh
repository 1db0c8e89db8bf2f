#!/bin/bash
# tests/e2e/book_content.sh - content checks on the bundled book/ (the Expert
# Level of the Rust Learning Path): the ten module pages exist, book/index.md
# is the seed, the total length is 10,000-15,000 words, the GFM features the
# build must exercise are present (aligned tables, footnotes, figures with a
# Graphviz source, task lists), and every relative link in the ten pages
# resolves to an existing file and, if it has one, to an existing heading
# anchor (GitHub-style slugs).
# Run from the repository root (see tests/run).  BOOK overrides the book
# directory, which is how the script is tried against a broken copy.
BOOK=${BOOK:-book}
SHARED=${SHARED:-../shared}

status=0
pass() { echo "PASS: book_content: $1"; }
fail() { echo "FAIL: book_content: $1: $2"; status=1; }
skip() { echo "SKIP: book_content: $1: $2"; }

PAGES="module1/index.md module1/async-server/README.md
module2/index.md module2/custom-runtime/README.md
module3/index.md module3/compiler-plugin/README.md
module4/index.md module4/data-processing/README.md
module5/index.md module5/capstone/README.md"

# ---- the ten pages exist ----
missing=""
for p in $PAGES; do
	[ -f "$BOOK/$p" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	pass "ten module pages exist"
else
	fail "ten module pages exist" "missing:$missing"
fi

# ---- book/index.md is the seed, byte for byte ----
seed="$SHARED/seeds/expert-level-index.md"
if [ ! -f "$seed" ]; then
	skip "seed" "../shared absent"
elif [ ! -f "$BOOK/index.md" ]; then
	fail "seed: index.md identical to the seed" "$BOOK/index.md is missing"
elif cmp -s "$seed" "$BOOK/index.md"; then
	pass "seed: index.md identical to the seed"
else
	fail "seed: index.md identical to the seed" "$BOOK/index.md differs from $seed"
fi

# ---- total length ----
words=$(find "$BOOK" -type f -name '*.md' -print0 | sort -z | xargs -0 cat 2>/dev/null | wc -w)
if [ "$words" -ge 10000 ] && [ "$words" -le 15000 ]; then
	pass "total words 10000-15000 ($words)"
else
	fail "total words 10000-15000" "$words words"
fi

# ---- structure, figures and links (python3) ----
if ! command -v python3 >/dev/null 2>&1; then
	fail "python3" "python3 is needed for the structure and link checks"
	exit 1
fi

BOOK="$BOOK" PAGES="$PAGES" python3 - <<'PY' || status=1
import os, re, sys

book = os.environ["BOOK"]
pages = os.environ["PAGES"].split()
failed = False

def report(ok, what, detail=""):
    global failed
    if ok:
        print(f"PASS: book_content: {what}")
    else:
        failed = True
        print(f"FAIL: book_content: {what}: {detail}")

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")

def prose_lines(text):
    """Yield (line number, line) outside fenced code blocks."""
    fence = None
    for n, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                continue
            yield n, line
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                and line.strip() == m.group(1):
            fence = None

def strip_code_spans(line):
    return re.sub(r"(`+)(.+?)\1", "", line)

def heading_text(raw):
    t = re.sub(r"\s+#+\s*$", "", raw.strip())           # closing #s
    t = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", t)     # images -> alt
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)      # links -> text
    t = re.sub(r"<[^>]+>", "", t)                       # inline HTML
    return t

def slug(text):
    s = text.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)    # keep letters, digits, _, -, space
    return s.replace(" ", "-")

def anchors(path):
    seen, result = {}, set()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for _, line in prose_lines(text):
        m = re.match(r"^ {0,3}#{1,6}\s+(.*)$", line)
        if not m:
            continue
        base = slug(heading_text(m.group(1)))
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.add(base if n == 0 else f"{base}-{n}")
    return result

md_files = []
for root, _, files in os.walk(book):
    for name in files:
        if name.endswith(".md"):
            md_files.append(os.path.join(root, name))
md_files.sort()
texts = {}
for p in md_files:
    with open(p, encoding="utf-8") as f:
        texts[p] = f.read()

# -- tables with an alignment row --
ALIGN = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
tables = 0
for p, text in texts.items():
    lines = [l for _, l in prose_lines(text)]
    for i, line in enumerate(lines):
        if ALIGN.match(line) and ":" in line and i > 0 and "|" in lines[i - 1]:
            tables += 1
report(tables >= 4, f"at least 4 tables with column alignment ({tables})",
       f"found {tables}")

# -- footnotes: definitions in >= 3 files, every reference defined --
with_defs, undefined = [], []
for p, text in texts.items():
    defs, refs = set(), set()
    for _, line in prose_lines(text):
        m = re.match(r"^\[\^([^\]]+)\]:", line)
        if m:
            defs.add(m.group(1))
            line = line[m.end():]
        refs.update(re.findall(r"\[\^([^\]]+)\](?!:)", strip_code_spans(line)))
    if defs:
        with_defs.append(p)
    undefined += [f"{os.path.relpath(p, book)}:[^{r}]" for r in sorted(refs - defs)]
report(len(with_defs) >= 3, f"footnote definitions in at least 3 files ({len(with_defs)})",
       f"only {len(with_defs)} files")
report(not undefined, "every footnote reference has a definition",
       " ".join(undefined))

# -- images: alt text, PNG figures beside a Graphviz source --
IMG = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
no_alt, figures, broken = [], set(), []
for p, text in texts.items():
    for n, line in prose_lines(text):
        for alt, target in IMG.findall(strip_code_spans(line)):
            where = f"{os.path.relpath(p, book)}:{n}"
            if not alt.strip():
                no_alt.append(where)
            if re.match(r"^[a-z]+:", target):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(p), target))
            if not os.path.isfile(path):
                broken.append(f"{where} {target}")
            elif target.lower().endswith(".png"):
                dot = path[:-4] + ".dot"
                with open(path, "rb") as f:
                    is_png = f.read(8) == b"\x89PNG\r\n\x1a\n"
                if not is_png:
                    broken.append(f"{where} {target} is not a PNG")
                elif not os.path.isfile(dot):
                    broken.append(f"{where} {target} has no {os.path.basename(dot)}")
                elif os.path.getsize(path) > 150 * 1024:
                    broken.append(f"{where} {target} is over 150 KB")
                else:
                    figures.add(path)
report(not no_alt, "every image has alt text", " ".join(no_alt))
report(not broken, "every image exists (PNGs: under 150 KB, .dot beside)", "; ".join(broken))
report(len(figures) >= 2, f"at least 2 PNG figures with a Graphviz source ({len(figures)})",
       f"found {len(figures)}")

# -- task lists in every project README --
TASK = re.compile(r"^\s*[-*+] \[[ xX]\] ")
no_tasks = []
for page in pages:
    if not page.endswith("README.md"):
        continue
    p = os.path.join(book, page)
    if p not in texts or not any(TASK.match(l) for _, l in prose_lines(texts[p])):
        no_tasks.append(page)
report(not no_tasks, "task lists in every project README", " ".join(no_tasks))

# -- relative links in the ten pages: files and anchors --
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
cache, bad, checked = {}, [], 0
for page in pages:
    p = os.path.join(book, page)
    if p not in texts:
        continue
    for n, line in prose_lines(texts[p]):
        for target in LINK.findall(strip_code_spans(line)):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("/"):
                continue                                  # external or absolute
            checked += 1
            where = f"{page}:{n}"
            file_part, _, frag = target.partition("#")
            dest = p if not file_part else \
                os.path.normpath(os.path.join(os.path.dirname(p), file_part))
            if not os.path.isfile(dest):
                bad.append(f"{where} {target}: no such file")
                continue
            if file_part and not dest.endswith(".md"):
                continue
            if frag:
                if dest not in cache:
                    cache[dest] = anchors(dest)
                if frag not in cache[dest]:
                    bad.append(f"{where} {target}: no heading with anchor #{frag}")
report(not bad, f"relative links and anchors in the ten pages resolve ({checked} checked)",
       "; ".join(bad))

sys.exit(1 if failed else 0)
PY

exit $status
