/*
 * test_linebreak.c - Knuth-Plass line breaking and libhyphen hyphenation.
 *
 * Besides hand-computed cases, random paragraphs are checked against
 * the optimum found independently: small ones by trying every set of
 * breakpoints, longer ones by dynamic programming, both measuring lines
 * item by item and applying the demerits rules as linebreak.h states
 * them.  Timings go to stderr only.
 */
#include "print/linebreak.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static const struct lb_params params = {
	.tolerance = 2,
	.hyphen_demerits = 3000,
	.fitness_demerits = 3000,
	.line_penalty = 10,
};

/* A paragraph under construction. */
struct para {
	struct lb_item *it;
	size_t n, cap;
};

static void para_add(struct para *p, struct lb_item item)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->it = realloc(p->it, p->cap * sizeof *p->it);
		if (!p->it)
			abort();
	}
	p->it[p->n++] = item;
}

static void box(struct para *p, double w)
{
	para_add(p, (struct lb_item){.kind = LB_BOX, .width = w});
}

static void glue(struct para *p, double w, double y, double z)
{
	para_add(p, (struct lb_item){.kind = LB_GLUE, .width = w, .stretch = y,
				     .shrink = z});
}

static void penalty(struct para *p, double w, double pi, bool flagged)
{
	para_add(p, (struct lb_item){.kind = LB_PENALTY, .width = w,
				     .penalty = pi, .flagged = flagged});
}

/* TeX's paragraph end: no break before the last glue, which fills the
 * last line, then the forced break. */
static void finish(struct para *p, double fil)
{
	penalty(p, 0, LB_INFINITY, false);
	glue(p, 0, fil, 0);
	penalty(p, 0, -LB_INFINITY, false);
}

/* A deterministic generator, so failures reproduce. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static double line_width(const double *widths, int nwidths, int k)
{
	return widths[k < nwidths ? k : nwidths - 1];
}

/* First item of the line after a break at b (glue and penalties after a
 * break are discarded, up to a box or a forced break). */
static size_t line_start(const struct lb_item *it, size_t n, size_t b)
{
	size_t j = b + 1;
	while (j < n && it[j].kind != LB_BOX &&
	       !(it[j].kind == LB_PENALTY && it[j].penalty <= -LB_INFINITY))
		j++;
	return j;
}

/*
 * The ratio of the line items[s..b] computed item by item; *overfull
 * when it cannot shrink enough.  Mirrors the rules in linebreak.h, not
 * the code: infinite stretch sets the line at natural width.
 */
static double eval_ratio(const struct lb_item *it, size_t s, size_t b,
			 double width, bool *overfull)
{
	double len = 0, y = 0, z = 0;
	bool fil = false;
	for (size_t i = s; i < b; i++) {
		if (it[i].kind == LB_PENALTY)
			continue;
		len += it[i].width;
		if (it[i].kind == LB_GLUE) {
			if (isinf(it[i].stretch))
				fil = true;
			else
				y += it[i].stretch;
			z += it[i].shrink;
		}
	}
	if (it[b].kind == LB_PENALTY)
		len += it[b].width;
	*overfull = false;
	if (s == b && len <= width)
		return 0;
	if (fabs(width - len) < 1e-9)
		return 0;
	if (len < width)
		return fil ? 0 : (y > 0 ? (width - len) / y : INFINITY);
	if (z > 0 && len - width <= z + 1e-9)
		return fmax((width - len) / z, -1);
	*overfull = true;
	return z > 0 ? (width - len) / z : -INFINITY;
}

static bool legal_break(const struct lb_item *it, size_t b)
{
	if (it[b].kind == LB_GLUE)
		return b > 0 && it[b - 1].kind == LB_BOX;
	return it[b].kind == LB_PENALTY && it[b].penalty < LB_INFINITY;
}

/*
 * Checks what every result must satisfy: increasing legal breaks ending
 * at the last item, no break skipping a forced one, and ratios matching
 * an independent measurement of each line (a line before an overfull one
 * may be set ragged, at ratio 0).  Returns the number of overfull lines,
 * or -1 if the breaking is invalid.
 */
