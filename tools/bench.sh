#!/bin/sh
# tools/bench.sh - how fast folio builds books: against pandoc, and against
# folio's targets.  `make bench` runs it once build/folio and build/genbook
# are built; it can also be run by hand from anywhere.
#
#   BENCH_RUNS=N      runs per folio measurement, median reported (default 5)
#   BENCH_TIMEOUT=S   a folio run longer than this is a "timeout" (default 60;
#                     pandoc gets BENCH_PANDOC_TIMEOUT, default 180)
#   BENCH_BUDGET=S    no further runs of one measurement after S seconds
#                     spent on it (default 30), so slow inputs stay cheap
#   BENCH_SEED=N      genbook seed (default 1)
#   FOLIO, GENBOOK, SHARED   default build/folio, build/genbook, ../shared
#
# Inputs: book/, ../shared/corpora/perf-book (skipped with a note if
# absent), synthetic books of 0.25, 0.6, 1 and 4 MB, and the pathological
# shapes at 0.6 MB (where genbook's named counts hold), each compared with
# the normal 0.6 MB book.  Synthetic books are generated once into
# build/bench/books/ and reused while build/genbook is unchanged.
#
# Each input is built three ways (--pdf, --epub, both).  A folio run that
# exits 2 or more, crashes, or writes no output is recorded as "error" and
# the bench goes on: folio is under construction.  Exit status 1 (content
# errors, outputs written) still counts as a build.
#
# Prints a Markdown table and PASS/MISS lines for the targets, and writes
# both to out/bench.md.
cd "$(dirname "$0")/.." || exit 2
FOLIO=${FOLIO:-build/folio}
GENBOOK=${GENBOOK:-build/genbook}
SHARED=${SHARED:-../shared}
RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-60}
PANDOC_TIMEOUT=${BENCH_PANDOC_TIMEOUT:-180}
BUDGET=${BENCH_BUDGET:-30}
SEED=${BENCH_SEED:-1}
B=build/bench
RESULTS=$B/results.tsv
REPORT=out/bench.md

note() { echo "bench: $*" >&2; }

case "$RUNS" in '' | *[!0-9]* | 0) note "BENCH_RUNS must be a positive number"; exit 2 ;; esac
start=$(date +%s)
mkdir -p "$B/books" "$B/out" out || exit 1
: >"$RESULTS"

# ---- tools ------------------------------------------------------------------
sh tools/ensure-packages time poppler-utils pandoc >&2 ||
	note "could not install time, poppler-utils or pandoc; going on without"
if [ ! -x /usr/bin/time ]; then
	note "/usr/bin/time is missing (Debian package 'time'): cannot measure"
	exit 1
fi
if [ ! -x "$GENBOOK" ]; then
	note "$GENBOOK is missing: run 'make bench' (or make $GENBOOK)"
	exit 1
fi
[ -x "$FOLIO" ] || note "$FOLIO is missing: every folio measurement will say error"
HAVE_PANDOC=false
HAVE_WEASY=false
PANDOC_FROM=gfm
if command -v pandoc >/dev/null 2>&1; then
	HAVE_PANDOC=true
	# footnotes are part of GFM; pandoc's gfm reader needs them asked for
	pandoc --list-extensions=gfm 2>/dev/null | grep -q 'footnotes' &&
		PANDOC_FROM=gfm+footnotes
	command -v weasyprint >/dev/null 2>&1 && HAVE_WEASY=true
else
	note "pandoc is not installed: no comparison with pandoc"
fi
$HAVE_WEASY || note "weasyprint is not on PATH: pandoc is timed to EPUB only"
HAVE_PDFINFO=false
command -v pdfinfo >/dev/null 2>&1 && HAVE_PDFINFO=true

# ---- inputs -----------------------------------------------------------------

# gen_book NAME SIZE SHAPE: the synthetic book build/bench/books/NAME,
# generated unless it is there and newer than genbook.
gen_book() {
	dir=$B/books/$1
	if [ -f "$dir.ok" ] && [ -d "$dir" ] &&
		[ -z "$(find "$GENBOOK" -newer "$dir.ok")" ]; then
		return 0
	fi
	rm -rf "$dir" "$dir.tmp" "$dir.ok"
	"$GENBOOK" "$dir.tmp" "$2" --shape "$3" --seed "$SEED" &&
		mv "$dir.tmp" "$dir" && : >"$dir.ok"
}

SYNTH="normal-250k:250000:normal normal-600k:600000:normal
normal-1m:1000000:normal normal-4m:4000000:normal
paragraph-600k:600000:paragraph codeblock-600k:600000:codeblock
table-600k:600000:table links-600k:600000:links
chapters-600k:600000:chapters"
INPUTS="book"
PERF=$SHARED/corpora/perf-book
if [ -f "$PERF/src/SUMMARY.md" ]; then
	INPUTS="$INPUTS perf-book"
