/* test_palette.c - the code palette reads in both editions (issue 20):
 * every syntax colour, and the code text, at least 4.5:1 (WCAG AA) on the
 * code background, in the print style (built in and styles/print.ini) and
 * in the EPUB stylesheet (styles/epub.css, whose code box is opaque so
 * that the ratio holds in every reader theme); the EPUB uses the print
 * colours; the continuation marks at least 3:1 (non-text contrast). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/highlight.h"
#include "print/style.h"
#include "unit.h"

/* WCAG 2 relative luminance and contrast ratio. */
static double channel(unsigned v)
{
	double c = v / 255.0;
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(style_color c)
{
	return 0.2126 * channel((c >> 16) & 0xff) + 0.7152 * channel((c >> 8) & 0xff) +
	       0.0722 * channel(c & 0xff);
}

static double contrast(style_color a, style_color b)
{
	double la = luminance(a), lb = luminance(b);
	if (la < lb) {
		double t = la;
		la = lb;
		lb = t;
	}
	return (la + 0.05) / (lb + 0.05);
}

/* The "#rrggbb" value of property prop in the first rule whose selector
 * is exactly sel (as written in epub.css); -1 if there is none. */
static long css_color(const char *css, const char *sel, const char *prop)
{
	size_t n = strlen(sel);
	for (const char *p = css; (p = strstr(p, sel)) != NULL; p += n) {
		bool start = p == css || p[-1] == '\n' || p[-1] == '}';
		const char *q = p + n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!start || *q != '{')
			continue;
		const char *end = strchr(q, '}');
		for (const char *v = q; (v = strstr(v, prop)) && end && v < end; v++) {
			if (v[-1] != '\t' && v[-1] != ' ' && v[-1] != '{' && v[-1] != ';')
				continue;
			const char *h = strchr(v, '#');
			style_color c;
			char hex[8];
			if (!h || h > end || end - h < 7)
				break;
			memcpy(hex, h, 7);
			hex[7] = '\0';
			if (style_parse_color(hex, &c) == 0)
				return (long)c;
			break;
		}
		return -1;
	}
	return -1;
}

static void check_print(const char *what, const struct print_style *st)
{
	char name[160];
	double worst = 99;
	int worst_cls = -1;

	for (int c = 0; c < HL_COUNT; c++) {
		double r = contrast(st->hl_color[c], st->code_background);
		if (r < worst) {
			worst = r;
			worst_cls = c;
		}
	}
	snprintf(name, sizeof name, "%s: every syntax colour >= 4.5:1 on the code background "
		 "(lowest %.2f, %s)", what, worst, hl_class_name((enum hl_class)worst_cls));
	CHECK(name, worst >= 4.5);
	snprintf(name, sizeof name, "%s: code text %.2f:1", what,
		 contrast(st->code.color, st->code_background));
	CHECK(name, contrast(st->code.color, st->code_background) >= 4.5);
	snprintf(name, sizeof name, "%s: continuation mark %.2f:1 (>= 3)", what,
		 contrast(st->code_continuation_color, st->code_background));
	CHECK(name, contrast(st->code_continuation_color, st->code_background) >= 3.0);
}

int main(void)
{
	/* the measure itself */
	CHECK("contrast: black on white is 21:1",
	      fabs(contrast(0x000000, 0xffffff) - 21.0) < 0.01);
	CHECK("contrast: #777777 on white is just under 4.5:1",
	      contrast(0x777777, 0xffffff) < 4.5 && contrast(0x777777, 0xffffff) > 4.4);
	CHECK("contrast: symmetric", contrast(0x2a8c95, 0xf2f2f2) == contrast(0xf2f2f2, 0x2a8c95));

	struct print_style st, shipped;
	struct diag_list d = {0};
	style_defaults(&st);
	check_print("print built-in", &st);
	style_defaults(&shipped);
	CHECK("palette: styles/print.ini loads",
	      style_load(&shipped, "styles/print.ini", NULL, &d) == 0);
	check_print("print.ini", &shipped);

	char *css = NULL;
	size_t len;
	CHECK("palette: styles/epub.css read", file_read("styles/epub.css", &css, &len) == 0);
	if (!css)
		UNIT_END();
	long bg = css_color(css, "pre", "background-color");
	long fg = css_color(css, "pre", "color");
	CHECK("epub.css: code blocks have an opaque background of their own", bg >= 0);
	CHECK("epub.css: the code box is the print background", bg == (long)shipped.code_background);
	CHECK("epub.css: code text >= 4.5:1 on the box",
	      bg >= 0 && fg >= 0 && contrast((style_color)fg, (style_color)bg) >= 4.5);
	int missing = 0, low = 0, differ = 0;
	char why[400] = "";
	for (int c = 1; c < HL_COUNT; c++) {
		char sel[32];
		snprintf(sel, sizeof sel, "pre .%s", hl_class_name((enum hl_class)c));
		long col = css_color(css, sel, "color");
		if (col < 0) {
			missing++;
			snprintf(why + strlen(why), sizeof why - strlen(why), " %s: none", sel);
			continue;
		}
		double r = bg >= 0 ? contrast((style_color)col, (style_color)bg) : 0;
		if (r < 4.5) {
			low++;
			snprintf(why + strlen(why), sizeof why - strlen(why), " %s: %.2f", sel, r);
		}
		if ((style_color)col != shipped.hl_color[c])
			differ++;
	}
	if (*why)
		printf("# %s\n", why);
	CHECK("epub.css: every highlight class has a colour", missing == 0);
	CHECK("epub.css: every highlight colour >= 4.5:1 on the box", low == 0);
	CHECK("epub.css: the highlight colours are print.ini's", differ == 0);
	/* the bar beside a wrapped line's continuation (a gradient of one
	 * colour): non-text contrast */
	const char *ln = strstr(css, "pre.code span.ln {");
	const char *grad = ln ? strstr(ln, "linear-gradient(#") : NULL;
	style_color bar = 0;
	char hex[8] = "";
	if (grad) {
		memcpy(hex, grad + 16, 7);
		hex[7] = '\0';
	}
	CHECK("epub.css: continuation bar >= 3:1 on the box",
	      grad && bg >= 0 && style_parse_color(hex, &bar) == 0 &&
	      contrast(bar, (style_color)bg) >= 3.0);
	free(css);
	UNIT_END();
}
