/*
 * test_pdfpage.c - the content streams folio writes itself (pdfpage.h):
 * string escaping, one TJ per run of words, a new Td for a wide gap or a
 * new baseline, numbers, colours, fills, images and the deflate step.
 * The expected operators were worked out by hand from the PDF reference
 * (9.4 text objects, 7.3.4.2 literal strings) and the fonts' widths.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "print/fonts.h"
#include "pdf/pdfpage.h"
#include "print/style.h"
#include "unit.h"
#include "base/deflate.h"

static struct lo_item text(float x, float y, const char *s)
{
	struct lo_item it = {0};
	it.kind = LO_TEXT;
	it.font = FONT_SERIF;
	it.size = 10;
	it.x = x;
	it.y = y;
	it.text = s;
	it.len = strlen(s);
	return it;
}

/* The content of a page of n items, in out (reset first). */
static void render(struct buf *out, struct lo_item *items, size_t n,
		   const struct fonts *f, const struct pdfpage_names *names)
{
	struct lo_page pg = {0};
	pg.items = items;
	pg.nitems = n;
	buf_reset(out);
	pdfpage_content(out, &pg, f, names);
}

static int contains(const struct buf *b, const char *want, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, want, n) == 0)
			return 1;
	return 0;
}

int main(void)
{
	struct print_style st;
	struct diag_list d = {0};
	style_defaults(&st);
	struct fonts *f = fonts_open("fonts", &st, &d);
	CHECK("fonts open", f != NULL);
	if (!f)
		UNIT_END();
	struct pdfpage_names names = {0};
	names.font[FONT_SERIF] = "F1";
	struct buf b = BUF_INIT;

	/* Escaping: each character is two bytes; ( ) \ get a backslash. */
	struct lo_item one = text(100, 700, "A(b)\\");
	render(&b, &one, 1, f, &names);
	static const char want1[] = "BT\n/F1 10 Tf\n100 700 Td[("
				    "\0A" "\0\\(" "\0b" "\0\\)" "\0\\\\"
				    ")]TJ\nET\n";
	CHECK("one word: BT, Tf, Td, escaped 2-byte string, ET",
	      b.len == sizeof want1 - 1 && memcmp(b.data, want1, b.len) == 0);

	/* U+0D0A is the bytes CR LF: both escaped, or a reader would take
	 * them for one end of line. */
	struct lo_item crlf = text(0, 0, "\xe0\xb4\x8a");
	render(&b, &crlf, 1, f, &names);
	CHECK("CR and LF bytes escaped", contains(&b, "(\\r\\n)", 6));

	/* Two words a space apart: one TJ, the space as a -250 move (the
	 * serif's space is 250/1000 em), the pen advanced by the glyphs. */
	int aw = fonts_advance(f, FONT_SERIF, 'a');
	float x2 = 100 + (float)aw * 10 / 1000 + 2.5f;
	struct lo_item two[2] = {text(100, 700, "a"), text(x2, 700, "b")};
	render(&b, two, 2, f, &names);
	static const char want2[] = "100 700 Td[(\0a)-250(\0b)]TJ";
	CHECK("words a space apart share one TJ",
	      contains(&b, want2, sizeof want2 - 1));

	/* Justified: a wider space is a bigger move, still in the run. */
	two[1].x = x2 + 1.5f; /* 4 pt = 400/1000 em */
	render(&b, two, 2, f, &names);
	static const char want3[] = "[(\0a)-400(\0b)]TJ";
	CHECK("a stretched space is a bigger move",
	      contains(&b, want3, sizeof want3 - 1));

	/* A gap wider than 0.6 em (a leader's page number) starts a new Td
	 * relative to the line's start; so does a new baseline. */
	struct lo_item three[3] = {text(100, 700, "a"), text(300, 700, "1"),
				   text(100, 685, "b")};
	render(&b, three, 3, f, &names);
	static const char want4[] = "100 700 Td[(\0a)]TJ\n200 0 Td[(\0001)]TJ\n-200 -15 Td[(\0b)]TJ";
	CHECK("wide gap and next line: relative Td",
	      contains(&b, want4, sizeof want4 - 1));

	/* Numbers: at most five decimals, trailing zeros dropped. */
	struct lo_item frac = text(70.866142f, 749.5f, "a");
	render(&b, &frac, 1, f, &names);
	CHECK("fractional coordinates", contains(&b, "70.86614 749.5 Td", 17));

	/* A coloured word sets its fill before the run; text in a font the
	 * page has no name for is skipped, not written with a bad name. */
	struct lo_item col[2] = {text(10, 10, "a"), text(20, 10, "b")};
	col[0].color = 0xFF0000;
	col[1].font = FONT_MONO;
	render(&b, col, 2, f, &names);
	CHECK("colour before the run", contains(&b, "1 0 0 rg\n/F1 10 Tf\n", 19));
	CHECK("unnamed font skipped", !contains(&b, "(\0b)", 4));

	/* Fills and lines close the text object first. */
	struct lo_item mix[3] = {text(10, 10, "a"), {0}, {0}};
	mix[1].kind = LO_FILL;
	mix[1].x = 1; mix[1].y = 2; mix[1].w = 3; mix[1].h = 4;
	mix[1].color = 0x808080;
	mix[2].kind = LO_LINE;
	mix[2].x = 5; mix[2].y = 6; mix[2].w = 7; mix[2].h = 0;
	mix[2].size = 0.5f;
	render(&b, mix, 3, f, &names);
	CHECK("fill after ET",
	      contains(&b, "]TJ\nET\n0.502 0.502 0.502 rg\n1 2 3 4 re f\n", 40));
	CHECK("stroked line", contains(&b, "0 0 0 RG\n0.5 w 5 6 m 12 6 l S\n", 28));

	/* Images draw by their resource name; one without a name is not
	 * drawn. */
	struct lo_item img[2] = {{0}, {0}};
	img[0].kind = img[1].kind = LO_IMAGE;
	img[0].x = 10; img[0].y = 20; img[0].w = 30; img[0].h = 40;
	const char *inames[2] = {NULL, "X1"};
	img[1] = img[0];
	names.image = inames;
	render(&b, img, 2, f, &names);
	CHECK("image by name, once", strcmp(b.data, "q 30 0 0 40 10 20 cm /X1 Do Q\n") == 0);
	names.image = NULL;

	/* Deflate round trip. */
	struct lo_item many[50];
	for (int i = 0; i < 50; i++)
		many[i] = text(100, 700 - 12.0f * (float)i, "lorem ipsum");
	render(&b, many, 50, f, &names);
	size_t n0 = b.len;
	char *plain = malloc(n0);
	memcpy(plain, b.data, n0);
	struct deflater *z = deflater_new(Z_DEFAULT_COMPRESSION);
	struct buf b2 = BUF_INIT;
	buf_put(&b2, b.data, b.len);
	CHECK("deflate", z && deflater_run(z, &b) == 0 && b.len < n0);
	/* the same compressor again gives the same bytes (reset between pages) */
	CHECK("deflate again, same bytes", z && deflater_run(z, &b2) == 0 &&
	      b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
	deflater_free(z);
	buf_free(&b2);
	uLongf n1 = n0 + 16;
	char *back = malloc(n1);
	CHECK("inflates to the same bytes",
	      uncompress((Bytef *)back, &n1, (const Bytef *)b.data, (uLong)b.len) == Z_OK &&
	      n1 == n0 && memcmp(back, plain, n0) == 0);
	free(plain);
	free(back);

	buf_free(&b);
	fonts_free(f);
	diag_list_free(&d);
	UNIT_END();
}
