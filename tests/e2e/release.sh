#!/bin/bash
# release.sh - what the release pipeline relies on: builds of the same
# sources in two folders (other working directory, other umask) give
# byte-identical PDF, EPUB and manifest; `make install DESTDIR=...` gives a
# folio that builds the book from any folder.
top=$(pwd)
F="$top/${FOLIO:-build/folio}"
T=${TMP:-$(mktemp -d)}
ok() { echo "PASS: release: $1"; }
no() { echo "FAIL: release: $1: $2"; }

mkdir -p "$T/a/w" "$T/b/deeper/w"
cp -r book "$T/a/book"
cp -r book "$T/b/deeper/book"
(cd "$T/a/w" && umask 022 && SOURCE_DATE_EPOCH=1767225600 FOLIO_DATA_DIR="$top" "$F" build ../book -o ../out -q 2>/dev/null)
(cd "$T/b/deeper/w" && umask 077 && SOURCE_DATE_EPOCH=1767225600 FOLIO_DATA_DIR="$top" "$F" build ../book -o ../out -q 2>/dev/null)
for f in $(cd "$T/a/out" && ls); do
	if cmp -s "$T/a/out/$f" "$T/b/deeper/out/$f"; then ok "$f identical when built in another folder with another umask"
	else no "$f" "differs between the two builds"; fi
done
[ -n "$(ls "$T/a/out" 2>/dev/null)" ] || no "reproducible build" "nothing was built"
(cd "$T/a/out" && sha256sum -c SHA256SUMS >/dev/null 2>&1) && ok "sha256sum -c SHA256SUMS passes" ||
	no "SHA256SUMS" "does not verify"

# make install into a staging folder; the installed folio finds its fonts
# and styles beside itself and builds the book from anywhere.
if make -s -C "$top" install DESTDIR="$T/stage" PREFIX=/usr/local >"$T/inst.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr/local"
	for p in bin/folio bin/mdbook-folio share/folio/styles/print.ini share/folio/styles/epub.css \
		 share/folio/fonts/LiberationSerif-Regular.ttf share/man/man1/folio.1; do
		[ -e "$T/stage/usr/local/$p" ] && ok "installed $p" || no "installed $p" "missing"
	done
	mkdir -p "$T/elsewhere"
	(cd "$T/elsewhere" && env -u FOLIO_DATA_DIR "$T/stage/usr/local/bin/folio" build "$top/book" -o out -q 2>"$T/inst.err")
	if [ -s "$T/elsewhere/out/rust-learning-path-expert-level.pdf" ] && [ -s "$T/elsewhere/out/rust-learning-path-expert-level.epub" ] &&
	   ! grep -q "error" "$T/inst.err"; then
		ok "installed folio builds the book from another folder"
	else
		no "installed folio" "$(head -3 "$T/inst.err")"
	fi
	man -l "$T/stage/usr/local/share/man/man1/folio.1" 2>/dev/null | grep -q "folio handouts" &&
		ok "man page renders" || echo "SKIP: release: man page: man not available"
else
	no "make install" "$(tail -3 "$T/inst.log")"
fi
