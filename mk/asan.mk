# mk/asan.mk - `make asan`: folio and every unit test built with
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer into
# build/asan/ (objects of their own), then the whole test suite run against
# them: tests/run with FOLIO=build/asan/folio and the unit programs of
# build/asan/tests.
#
# Any sanitizer report fails `make asan`, even one from a run whose exit
# status a test does not look at: reports abort the program (a crash the
# runner counts) and are also written to build/asan/log/, which must stay
# empty.  clang, because gcc's UBSan runtime ignores log_path when combined
# with ASan; -Werror is left to the gcc build.

ASAN_CC     ?= clang
ASAN_DIR    := $(BUILD)/asan
ASAN_WARN   := $(filter-out -Werror,$(WARN))
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
ASAN_OBJ    := $(SRC:src/%.c=$(ASAN_DIR)/obj/%.o)
ASAN_LIBOBJ := $(filter-out $(ASAN_DIR)/obj/app/main.o,$(ASAN_OBJ))
ASAN_UNIT   := $(UNIT:tests/unit/%.c=$(ASAN_DIR)/tests/%)
ASAN_LOG    := $(CURDIR)/$(ASAN_DIR)/log
# ASAN_QUICK=1 leaves EPUBCheck out where a test allows it (EPUBCHECK):
# it checks the bytes of an EPUB, which the plain `make check` run
# already validates, and takes most of the time.
ASAN_QUICK  ?= 0
ASAN_ENV    := TIME_SCALE=10 $(if $(filter 1,$(ASAN_QUICK)),EPUBCHECK=/nonexistent/epubcheck.jar) \
               ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$(ASAN_LOG)/asan \
               LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
               UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$(ASAN_LOG)/ubsan

.PHONY: asan asan-build asan-deps

asan-deps:
	@sh tools/ensure-packages clang

asan-build: $(ASAN_DIR)/folio $(ASAN_UNIT) $(ASAN_DIR)/run

# tests/run is kept as the one runner; its copy here only looks for the
# unit programs in build/asan/tests and finds the repository by its path.
asan: test-deps asan-deps
	@$(MAKE) --no-print-directory asan-build
	@rm -rf $(ASAN_LOG) && mkdir -p $(ASAN_LOG)
	@start=$$(date +%s); \
	$(ASAN_ENV) FOLIO=$(ASAN_DIR)/folio sh $(ASAN_DIR)/run; rc=$$?; \
	if [ -n "$$(ls -A $(ASAN_LOG))" ]; then \
		echo "FAIL: asan: $$(ls $(ASAN_LOG) | wc -l) sanitizer reports in $(ASAN_DIR)/log:"; \
		cat $(ASAN_LOG)/* | grep -h '^SUMMARY:' | sort | uniq -c; \
		echo "--- the first one:"; head -n 40 "$$(ls -d $(ASAN_LOG)/* | head -1)"; \
		rc=1; \
	fi; \
	echo "asan: test suite under AddressSanitizer+UBSan took $$(( $$(date +%s) - start )) s"; \
	exit $$rc

$(ASAN_DIR)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_WARN) $(DEFS) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@

$(ASAN_DIR)/obj/print/images.o: ASAN_CFLAGS += $(RSVG_CFLAGS)
$(ASAN_DIR)/obj/load/html.o $(ASAN_DIR)/obj/load/svg.o: ASAN_CFLAGS += $(XML_CFLAGS)

$(ASAN_DIR)/folio: $(ASAN_OBJ)
	$(ASAN_CC) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJ) $(LIBS)

$(ASAN_DIR)/tests/%: tests/unit/%.c tests/unit/unit.h $(ASAN_LIBOBJ) | $(ASAN_DIR)/tests
	$(ASAN_CC) $(ASAN_WARN) $(DEFS) $(ASAN_CFLAGS) -o $@ $< $(ASAN_LIBOBJ) $(LIBS)

$(ASAN_DIR)/run: tests/run | $(ASAN_DIR)/tests
	sed -e 's|^cd "$$(dirname "$$0")/.."|cd "$(CURDIR)"|' \
	    -e 's|build/tests/test_\*|$(ASAN_DIR)/tests/test_*|' tests/run >$@.tmp
	@grep -q '^cd "$(CURDIR)"' $@.tmp && grep -q '$(ASAN_DIR)/tests/test_\*' $@.tmp || \
		{ echo "mk/asan.mk: tests/run changed shape; update the sed in mk/asan.mk" >&2; exit 1; }
	mv $@.tmp $@

$(ASAN_DIR)/tests:
	mkdir -p $@

-include $(ASAN_OBJ:.o=.d)
