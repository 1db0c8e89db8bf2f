#!/bin/bash
# tests/e2e/ace.sh - DAISY Ace (the accessibility checker publishers use)
# finds 0 critical and 0 serious violations in the bundled book's EPUB
# (issue 20).  `make a11y` also checks perf-book and the CommonMark spec
# book.  Skipped when Ace (npm i -g @daisy/ace) or chromium is missing;
# Ace runs offline.  Run from the repository root (see tests/run).
. tests/lib.sh
need_tools ace python3
ace=$(command -v ace-puppeteer || command -v ace)
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
if [ -z "$ace" ]; then
	skip "ace" "DAISY Ace not installed (npm i -g @daisy/ace)"
	exit 0
fi
if [ -z "$browser" ]; then
	skip "ace" "chromium not installed (apt-get install chromium)"
	exit 0
fi
export PUPPETEER_EXECUTABLE_PATH=${PUPPETEER_EXECUTABLE_PATH:-$browser}

if ! "$FOLIO" build book -o "$TMP/book" --epub --quiet 2>"$TMP/build.err"; then
	fail "ace: bundled book" "folio build failed: $(head -3 "$TMP/build.err")"
	exit 0
fi
if ! timeout 600 "$ace" -f -o "$TMP/ace" "$TMP"/book/*.epub >"$TMP/ace.log" 2>&1; then
	fail "ace: bundled book" "Ace failed: $(tail -n 3 "$TMP/ace.log" | tr '\n' ' ')"
	exit 0
fi
if out=$(python3 tools/ace_summary.py "$TMP/ace/report.json"); then
	pass "ace: bundled book: $(echo "$out" | head -1)"
else
	fail "ace: bundled book" "$(echo "$out" | head -4 | tr '\n' ' ')"
fi
exit 0
