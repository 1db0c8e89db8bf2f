# mk/fuzz.mk - `make fuzz`: the libFuzzer target tests/fuzz/fuzz_chapter.c
# (arbitrary bytes as a chapter through parse, resolve, layout and both
# writers) built with clang, ASan and UBSan into build/fuzz/, and run.
#
#   make fuzz FUZZ_SECONDS=600   fuzz for ten minutes (default 60 s); new
#                                inputs go to build/fuzz/corpus, crashes to
#                                build/fuzz/crashes/
#   make fuzz-merge              replace tests/fuzz/corpus by the smallest
#                                set of it and build/fuzz/corpus that
#                                covers as many edges (keeps make check
#                                quick); crash regressions (known-*) stay
#   make fuzz-corpus             add the seeds (tests, CommonMark spec
#                                examples) to tests/fuzz/corpus again
#
# `make check` needs none of this: tests/unit/test_hostile.c includes the
# same target with a plain main() and runs every corpus file through it.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all
FUZZ_OBJ     := $(filter-out $(FUZZ_DIR)/obj/app/main.o,$(SRC:src/%.c=$(FUZZ_DIR)/obj/%.o))
FUZZ_ARGS    := -max_len=32768 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -dict=tests/fuzz/markdown.dict -artifact_prefix=$(FUZZ_DIR)/crashes/

.PHONY: fuzz fuzz-deps fuzz-merge fuzz-corpus

fuzz-deps:
	@sh tools/ensure-packages clang libfuzzer-14-dev

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_DIR)/fuzz_chapter
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	$(FUZZ_DIR)/fuzz_chapter $(FUZZ_ARGS) -max_total_time=$(FUZZ_SECONDS) \
		$(FUZZ_DIR)/corpus tests/fuzz/corpus

# Edges only (-use_counters=0), and found inputs under 8 KB: the corpus
# stays a few hundred small files that make check runs in seconds.
fuzz-merge: $(FUZZ_DIR)/fuzz_chapter
	rm -rf $(FUZZ_DIR)/merged $(FUZZ_DIR)/small && mkdir -p $(FUZZ_DIR)/merged $(FUZZ_DIR)/small $(FUZZ_DIR)/corpus
	find $(FUZZ_DIR)/corpus -type f -size -8k -exec cp {} $(FUZZ_DIR)/small/ \;
	$(FUZZ_DIR)/fuzz_chapter -merge=1 -use_counters=0 $(FUZZ_ARGS) $(FUZZ_DIR)/merged \
		tests/fuzz/corpus $(FUZZ_DIR)/small
	cp tests/fuzz/corpus/known-* $(FUZZ_DIR)/merged/ 2>/dev/null || true
	python3 tests/fuzz/seed.py --names tests/fuzz/corpus $(FUZZ_DIR)/merged
	rm -rf tests/fuzz/corpus && mv $(FUZZ_DIR)/merged tests/fuzz/corpus
	@echo "tests/fuzz/corpus: $$(ls tests/fuzz/corpus | wc -l) files, $$(du -sh --apparent-size tests/fuzz/corpus | cut -f1)"

fuzz-corpus:
	python3 tests/fuzz/seed.py tests/fuzz/corpus

$(FUZZ_DIR)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter-out -Werror,$(WARN)) $(DEFS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_chapter: tests/fuzz/fuzz_chapter.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(filter-out -Werror,$(WARN)) $(DEFS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc \
		-o $@ tests/fuzz/fuzz_chapter.c $(FUZZ_OBJ) $(LIBS)

$(FUZZ_DIR)/obj:
	mkdir -p $@

-include $(FUZZ_OBJ:.o=.d)

# The regression driver includes the target: rebuild it when that changes.
$(BUILD)/tests/test_hostile $(BUILD)/asan/tests/test_hostile: tests/fuzz/fuzz_chapter.c
