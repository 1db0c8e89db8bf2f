#!/bin/sh
# tools/a11y.sh - `make a11y`: the EPUB for real readers (issue 20), on the
# bundled book, the Rust Performance Book and the CommonMark spec book:
#   DAISY Ace (npm @daisy/ace, run on Debian's chromium): 0 critical and
#   0 serious violations;
#   headless Chromium at 400 and 600 px wide: nothing wider than the
#   screen in any document (tools/narrow.py).
# Needs build/folio; Ace and chromium are looked for on PATH (ace-puppeteer
# or ace; chromium) and what is missing is reported as skipped.  Ace runs
# offline.  Exit status 1 if any book fails.
cd "$(dirname "$0")/.." || exit 2
FOLIO=${FOLIO:-build/folio}
SHARED=${SHARED:-../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

ace=$(command -v ace-puppeteer || command -v ace)
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
[ -n "$browser" ] && export PUPPETEER_EXECUTABLE_PATH=${PUPPETEER_EXECUTABLE_PATH:-$browser}

books="book"
[ -d "$SHARED/corpora/perf-book" ] && books="$books $SHARED/corpora/perf-book"
if [ -f "$SHARED/corpora/commonmark-spec/spec.txt" ] &&
	python3 tools/spec2book.py "$SHARED/corpora/commonmark-spec/spec.txt" "$tmp/specbook" >/dev/null; then
	books="$books $tmp/specbook"
fi

for src in $books; do
	name=$(basename "$src")
	out="$tmp/out-$name"
	if ! "$FOLIO" build "$src" -o "$out" --epub --quiet 2>/dev/null; then
		echo "a11y: $name: folio build failed"; status=1; continue
	fi
	epub=$(ls "$out"/*.epub)
	if [ -z "$ace" ] || [ -z "$browser" ]; then
		echo "a11y: $name: Ace: skipped (npm i -g @daisy/ace; apt-get install chromium)"
	elif "$ace" -f -o "$tmp/ace-$name" "$epub" >"$tmp/ace-$name.log" 2>&1; then
		printf 'a11y: %s: Ace: ' "$name"
		python3 tools/ace_summary.py "$tmp/ace-$name/report.json" || status=1
	else
		echo "a11y: $name: Ace failed:"; tail -n 5 "$tmp/ace-$name.log"; status=1
	fi
	if [ -z "$browser" ]; then
		echo "a11y: $name: narrow screens: skipped (no chromium)"
	else
		python3 tools/narrow.py "$epub" 400 600 >"$tmp/narrow.txt" || status=1
		sed "s|^|a11y: $name: narrow screens: |" "$tmp/narrow.txt"
	fi
done
exit $status
