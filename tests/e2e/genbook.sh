#!/bin/bash
# tests/e2e/genbook.sh - the synthetic book generator (tools/genbook.c) that
# `make bench` feeds to folio: it must be deterministic, hit the requested
# size, write only links that resolve, and give each pathological shape the
# property it is named for.  Runs from the repository root; builds its own
# genbook in $TMP so it needs neither make nor a working folio.
TMP=${TMP:-$(mktemp -d)}
pass() { echo "PASS: genbook: $1"; }
fail() { echo "FAIL: genbook: $1: $2"; }
check() { # check WHAT DETAIL CONDITION...
	local what=$1 detail=$2
	shift 2
	if "$@"; then pass "$what"; else fail "$what" "$detail"; fi
}

gb=$TMP/genbook
if ! ${CC:-cc} -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror \
	-O2 -o "$gb" tools/genbook.c 2>"$TMP/cc.log"; then
	fail "compiles warning-free as C11" "$(head -c 300 "$TMP/cc.log")"
	[ -x build/genbook ] || exit 1
	gb=build/genbook
else
	pass "compiles warning-free as C11"
fi

# bytes of all files in a book folder
book_size() { cat "$1"/* | wc -c; }

# within_15 SIZE WANT
within_15() { [ $(($1 * 100)) -ge $(($2 * 85)) ] && [ $(($1 * 100)) -le $(($2 * 115)) ]; }

# Checks every inline link of the .md files in a folder: relative targets
# must be files of the book, #anchors headings' GitHub slugs there; also
# that heading slugs are unique per file and that every footnote and link
# reference has a definition.  Prints "links external anchors bad dups
# undefined" and the first problems.
cat >"$TMP/links.awk" <<'EOF'
FNR == 1 { file = FILENAME; sub(/.*\//, "", file); files[file] = 1; fence = 0 }
/^ *(```|~~~)/ { fence = !fence; next }
fence { next }
/^#+ / {
	slug = $0
	sub(/^#+ /, "", slug)
	slug = tolower(slug)
	gsub(/[^a-z0-9 _-]/, "", slug)
	gsub(/ /, "-", slug)
	if ((file SUBSEP slug) in slugs) dups++
	slugs[file, slug] = 1
}
{
	line = $0
	if (match(line, /^\[\^[a-z0-9-]+\]:/)) {
		fdef[file, substr(line, 3, RLENGTH - 4)] = 1
		line = substr(line, RLENGTH + 1)
	}
	if (match(line, /^\[ref-[0-9]+\]: /)) {
		rdef[file, substr(line, 2, RLENGTH - 4)] = 1
		next
	}
	rest = line
	while (match(rest, /\[\^[a-z0-9-]+\]/)) {
		nf++; fsrc[nf] = file; fref[nf] = substr(rest, RSTART + 2, RLENGTH - 3)
		rest = substr(rest, RSTART + RLENGTH)
	}
	rest = line
	while (match(rest, /\]\[ref-[0-9]+\]/)) {
		nr++; rsrc[nr] = file; rref[nr] = substr(rest, RSTART + 2, RLENGTH - 3)
		rest = substr(rest, RSTART + RLENGTH)
	}
	while (match(line, /\]\([^)]*\)/)) {
		n++; src[n] = file; tgt[n] = substr(line, RSTART + 2, RLENGTH - 3)
		line = substr(line, RSTART + RLENGTH)
	}
}
function problem(msg) { bad++; if (bad <= 3) shown = shown " " msg ";" }
END {
	for (i = 1; i <= n; i++) {
		t = tgt[i]
		if (t ~ /^https:\/\/[a-z.]*example\.(org|com|net)\//) { ext++; continue }
		f = t; a = ""
		if (index(t, "#")) { f = substr(t, 1, index(t, "#") - 1); a = substr(t, index(t, "#") + 1) }
		if (f == "") f = src[i]
		if (!(f in files)) problem(src[i] " links to missing " t)
		else if (a != "" && !((f SUBSEP a) in slugs)) problem(src[i] " links to unknown anchor " t)
		else if (a != "") anchors++
	}
	for (i = 1; i <= nf; i++)
		if (!((fsrc[i] SUBSEP fref[i]) in fdef)) { undef++; problem(fsrc[i] " footnote " fref[i] " undefined") }
	for (i = 1; i <= nr; i++)
		if (!((rsrc[i] SUBSEP rref[i]) in rdef)) { undef++; problem(rsrc[i] " reference " rref[i] " undefined") }
	print n + 0, ext + 0, anchors + 0, bad + 0, dups + 0, undef + 0, shown
}
EOF
# check_links NAME DIR
check_links() {
	local out n ext anchors bad dups undef
	out=$(awk -f "$TMP/links.awk" "$2"/*.md)
	read -r n ext anchors bad dups undef _ <<<"$out"
	check "$1: all $n links resolve ($ext external, $anchors to headings)" \
		"$bad bad:${out#* * * * * * }" [ "$bad" = 0 -a "$n" -gt 0 ]
	check "$1: heading slugs unique per chapter" "$dups duplicates" [ "$dups" = 0 ]
	check "$1: footnotes and link references defined" "$undef undefined" [ "$undef" = 0 ]
}

# gen NAME SIZE ARGS...: generate into $TMP/NAME, check its size
gen() {
	local name=$1 size=$2 got
	shift 2
	if ! "$gb" "$TMP/$name" "$size" "$@" 2>"$TMP/gen.log"; then
		fail "$name: generates" "$(head -c 300 "$TMP/gen.log")"
		return 1
	fi
	got=$(book_size "$TMP/$name")
	check "$name: $got bytes within 15% of $size" "got $got" within_15 "$got" "$size"
}

# --- command line -----------------------------------------------------------
"$gb" >/dev/null 2>&1; rc=$?
check "usage error without arguments exits 2" "exit $rc" [ "$rc" = 2 ]
"$gb" "$TMP/bad" 10000 --shape round >/dev/null 2>&1; rc=$?
check "unknown shape is a usage error" "exit $rc" [ "$rc" = 2 ]
mkdir -p "$TMP/full" && echo x >"$TMP/full/keep"
"$gb" "$TMP/full" 10000 >/dev/null 2>&1; rc=$?
check "refuses a non-empty output folder" "exit $rc, files: $(ls "$TMP/full")" \
	[ "$rc" != 0 -a "$(ls "$TMP/full")" = keep ]

# --- normal books -------------------------------------------------------------
gen normal-a 300000 --seed 7
gen normal-b 300000 --seed 7 >/dev/null
gen normal-c 300000 --seed 8 >/dev/null
if diff -r "$TMP/normal-a" "$TMP/normal-b" >"$TMP/diff.log" 2>&1; then
	pass "same arguments give byte-identical books"
else
	fail "same arguments give byte-identical books" "$(head -c 300 "$TMP/diff.log")"
fi
differ() { ! diff -rq "$1" "$2" >/dev/null; }
check "another seed gives another book" "seed 7 and 8 are the same" \
	differ "$TMP/normal-a" "$TMP/normal-c"
check_links normal "$TMP/normal-a"

d=$TMP/normal-a
chapters=$(cd "$d" && ls ch*.md | LC_ALL=C sort | tr '\n' ' ')
listed=$(grep -o '](ch[0-9]*\.md)' "$d/index.md" | sed 's/](\(.*\))/\1/' | tr '\n' ' ')
check "normal: index.md lists every chapter in file-name order" \
	"listed '$listed', files '$chapters'" [ -n "$chapters" -a "$listed" = "$chapters" ]
# Links from a chapter go backwards, within it or to the next one, so a
# depth-first walk from index.md reads the chapters in that same order.
forward=$(for f in "$d"/ch*.md; do
	n=$(basename "$f" .md); n=$((10#${n#ch}))
	grep -o '](ch[0-9]*\.md' "$f" | sed 's/^](ch0*\([0-9]*\)\.md/\1/' |
		while read -r t; do [ "$t" -gt $((n + 1)) ] && echo "$f->$t"; done
done | head -3)
check "normal: chapters link only backwards or to the next chapter" \
	"$forward" [ -z "$forward" ]
sizes=$(wc -c "$d"/ch*.md | awk '$2 != "total" && ($1 < 17000 || $1 > 45000) { print $2 ": " $1 }')
check "normal: chapters are about 20-40 KB" "$sizes" [ -z "$sizes" ]
check "normal: folio.ini has title, authors and language" "$(cat "$d/folio.ini")" \
	grep -qzE '\[book\].*title = .+authors = .+language = en' "$d/folio.ini"

# Every construct a real book has, at least once in 300 KB.
all=$TMP/normal-all.md
cat "$d"/ch*.md >"$all"
missing=""
has() { grep -qE -- "$2" "$all" || missing="$missing $1"; }
has 'rust-code' '^```rust$'
has 'toml-code' '^```toml$'
has 'sh-code' '^```sh$'
has 'c-code' '^```c$'
has 'table' '^\| :--- \|'
has 'centred-column' '\| :---: \|'
has 'right-column' '\| ---: \|'
has 'h2' '^## '
has 'h3' '^### '
has 'bullets' '^[-*] [^[]'
has 'nested-list' '^  [-*] '
has 'third-level-list' '^    [-*] '
has 'ordered-list' '^[0-9]+\. '
has 'open-task' '^- \[ \] '
has 'done-task' '^- \[x\] '
has 'footnote' '[a-z]\[\^[a-z0-9-]+\]'
has 'block-quote' '^> '
has 'emphasis' '(^| )[*_][a-zA-Z]'
has 'strong' '\*\*[a-zA-Z]'
has 'inline-code' ' `[^`]+`'
has 'external-link' '\]\(https://example\.'
has 'cross-chapter-anchor' '\]\(ch[0-9]+\.md#[a-z0-9_-]+\)'
has 'same-chapter-anchor' '\]\(#[a-z0-9_-]+\)'
has 'reference-link' '\]\[ref-[0-9]+\]'
has 'autolink' '<https://'
has 'long-word' '[a-z]{20}'
has 'non-ascii' 'é|ü|ï'
check "normal: has every Markdown construct" "missing:$missing" [ -z "$missing" ]
repeated=$(grep -oh 'https://[^)> ]*' "$d"/*.md | sort | uniq -c | awk '$1 > 1' | wc -l)
check "normal: some external URLs repeat" "$repeated repeated" [ "$repeated" -gt 0 ]

gen normal-1m 1000000 --seed 3
n=$(ls "$TMP/normal-1m"/ch*.md | wc -l)
check "normal-1m: 1 MB makes 25-50 chapters" "$n chapters" [ "$n" -ge 25 -a "$n" -le 50 ]

# --- pathological shapes at 600 KB (where the named counts hold) --------------
for shape in paragraph codeblock table links chapters; do
	gen "$shape" 600000 --shape "$shape" --seed 5
	check_links "$shape" "$TMP/$shape"
done

f=$TMP/paragraph/ch001.md
words=$(tail -n +3 "$f" | wc -w)
blank=$(tail -n +3 "$f" | grep -c '^$')
check "paragraph: one paragraph of 100000 words" \
	"$words words, $blank blank lines, $(ls "$TMP/paragraph" | wc -l) files" \
	[ "$words" = 100000 -a "$blank" = 0 -a "$(head -c 2 "$f")" = "# " ]

f=$TMP/codeblock/ch001.md
fences=$(grep -c '^```' "$f")
inside=$(awk '/^```/ { f = !f; next } f' "$f" | wc -l)
check "codeblock: one code block of 20000 lines" "$fences fence lines, $inside lines inside" \
	[ "$fences" = 2 -a "$inside" = 20000 ]

f=$TMP/table/ch001.md
rows=$(grep -c '^|' "$f")
span=$(awk '/^\|/ { if (!first) first = NR; last = NR } END { print last - first + 1 }' "$f")
align=$(grep '^|' "$f" | sed -n 2p)
check "table: one table of 2000 rows (2002 table lines)" \
	"$rows table lines over $span lines, delimiter row '$align'" \
	[ "$rows" = 2002 -a "$span" = 2002 ]
check "table: second table line is the delimiter row" "'$align'" \
	grep -qE '^(\| :?-+:? )+\|$' <<<"$align"

n=$(grep -o '](' "$TMP/links/ch001.md" | wc -l)
check "links: one chapter with 10000 links" "$n links" [ "$n" = 10000 ]

d=$TMP/chapters
n=$(ls "$d"/ch*.md | wc -l)
lines=$(cat "$d"/ch*.md | wc -l)
listed=$(grep -c '](ch[0-9]*\.md)' "$d/index.md")
check "chapters: 1000 chapters of one line each" \
	"$n files, $lines lines, $listed listed in index.md" \
	[ "$n" = 1000 -a "$lines" = 1000 -a "$listed" = 1000 ]
first=$(ls "$d"/ch*.md | LC_ALL=C sort | head -1)
check "chapters: names sort in reading order" "first is $first" \
	[ "$(basename "$first")" = ch0001.md ]
exit 0
