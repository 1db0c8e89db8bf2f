#!/bin/bash
# cli.sh - the command line: help, version, exit statuses, diagnostics of a
# broken book (checked line by line against tests/fixtures/broken/expected.txt,
# whose positions were verified by hand), and a full build that validates.
top=$(pwd)
F="$top/${FOLIO:-build/folio}"
T=${TMP:-$(mktemp -d)}
ok() { echo "PASS: cli: $1"; }
no() { echo "FAIL: cli: $1: $2"; }

"$F" --version | grep -qE '^folio [0-9]+\.[0-9]+' && ok "--version" || no "--version" "no version line"
"$F" --help | grep -q 'folio build' && ok "--help" || no "--help" "no usage"
"$F" --bogus >/dev/null 2>&1; [ $? = 2 ] && ok "unknown option exits 2" || no "unknown option" "status $?"
"$F" build "$T/no-such-book" -o "$T/o" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "no-such-book" "$T/err" && ok "missing book folder exits 2 naming it" ||
	no "missing book folder" "status $rc: $(cat "$T/err")"

mkdir -p "$T/fx" && cp -r tests/fixtures/broken "$T/fx/book"
(cd "$T/fx" && "$F" check book >"$T/out" 2>"$T/diag"); rc=$?
[ $rc = 0 ] && ok "check without --strict exits 0 on warnings" || no "check exit status" "$rc"
if diff -u "$top/tests/fixtures/broken/expected.txt" "$T/diag" >"$T/diff"; then
	ok "check prints the expected diagnostics with line:col"
else
	no "check diagnostics" "$(cat "$T/diff")"
fi
grep -q "checked: 2 chapters, 10 warnings" "$T/out" && ok "check prints a summary" ||
	no "check summary" "$(cat "$T/out")"
(cd "$T/fx" && "$F" check book --strict >/dev/null 2>&1); rc=$?
[ $rc = 1 ] && ok "--strict exits 1 on warnings" || no "--strict" "status $rc"
(cd "$T/fx" && "$F" build book -o "$T/fx/out" >/dev/null 2>&1)
ls "$T/fx/out/"*.pdf "$T/fx/out/"*.epub >/dev/null 2>&1 && ok "broken book still builds both formats" ||
	no "broken book build" "outputs missing"
[ -z "$(ls "$T/fx/out" 2>/dev/null | grep -v -E '\.(pdf|epub)$|^SHA256SUMS$|^build\.json$')" ] && ok "build leaves only the artifacts, SHA256SUMS and build.json" ||
	no "stray files" "$(ls "$T/fx/out")"
before=$(cd "$T/fx" && find . | sort)
(cd "$T/fx" && "$F" check book -o "$T/fx/check-out" >/dev/null 2>&1)
after=$(cd "$T/fx" && find . | sort)
[ "$before" = "$after" ] && ok "check writes nothing" || no "check writes" "$(diff <(echo "$before") <(echo "$after"))"

# Output folder problems are environment errors (status 2) naming the path.
touch "$T/afile"
"$F" build book -o "$T/afile" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "afile" "$T/err" && ok "output path that is a file exits 2" ||
	no "output path is a file" "status $rc: $(cat "$T/err")"
"$F" build book -o /proc/folio-cannot-write >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "folio-cannot-write" "$T/err" && ok "unwritable output folder exits 2" ||
	no "unwritable output folder" "status $rc: $(cat "$T/err")"

# The bundled book: a full build validates (qpdf, epubcheck).
"$F" build book -o "$T/book" >"$T/out" 2>"$T/err"; rc=$?
[ $rc = 0 ] && grep -q "wrote .*pdf.*pages.*epub" "$T/out" && ok "bundled book builds with a summary line" ||
	no "bundled book build" "status $rc: $(cat "$T/out" "$T/err" | tail -5)"
pdf=$(ls "$T/book/"*.pdf 2>/dev/null | head -1)
epub=$(ls "$T/book/"*.epub 2>/dev/null | head -1)
if [ -n "$pdf" ] && qpdf --check "$pdf" >"$T/q" 2>&1; then ok "bundled PDF passes qpdf --check"
else no "qpdf --check" "$(tail -3 "$T/q" 2>/dev/null)"; fi
if [ -n "$epub" ]; then
	java -jar /usr/share/java/epubcheck.jar "$epub" >"$T/ec" 2>&1
	if grep -q "No errors or warnings detected" "$T/ec"; then ok "bundled EPUB passes EPUBCheck with no messages"
	else no "epubcheck" "$(grep -E 'ERROR|WARNING|FATAL|Messages' "$T/ec" | head -5)"; fi
else
	no "epubcheck" "no EPUB written"
fi

# Release companions: checksums verify, build.json lists what was written.
if [ -d "$T/book" ]; then
	(cd "$T/book" && sha256sum -c SHA256SUMS >/dev/null 2>&1) && ok "SHA256SUMS verifies with sha256sum -c" ||
		no "SHA256SUMS" "$(cat "$T/book/SHA256SUMS" 2>/dev/null)"
	python3 - "$T/book/build.json" <<'PY' && ok "build.json lists artifacts, pages, chapters" || no "build.json" "see above"
import glob, json, os, sys
d = json.load(open(sys.argv[1]))
arts = {a["format"]: a for a in d["artifacts"]}
folder = os.path.dirname(sys.argv[1])
assert set(arts) == {"pdf", "epub"}, arts
assert arts["pdf"]["pages"] > 10, arts["pdf"]
for a in arts.values():
    assert a["bytes"] == os.path.getsize(os.path.join(folder, a["file"])), a
# every Markdown file of the bundled book is a chapter
assert d["book"]["chapters"] == len(glob.glob("book/**/*.md", recursive=True)), d["book"]
assert d["folio_version"] and d["source_date"], d
PY
fi
