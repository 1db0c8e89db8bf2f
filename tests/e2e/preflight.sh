#!/bin/bash
# preflight.sh - folio for a release engineer (issue 22): check as the
# pre-flight of a build, the full file:line:col form of every diagnostic,
# SOURCE_DATE_EPOCH, stale artifacts, editions side by side, build.json,
# handouts that write nothing, --strict, option spellings, FOLIO_TIMING,
# --version.
. tests/lib.sh
top=$(pwd)
case $FOLIO in /*) F=$FOLIO ;; *) F="$top/$FOLIO" ;; esac
T="$TMP/preflight"
rm -rf "$T" && mkdir -p "$T"
ok() { pass "preflight: $1"; }
no() { fail "preflight: $1" "$2"; }

# A book with a character no font has and a language without patterns.
mkdir -p "$T/glyph"
printf '# Glyphs\n\nA double-struck \xf0\x9d\x94\xb8 here.\n' >"$T/glyph/index.md"
printf '[book]\ntitle = Glyphs\nauthors = A\nlanguage = xx\n' >"$T/glyph/folio.ini"
(cd "$T" && "$F" check glyph >"$T/c.out" 2>"$T/c.err"); crc=$?
(cd "$T" && "$F" build glyph -o "$T/glyph-out" >"$T/b.out" 2>"$T/b.err")
grep -q "glyph/index.md:3:.*U+1D538 is in none of the PDF fonts" "$T/c.err" &&
	ok "check reports characters no font has" || no "check glyphs" "$(cat "$T/c.err")"
grep -q "^glyph/folio.ini:1:1: warning: no hyphenation patterns for language 'xx'" "$T/c.err" &&
	ok "check reports missing hyphenation patterns, naming the book's folio.ini" ||
	no "check hyphenation" "$(cat "$T/c.err")"
diff "$T/c.err" "$T/b.err" >"$T/d" && ok "check reports what build reports" ||
	no "check = build diagnostics" "$(cat "$T/d")"
[ $crc = 0 ] && ok "check exits 0 on warnings" || no "check status" "$crc"

# A bad print style: an error for check too (exit 1 without --strict).
mkdir -p "$T/data"
ln -s "$top/fonts" "$T/data/fonts"
mkdir -p "$T/data/styles" && cp "$top/styles/"*.* "$T/data/styles/"
printf '[page]\nmargin-inside = 20mm\n' >>"$T/data/styles/print.ini"
FOLIO_DATA_DIR="$T/data" "$F" check "$T/glyph" >/dev/null 2>"$T/e"; rc=$?
[ $rc = 1 ] && grep -qE "print.ini:[0-9]+:1: error: .*margin-inside" "$T/e" &&
	ok "check exits 1 on a print-style error, naming file:line" ||
	no "check style error" "status $rc: $(cat "$T/e")"

# Every diagnostic in file:line:col form, the book folder included.
mkdir -p "$T/sub/nolinks" "$T/sub/meta"
printf '# No links\n\nText.\n' >"$T/sub/nolinks/index.md"
printf '# Meta\n\nText.\n' >"$T/sub/meta/index.md"
printf '[book]\ntitle = M\nauthors = A\ncolour = red\n' >"$T/sub/meta/folio.ini"
(cd "$T" && "$F" check sub/nolinks -v; "$F" check sub/meta; "$F" handouts sub/meta -o "$T/h0") \
	>/dev/null 2>"$T/e"
bad=$(grep -vE '^[^: ]+:[0-9]+:[0-9]+: (warning|error|note): ' "$T/e")
[ -z "$bad" ] && grep -q "^sub/nolinks/index.md:1:1: " "$T/e" &&
	grep -q "^sub/meta/folio.ini:4:1: warning: unknown key 'colour'" "$T/e" &&
	ok "diagnostics are path:line:col with the book folder" ||
	no "diagnostic form" "$(cat "$T/e")"

# SOURCE_DATE_EPOCH that is not a number: counted, fails --strict.
SOURCE_DATE_EPOCH=abc "$F" check "$T/sub/meta" >"$T/o" 2>"$T/e"; rc=$?
grep -q "SOURCE_DATE_EPOCH 'abc'" "$T/e" && grep -q ", 2 warnings," "$T/o" &&
	ok "a bad SOURCE_DATE_EPOCH is a counted warning" || no "SOURCE_DATE_EPOCH count" "$(cat "$T/o" "$T/e")"
printf '[book]\ntitle = M\nauthors = A\n' >"$T/sub/meta/folio.ini"
SOURCE_DATE_EPOCH=abc "$F" check "$T/sub/meta" --strict >/dev/null 2>&1; rc=$?
"$F" check "$T/sub/meta" --strict >/dev/null 2>&1; rc0=$?
[ $rc = 1 ] && [ $rc0 = 0 ] && ok "a bad SOURCE_DATE_EPOCH fails --strict" ||
	no "SOURCE_DATE_EPOCH --strict" "status $rc (clean: $rc0)"

# Stale artifacts: only those the previous build.json lists go.
B="$T/rel"
"$F" build "$top/book" -o "$B" -q || no "build" "status $?"
echo keep >"$B/notes.txt"
echo keep >"$B/other.epub"
"$F" build "$top/book" -o "$B" --pdf >"$T/o" 2>&1
ls "$B"/*.epub 2>/dev/null | grep -v other.epub >"$T/left"
[ ! -s "$T/left" ] && [ -f "$B/notes.txt" ] && [ -f "$B/other.epub" ] &&
	grep -q "removed .*\.epub (from an earlier build)" "$T/o" &&
	ok "--pdf after a full build removes the old EPUB, and nothing else" ||
	no "stale artifacts" "$(ls "$B"; cat "$T/o")"
(cd "$B" && sha256sum -c SHA256SUMS >/dev/null 2>&1) && [ "$(wc -l <"$B/SHA256SUMS")" = 1 ] &&
	ok "SHA256SUMS lists exactly what is left" || no "SHA256SUMS after --pdf" "$(cat "$B/SHA256SUMS")"
# A build.json naming something outside the folder is never followed.
mkdir -p "$T/evil/out" && echo precious >"$T/evil/precious.txt"
cat >"$T/evil/out/build.json" <<'J'
{
  "artifacts": [
    {"file": "../precious.txt", "format": "pdf", "edition": "a4"},
    {"file": ".hidden", "format": "pdf", "edition": "a4"}
  ],
  "diagnostics": [
    {"level": "warning", "file": "notes.md", "line": 1}
  ]
}
J
echo x >"$T/evil/out/.hidden"; echo x >"$T/evil/out/notes.md"
"$F" build "$top/book" -o "$T/evil/out" --pdf -q
[ -f "$T/evil/precious.txt" ] && [ -f "$T/evil/out/.hidden" ] && [ -f "$T/evil/out/notes.md" ] &&
	ok "stale removal never follows a path out of the folder" || no "stale safety" "$(ls -a "$T/evil" "$T/evil/out")"

# A4 and Letter (and duplex) side by side; build.json says which is which.
"$F" build "$top/book" --output="$B" --paper=letter -q; rc=$?
"$F" build "$top/book" -o "$B" --paper a4 --duplex -q
n=$(ls "$B"/*.pdf | wc -l)
[ $rc = 0 ] && [ "$n" = 3 ] && ls "$B"/*-letter.pdf "$B"/*-letter.epub "$B"/*-a4-duplex.pdf >/dev/null 2>&1 &&
	ok "--output=DIR --paper=letter accepted; editions do not overwrite each other" ||
	no "editions" "status $rc: $(ls "$B")"
(cd "$B" && sha256sum -c SHA256SUMS >/dev/null 2>&1) && [ "$(wc -l <"$B/SHA256SUMS")" = 5 ] &&
	ok "SHA256SUMS covers every edition in the folder" || no "SHA256SUMS editions" "$(cat "$B/SHA256SUMS")"
python3 - "$B/build.json" <<'PY' && ok "build.json: paper, duplex, book version, commit, per-artifact edition" || no "build.json fields" "see above"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["paper"] == "a4" and d["duplex"] is True and d["edition"] == "a4-duplex", d
assert d["book"]["version"] == "1.0", d["book"]
assert d["folio_version"] and d["folio_commit"], d
eds = sorted(a["edition"] for a in d["artifacts"])
assert eds == ["a4", "a4-duplex", "a4-duplex", "letter", "letter"], eds
for a in d["artifacts"]:
    assert (a["edition"] == "a4") == ("-" not in a["file"].replace("rust-learning-path-expert-level", "")), a
PY

# handouts that write nothing: exit 1, a clear message, no empty folder.
"$F" handouts "$T/sub/meta" -o "$T/h1" >"$T/o" 2>"$T/e"; rc=$?
[ $rc = 1 ] && [ ! -e "$T/h1/handouts" ] && grep -q "no handouts written" "$T/e" &&
	grep -q "nothing written" "$T/o" && ! grep -q "wrote checked" "$T/o" &&
	ok "handouts that write nothing exit 1, leave no folder" || no "empty handouts" "status $rc: $(cat "$T/o" "$T/e"; ls "$T/h1")"

# --strict after writing says the files were written.
"$F" build "$T/glyph" -o "$T/s" --strict >"$T/o" 2>/dev/null; rc=$?
[ $rc = 1 ] && grep -q "written all the same" "$T/o" && ls "$T/s"/*.pdf >/dev/null 2>&1 &&
	ok "--strict failure says the artifacts were written" || no "--strict message" "status $rc: $(cat "$T/o")"

# Options that do not apply are refused.
"$F" check "$top/book" -o "$T/x" >/dev/null 2>"$T/e"; rc=$?
[ $rc = 2 ] && grep -q "check writes nothing" "$T/e" && [ ! -e "$T/x" ] &&
	ok "check -o is refused" || no "check -o" "status $rc: $(cat "$T/e")"
"$F" handouts "$top/book" --epub -o "$T/x" >/dev/null 2>"$T/e"; rc=$?
[ $rc = 2 ] && grep -q "handouts are PDFs only" "$T/e" && [ ! -e "$T/x" ] &&
	ok "handouts --epub is refused" || no "handouts --epub" "status $rc: $(cat "$T/e")"
"$F" build "$top/book" --paper=legal >/dev/null 2>&1; [ $? = 2 ] &&
	ok "--paper=legal is refused" || no "--paper=legal" "accepted"

# FOLIO_TIMING: 0 is off.
FOLIO_TIMING=0 "$F" check "$T/sub/meta" 2>"$T/e" >/dev/null
FOLIO_TIMING=1 "$F" check "$T/sub/meta" 2>"$T/e1" >/dev/null
! grep -q "time:" "$T/e" && grep -q "time:" "$T/e1" && ok "FOLIO_TIMING=0 is off, =1 on" ||
	no "FOLIO_TIMING" "$(cat "$T/e")"

"$F" --version | grep -qE '^folio [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-zA-Z._+-]+\)$' &&
	ok "--version names the commit" || no "--version" "$("$F" --version)"

# tools/folio-matcher.json (the README's GitHub problem matcher) takes
# every diagnostic line folio printed above, file, line and column right.
(cd "$T" && SOURCE_DATE_EPOCH=abc "$F" check glyph; "$F" check sub/nolinks -v; "$F" check "$top/tests/fixtures/broken";
 FOLIO_DATA_DIR="$T/data" "$F" check glyph) >/dev/null 2>"$T/all"
python3 - "$top/tools/folio-matcher.json" "$T/all" <<'PY' && ok "the problem matcher takes every diagnostic" || no "problem matcher" "see above"
import json, re, sys
m = json.load(open(sys.argv[1]))["problemMatcher"]
pats = [(re.compile(x["pattern"][0]["regexp"]), x["pattern"][0]) for x in m]
lines = open(sys.argv[2]).read().splitlines()
assert len(lines) >= 15, lines
kinds = set()
for l in lines:
    hits = [(r.match(l), p) for r, p in pats if r.match(l)]
    assert len(hits) == 1, ("unmatched or ambiguous", l)
    g, p = hits[0]
    if "file" in p:
        kinds.add("file")
        assert int(g.group(p["line"])) >= 1 and int(g.group(p["column"])) >= 1, l
        assert g.group(p["severity"]) in ("warning", "error", "note"), l
    else:
        kinds.add("run")
assert kinds == {"file", "run"}, kinds
PY

# The README's CI jobs parse, install every package the Makefile builds
# with, and run check --strict, the build and sha256sum -c.
if ! python3 -c 'import yaml' 2>/dev/null; then skip "preflight: README CI jobs" "python3-yaml not installed"; else
python3 - "$top/README.md" "$top/Makefile" <<'PY' && ok "README CI jobs are complete" || no "README CI" "see above"
import re, sys, yaml
readme = open(sys.argv[1]).read()
sec = readme.split("## Use it in CI", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```yaml\n(.*?)```", sec, re.S)
assert len(blocks) == 2, len(blocks)
mk = open(sys.argv[2]).read()
pkgs = re.search(r"BUILD_PKGS := (.*?)\nTEST_PKGS", mk, re.S).group(1).replace("\\", " ").split()
for b in blocks:
    y = yaml.safe_load(b)
    text = b
    for p in pkgs:
        assert re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(p), text), ("missing package", p)
    for need in ("check book --strict", "build book -o out", "sha256sum -c SHA256SUMS", "SOURCE_DATE_EPOCH"):
        assert need in text, need
gh = yaml.safe_load(blocks[0])
steps = gh["jobs"]["book"]["steps"]
assert any("add-matcher::tools/folio-matcher.json" in s.get("run", "") for s in steps)
assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
gl = yaml.safe_load(blocks[1])
assert gl["book"]["artifacts"]["paths"] == ["out/"]
PY
fi
