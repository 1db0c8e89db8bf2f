#!/bin/bash
# tests/e2e/narrow.sh - the EPUB on a phone (issue 20): every document of
# the bundled book, perf-book, the Rustonomicon and the CommonMark spec
# book in headless Chromium at 400 and 600 px wide has nothing wider than
# the screen and no box scrolling sideways inside itself (tools/narrow.py);
# and, computed in Chromium, the title page stays centred under a reader's
# own p { text-align } (Foliate's), images have a white backing, footnote
# back-links are underlined, code blocks are an opaque box.
# Skipped when chromium is not installed.  Run from the repository root
# (see tests/run).
. tests/lib.sh
need_tools narrow python3
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null &&
	! command -v google-chrome >/dev/null && [ -z "$CHROMIUM" ]; then
	skip "narrow" "chromium not installed (apt-get install chromium)"
	exit 0
fi

check() { # NAME SOURCE
	local out
	rm -rf "$TMP/out"
	if ! "$FOLIO" build "$2" -o "$TMP/out" --epub --quiet 2>/dev/null; then
		fail "narrow: $1" "folio build failed"
		return
	fi
	out=$(python3 tools/narrow.py "$TMP"/out/*.epub 400 600)
	case $? in
	0) pass "narrow: $1: $(echo "$out" | tr '\n' ';' | sed 's/;$//')" ;;
	1) fail "narrow: $1" "$(echo "$out" | grep -v '^ok' | head -5 | tr '\n' ';')" ;;
	*) fail "narrow: $1" "chromium did not measure: $out" ;;
	esac
}

check "bundled book" book
if [ -d "$SHARED/corpora/perf-book" ]; then
	check "perf-book" "$SHARED/corpora/perf-book"
else
	skip "narrow: perf-book" "$SHARED/corpora/perf-book not present"
fi
# the Rustonomicon: a five-column table of code (it once scrolled at 400 px)
if [ -d "$SHARED/corpora/nomicon" ]; then
	check "nomicon" "$SHARED/corpora/nomicon"
else
	skip "narrow: nomicon" "$SHARED/corpora/nomicon not present"
fi
spec="$SHARED/corpora/commonmark-spec/spec.txt"
if [ -f "$spec" ] && python3 tools/spec2book.py "$spec" "$TMP/specbook" >/dev/null; then
	check "spec-book" "$TMP/specbook"
else
	skip "narrow: spec-book" "$spec not present"
fi

# the check itself: a page with an unbreakable wide element and a table
# that scrolls inside its box must be found
mkdir -p "$TMP/wide/OEBPS/META-INF" "$TMP/wide/META-INF"
cat >"$TMP/wide/META-INF/container.xml" <<'XML'
<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
XML
cat >"$TMP/wide/OEBPS/content.opf" <<'XML'
<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>
XML
cat >"$TMP/wide/OEBPS/a.xhtml" <<'XML'
<html xmlns="http://www.w3.org/1999/xhtml"><body><p><code style="white-space:nowrap">a_very_long_identifier_that_never_breaks_anywhere_at_all_in_this_line</code></p></body></html>
XML
cat >"$TMP/wide/OEBPS/b.xhtml" <<'XML'
<html xmlns="http://www.w3.org/1999/xhtml"><body><div style="overflow-x:auto"><table><tr><td style="white-space:nowrap">one two three four five six seven eight nine ten eleven twelve</td></tr></table></div></body></html>
XML
(cd "$TMP/wide" && python3 -c "
import zipfile; z = zipfile.ZipFile('../wide.epub', 'w')
for f in ('META-INF/container.xml', 'OEBPS/content.opf', 'OEBPS/a.xhtml', 'OEBPS/b.xhtml'): z.write(f)")
out=$(python3 tools/narrow.py "$TMP/wide.epub" 400)
if echo "$out" | grep -q "a.xhtml: .* px wide in .*code" && echo "$out" | grep -q "b.xhtml: div .*scrolls"; then
	pass "narrow: finds a page too wide and a box that scrolls inside"
else
	fail "narrow: self-check" "not found: $out"
fi

# ---- the title page keeps its centring under a reader's own paragraph
# style (Foliate sets text-align on every p), and the dark-theme aids hold
# (computed in Chromium from the bundled book's stylesheet) -----------------
rm -rf "$TMP/out" "$TMP/x"
"$FOLIO" build book -o "$TMP/out" --epub --quiet 2>/dev/null
mkdir -p "$TMP/x" && (cd "$TMP/x" && python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall('.')" "$TMP"/out/*.epub)
cat >"$TMP/x/OEBPS/_probe.html" <<'HTML'
<!DOCTYPE html><html><body><pre id="out"></pre>
<iframe id="t" src="titlepage.xhtml"></iframe><iframe id="c" src="chapter006.xhtml"></iframe>
<script>
let loaded = 0;
function probe() {
  if (++loaded < 2) return;
  const t = document.getElementById("t").contentDocument;
  const st = t.createElementNS("http://www.w3.org/1999/xhtml", "style");
  st.textContent = "p, li, blockquote, dd { text-align: justify; }";
  t.documentElement.firstElementChild.appendChild(st);
  const c = document.getElementById("c").contentDocument;
  const cs = (d, sel) => { const e = d.querySelector(sel); return e ? getComputedStyle(e) : null; };
  const r = [];
  for (const p of t.querySelectorAll("section.titlepage > *")) r.push("title " + p.className + " " + getComputedStyle(p).textAlign);
  const img = cs(c, "img"), back = cs(c, "a.fn-back"), pre = cs(c, "pre.code");
  r.push("img " + (img ? img.backgroundColor : "none"));
  r.push("fn-back " + (back ? back.textDecorationLine : "none"));
  r.push("pre " + (pre ? pre.backgroundColor + " " + pre.color : "none"));
  document.getElementById("out").textContent = "RESULT" + r.join("|") + "END";
}
document.getElementById("t").onload = probe;
document.getElementById("c").onload = probe;
</script></body></html>
HTML
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
out=$("$browser" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
	--virtual-time-budget=10000 --dump-dom "file://$TMP/x/OEBPS/_probe.html" 2>/dev/null |
	sed -n 's/.*<pre id="out">RESULT\(.*\)END<\/pre>.*/\1/p')
want="title title center|title subtitle center|title authors center|title edition center|img rgb(255, 255, 255)|fn-back underline|pre rgb(243, 243, 240) rgb(26, 26, 26)"
if [ "$out" = "$want" ]; then
	pass "narrow: title page centred under a reader's p { text-align }; images backed white; back-links underlined; code box opaque"
else
	fail "narrow: reader styles" "got '$out', want '$want'"
fi
exit 0
