#!/bin/bash
# tests/e2e/book_content.sh - content checks on the bundled book/ (the Expert
# Level of the Rust Learning Path): the ten module pages exist, book/index.md
# is the seed, the total length is 10,000-24,000 words, the GFM features the
# build must exercise are present (aligned tables, footnotes, figures with a
# Graphviz source, task lists), and every relative link in the ten pages and
# the solutions appendix resolves to an existing file and, if it has one, to
# an existing heading anchor (GitHub-style slugs).  Every module reading ends
# with an Exercises and a Self-Check section of 3-5 numbered items, each
# linking to its module's part of the "Solutions and Hints" appendix
# (solutions.md), which answers every item and appears in the contents of the
# PDF and the EPUB just before the Resources appendix; Module 5 has a grading
# rubric table whose weights add up to 100.
# Run from the repository root (see tests/run).  BOOK overrides the book
# directory, which is how the script is tried against a broken copy.
BOOK=${BOOK:-book}
SHARED=${SHARED:-../shared}
FOLIO=${FOLIO:-build/folio}
TMP=${TMP:-$(mktemp -d)}

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
if [ "$words" -ge 10000 ] && [ "$words" -le 24000 ]; then
	pass "total words 10000-24000 ($words)"
else
	fail "total words 10000-24000" "$words words"
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
SOLUTIONS = "solutions.md"   # the "Solutions and Hints" appendix
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

# -- relative links in the ten pages and the appendix: files and anchors --
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
cache, bad, checked = {}, [], 0
for page in pages + [SOLUTIONS]:
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
report(not bad, f"relative links and anchors in the ten pages and the appendix resolve ({checked} checked)",
       "; ".join(bad))

# -- exercises and self-checks at the end of every module reading --
MODULE_TITLES = {}

def sections(text):
    """{level-2 heading text: [(line number, line), ...]} outside code."""
    out, cur = {}, None
    for n, line in prose_lines(text):
        m = re.match(r"^## (.*?)\s*$", line)
        if m:
            cur = heading_text(m.group(1)).strip().lower()
            out.setdefault(cur, [])
            continue
        if cur is not None:
            out[cur].append((n, line))
    return out

def links_in(lines):
    found = []
    for _, line in lines:
        found += LINK.findall(strip_code_spans(line))
    return found

ITEM = re.compile(r"^(\d+)[.)] ")
sol_path = os.path.join(book, SOLUTIONS)
readings = [pg for pg in pages if pg.endswith("/index.md")]
counts = {}
problems = []
for page in readings:
    p = os.path.join(book, page)
    if p not in texts:
        continue
    secs = sections(texts[p])
    title = next((heading_text(l[2:]).strip() for _, l in prose_lines(texts[p])
                  if l.startswith("# ")), "")
    MODULE_TITLES[page] = title
    module_anchor = slug(heading_text(title))
    for name in ("exercises", "self-check"):
        if name not in secs:
            problems.append(f"{page}: no '## {name}' section")
            continue
        items = [int(ITEM.match(l).group(1)) for _, l in secs[name] if ITEM.match(l)]
        counts[(page, name)] = len(items)
        if not 3 <= len(items) <= 5 or items != list(range(1, len(items) + 1)):
            problems.append(f"{page}: '{name}' has items {items}, want 3-5 numbered from 1")
        to_sol = [t for t in links_in(secs[name])
                  if t.partition("#")[0] and os.path.normpath(os.path.join(
                      os.path.dirname(p), t.partition("#")[0])) == os.path.normpath(sol_path)]
        if not to_sol:
            problems.append(f"{page}: '{name}' does not link to {SOLUTIONS}")
        elif any(t.partition("#")[2] != module_anchor for t in to_sol):
            problems.append(f"{page}: '{name}' links {to_sol}, want {SOLUTIONS}#{module_anchor}")
    # the two sections come last, before Navigation only
    order = [h for h in secs]
    tail = [h for h in order if h != "navigation"][-2:]
    if tail != ["exercises", "self-check"]:
        problems.append(f"{page}: sections end with {tail}, want exercises, self-check")