else
	note "NOTE: $PERF is absent: perf-book skipped"
	printf 'perf-book\treal\t0\t-\tskipped (absent)\n' >>"$RESULTS"
fi
for s in $SYNTH; do
	name=${s%%:*} rest=${s#*:}
	if gen_book "$name" "${rest%%:*}" "${rest#*:}"; then
		INPUTS="$INPUTS $name"
	else
		note "genbook failed for $name"
		printf '%s\tsynthetic\t0\t-\terror (genbook)\n' "$name" >>"$RESULTS"
	fi
done

input_dir() {
	case "$1" in
	book) echo book ;;
	perf-book) echo "$PERF" ;;
	*) echo "$B/books/$1" ;;
	esac
}

# reading_order NAME DIR: the Markdown files in reading order, relative to
# DIR, one a line: perf-book's SUMMARY.md order, else the root page and
# then the other .md files sorted.
reading_order() {
	if [ "$1" = perf-book ]; then
		sed -n 's/.*](\([^)]*\.md\)).*/src\/\1/p' "$2/src/SUMMARY.md"
		return
	fi
	root=index.md
	[ -f "$2/$root" ] || root=README.md
	echo "$root"
	(cd "$2" && find . -name '*.md' -type f | sed 's|^\./||' |
		grep -vx "$root" | LC_ALL=C sort)
}

md_bytes() {
	find "$1" -name '*.md' -type f -exec cat {} + | wc -c | tr -d ' '
}

# ---- measuring --------------------------------------------------------------

# timed N LIMIT OUT CMD...: runs CMD up to N times (fewer once BUDGET
# seconds are spent), each with a fresh, empty folder OUT, and stops it
# after LIMIT seconds.  Sets STATUS (ok, error, timeout), RC, NRUNS and
# the medians WALL and CPU (seconds) and RSS (KiB).
timed() {
	n=$1 limit=$2 out=$3
	shift 3
	: >"$B/runs"
	STATUS=ok NRUNS=0 RC=0 WALL=- CPU=- RSS=-
	spent=0
	while [ "$NRUNS" -lt "$n" ]; do
		rm -rf "$out" && mkdir -p "$out"
		timeout -k 5 "$limit" /usr/bin/time -f '%e %U %S %M' \
			-o "$B/time.txt" "$@" >"$B/log.txt" 2>&1
		RC=$?
		if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
			STATUS=timeout
			break
		fi
		if [ "$RC" -gt 1 ] || ! tail -n 1 "$B/time.txt" | grep -q '^[0-9.]* [0-9.]* [0-9.]* [0-9]*$'; then
			STATUS=error
			break
		fi
		tail -n 1 "$B/time.txt" | awk '{ print $1, $2 + $3, $4 }' >>"$B/runs"
		NRUNS=$((NRUNS + 1))
		spent=$(tail -n 1 "$B/runs" | awk -v s="$spent" '{ print s + $1 }')
		awk -v s="$spent" -v b="$BUDGET" 'BEGIN { exit !(s > b) }' && break
	done
	[ "$STATUS" = ok ] || return 0
	WALL=$(median 1) CPU=$(median 2) RSS=$(median 3)
}

# median COLUMN: the median of one column of $B/runs.
median() {
	cut -d' ' -f"$1" "$B/runs" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]
		      else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# folio_cell NAME DIR MODE: measures one folio build; sets the TSV fields
# F_STATUS F_WALL F_CPU F_RSS F_PAGES F_RUNS.
folio_cell() {
	out=$B/out/$1-$3
	threads=
	case "$3" in
	pdf) flags=--pdf ;;
	epub) flags=--epub ;;
	both) flags="--pdf --epub" ;;
	both1) flags="--pdf --epub" threads=1 ;; # on one thread: what 2 cores give
	esac
	# shellcheck disable=SC2086 # flags are words on purpose
	timed "$RUNS" "$TIMEOUT" "$out" env FOLIO_THREADS="$threads" \
		"$FOLIO" build "$2" -o "$out" $flags
	F_STATUS=$STATUS F_WALL=$WALL F_CPU=$CPU F_RSS=$RSS F_PAGES=- F_RUNS=$NRUNS
	if [ "$STATUS" = ok ]; then
		pdf=$(find "$out" -name '*.pdf' -type f | head -n 1)
		epub=$(find "$out" -name '*.epub' -type f | head -n 1)
		case "$3" in
		pdf | both*) [ -n "$pdf" ] || F_STATUS=error ;;
		esac
		case "$3" in
		epub | both*) [ -n "$epub" ] || F_STATUS=error ;;
		esac
		[ "$F_STATUS" = ok ] || note "$1 $3: folio wrote no output"
		if [ -n "$pdf" ] && $HAVE_PDFINFO; then
			F_PAGES=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
			[ -n "$F_PAGES" ] || F_PAGES='?'
		fi
	fi
	if [ "$F_STATUS" != ok ]; then
		note "$1 $3: folio $F_STATUS (exit $RC); last lines of its output:"
		tail -n 3 "$B/log.txt" | sed 's/^/    /' >&2
	fi
}

