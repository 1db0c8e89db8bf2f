# folio - build, test and install.
#
#   make          install missing Debian packages (as root), build build/folio,
#                 build book/ into out/
#   make check    also install the test tools, build, run every test
#   make clean    remove build/ and out/

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
DEFS    := -D_GNU_SOURCE -Isrc
LIBS    = -lcmark-gfm-extensions -lcmark-gfm -lhpdf -lminizip -lz -lhyphen -linih -lpng -lmd -ljson-c -lm -lpthread \
          $(shell pkg-config --libs librsvg-2.0 cairo libxml-2.0 2>/dev/null)

BUILD   := build
SRC     := $(sort $(wildcard src/*/*.c))
HDR     := $(wildcard src/*/*.h)
OBJ     := $(SRC:src/%.c=$(BUILD)/obj/%.o)
LIBOBJ  := $(filter-out $(BUILD)/obj/app/main.o,$(OBJ))
UNIT    := $(sort $(wildcard tests/unit/test_*.c))
UNITBIN := $(UNIT:tests/unit/%.c=$(BUILD)/tests/%)

# Debian packages: what folio needs to build and run, and what the tests need.
BUILD_PKGS := gcc make pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev \
              libhpdf-dev zlib1g-dev libminizip-dev libhyphen-dev hyphen-en-us \
              libinih-dev libpng-dev libmd-dev librsvg2-dev \
              libjson-c-dev libxml2-dev
TEST_PKGS  := qpdf poppler-utils epubcheck default-jre-headless python3 cmark-gfm strace \
              librust-tokio-dev librust-tokio-util-dev librust-futures-dev \
              librust-pin-project-lite-dev librust-rayon-dev librust-flume-dev

.PHONY: all deps test-deps folio book check clean install uninstall

all: deps folio book

folio: $(BUILD)/folio

deps:
	@sh tools/ensure-packages $(BUILD_PKGS)

test-deps:
	@sh tools/ensure-packages $(BUILD_PKGS) $(TEST_PKGS)

$(BUILD)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) -MMD -MP -c $< -o $@

# librsvg (SVG figures in the PDF) only for print/images.c; its glib headers as
# system headers, so that -Werror judges folio's code only.  Expanded when
# used (=), after `make deps` has installed the package.
RSVG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags librsvg-2.0 2>/dev/null))
$(BUILD)/obj/print/images.o: CFLAGS += $(RSVG_CFLAGS)
# libxml2 (HTML inside Markdown, the SVG sanitizer) only for load/html.c and
# load/svg.c.
XML_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libxml-2.0 2>/dev/null))
$(BUILD)/obj/load/html.o $(BUILD)/obj/load/svg.o: CFLAGS += $(XML_CFLAGS)

# The commit folio is built from, for --version and build.json ("unknown"
# outside a git checkout); build/commit.txt changes only when it does, so
# only app/commit.o is rebuilt then.
FOLIO_COMMIT := $(shell git describe --always --dirty --tags 2>/dev/null | tr -cd 'A-Za-z0-9._+-')
$(BUILD)/commit.txt: FORCE
	@mkdir -p $(@D); echo '$(FOLIO_COMMIT)' | cmp -s - $@ || echo '$(FOLIO_COMMIT)' >$@
$(BUILD)/obj/app/commit.o: $(BUILD)/commit.txt
$(BUILD)/obj/app/commit.o: CFLAGS += -DFOLIO_COMMIT='"$(FOLIO_COMMIT)"'
.PHONY: FORCE
FORCE:

$(BUILD)/folio: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIBOBJ) | $(BUILD)/tests
	$(CC) $(WARN) $(DEFS) $(CFLAGS) -o $@ $< $(LIBOBJ) $(LIBS)

$(BUILD)/tests:
	mkdir -p $@

book: $(BUILD)/folio
	./$(BUILD)/folio build book -o out

# The suite runs twice: under AddressSanitizer + UBSan (mk/asan.mk; its
# output goes to build/asan.log, its summary is printed), then as built.
# The last line is the plain run's "N passed, N failed, N skipped"; the exit
# status fails if either run failed.
check: test-deps $(BUILD)/folio $(UNITBIN)
	@status=0; \
	echo "make check: the suite under ASan+UBSan first (log: $(BUILD)/asan.log) ..."; \
	$(MAKE) --no-print-directory asan ASAN_QUICK=1 >$(BUILD)/asan.log 2>&1 || status=1; \
	grep -E '^FAIL|^asan:|^[0-9]+ passed, ' $(BUILD)/asan.log | sed 's/^/asan: /'; \
	[ $$status = 0 ] || { echo "asan: FAILED; the end of $(BUILD)/asan.log:"; tail -n 30 $(BUILD)/asan.log; }; \
	sh tests/run || status=1; \
	exit $$status

clean:
	rm -rf $(BUILD) out

# make install PREFIX=/usr/local DESTDIR=/tmp/stage
# folio finds its fonts and styles in PREFIX/share/folio (beside ../share of the binary).
# mdbook-folio (a link to folio) is mdBook's default command for [output.folio]:
# run under that name, folio is the mdBook backend (folio mdbook-backend).
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(BUILD)/folio
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/folio/fonts \
		$(DESTDIR)$(PREFIX)/share/folio/styles $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/folio $(DESTDIR)$(PREFIX)/bin/folio
	ln -sf folio $(DESTDIR)$(PREFIX)/bin/mdbook-folio
	install -m 644 fonts/*.ttf fonts/LICENSE* fonts/README $(DESTDIR)$(PREFIX)/share/folio/fonts/
	install -m 644 styles/*.ini styles/*.css $(DESTDIR)$(PREFIX)/share/folio/styles/
	install -m 644 src/app/folio.1 $(DESTDIR)$(PREFIX)/share/man/man1/folio.1

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/folio $(DESTDIR)$(PREFIX)/bin/mdbook-folio \
		$(DESTDIR)$(PREFIX)/share/folio \
		$(DESTDIR)$(PREFIX)/share/man/man1/folio.1

-include $(OBJ:.o=.d)

# Further targets (bench, asan, fuzz, install ...) live in mk/*.mk.
-include $(sort $(wildcard mk/*.mk))
