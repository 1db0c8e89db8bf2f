#!/bin/bash
# tests/e2e/generated.sh - the pages folio generates (issue 16): the title
# page, the contents and the Resources appendix are made once as model
# blocks (src/resolve/generate.c), so both editions show the same words.
# For the bundled book and perf-book: every text of the EPUB's title page,
# every chapter label of its contents and every heading and sentence of its
# Resources page must be on the PDF's pages (title page, contents, the
# appendix), word for word.
. tests/lib.sh

need_tools generated pdftotext python3 unzip

check() {
	local name=$1 dir=$2
	rm -rf "$TMP/$name"
	if ! "$FOLIO" build "$dir" -o "$TMP/$name" -q 2>"$TMP/$name.err"; then
		fail "$name: build" "$(head -c 300 "$TMP/$name.err")"
		return
	fi
	python3 - "$name" "$TMP/$name" <<'PY'
import glob, html, re, subprocess, sys, zipfile
name, out = sys.argv[1:3]
pdf = glob.glob(out + "/*.pdf")[0]
epub = zipfile.ZipFile(glob.glob(out + "/*.epub")[0])

def result(check, ok, why=""):
    print("PASS: %s: %s" % (name, check) if ok else "FAIL: %s: %s: %s" % (name, check, why))

def norm(s):
    s = s.replace("\u00ad", "")
    s = re.sub(r"-\n(?=\w)", "", s)          # a word hyphenated at a line end
    return " ".join(s.split())

def pdf_text(first, last=None):
    args = ["pdftotext", "-q", "-f", str(first)] + (["-l", str(last)] if last else []) + [pdf, "-"]
    return norm(subprocess.run(args, capture_output=True, text=True).stdout)

def texts(doc, tags):
    x = epub.read("OEBPS/" + doc).decode()
    out = []
    for m in re.finditer(r"<(%s)\b[^>]*>(.*?)</\1>" % tags, x, re.S):
        out.append(norm(html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))))
    return [t for t in out if t]

# Title page: the PDF's first page.
page1 = pdf_text(1, 1)
tp = texts("titlepage.xhtml", "h1|p")
missing = [t for t in tp if t not in page1]
result("title page: the EPUB's %d lines are the PDF's" % len(tp), tp and not missing, missing[:3])

# Contents: every chapter label the EPUB's navigation shows (its toc nav,
# before the landmarks) is on the PDF's contents pages.
nav = epub.read("OEBPS/nav.xhtml").decode()
toc = nav.split('epub:type="toc"')[1].split("</nav>")[0]
labels = [norm(html.unescape(re.sub(r"<[^>]+>", "", m)))
          for m in re.findall(r'<a href="chapter\d+\.xhtml">(.*?)</a>', toc, re.S)]
front = pdf_text(2, 6)
missing = [l for l in labels if l not in front]
result("contents: the EPUB's %d chapter labels are in the PDF's contents" % len(labels),
       labels and not missing, missing[:3])

# Resources: the appendix's title, what it lists, each group's heading.
names = [n for n in epub.namelist() if n.endswith("resources.xhtml")]
if names:
    rs = texts("resources.xhtml", "h1|h2") + [
        norm(html.unescape(m)) for m in re.findall(
            r'<p class="res-intro">(.*?)</p>', epub.read(names[0]).decode(), re.S)]
    body = pdf_text(1)
    start = body.rfind(rs[0] + " " + rs[-1][:20]) if rs else -1
    appendix = body[start:] if start >= 0 else ""
    missing = [t for t in rs if t not in appendix]
    result("Resources: the EPUB's title, sentence and %d group headings are the PDF's" % (len(rs) - 2),
           appendix and not missing, missing[:3] or "no appendix in the PDF")
PY
}

check book book
if [ -d "$SHARED/corpora/perf-book" ]; then
	check perf-book "$SHARED/corpora/perf-book"
else
	skip "perf-book" "$SHARED/corpora/perf-book not found"
fi
