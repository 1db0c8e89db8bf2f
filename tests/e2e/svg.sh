#!/bin/bash
# tests/e2e/svg.sh - SVG figures in the PDF (issue 11): rasterised through
# librsvg and drawn like PNGs, never dropped; an SVG pointing at a file
# outside the book (or a URL) does not get it read.
. tests/lib.sh

need_tools svg qpdf pdfimages

b="$TMP/svgbook"
mkdir -p "$b/img"
printf '[book]\ntitle = SVG\nauthors = A. Author\nlanguage = en\nidentifier = svg\n' >"$b/folio.ini"
cat >"$b/img/shapes.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
<rect x="10" y="10" width="100" height="100" fill="#c03030"/>
<circle cx="180" cy="60" r="50" fill="#3050c0"/>
</svg>
SVG
printf '# Shapes\n\nA figure:\n\n![Red square, blue circle](img/shapes.svg)\n' >"$b/index.md"

"$FOLIO" build "$b" -o "$TMP/out" --pdf -q 2>"$TMP/err"
rc=$?
pdf=$(ls "$TMP/out"/*.pdf 2>/dev/null | head -n 1)
if [ "$rc" -gt 1 ] || [ -z "$pdf" ]; then
	fail svg-build "exit status $rc: $(head -c 300 "$TMP/err")"
	exit 0
fi
pass svg-build
if qpdf --check "$pdf" >"$TMP/qpdf" 2>&1; then
	pass svg-qpdf-check
else
	fail svg-qpdf-check "$(tail -n 3 "$TMP/qpdf")"
fi
if grep -qi "svg\|not embedded" "$TMP/err"; then
	fail svg-no-warning "$(head -c 300 "$TMP/err")"
else
	pass svg-no-warning
fi
# one image, 240x120 CSS px at 200 dpi: 500x250 pixels
pdfimages -list "$pdf" | awk 'NR > 2 { print $4, $5 }' >"$TMP/list"
if [ "$(wc -l <"$TMP/list")" = 1 ] && [ "$(cat "$TMP/list")" = "500 250" ]; then
	pass svg-rasterised
else
	fail svg-rasterised "images (width height): $(tr '\n' ';' <"$TMP/list")"
fi

# External references: not read, the rest still drawn.
e="$TMP/extbook"
mkdir -p "$e/img"
cp "$b/folio.ini" "$e/"
cat >"$e/img/ext.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">
<rect width="100" height="100" fill="#30a030"/>
<image href="/etc/passwd" width="50" height="50"/>
<image xlink:href="file:///etc/hostname" width="50" height="50"/>
<image href="../../secret.png" width="50" height="50"/>
</svg>
SVG
printf '# Ext\n\n![External refs](img/ext.svg)\n' >"$e/index.md"
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace (make asan): leaks are checked elsewhere.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -e trace=open,openat -o "$TMP/trace" \
		"$FOLIO" build "$e" -o "$TMP/eout" --pdf -q 2>"$TMP/eerr"
	rc=$?
	if grep -E '"(/etc/passwd|/etc/hostname)"' "$TMP/trace" | grep -qv ENOENT; then
		fail svg-external-not-read "$(grep -E '/etc/(passwd|hostname)' "$TMP/trace" | head -3)"
	else
		pass svg-external-not-read
	fi
else
	"$FOLIO" build "$e" -o "$TMP/eout" --pdf -q 2>"$TMP/eerr"
	rc=$?
	skip svg-external-not-read "strace not installed"
fi
pdf=$(ls "$TMP/eout"/*.pdf 2>/dev/null | head -n 1)
if [ "$rc" -le 1 ] && [ -n "$pdf" ] && qpdf --check "$pdf" >/dev/null 2>&1 &&
	[ "$(pdfimages -list "$pdf" | awk 'NR > 2' | wc -l)" = 1 ]; then
	pass svg-external-builds
else
	fail svg-external-builds "exit status $rc: $(head -c 300 "$TMP/eerr")"
fi

# An SVG librsvg cannot draw: a warning naming it, the alt text shown.
d="$TMP/badbook"
mkdir -p "$d/img"
cp "$b/folio.ini" "$d/"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect' >"$d/img/bad.svg"
printf '# Bad\n\n![Broken drawing](img/bad.svg)\n' >"$d/index.md"
"$FOLIO" build "$d" -o "$TMP/dout" --pdf -q 2>"$TMP/derr"
pdf=$(ls "$TMP/dout"/*.pdf 2>/dev/null | head -n 1)
if [ -n "$pdf" ] && grep -q "img/bad.svg" "$TMP/derr" &&
	pdftotext "$pdf" - 2>/dev/null | grep -q "Broken drawing"; then
	pass svg-damaged-warned
else
	fail svg-damaged-warned "$(head -c 300 "$TMP/derr")"
fi