# pandoc_cell NAME DIR FORMAT: pandoc over the book's files in reading
# order, to FORMAT (epub or pdf); sets P_RESULT (median wall time, or a
# status word).  Fewer runs than folio: pandoc is slow on big inputs.
pandoc_cell() {
	pname=$1 pdir=$2 pfmt=$3
	P_RESULT=-
	$HAVE_PANDOC || return 0
	[ "$pfmt" = epub ] || $HAVE_WEASY || return 0
	n=3
	[ "$MD" -lt 1000000 ] || n=1
	[ "$RUNS" -lt "$n" ] && n=$RUNS
	out=$B/out/$pname-pandoc-$pfmt
	reading_order "$pname" "$pdir" >"$B/order.txt"
	set -- "$pdir" "$PWD/$out/book.$pfmt"
	while IFS= read -r f; do
		set -- "$@" "$f"
	done <"$B/order.txt"
	[ "$pfmt" = pdf ] && set -- "$@" --pdf-engine=weasyprint
	# shellcheck disable=SC2016 # expanded by the inner shell
	timed "$n" "$PANDOC_TIMEOUT" "$out" sh -c 'cd "$1" && o=$2 && shift 2 &&
		exec pandoc -f "$FROM" -M title=bench -o "$o" "$@"' sh "$@"
	if [ "$STATUS" = ok ]; then
		P_RESULT=$WALL
	else
		P_RESULT=$STATUS
		note "$pname pandoc $pfmt: $STATUS; last lines of its output:"
		tail -n 3 "$B/log.txt" | sed 's/^/    /' >&2
	fi
}
export FROM="$PANDOC_FROM"

for NAME in $INPUTS; do
	dir=$(input_dir "$NAME")
	MD=$(md_bytes "$dir")
	case "$NAME" in
	book | perf-book) kind=real ;;
	normal-*) kind=normal ;;
	*) kind=pathological ;;
	esac
	slow=""
	modes="pdf epub both"
	case "$NAME" in normal-1m | normal-4m) modes="$modes both1" ;; esac
	for mode in $modes; do
		if [ "$mode" != pdf ] && [ "$mode" != epub ] && [ -n "$slow" ]; then
			# PDF+EPUB takes longer than what already timed out
			F_STATUS="skipped ($slow timed out)" F_WALL=- F_CPU=- F_RSS=-
			F_PAGES=- F_RUNS=0
		else
			folio_cell "$NAME" "$dir" "$mode"
			[ "$F_STATUS" = timeout ] && slow=$mode
		fi
		P_RESULT=-
		case "$mode" in
		epub | pdf) pandoc_cell "$NAME" "$dir" "$mode" ;;
		esac
		note "$(printf '%-16s %-4s folio %s s (%s runs), pandoc %s' \
			"$NAME" "$mode" "$F_WALL" "$F_RUNS" "$P_RESULT")"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" \
			"$kind" "$MD" "$mode" "$F_STATUS" "$F_WALL" "$F_CPU" \
			"$F_RSS" "$F_PAGES" "$F_RUNS" "$P_RESULT" >>"$RESULTS"
	done
done

# ---- report -----------------------------------------------------------------

