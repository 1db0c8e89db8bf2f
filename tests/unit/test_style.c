/* test_style.c - the print style: units, colours, defaults, errors that
 * name file:line and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "print/style.h"
#include "unit.h"

static int has_diag(const struct diag_list *d, int line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && strstr(d->v[i].msg, needle))
			return 1;
	return 0;
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/folio-style-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

int main(void)
{
	double v;
	CHECK("length pt", style_parse_length("12pt", 10, &v) == 0 && v == 12);
	CHECK("length bare", style_parse_length(" 7.5 ", 10, &v) == 0 && v == 7.5);
	CHECK("length mm", style_parse_length("25.4mm", 10, &v) == 0 && v > 71.99 && v < 72.01);
	CHECK("length in", style_parse_length("1in", 10, &v) == 0 && v == 72);
	CHECK("length em", style_parse_length("1.5em", 10, &v) == 0 && v == 15);
	CHECK("length bad unit", style_parse_length("3px", 10, &v) != 0);
	CHECK("length negative", style_parse_length("-1pt", 10, &v) != 0);
	CHECK("length junk", style_parse_length("twelve", 10, &v) != 0);

	style_color c;
	CHECK("color", style_parse_color("#1a4D8f", &c) == 0 && c == 0x1a4d8f);
	CHECK("color short", style_parse_color("#fff", &c) != 0);
	CHECK("color name", style_parse_color("red", &c) != 0);

	struct print_style st;
	style_defaults(&st);
	CHECK("default a4", st.page_width > 595 && st.page_width < 596 && st.page_height > 841 && st.page_height < 842);
	CHECK("letter", style_set_paper(&st, "Letter") == 0 && st.page_width == 612 && st.page_height == 792);
	CHECK("unknown paper", style_set_paper(&st, "a5") != 0);

	/* The shipped style loads cleanly. */
	struct diag_list d = {0};
	style_defaults(&st);
	CHECK("shipped print.ini loads", style_load(&st, "styles/print.ini", NULL, &d) == 0 && d.n == 0);
	CHECK("shipped print.ini is A4", strcmp(st.paper, "a4") == 0);
	CHECK("paper override", style_load(&st, "styles/print.ini", "letter", &d) == 0 && st.page_width == 612);
	diag_list_free(&d);

	/* Bad values: errors naming the line and key; good keys still apply. */
	const char *bad = "; comment\n"
			  "[body]\n"
			  "size = 11pt\n"
			  "leading = twelve\n"
			  "color = blue\n"
			  "[nosuch]\n"
			  "key = 1\n"
			  "[page]\n"
			  "paper = a3\n"
			  "[fonts]\n"
			  "serif = ../etc/passwd\n";
	char *path = write_tmp(bad);
	CHECK("tmp file", path != NULL);
	memset(&d, 0, sizeof d);
	style_defaults(&st);
	int rc = style_load(&st, path, NULL, &d);
	CHECK("bad style fails", rc != 0);
	CHECK("good key applied", st.body.size == 11);
	CHECK("leading error at line 4", has_diag(&d, 4, "body.leading"));
	CHECK("color error at line 5", has_diag(&d, 5, "body.color"));
	CHECK("unknown key at line 7", has_diag(&d, 7, "nosuch.key"));
	CHECK("paper error at line 9", has_diag(&d, 9, "page.paper"));
	CHECK("font path refused at line 11", has_diag(&d, 11, "fonts.serif"));
	CHECK("errors name the file", d.n > 0 && d.v[0].file && strcmp(d.v[0].file, path) == 0);
	CHECK("errors are errors", d.nerr == 5);
	diag_list_free(&d);
	unlink(path);

	/* [links]: how external links are marked, and the appendix title. */
	path = write_tmp("[links]\nreferences = footnotes\ntitle = Links\n");
	memset(&d, 0, sizeof d);
	style_defaults(&st);
	CHECK("default references: numbers", st.link_refs == REFS_NUMBERS &&
					     strcmp(st.resources_title, "Resources") == 0);
	CHECK("links keys load", path && style_load(&st, path, NULL, &d) == 0 &&
				 st.link_refs == REFS_FOOTNOTES &&
				 strcmp(st.resources_title, "Links") == 0);
	diag_list_free(&d);
	if (path)
		unlink(path);
	path = write_tmp("[links]\nreferences = endnotes\n");
	memset(&d, 0, sizeof d);
	style_defaults(&st);
	CHECK("bad references value at line 2", path && style_load(&st, path, NULL, &d) != 0 &&
						has_diag(&d, 2, "links.references") &&
						st.link_refs == REFS_NUMBERS);
	diag_list_free(&d);
	if (path)
		unlink(path);

	memset(&d, 0, sizeof d);
	CHECK("missing file is fatal", style_load(&st, "/nonexistent/print.ini", NULL, &d) != 0 && d.nfatal == 1);
	diag_list_free(&d);
	UNIT_END();
}