report(bool(readings) and not problems,
       f"every module reading ends with 3-5 exercises and 3-5 self-check questions "
       f"linking to the solutions ({len(counts)} sections)", "; ".join(problems))

# -- the solutions appendix: one part per module, an answer per item --
problems, parts = [], {}
if not os.path.isfile(sol_path):
    problems.append(f"{SOLUTIONS} is missing")
else:
    text = texts[sol_path]
    first = next((l for _, l in prose_lines(text) if l.strip()), "")
    if first.strip() != "# Solutions and Hints":
        problems.append(f"{SOLUTIONS} opens with {first!r}, want '# Solutions and Hints'")
    # level-2 parts, each with ### Exercises (bold "**N." answers) and ### Self-Check (list)
    parts, cur, sub = {}, None, None
    for n, line in prose_lines(text):
        m2 = re.match(r"^## (.*?)\s*$", line)
        m3 = re.match(r"^### (.*?)\s*$", line)
        if m2:
            cur, sub = heading_text(m2.group(1)).strip(), None
            parts[cur] = {"exercises": 0, "self-check": 0, "links": []}
        elif m3 and cur:
            sub = heading_text(m3.group(1)).strip().lower()
        elif cur:
            parts[cur]["links"] += LINK.findall(strip_code_spans(line))
            if sub == "exercises" and re.match(r"^\*\*\d+\. ", line):
                parts[cur]["exercises"] += 1
            elif sub == "self-check" and ITEM.match(line):
                parts[cur]["self-check"] += 1
    for page in readings:
        title = MODULE_TITLES.get(page)
        if title not in parts:
            problems.append(f"no part '## {title}' for {page}")
            continue
        for name in ("exercises", "self-check"):
            want = counts.get((page, name))
            if want is not None and parts[title][name] != want:
                problems.append(f"'{title}': {parts[title][name]} {name} answers for {want} questions")
        back = [t for t in parts[title]["links"] if t.partition("#")[0] == page]
        if not any(t.endswith("#exercises") for t in back) or \
                not any(t.endswith("#self-check") for t in back):
            problems.append(f"'{title}' does not link back to {page}#exercises and #self-check")
report(not problems, f"{SOLUTIONS} answers every exercise and self-check question "
       f"and links back ({len(parts)} parts)", "; ".join(problems))

# -- the capstone's grading rubric --
problems = []
p5 = os.path.join(book, "module5/index.md")
rubric = sections(texts.get(p5, "")).get("grading rubric")
if rubric is None:
    problems.append("module5/index.md has no '## Grading Rubric' section")
else:
    rows = [l.strip() for _, l in rubric if l.strip().startswith("|")]
    cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
    if len(cells) < 2 or not ALIGN.match(rows[1]):
        problems.append("no table in the rubric section")
    else:
        head = [c.lower() for c in cells[0]]
        body = cells[2:]
        if len(head) < 4 or head[0] != "criterion" or head[1] != "weight":
            problems.append(f"header {cells[0]}: want Criterion, Weight and 2+ level columns")
        elif len(body) < 4:
            problems.append(f"{len(body)} criteria, want at least 4")
        else:
            try:
                total = sum(int(r[1]) for r in body)
            except ValueError:
                total = None
            if total != 100:
                problems.append(f"weights add up to {total}, want 100")
            empty = [r[0] for r in body if len(r) != len(head) or not all(r)]
            if empty:
                problems.append(f"rows with empty or missing level cells: {empty}")
report(not problems, "module 5 has a grading rubric table (criteria, weights adding to 100, levels)",
       "; ".join(problems))

sys.exit(1 if failed else 0)
PY

# ---- the appendix in both outputs: after the last module, before Resources ----
# The PDF's outline (bookmarks) and contents page, and the EPUB's nav.xhtml.
if [ ! -x "$FOLIO" ]; then
	skip "solutions appendix in the PDF and the EPUB" "$FOLIO not built"
