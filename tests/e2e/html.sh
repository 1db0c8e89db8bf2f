#!/bin/bash
# tests/e2e/html.sh - HTML inside Markdown (issue 17) in both editions, and
# the SVG sanitizer (issue 25 S2).
#
#  1. tests/fixtures/html: markup as The Rust Programming Language and the
#     Rustonomicon write it (<Listing>, <img ... width="50%">, <span
#     class="caption">, <a id>, <!-- -->, <br/>, <details>, <table>, an SVG
#     with svg11.dtd's DOCTYPE) checked in the PDF (pdftotext, pdfimages)
#     and in the EPUB's XHTML; EPUBCheck.
#  2. A hostile book written here: unclosed tags, 10,000 nested <div>s,
#     unquoted attributes, <img> of /etc/passwd and of a URL, SVGs with
#     external entities, hrefs out of the book and the S2 bypasses
#     (<s:script>, a prefixed foreignObject holding <h:script>,
#     &#106;avascript: in xlink:href and in <animate values>): builds with
#     warnings, within time, opens nothing outside the book (strace), no
#     script reaches the EPUB, EPUBCheck.
. tests/lib.sh

need_tools html pdftotext pdfimages unzip
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}

has() { grep -qF -- "$2" "$1"; }
count() { grep -oF -- "$2" "$1" | wc -l; }
check() { # name, condition result (0 ok), detail
	if [ "$2" = 0 ]; then pass "html: $1"; else fail "html: $1" "$3"; fi
}
epubcheck() { # name epub
	if [ ! -f "$EPUBCHECK" ] || ! command -v java >/dev/null 2>&1; then
		skip "html: $1: epubcheck" "java or $EPUBCHECK not installed"
		return
	fi
	java -jar "$EPUBCHECK" "$2" >"$TMP/check.out" 2>&1
	if grep -q "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" "$TMP/check.out" ||
		grep -q "No errors or warnings detected" "$TMP/check.out" &&
		! grep -qE "^(ERROR|WARNING|FATAL|INFO|USAGE)" "$TMP/check.out"; then
		pass "html: $1: epubcheck 0 messages"
	else
		fail "html: $1: epubcheck" "$(grep -E '^(ERROR|WARNING|FATAL|INFO|USAGE)' "$TMP/check.out" | head -3)"
	fi
}

