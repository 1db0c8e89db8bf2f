# make a11y - the EPUB for real readers (issue 20): DAISY Ace (0 critical,
# 0 serious) and headless Chromium at 400 and 600 px (nothing wider than the
# screen) on the bundled book, perf-book and the CommonMark spec book
# (tools/a11y.sh).  Ace: npm i -g @daisy/ace; it runs on Debian's chromium.

.PHONY: a11y

a11y: $(BUILD)/folio
	@sh tools/a11y.sh