static int check_breaking(const struct para *p, const double *widths,
			  int nwidths, const size_t *breaks, int nbreaks,
			  const double *ratios)
{
	int overfull_lines = 0;
	size_t s = 0;
	if (nbreaks < 1 || breaks[nbreaks - 1] != p->n - 1)
		return -1;
	double *r = calloc((size_t)nbreaks, sizeof *r);
	bool *over = calloc((size_t)nbreaks, sizeof *over);
	if (!r || !over)
		abort();
	for (int k = 0; k < nbreaks; k++) {
		size_t b = breaks[k];
		if (b < s || !legal_break(p->it, b))
			goto bad;
		for (size_t i = s; i < b; i++)
			if (p->it[i].kind == LB_PENALTY &&
			    p->it[i].penalty <= -LB_INFINITY)
				goto bad;
		r[k] = eval_ratio(p->it, s, b, line_width(widths, nwidths, k),
				  &over[k]);
		r[k] = fmax(fmin(r[k], LB_INFINITY), -LB_INFINITY);
		if (over[k])
			overfull_lines++;
		s = line_start(p->it, p->n, b);
	}
	for (int k = 0; k < nbreaks; k++) {
		bool ragged = ratios[k] == 0 && r[k] > 0 && k + 1 < nbreaks &&
			      over[k + 1];
		if (fabs(r[k] - ratios[k]) > 1e-6 * fmax(1, fabs(r[k])) && !ragged)
			goto bad;
	}
	free(r);
	free(over);
	return overfull_lines;
bad:
	free(r);
	free(over);
	return -1;
}

/* ---- An oracle: the documented demerits, by exhaustive search ---- */

static int eval_fitness(double r)
{
	double bad = fmin(100 * fabs(r) * fabs(r) * fabs(r), 1e6);
	if (r < 0)
		return bad > 12 ? 3 : 2;
	if (bad > 99)
		return 0;
	return bad > 12 ? 1 : 2;
}

/* Total demerits of a breaking, or INFINITY if a line is outside
 * [-1, tol]. */
static double eval_total(const struct para *p, const double *widths,
			 int nwidths, const size_t *breaks, int nbreaks,
			 double tol)
{
	double total = 0;
	int prev_fit = 2;
	bool prev_flag = false;
	size_t s = 0;
	for (int k = 0; k < nbreaks; k++) {
		size_t b = breaks[k];
		if (b < s)
			return INFINITY;
		bool over;
		double r = eval_ratio(p->it, s, b,
				      line_width(widths, nwidths, k), &over);
		if (over || r > tol)
			return INFINITY;
		double bad = fmin(100 * fabs(r) * fabs(r) * fabs(r), 1e6);
		int fit = eval_fitness(r);
		double d = (params.line_penalty + bad) * (params.line_penalty + bad);
		const struct lb_item *it = &p->it[b];
		bool flag = it->kind == LB_PENALTY && it->flagged;
		if (it->kind == LB_PENALTY && it->penalty > 0)
			d += it->penalty * it->penalty;
		else if (it->kind == LB_PENALTY && it->penalty > -LB_INFINITY)
			d -= it->penalty * it->penalty;
		if (flag && prev_flag)
			d += params.hyphen_demerits;
		if (abs(fit - prev_fit) > 1)
			d += params.fitness_demerits;
		total += d;
		prev_fit = fit;
		prev_flag = flag;
		s = line_start(p->it, p->n, b);
	}
	return total;
}