# ---- 1. the fixture ---------------------------------------------------------
out=$TMP/out
"$FOLIO" build tests/fixtures/html -o "$out" 2>"$TMP/err"
rc=$?
pdf=$(ls "$out"/*.pdf 2>/dev/null | head -n 1)
epub=$(ls "$out"/*.epub 2>/dev/null | head -n 1)
if [ "$rc" -gt 1 ] || [ -z "$pdf" ] || [ -z "$epub" ]; then
	fail "html: fixture builds" "exit status $rc: $(head -c 300 "$TMP/err")"
	exit 0
fi
pass "html: fixture builds (exit $rc)"

pdftotext "$pdf" "$TMP/pdf.txt" 2>/dev/null
mkdir -p "$TMP/x" && (cd "$TMP/x" && unzip -q "$epub")
cat "$TMP/x/OEBPS/chapter00"[1-3].xhtml >"$TMP/all.xhtml"
# the EPUB's text: the XHTML without its tags, entities decoded
sed -e 's/<[^>]*>//g' -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' \
	"$TMP/all.xhtml" >"$TMP/epub.txt"

# Raw HTML is never text in either edition.
for f in pdf epub; do
	bad=$(grep -noE '<(a |a>|/a>|img|br|span|/span|div|/div|Listing|/Listing|details|summary|table|td|kbd|sup|sub|script|style|iframe|blink|!--)|-->|alert\(|never shown|iframe fallback|Old heading' "$TMP/$f.txt" | head -3)
	check "$f: no raw tag, comment or script text" "$([ -z "$bad" ]; echo $?)" "$bad"
done

# The same words in both editions.
for s in "Listing 4-1: A variable and the scope in which it is valid" \
	"Filename: src/main.rs" "Filename: src/lib.rs" \
	"Figure 4-1: Representation in memory of a String" "The layout of Vec<T>" \
	"Click to see the answer. The answer is 42" "its words are kept" \
	"Blinking text stays and again" "Press Ctrl+C to copy" "H2O" "mc2" \
	"This line follows a hard break" "push" "amortised O(1)" \
	"A span with an event handler and a script link and an encoded one"; do
	for f in pdf epub; do
		tr '\n' ' ' <"$TMP/$f.txt" | sed 's/  */ /g' | grep -qF -- "$s"
		check "$f: shows \"$s\"" $? "not found"
	done
done
# A caption is printed once; an image with a caption of its own has no
# second one made of its alt text.
for f in pdf epub; do
	check "$f: Listing 4-1 captioned once" "$([ "$(count "$TMP/$f.txt" "Listing 4-1")" = 1 ]; echo $?)" \
		"$(count "$TMP/$f.txt" "Listing 4-1") times"
	check "$f: Figure 4-1 captioned once" "$([ "$(count "$TMP/$f.txt" "Figure 4-1")" = 1 ]; echo $?)" \
		"$(count "$TMP/$f.txt" "Figure 4-1") times"
done
check "pdf: alt text is no second caption" "$(! has "$TMP/pdf.txt" "Two tables"; echo $?)" "alt text printed"
check "pdf: the line break is a line break" \
	"$(grep -q '^Both the stack and the heap are parts of memory\.$' "$TMP/pdf.txt"; echo $?)" "no break"

# Images: both SVG figures are images in both editions.
n=$(pdfimages -list "$pdf" 2>/dev/null | awk 'NR > 2' | wc -l)
check "pdf: every <img> is an image (2)" "$([ "$n" = 2 ]; echo $?)" "$n images"
n=$(grep -o '<img src="images/image00[12].svg"' "$TMP/all.xhtml" | sort -u | wc -l)
check "epub: every <img> is an image (2)" "$([ "$n" = 2 ]; echo $?)" "$n images"

# The EPUB's markup.
x=$TMP/all.xhtml
check "epub: listing is a figure with its file name and caption" \
	"$(tr -d '\n' <"$x" | grep -qF '<figure class="listing"><p class="listing-file">Filename: <code>src/main.rs</code></p><pre class="code"><code class="language-rust">'; echo $?)" "no"
check "epub: listing caption" "$(has "$x" '<figcaption><strong>Listing 4-1:</strong> A variable and the scope in which it is valid</figcaption>'; echo $?)" "no"
check "epub: image figure with figcaption" \
	"$(tr -d '\n' <"$x" | grep -qE '<figure class="figure"><p><img src="images/image001.svg" alt="Two tables[^"]*" style="width: 50%; height: auto"/></p><figcaption>Figure 4-1: Representation in memory of a <code>String</code>'; echo $?)" "no"
check "epub: <figure>/<figcaption> kept" "$(has "$x" '<figcaption>The layout of <code>Vec&lt;T&gt;</code></figcaption>'; echo $?)" "no"
check "epub: <a id> anchor, once (not again where a heading has the id)" \
	"$(has "$x" '<h3 id="stack-and-heap"><a id="the-stack-and-the-heap"></a>Stack and Heap</h3>'; echo $?)" "no"
check "epub: links to <a id> anchors, in and across chapters" \
	"$(has "$x" 'href="chapter001.xhtml#the-stack-and-the-heap"' && has "$x" 'href="chapter001.xhtml#inline-target"' &&
	   has "$x" 'href="chapter002.xhtml#html-table-anchor"' && has "$x" '<a id="html-table-anchor"></a>'; echo $?)" "no"
check "epub: details printed open, summary run in" "$(has "$x" '<p><strong>Click to see the answer</strong>. The answer is <strong>42</strong>'; echo $?)" "no"
check "epub: HTML table as a table" "$(tr -d '\n' <"$x" | grep -qF '<thead><tr><th scope="col">Operation</th><th scope="col">Cost</th></tr></thead><tbody><tr><td>push</td><td><em>amortised</em> O(1)</td></tr>'; echo $?)" "no"
for t in '<kbd>Ctrl</kbd>' '<sub>2</sub>' '<sup>2</sup>' '<em>i</em>' '<strong>b</strong>' \
	'<code>code</code>' '<code>samp</code>' '<var>var</var>' '<u>u</u>' '<del>s</del>' \
	'<del>del</del>' '<u>ins</u>' '<mark>mark</mark>' '<small>small</small>'; do
	check "epub: $t" "$(has "$x" "$t"; echo $?)" "missing"
done
bad=$(grep -noiE 'onclick|javascript|<script|<style|<iframe|<blink|raw-html|&lt;(a|span|img|br|!--|Listing)' "$x" | head -3)
check "epub: no script, event handler or raw tag" "$([ -z "$bad" ]; echo $?)" "$bad"

# The SVGs go in sanitized: no DOCTYPE, no comment, no link element.
svg=$(cat "$TMP/x/OEBPS/images/"*.svg)
echo "$svg" | grep -qE '<!DOCTYPE|<!--|<a |svg11\.dtd'
check "epub: SVG copied without DOCTYPE, comments or links" "$([ $? = 1 ]; echo $?)" \
	"$(echo "$svg" | grep -m2 -E '<!DOCTYPE|<!--|<a ')"

# Warnings: one per unknown tag name, at its place; the script link.
check "warning: unknown tag once, at path:line:col" \
	"$([ "$(grep -c '<blink>' "$TMP/err")" = 1 ] && grep -q '^tests/fixtures/html/src/details.md:26:1: warning: HTML tag <blink> is not supported' "$TMP/err"; echo $?)" \
	"$(grep blink "$TMP/err")"
check "warning: javascript: link dropped, at its line" \
	"$(grep -q '^tests/fixtures/html/src/formatting.md:10:1: warning: a link (<a href>) to a script' "$TMP/err"; echo $?)" "$(head -3 "$TMP/err")"
check "warning: <iframe> left out, at path:line:col" \
	"$(grep -q '^tests/fixtures/html/src/details.md:32:1: warning: HTML <iframe> cannot be shown in a book' "$TMP/err"; echo $?)" "$(grep iframe "$TMP/err")"
check "no other warning" "$([ "$(grep -c warning "$TMP/err")" = 3 ]; echo $?)" "$(grep warning "$TMP/err" | head -4)"
epubcheck fixture "$epub"

# Byte-reproducible: a second build gives the same files.
"$FOLIO" build tests/fixtures/html -o "$TMP/out2" -q 2>/dev/null
cmp -s "$epub" "$TMP/out2/$(basename "$epub")" && cmp -s "$pdf" "$TMP/out2/$(basename "$pdf")"
check "two builds give the same bytes" $? "outputs differ"

# ---- 2. hostile HTML and SVG ------------------------------------------------
h=$TMP/hostile
mkdir -p "$h/img" "$TMP/outside"
printf '[book]\ntitle = Hostile HTML\nauthors = A. Author\nlanguage = en\nidentifier = hostile-html\n' >"$h/folio.ini"
echo "secret" >"$TMP/outside/secret.svg"
cat >"$h/img/ok.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#3050c0"/></svg>
SVG
cat >"$h/img/ext-entity.svg" <<'SVG'
<?xml version="1.0"?>
<!DOCTYPE svg [
<!ENTITY ext SYSTEM "file:///etc/passwd">
<!ENTITY % pe SYSTEM "file:///etc/hostname">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">
<text x="1" y="10">&ext;</text>
<image xlink:href="../../../../etc/hostname" width="5" height="5"/>
<image href="file:///etc/passwd" width="5" height="5"/>
<use xlink:href="../../outside/secret.svg#x"/>
<rect width="40" height="20" fill="#c03030" style="fill: url(https://example.com/x.svg#p)"/>
</svg>
SVG
cat >"$h/img/laughs.svg" <<'SVG'
<?xml version="1.0"?>
<!DOCTYPE svg [
<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text>&e;</text></svg>
SVG
cat >"$h/img/bypass.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" xmlns:h="http://www.w3.org/1999/xhtml" width="40" height="20">
<s:script>alert(1)</s:script>
<s:foreignObject width="10" height="10"><h:div><h:script>alert(2)</h:script></h:div></s:foreignObject>
<s:a x:href="&#106;avascript:alert(3)"><s:rect width="40" height="20" fill="#30a030"/></s:a>
<s:animate attributeName="href" values="&#106;avascript:alert(4)"/>
<s:set attributeName="x:href" to="javascript:alert(5)"/>
<s:rect width="5" height="5" onload="alert(6)" ONCLICK="alert(7)" fill="url(#g)"/>
<s:handler>alert(8)</s:handler>
</svg>
SVG
{
	echo "# Hostile HTML"
	echo
	echo "<b><i>unclosed bold italic"
	echo
	echo "<div><span>unclosed div and span"
	echo
	echo "<img src=img/ok.svg alt=unquoted width=30%>"
	echo
	echo '<img src="../../../etc/passwd" alt="passwd">'
	echo
	echo '<img src="http://example.com/x.png" alt="remote">'
	echo
	echo '<img src="javascript:alert(1)" alt="js image">'
	echo
	echo '![ext](img/ext-entity.svg) ![bypass](img/bypass.svg) ![laughs](img/laughs.svg)'
	echo
	echo '<img src="img/bypass.svg" alt="bypass as html" onerror="alert(9)">'
	echo
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<div>"; printf "deep text"; for (i = 0; i < 10000; i++) printf "</div>"; print "" }'
	echo
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<em>"; printf "deep inline"; print "" }'
	echo
	echo '<table><tr><td>cell<td>cell two<tr><th>unclosed'
	echo
	echo '<a href="&#x6A;avascript:alert(10)">encoded</a> <a href=" java	script:alert(11)">tabbed</a>'
	echo
	echo "after all that, the end"
} >"$h/index.md"

hout=$TMP/hout
start=$(date +%s)
if command -v strace >/dev/null && strace -f -qq -e trace=none true 2>/dev/null; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	timeout $((60 * ${TIME_SCALE:-1})) strace -f -qq -e trace=open,openat,openat2 -o "$TMP/trace" \
		"$FOLIO" build "$h" -o "$hout" 2>"$TMP/herr"
	rc=$?
	traced=1
else
	timeout $((60 * ${TIME_SCALE:-1})) "$FOLIO" build "$h" -o "$hout" 2>"$TMP/herr"
	rc=$?
	traced=0
fi
dt=$(( $(date +%s) - start ))
hpdf=$(ls "$hout"/*.pdf 2>/dev/null | head -n 1)
hepub=$(ls "$hout"/*.epub 2>/dev/null | head -n 1)
check "hostile: builds with warnings, no crash, in $dt s" \
	"$([ "$rc" -le 1 ] && [ -s "$hpdf" ] && [ -s "$hepub" ]; echo $?)" "exit $rc: $(tail -c 300 "$TMP/herr")"
if [ "$traced" = 1 ]; then
	opened=$(grep -oE '"(/etc/(passwd|hostname)|[^"]*outside/secret\.svg)"' "$TMP/trace" | sort -u | head -3)
	check "hostile: no file outside the book is opened (strace)" "$([ -z "$opened" ]; echo $?)" "$opened"
else
	skip "html: hostile: no file outside the book is opened" "strace missing"
fi
for w in "image '../../../etc/passwd' is outside the book folder" \
	"remote image 'http://example.com/x.png' is not embedded" \
	"SVG image 'img/ext-entity.svg': its references to other files and entities are removed" \
	"SVG image 'img/laughs.svg' is not well-formed XML; not embedded" \
	"SVG image 'img/bypass.svg': its scripts and foreign content are removed" \
	"HTML nested deeper than folio keeps is flattened" "an <img> with a script or data: source is dropped" \
	"a link (<a href>) to a script or data: URL is dropped"; do
	has "$TMP/herr" "$w"
	check "hostile: warns \"$w\"" $? "$(head -c 400 "$TMP/herr")"
done
if [ -s "$hepub" ]; then
	mkdir -p "$TMP/hx" && (cd "$TMP/hx" && unzip -q "$hepub")
	bad=$(grep -rliE '<script|script>|javascript:|foreignObject|onload=|onclick=|onerror=|handler|ENTITY|DOCTYPE svg|/etc/|secret|example\.com|alert\(' \
		"$TMP/hx/OEBPS/images" "$TMP/hx/OEBPS/"*.xhtml 2>/dev/null | head -3)
	check "hostile: no script, entity or outside reference reaches the EPUB" "$([ -z "$bad" ]; echo $?)" \
		"$bad: $(grep -rhoiE '.{20}(script|javascript|foreignObject|onload|alert|ENTITY|/etc/).{20}' $bad 2>/dev/null | head -2)"
	n=$(ls "$TMP/hx/OEBPS/images/" 2>/dev/null | grep -v -x 'cover\.svg' | wc -l)
	check "hostile: the sanitized SVGs are still images (3)" "$([ "$n" = 3 ]; echo $?)" "$n files"
	pdftotext "$hpdf" "$TMP/h.txt" 2>/dev/null
	for s in "unclosed bold italic" "unclosed div and span" "deep text" "deep inline" \
		"cell two" "encoded" "tabbed" "after all that, the end"; do
		grep -qF "$s" "$TMP/h.txt" && grep -qF "$s" "$TMP/hx/OEBPS/chapter001.xhtml"
		check "hostile: \"$s\" kept in both" $? "missing"
	done
	epubcheck hostile "$hepub"
fi

# ---- 3. real mdBook books ---------------------------------------------------
# No raw tag or comment as text in either edition, every image an image in
# both (counted from the Markdown: ![..](..) and <img>), EPUBCheck clean.
for name in nomicon perf-book; do
	src=$SHARED/corpora/$name
	if [ ! -d "$src" ]; then
		skip "html: $name" "$src not present"
		continue
	fi
	"$FOLIO" build "$src" -o "$TMP/$name" -q 2>"$TMP/$name.err"
	rc=$?
	bpdf=$(ls "$TMP/$name"/*.pdf 2>/dev/null | head -n 1)
	bepub=$(ls "$TMP/$name"/*.epub 2>/dev/null | head -n 1)
	if [ "$rc" -gt 1 ] || [ -z "$bpdf" ] || [ -z "$bepub" ]; then
		fail "html: $name builds" "exit $rc: $(head -c 300 "$TMP/$name.err")"
		continue
	fi
	pdftotext "$bpdf" "$TMP/$name.txt" 2>/dev/null
	rm -rf "$TMP/$name.x" && mkdir -p "$TMP/$name.x" && (cd "$TMP/$name.x" && unzip -q "$bepub")
	# the EPUB's text outside code (code may hold "<T>" and "-->")
	sed -e 's/<pre[^>]*>.*<\/pre>//' -e 's/<code>[^<]*<\/code>//g' -e 's/<[^>]*>//g' \
		-e 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' "$TMP/$name.x"/OEBPS/*.xhtml >"$TMP/$name.etxt"
	tagre='<(br|img|div|span|details|summary|sup|sub|kbd|table|Listing)\b[^>]*>|</(div|span|details|a|Listing)>|<a (id|name|href)=|<!--'
	bad=$(grep -hoE "$tagre" "$TMP/$name.txt" "$TMP/$name.etxt" | sort | uniq -c | head -3)
	check "$name: no raw tag or comment in the PDF or EPUB text" "$([ -z "$bad" ]; echo $?)" "$bad"
	want=$(cat "$src"/src/*.md | grep -oE '!\[[^]]*\]\([^)]*\)|<img ' | wc -l)
	np=$(pdfimages -list "$bpdf" 2>/dev/null | awk 'NR > 2' | wc -l)
	ne=$(cat "$TMP/$name.x"/OEBPS/*.xhtml | grep -v 'images/cover\.' | grep -o '<img ' | wc -l)
	check "$name: every image in both editions ($want)" \
		"$([ "$np" = "$want" ] && [ "$ne" = "$want" ]; echo $?)" "PDF $np, EPUB $ne"
	epubcheck "$name" "$bepub"
done
