# make bench - time folio on the bundled book, perf-book and synthetic books,
# against pandoc and against folio's performance targets (tools/bench.sh).
# BENCH_RUNS=N sets the runs per measurement (median reported, default 5).

.PHONY: bench

# tools/genbook.c defines its own feature macros: no DEFS, no libraries.
$(BUILD)/genbook: tools/genbook.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ tools/genbook.c

bench: deps $(BUILD)/genbook $(BUILD)/folio
	@sh tools/bench.sh