/* The least total demerits over all subsets of the legal breakpoints. */
static double brute_force(const struct para *p, const double *widths,
			  int nwidths, double tol)
{
	size_t legal[24], nlegal = 0;
	for (size_t b = 0; b + 1 < p->n; b++)
		if (legal_break(p->it, b) && nlegal < 24)
			legal[nlegal++] = b;
	double best = INFINITY;
	size_t breaks[25];
	for (uint32_t mask = 0; mask < (1u << nlegal); mask++) {
		int nb = 0;
		for (size_t k = 0; k < nlegal; k++)
			if (mask & (1u << k))
				breaks[nb++] = legal[k];
		breaks[nb++] = p->n - 1;
		double t = eval_total(p, widths, nwidths, breaks, nb, tol);
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * The optimum by dynamic programming over (breakpoint, fitness class of
 * the line ending there, width class of the next line), for paragraphs
 * too long to enumerate.  Assumes no line is ever set ragged (no run is
 * wider than a line).  O(n^2) in the number of items.
 */
static double dp_optimum(const struct para *p, const double *widths,
			 int nwidths, double tol)
{
	size_t n = p->n;
	int nkeys = nwidths;
	double *best = malloc((n + 1) * 4 * (size_t)nkeys * sizeof *best);
	if (!best)
		abort();
	for (size_t i = 0; i < (n + 1) * 4 * (size_t)nkeys; i++)
		best[i] = INFINITY;
	/* Row n stands for the start of the paragraph. */
#define BEST(pos, f, k) best[((pos) * 4 + (size_t)(f)) * (size_t)nkeys + (size_t)(k)]
	BEST(n, 2, 0) = 0;

	for (size_t ai = 0; ai <= n; ai++) {
		/* Visit the start first, then breakpoints in order. */
		size_t a = ai == 0 ? n : ai - 1;
		if (a != n && (a == n - 1 || !legal_break(p->it, a)))
			continue;
		size_t s = a == n ? 0 : line_start(p->it, n, a);
		bool a_flag = a != n && p->it[a].kind == LB_PENALTY && p->it[a].flagged;
		double len = 0, y = 0, z = 0;
		bool fil = false;
		for (size_t b = s; b < n; b++) {
			const struct lb_item *it = &p->it[b];
			if (legal_break(p->it, b)) {
				double l = len + (it->kind == LB_PENALTY ? it->width : 0);
				for (int k = 0; k < nkeys; k++) {
					double width = widths[k], r;
					if (s == b && l <= width)
						r = 0;
					else if (fabs(width - l) < 1e-9)
						r = 0;
					else if (l < width)
						r = fil ? 0 : (y > 0 ? (width - l) / y : INFINITY);
					else if (z > 0 && l - width <= z + 1e-9)
						r = fmax((width - l) / z, -1);
					else
						continue;
					if (r > tol)
						continue;
					double bad = fmin(100 * fabs(r) * fabs(r) * fabs(r), 1e6);
					int fit = eval_fitness(r);
					bool flag = it->kind == LB_PENALTY && it->flagged;
					double d0 = (params.line_penalty + bad) *
						    (params.line_penalty + bad);
					if (it->kind == LB_PENALTY && it->penalty > 0)
						d0 += it->penalty * it->penalty;
					else if (it->kind == LB_PENALTY &&
						 it->penalty > -LB_INFINITY)
						d0 -= it->penalty * it->penalty;
					if (flag && a_flag)
						d0 += params.hyphen_demerits;
					int k2 = k + 1 < nkeys ? k + 1 : nkeys - 1;
					for (int f = 0; f < 4; f++) {
						double from = BEST(a, f, k);
						if (isinf(from))
							continue;
						double d = d0 + (abs(f - fit) > 1 ?
								 params.fitness_demerits : 0);
						if (from + d < BEST(b, fit, k2))
							BEST(b, fit, k2) = from + d;
					}
				}
				if (it->kind == LB_PENALTY && it->penalty <= -LB_INFINITY)
					break;
			}
			if (it->kind != LB_PENALTY)
				len += it->width;
			if (it->kind == LB_GLUE) {
				if (isinf(it->stretch))
					fil = true;
				else
					y += it->stretch;
				z += it->shrink;
			}
		}
	}
	double opt = INFINITY;
	for (int f = 0; f < 4; f++)
		for (int k = 0; k < nkeys; k++)
			if (BEST(n - 1, f, k) < opt)
				opt = BEST(n - 1, f, k);
#undef BEST
	free(best);
	return opt;
}

/* ---- Tests ---- */

/*
 * Words 4 1 1 3 4 3 4 wide, spaces 1 +1 -1, lines 9 wide.  First fit
 * squeezes "4 1 1 3" (natural 12, r = -1, tight), leaving "4 3" (8, r = 1,
 * very loose) and "4": demerits 110^2 + (110^2 + 3000) + (10^2 + 3000) =
 * 30300, the fitness jumps tight -> very loose -> decent costing 3000 each.
 * Total fit sets "4 1 1" (8, r = 0.5, loose: 22.5^2 = 506.25), "3 4"
 * (r = 1, very loose: 12100), "3 4" (last, decent after very loose: 3100)
 * = 15706.25, and wins.
 */
static void test_hand_case(void)
{
	static const double words[] = {4, 1, 1, 3, 4, 3, 4};
	struct para p = {0};
	for (size_t i = 0; i < 7; i++) {
		if (i > 0)
			glue(&p, 1, 1, 1);
		box(&p, words[i]);
	}
	finish(&p, INFINITY);

	double w = 9;
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("hand: returns 0", rc == 0);
	CHECK("hand: three lines", nb == 3);
	if (rc == 0 && nb == 3) {
		CHECK("hand: line 1 ends after word 3", breaks[0] == 5);
		CHECK("hand: line 2 ends after word 5", breaks[1] == 9);
		CHECK("hand: line 3 ends at the end", breaks[2] == 15);
		CHECK("hand: ratios 0.5, 1, 0",
		      fabs(ratios[0] - 0.5) < 1e-9 && fabs(ratios[1] - 1) < 1e-9 &&
		      ratios[2] == 0);
		CHECK("hand: demerits 15706.25",
		      fabs(eval_total(&p, &w, 1, breaks, nb, 2) - 15706.25) < 1e-6);
	}
	size_t greedy[] = {7, 11, 15};
	CHECK("hand: first fit costs 30300",
	      fabs(eval_total(&p, &w, 1, greedy, 3, 2) - 30300) < 1e-6);
	free(breaks);
	free(ratios);
	free(p.it);
}

/* Random small paragraphs, some with hyphen points and a narrower first
 * line: the breaker's choice must cost what the exhaustive search finds. */
static void test_against_brute_force(void)
{
	int compared = 0, mismatched = 0, invalid = 0;
	for (int trial = 0; trial < 400; trial++) {
		struct para p = {0};
		int nwords = 3 + (int)(rng() % 9);
		int legal = 0;
		for (int i = 0; i < nwords && legal < 16; i++) {
			if (i > 0) {
				glue(&p, 3, 2, 1);
				legal++;
			}
			box(&p, 4 + rng() % 20);
			if (rng() % 4 == 0) {
				penalty(&p, 2, 50, true);
				box(&p, 3 + rng() % 8);
				legal++;
			}
		}
		finish(&p, INFINITY);
		double widths[2] = {40 + rng() % 30, 0};
		widths[1] = widths[0] + (rng() % 2 ? 10 : 0);
		int nwidths = 1 + (int)(rng() % 2);

		size_t *breaks;
		double *ratios;
		int nb;
		if (linebreak(p.it, p.n, widths, nwidths, &params, &breaks, &nb,
			      &ratios) != 0) {
			invalid++;
			free(p.it);
			continue;
		}
		if (check_breaking(&p, widths, nwidths, breaks, nb, ratios) < 0)
			invalid++;
		/* The first pass, or failing that the second, must find the
		 * optimum of its tolerance. */
		double tol = params.tolerance;
		double best = brute_force(&p, widths, nwidths, tol);
		if (isinf(best)) {
			tol = 10;
			best = brute_force(&p, widths, nwidths, tol);
		}
		if (!isinf(best)) {
			double got = eval_total(&p, widths, nwidths, breaks, nb, tol);
			compared++;
			if (!(fabs(got - best) <= 1e-6 * fmax(1, best))) {
				mismatched++;
				fprintf(stderr, "trial %d: got %g, best %g\n",
					trial, got, best);
			}
		}
		free(breaks);
		free(ratios);
		free(p.it);
	}
	fprintf(stderr, "brute force: %d paragraphs compared\n", compared);
	CHECK("brute force: every result valid", invalid == 0);
	CHECK("brute force: enough cases compared", compared > 200);
	CHECK("brute force: optimal demerits", mismatched == 0);
}

/* Paragraphs of a few hundred words, where the active list and its
 * shortcuts matter, against the dynamic program. */
static void test_against_dp(void)
{
	int compared = 0, mismatched = 0, invalid = 0;
	for (int trial = 0; trial < 60; trial++) {
		struct para p = {0};
		size_t nwords = 100 + rng() % 150;
		for (size_t i = 0; i < nwords; i++) {
			if (i > 0)
				glue(&p, 3.33, 1.67, 1.11);
			int len = 1 + (int)(rng() % 12);
			if (len >= 7 && rng() % 2) {
				box(&p, 15);
				penalty(&p, 3.33, 50, true);
				len -= 3;
			}
			box(&p, 5.0 * len);
		}
		finish(&p, INFINITY);
		double widths[3] = {150 + rng() % 200, 0, 0};
		widths[1] = widths[0] + 20;
		widths[2] = widths[0] - 10;
		int nwidths = 1 + (int)(rng() % 3);
		double tol = 1 + rng() % 3;
		struct lb_params pp = params;
		pp.tolerance = tol;

		size_t *breaks;
		double *ratios;
		int nb;
		if (linebreak(p.it, p.n, widths, nwidths, &pp, &breaks, &nb,
			      &ratios) != 0) {
			invalid++;
			free(p.it);
			continue;
		}
		if (check_breaking(&p, widths, nwidths, breaks, nb, ratios) != 0)
			invalid++;
		double best = dp_optimum(&p, widths, nwidths, tol);
		if (isinf(best)) {
			tol = 10;
			best = dp_optimum(&p, widths, nwidths, tol);
		}
		if (!isinf(best)) {
			double got = eval_total(&p, widths, nwidths, breaks, nb, tol);
			compared++;
			if (!(fabs(got - best) <= 1e-9 * fmax(1, best))) {
				mismatched++;
				fprintf(stderr, "dp trial %d: got %.10g, best %.10g\n",
					trial, got, best);
			}
		}
		free(breaks);
		free(ratios);
		free(p.it);
	}
	fprintf(stderr, "dynamic program: %d paragraphs compared\n", compared);
	CHECK("dp: every result valid", invalid == 0);
	CHECK("dp: enough cases compared", compared > 40);
	CHECK("dp: optimal demerits", mismatched == 0);
}

static void test_forced_break(void)
{
	struct para p = {0};
	for (int i = 0; i < 20; i++) {
		if (i > 0)
			glue(&p, 3, 2, 1);
		box(&p, 10);
		if (i == 4) {
			/* A hard line break: fill the line, then break. */
			penalty(&p, 0, LB_INFINITY, false);
			glue(&p, 0, INFINITY, 0);
			penalty(&p, 0, -LB_INFINITY, false);
		}
	}
	size_t forced = 0;
	for (size_t i = 0; i < p.n; i++)
		if (p.it[i].kind == LB_PENALTY && p.it[i].penalty < 0)
			forced = i;
	finish(&p, INFINITY);

	double w = 100;
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("forced: returns 0", rc == 0);
	bool found = false;
	for (int k = 0; rc == 0 && k < nb; k++)
		if (breaks[k] == forced)
			found = true;
	CHECK("forced: breaks at the forced penalty", found);
	CHECK("forced: valid", rc == 0 &&
	      check_breaking(&p, &w, 1, breaks, nb, ratios) == 0);
	free(breaks);
	free(ratios);
	free(p.it);

	/* Two forced breaks in a row make an empty line, not a failure. */
	struct para q = {0};
	box(&q, 10);
	glue(&q, 0, INFINITY, 0);
	penalty(&q, 0, -LB_INFINITY, false);
	glue(&q, 0, INFINITY, 0);
	penalty(&q, 0, -LB_INFINITY, false);
	rc = linebreak(q.it, q.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("forced: trailing hard break gives an empty last line",
	      rc == 0 && nb == 2 && breaks[0] == 2 && breaks[1] == 4 &&
	      ratios[1] == 0);
	free(breaks);
	free(ratios);
	free(q.it);
}

/* The one perfect place for the first break is forbidden; it must go
 * elsewhere, and the line must still be valid. */
static void test_no_break_at_inf(void)
{
	struct para p = {0};
	box(&p, 30);
	glue(&p, 5, 3, 2);
	box(&p, 30);
	glue(&p, 5, 3, 2);
	box(&p, 30);
	size_t tie = p.n;
	penalty(&p, 0, LB_INFINITY, false); /* a tie: no break here */
	glue(&p, 5, 3, 2);
	box(&p, 30);
	glue(&p, 5, 3, 2);
	box(&p, 30);
	finish(&p, INFINITY);

	double w = 100; /* 30 5 30 5 30 = 100 exactly up to the tie */
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("inf penalty: returns 0", rc == 0);
	bool bad = false;
	for (int k = 0; rc == 0 && k < nb; k++)
		if (breaks[k] == tie || breaks[k] == tie + 1)
			bad = true;
	CHECK("inf penalty: never broken at", rc == 0 && !bad);
	CHECK("inf penalty: valid", rc == 0 &&
	      check_breaking(&p, &w, 1, breaks, nb, ratios) == 0);
	free(breaks);
	free(ratios);
	free(p.it);
}

/* Builds running text: words of 1-12 letters, 5 pt a letter, interword
 * glue 3.33 +1.67 -1.11 (cmr10's proportions), and in words of 7+ letters
 * a hyphen point every 3 letters. */
static void running_text_fil(struct para *p, size_t nwords, double fil)
{
	for (size_t i = 0; i < nwords; i++) {
		if (i > 0)
			glue(p, 3.33, 1.67, 1.11);
		int len = 1 + (int)(rng() % 12);
		if (len >= 7) {
			int done = 0;
			while (len - done > 5) {
				box(p, 15);
				penalty(p, 3.33, 50, true);
				done += 3;
			}
			box(p, 5.0 * (len - done));
		} else {
			box(p, 5.0 * len);
		}
	}
	finish(p, fil);
}

static void running_text(struct para *p, size_t nwords)
{
	running_text_fil(p, nwords, INFINITY);
}

static void test_normal_text(void)
{
	struct para p = {0};
	running_text(&p, 600);
	double w = 340;
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("normal text: returns 0", rc == 0);
	CHECK("normal text: valid", rc == 0 &&
	      check_breaking(&p, &w, 1, breaks, nb, ratios) == 0);
	bool in_range = rc == 0;
	for (int k = 0; rc == 0 && k < nb; k++)
		if (ratios[k] < -1 || ratios[k] > params.tolerance)
			in_range = false;
	CHECK("normal text: ratios within [-1, tolerance]", in_range);
	CHECK("normal text: last line ragged", rc == 0 && ratios[nb - 1] == 0);
	free(breaks);
	free(ratios);
	free(p.it);
}

/* A first line indented by widths[0] and a narrow stretch for lines 3-5,
 * as beside a float; line widths must follow widths[]. */
static void test_variable_widths(void)
{
	struct para p = {0};
	running_text(&p, 200);
	double widths[] = {320, 340, 200, 200, 200, 340};
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, widths, 6, &params, &breaks, &nb, &ratios);
	CHECK("widths: returns 0", rc == 0);
	CHECK("widths: valid against per-line widths", rc == 0 &&
	      check_breaking(&p, widths, 6, breaks, nb, ratios) == 0);
	bool in_range = rc == 0;
	for (int k = 0; rc == 0 && k < nb; k++)
		if (ratios[k] < -1 || ratios[k] > 10)
			in_range = false;
	CHECK("widths: no overfull or terrible lines", in_range);
	free(breaks);
	free(ratios);
	free(p.it);
}

/* A very large finite stretch must work like INFINITY. */
static void test_infinite_stretch(void)
{
	struct para a = {0}, b = {0};
	uint32_t seed = rng_state;
	running_text(&a, 300);
	rng_state = seed;
	running_text_fil(&b, 300, 1e9);

	double w = 300;
	size_t *ba, *bb;
	double *ra, *rb;
	int na, nb;
	int rc1 = linebreak(a.it, a.n, &w, 1, &params, &ba, &na, &ra);
	int rc2 = linebreak(b.it, b.n, &w, 1, &params, &bb, &nb, &rb);
	CHECK("fil: both return 0", rc1 == 0 && rc2 == 0);
	CHECK("fil: INFINITY gives ratio 0 on the last line",
	      rc1 == 0 && ra[na - 1] == 0);
	CHECK("fil: 1e9 gives a tiny ratio on the last line",
	      rc2 == 0 && rb[nb - 1] >= 0 && rb[nb - 1] < 1e-6);
	CHECK("fil: same breaks either way", rc1 == 0 && rc2 == 0 && na == nb &&
	      memcmp(ba, bb, (size_t)na * sizeof *ba) == 0);
	free(ba);
	free(bb);
	free(ra);
	free(rb);
	free(a.it);
	free(b.it);
}

static void test_overlong_box(void)
{
	struct para p = {0};
	running_text(&p, 80);
	p.n -= 3; /* reopen the paragraph */
	glue(&p, 3.33, 1.67, 1.11);
	size_t huge = p.n;
	box(&p, 500); /* a URL, say, wider than the line */
	glue(&p, 3.33, 1.67, 1.11);
	struct para rest = {0};
	running_text(&rest, 80);
	for (size_t i = 0; i < rest.n; i++)
		para_add(&p, rest.it[i]);
	free(rest.it);

	double w = 340;
	size_t *breaks;
	double *ratios;
	int nb;
	int rc = linebreak(p.it, p.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("overlong: returns 0", rc == 0);
	int over = rc == 0 ? check_breaking(&p, &w, 1, breaks, nb, ratios) : -1;
	CHECK("overlong: exactly one overfull line", over == 1);
	int bad_lines = 0, over_line = -1;
	size_t s = 0;
	for (int k = 0; rc == 0 && k < nb; k++) {
		if (ratios[k] < -1) {
			over_line = k;
			/* The box alone, from the break before it to the one
			 * after it. */
			if (s != huge || breaks[k] != huge + 1)
				bad_lines++;
		} else if (ratios[k] > params.tolerance) {
			bad_lines++;
		}
		s = line_start(p.it, p.n, breaks[k]);
	}
	CHECK("overlong: the overfull line is the box alone", over_line > 0 &&
	      bad_lines == 0);
	CHECK("overlong: the line before it is ragged",
	      over_line > 0 && ratios[over_line - 1] == 0);
	free(breaks);
	free(ratios);
	free(p.it);
}

static void test_pathological(void)
{
	double w = 100;
	size_t *breaks;
	double *ratios;
	int nb, rc;

	/* Zero widths everywhere: no line is ever overfull, so only the
	 * cap keeps the active list short. */
	struct para z = {0};
	for (int i = 0; i < 20000; i++) {
		box(&z, 0);
		glue(&z, 0, 0, 0);
	}
	z.n--;
	finish(&z, INFINITY);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = linebreak(z.it, z.n, &w, 1, &params, &breaks, &nb, &ratios);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "zero widths, 20000 boxes: %.3f s\n",
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK("zero widths: completes validly", rc == 0 &&
	      check_breaking(&z, &w, 1, breaks, nb, ratios) >= 0);
	free(breaks);
	free(ratios);
	free(z.it);

	/* Every word wider than the line: one overfull line per word. */
	struct para o = {0};
	for (int i = 0; i < 50; i++) {
		if (i > 0)
			glue(&o, 3, 2, 1);
		box(&o, 150);
	}
	finish(&o, INFINITY);
	rc = linebreak(o.it, o.n, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("all overlong: one word per line", rc == 0 && nb == 50 &&
	      check_breaking(&o, &w, 1, breaks, nb, ratios) == 50);
	free(breaks);
	free(ratios);
	free(o.it);

	/* No glue at all, no stretch anywhere, a single forced break. */
	struct lb_item one[] = {
		{.kind = LB_BOX, .width = 30},
		{.kind = LB_PENALTY, .penalty = -LB_INFINITY},
	};
	rc = linebreak(one, 2, &w, 1, &params, &breaks, &nb, &ratios);
	CHECK("no glue: one underfull line", rc == 0 && nb == 1 &&
	      breaks[0] == 1 && ratios[0] == LB_INFINITY);
	free(breaks);
	free(ratios);

	struct lb_item empty[] = {{.kind = LB_PENALTY, .penalty = -LB_INFINITY}};
	rc = linebreak(empty, 1, &w, 1, &params, &breaks, &nb, NULL);
	CHECK("only the forced break: one empty line", rc == 0 && nb == 1);
	free(breaks);

	/* Zero and negative line widths: everything is overfull. */
	struct para q = {0};
	running_text(&q, 30);
	double neg[] = {-5, 0};
	rc = linebreak(q.it, q.n, neg, 2, &params, &breaks, &nb, &ratios);
	CHECK("non-positive widths: completes", rc == 0 &&
	      check_breaking(&q, neg, 2, breaks, nb, ratios) > 0);
	free(breaks);
	free(ratios);
	free(q.it);
}

static void test_bad_input(void)
{
	struct lb_item ok[] = {
		{.kind = LB_BOX, .width = 30},
		{.kind = LB_GLUE, .stretch = INFINITY},
		{.kind = LB_PENALTY, .penalty = -LB_INFINITY},
	};
	double w = 100;
	size_t *breaks = (size_t *)1;
	double *ratios = (double *)1;
	int nb = 7;

	CHECK("bad: n == 0",
	      linebreak(ok, 0, &w, 1, &params, &breaks, &nb, &ratios) == -1);
	CHECK("bad: outputs cleared", breaks == NULL && nb == 0 && ratios == NULL);
	CHECK("bad: no widths",
	      linebreak(ok, 3, &w, 0, &params, &breaks, &nb, &ratios) == -1);
	CHECK("bad: NULL breaks",
	      linebreak(ok, 3, &w, 1, &params, NULL, &nb, &ratios) == -1);
	CHECK("bad: no final forced break",
	      linebreak(ok, 2, &w, 1, &params, &breaks, &nb, &ratios) == -1);
	struct lb_item nan[3];
	memcpy(nan, ok, sizeof ok);
	nan[0].width = NAN;
	CHECK("bad: NaN width",
	      linebreak(nan, 3, &w, 1, &params, &breaks, &nb, &ratios) == -1);
	struct lb_params neg = params;
	neg.tolerance = -1;
	CHECK("bad: negative tolerance",
	      linebreak(ok, 3, &w, 1, &neg, &breaks, &nb, &ratios) == -1);
	CHECK("bad: the good input works",
	      linebreak(ok, 3, &w, 1, &params, &breaks, &nb, &ratios) == 0 &&
	      nb == 1);
	free(breaks);
	free(ratios);
}

static void test_huge_paragraph(void)
{
	struct para p = {0};
	running_text(&p, 100000);
	double widths[] = {320, 340};
	size_t *breaks;
	double *ratios;
	int nb;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = linebreak(p.it, p.n, widths, 2, &params, &breaks, &nb, &ratios);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "100000 words (%zu items, %d lines): %.4f s\n", p.n, nb,
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK("100k words: returns 0", rc == 0);
	CHECK("100k words: valid", rc == 0 &&
	      check_breaking(&p, widths, 2, breaks, nb, ratios) == 0);
	free(breaks);
	free(ratios);
	free(p.it);
}

/* ---- Hyphenation ---- */

/* The word with '-' at each point, for readable checks. */
static const char *hyphenated(struct hyphenator *h, const char *w)
{
	static char out[256];
	unsigned char points[128];
	size_t len = strlen(w), j = 0;
	hyph_word(h, w, len, points);
	for (size_t i = 0; i < len; i++) {
		out[j++] = w[i];
		if (points[i])
			out[j++] = '-';
	}
	out[j] = '\0';
	return out;
}

static void test_hyphenation(void)
{
	struct hyphenator *h = hyph_load("en");
	if (!h) {
		printf("SKIP: hyphenation: no English patterns installed\n");
		return;
	}
	CHECK_STR("hyph: hyphenation", hyphenated(h, "hyphenation"), "hy-phen-ation");
	CHECK_STR("hyph: capitalised", hyphenated(h, "Hyphenation"), "Hy-phen-ation");
	CHECK_STR("hyph: computer (right min 3)", hyphenated(h, "computer"), "com-puter");
	CHECK_STR("hyph: typesetting", hyphenated(h, "typesetting"), "type-set-ting");
	CHECK_STR("hyph: algorithm", hyphenated(h, "algorithm"), "al-go-rithm");
	CHECK_STR("hyph: table (5 letters)", hyphenated(h, "table"), "ta-ble");
	CHECK_STR("hyph: short word", hyphenated(h, "into"), "into");
	CHECK_STR("hyph: digits", hyphenated(h, "hyphenation2"), "hyphenation2");
	CHECK_STR("hyph: punctuation", hyphenated(h, "hyphenation,"), "hyphenation,");
	CHECK_STR("hyph: explicit hyphen", hyphenated(h, "well-hyphenated"),
		  "well-hyphenated");
	CHECK_STR("hyph: UTF-8 letters", hyphenated(h, "r\xc3\xa9sum\xc3\xa9s"),
		  "r\xc3\xa9-sum\xc3\xa9s");
	CHECK_STR("hyph: curly apostrophe word",
		  hyphenated(h, "hyphenation\xe2\x80\x99s"), "hy-phen-ation\xe2\x80\x99s");
	CHECK_STR("hyph: em dash rejects", hyphenated(h, "hyphen\xe2\x80\x94" "ation"),
		  "hyphen\xe2\x80\x94" "ation");
	CHECK_STR("hyph: bad UTF-8 rejects", hyphenated(h, "hyphen\xc3tion"),
		  "hyphen\xc3tion");

	unsigned char points[64];
	int n = hyph_word(h, "hyphenation", 11, points);
	CHECK("hyph: returns the count", n == 2);
	CHECK("hyph: point after byte 1", points[1] == 1 && points[0] == 0);
	/* Fragment minimums hold whatever the patterns say. */
	bool mins = true;
	static const char *const words[] = {
		"supercalifragilisticexpialidocious", "establishment", "another",
		"education", "representation", "abcdefghij",
	};
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		size_t len = strlen(words[k]);
		hyph_word(h, words[k], len, points);
		if (points[0] || points[len - 1] || points[len - 2] || points[len - 3])
			mins = false;
	}
	CHECK("hyph: 2 left, 3 right", mins);
	CHECK("hyph: NULL hyphenator gives nothing",
	      hyph_word(NULL, "hyphenation", 11, points) == 0 && points[1] == 0);

	char longword[400];
	memset(longword, 'a', sizeof longword);
	CHECK("hyph: overlong word gives nothing",
	      hyph_word(h, longword, sizeof longword, (unsigned char[400]){0}) == 0);

	static const char *const tags[] = {"en-US", "en_US", "en-GB", "EN",
					   "en_US.UTF-8", "en-Latn-US"};
	for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
		struct hyphenator *h2 = hyph_load(tags[k]);
		char name[64];
		snprintf(name, sizeof name, "hyph: load %s", tags[k]);
		CHECK(name, h2 != NULL &&
		      strcmp(hyphenated(h2, "hyphenation"), "hy-phen-ation") == 0);
		hyph_free(h2);
	}
	hyph_free(h);
}

static void test_hyph_load_missing(void)
{
	CHECK("hyph: xx not found", hyph_load("xx") == NULL);
	CHECK("hyph: xx-YY not found", hyph_load("xx-YY") == NULL);
	CHECK("hyph: path rejected", hyph_load("../../etc/passwd") == NULL);
	CHECK("hyph: empty rejected", hyph_load("") == NULL);
	CHECK("hyph: NULL rejected", hyph_load(NULL) == NULL);
	hyph_free(NULL);
}

/* The memo must return what the patterns give, for every word, every
 * time: hyphenate a word list twice and compare point by point. */
static void test_hyph_memo(void)
{
	struct hyphenator *h = hyph_load("en");
	if (!h) {
		printf("SKIP: hyphenation memo: no English patterns\n");
		return;
	}
	static const char *const words[] = {"hyphenation", "Hyphenation", "typesetting",
					    "algorithm", "computer", "extraordinary", "a1b2c3",
					    "r\xc3\xa9sum\xc3\xa9s", "documentation", "hyphenation"};
	unsigned char first[10][64], again[64];
	int n1[10];
	bool same = true;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 10; i++) {
			size_t len = strlen(words[i]);
			if (round == 0) {
				n1[i] = hyph_word(h, words[i], len, first[i]);
				continue;
			}
			int n = hyph_word(h, words[i], len, again);
			same = same && n == n1[i] && memcmp(again, first[i], len) == 0;
		}
	CHECK("hyphenation memo: repeated words get the same points", same && n1[0] > 0 &&
	      n1[6] == 0 && memcmp(first[0], first[9], 11) == 0);
	hyph_free(h);
}

int main(void)
{
	test_hyph_memo();
	test_hand_case();
	test_against_brute_force();
	test_against_dp();
	test_forced_break();
	test_no_break_at_inf();
	test_normal_text();
	test_variable_widths();
	test_infinite_stretch();
	test_overlong_box();
	test_pathological();
	test_bad_input();
	test_huge_paragraph();
	test_hyphenation();
	test_hyph_load_missing();
	UNIT_END();
}