elif ! command -v qpdf >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
	skip "solutions appendix in the PDF and the EPUB" "qpdf or pdftotext not installed"
elif ! "$FOLIO" build "$BOOK" -o "$TMP/book_content" --strict -q 2>"$TMP/book_content.err"; then
	fail "solutions appendix in the PDF and the EPUB" \
		"folio build --strict failed: $(head -c 300 "$TMP/book_content.err")"
else
	python3 - "$TMP/book_content" <<'PY' || status=1
import glob, json, re, subprocess, sys, zipfile
out = sys.argv[1]
pdf = glob.glob(out + "/*.pdf")[0]
epub = glob.glob(out + "/*.epub")[0]
want = "Solutions and Hints"
problems = []
# PDF outline: top-level titles, the appendix between the capstone and Resources
o = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf],
                              capture_output=True, text=True).stdout)["outlines"]
titles = [x["title"] for x in o]
if want not in titles:
    problems.append(f"PDF outline {titles}")
else:
    i = titles.index(want)
    if not titles[i - 1].startswith("Project: Expert Level Capstone") or \
            titles[i + 1:] != ["Resources"]:
        problems.append(f"PDF outline order {titles[i - 1:]}")
# PDF contents pages: a dotted line with a page number
front = subprocess.run(["pdftotext", "-layout", "-l", "8", pdf, "-"], capture_output=True, text=True).stdout
if not re.search(want + r"[ .]+\d+\s*$", front, re.M):
    problems.append("no contents line for the appendix in the PDF")
# EPUB: the contents nav lists it, before the Resources appendix
nav = zipfile.ZipFile(epub).read("OEBPS/nav.xhtml").decode()
toc = nav.split('epub:type="toc"')[1].split("</nav>")[0]
labels = re.findall(r"<a [^>]*>([^<]*)</a>", toc)
if want not in labels:
    problems.append("not in the EPUB's nav.xhtml contents")
elif "Resources" in labels and labels.index(want) > len(labels) - 1 - labels[::-1].index("Resources"):
    problems.append("after Resources in the EPUB's contents")
ok = not problems
print(("PASS: book_content: solutions appendix in the PDF outline and contents and the EPUB nav"
       if ok else "FAIL: book_content: solutions appendix in the PDF and the EPUB: " + "; ".join(problems)))
sys.exit(0 if ok else 1)
PY
fi

# ---- handouts: the appendix belongs to no module ----
# Each module's handout has its own chapters only; a handout stands alone
# (issue 22), so links to the appendix stay as their words, with no
# "(see ... in the book)" pointing into a book the class may not have.
if [ ! -x "$FOLIO" ] || ! command -v pdftotext >/dev/null 2>&1; then
	skip "solutions appendix in no handout" "$FOLIO or pdftotext missing"
elif ! "$FOLIO" handouts "$BOOK" -o "$TMP/book_content_h" -q 2>"$TMP/book_content_h.err"; then
	fail "solutions appendix in no handout" "folio handouts failed: $(head -c 300 "$TMP/book_content_h.err")"
else
	bad="" words=0
	for f in "$TMP"/book_content_h/handouts/module*.pdf; do
		t=$(pdftotext -raw "$f" - 2>/dev/null | tr -s ' \n' '  ')
		case "$t" in *"Short answers to the exercises"*) bad="$bad $(basename "$f")" ;; esac
		case "$t" in *"in the book)"*) bad="$bad $(basename "$f"):see-note" ;; esac
		n=$(printf '%s' "$t" | grep -o 'Solutions and Hints' | wc -l)
		[ "$n" -ge 1 ] || bad="$bad $(basename "$f"):no-words"
		words=$((words + n))
	done
	if [ -z "$bad" ]; then
		pass "solutions appendix in no handout; its links stay as words ($words)"
	else
		fail "solutions appendix in no handout" "holding it, pointing into the book, or losing the words:$bad"
	fi
fi

exit $status