# The table, then the targets: 1 MB book PDF+EPUB in 0.5 s and 100 MiB;
# the 4 MB book within 4.4x the 1 MB one; each pathological book within
# 2x the normal book of its size.
REPORT_AWK=$(cat <<'EOF'
function num(x) { return x ~ /^[0-9.]+$/ }
function fmt(f, x) { return num(x) ? sprintf(f, x) : x }
{
	n++
	name[n] = $1; kind[n] = $2; md[n] = $3; mode[n] = $4; st[n] = $5
	secs[n] = $6; cpu[n] = $7; rss[n] = $8; pages[n] = $9; runs[n] = $10
	pandoc[n] = $11
	if ($5 == "ok") { W[$1, $4] = $6; R[$1, $4] = $8 }
	else S[$1, $4] = $5
}
function ratio(a, b) { return (num(a) && num(b) && b > 0) ? a / b : "" }
# wall: a measured wall time, or "" (without creating the W entry)
function wall(k, m) { return ((k, m) in W) ? W[k, m] : "" }
# describe: a measurement's wall time or why there is none
function got(k, m) {
	if ((k, m) in W) return W[k, m] " s"
	if ((k, m) in S) return S[k, m]
	return "not measured"
}
function target(ok, what) {
	line = (ok ? "PASS: " : "MISS: ") what
	targets = targets line "\n"
}
END {
	print "| input | MB | output | folio s | CPU s | RSS MiB | pages | pages/s | MB/s | runs | pandoc s | speed-up | vs normal |"
	print "|:---|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= n; i++) {
		mb = md[i] / 1e6
		if (st[i] != "ok") {
			printf("| %s | %s | %s | %s | | | | | | | %s | | |\n", name[i],
				(md[i] > 0) ? sprintf("%.2f", mb) : "", mode[i], st[i],
				fmt("%.2f", pandoc[i]))
			continue
		}
		w = secs[i] + 0
		pps = (num(pages[i]) && w > 0) ? sprintf("%.0f", pages[i] / w) : "-"
		mbs = w > 0 ? sprintf("%.2f", mb / w) : "-"
		up = ratio(pandoc[i], w)
		vs = (kind[i] == "pathological") ? ratio(w, wall("normal-600k", mode[i])) : ""
		printf("| %s | %.2f | %s | %.2f | %.2f | %.0f | %s | %s | %s | %s | %s | %s | %s |\n",
			name[i], mb, (mode[i] == "both1") ? "both, 1 thread" : mode[i], w, cpu[i], rss[i] / 1024, pages[i], pps,
			mbs, runs[i], fmt("%.2f", pandoc[i]),
			(up == "") ? "" : sprintf("%.1f×", up),
			(vs == "") ? "" : sprintf("%.2f×", vs))
	}

	k = "normal-1m"
	if ((k, "both") in W) {
		target(W[k, "both"] <= 0.5, sprintf("1 MB book, PDF+EPUB: %.2f s (target <= 0.5 s)", W[k, "both"]))
		target(R[k, "both"] <= 100 * 1024, sprintf("1 MB book, PDF+EPUB: peak RSS %.0f MiB (target <= 100 MiB)", R[k, "both"] / 1024))
	} else {
		target(0, "1 MB book, PDF+EPUB: " got(k, "both") " (target <= 0.5 s)")
		target(0, "1 MB book, PDF+EPUB: " got(k, "both") " (target <= 100 MiB peak RSS)")
	}
	r = ratio(wall(k, "both1"), wall(k, "both"))
	if (r != "")
		target(r > 1, sprintf("1 MB book, PDF+EPUB: %.2f s on two cores, %.2f s on one (%.2f× faster; same bytes, tests/e2e/pdf.sh)", W[k, "both"], W[k, "both1"], r))
	r = ratio(wall("normal-4m", "both"), wall(k, "both"))
	if (r != "")
		target(r <= 4.4, sprintf("4 MB book, PDF+EPUB: %.2f s = %.2f× the 1 MB book (target <= 4.4×)", W["normal-4m", "both"], r))
	else
		target(0, "4 MB book, PDF+EPUB: 4 MB " got("normal-4m", "both") ", 1 MB " got(k, "both") " (target <= 4.4× the 1 MB book)")
	for (i = 1; i <= n; i++) {
		if (kind[i] != "pathological" || mode[i] != "both") continue
		r = ratio(wall(name[i], "both"), wall("normal-600k", "both"))
		if (r != "")
			target(r <= 2, sprintf("%s, PDF+EPUB: %.2f s = %.2f× the normal 0.6 MB book (target <= 2×)", name[i], W[name[i], "both"], r))
		else
			target(0, name[i] ", PDF+EPUB: " got(name[i], "both") ", normal 0.6 MB book " got("normal-600k", "both") " (target <= 2× the normal book)")
	}
	printf "\n%s", targets
}
EOF
)

{
	echo "# folio benchmark"
	echo
	echo "folio $(git rev-parse --short HEAD 2>/dev/null || echo '(no commit)'), \
$(nproc 2>/dev/null || echo '?') CPUs, \
$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1); \
median of up to $RUNS runs (fewer past ${BUDGET} s), timeout ${TIMEOUT} s per run \
(pandoc: up to 3 runs, 1 from 1 MB, timeout ${PANDOC_TIMEOUT} s); \
$($HAVE_PANDOC && pandoc --version | head -n 1 || echo 'no pandoc') \
(-f $PANDOC_FROM, to EPUB$($HAVE_WEASY && echo ' and to PDF with weasyprint'))."
	echo
	echo "MB = Markdown bytes / 10^6; RSS in MiB; speed-up = pandoc time / folio time" \
		"for the same output; \"vs normal\" = time / the normal 0.6 MB book's."
	echo
	awk -F '\t' "$REPORT_AWK" "$RESULTS"
	echo
	echo "Synthetic books (tools/genbook.c, seed $SEED) are in $B/books/; bench time $(($(date +%s) - start)) s."
} >"$REPORT.tmp"
mv "$REPORT.tmp" "$REPORT"
echo
cat "$REPORT"
