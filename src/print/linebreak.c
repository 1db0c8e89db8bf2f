/*
 * linebreak.c - Knuth-Plass total-fit line breaking, and hyphenation
 * through libhyphen.
 *
 * The breaker is TeX's (The TeXbook ch. 14, tex.web parts 38-39): every
 * legal breakpoint is tried against a list of "active" nodes, earlier
 * breaks from which a line could still reach it; feasible lines create new
 * nodes remembering the cheapest way to get there, per fitness class and
 * per line-width class.  Running totals of width, stretch and shrink, with
 * each active node holding the totals where its next line starts, make a
 * try O(1), so a pass is O(items * active nodes).  Nodes whose line is
 * already overfull drop out of the list, which keeps it about one line's
 * worth of breakpoints long.
 */
#include "print/linebreak.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <hyphen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

/* Lines whose natural width is this close to the target count as exact:
 * differences of running totals carry rounding error far below this, and
 * a millionth of a point is invisible. */
#define LB_EPS 1e-6

/* Badness is 100|r|^3, capped so that demerits stay finite and the sum
 * over a long paragraph keeps enough precision to compare the normal
 * lines (TeX caps at 10000; the higher cap still tells r = 5 from r = 9
 * apart in the loose second pass). */
#define LB_BAD_MAX 1e6

/* Tolerance of the second pass, when params->tolerance found nothing. */
#define LB_SECOND_TOLERANCE 10.0

/* Upper bound on the active list.  Normal text never comes near it (a
 * line's worth of breakpoints times a few fitness classes); it stops
 * degenerate input such as zero-width boxes, which never make a line
 * overfull, from growing the list with the paragraph. */
#define LB_MAX_ACTIVE 512

#define LB_NO_NODE SIZE_MAX

/* TeX's fitness classes, loosest first so that the distance between two
 * classes says how different the lines look. */
enum { FIT_VERY_LOOSE, FIT_LOOSE, FIT_DECENT, FIT_TIGHT };

/*
 * Totals over the items before some index: width of boxes and glue,
 * finite stretch, shrink, and the number of glues with infinite stretch
 * (counted apart so that INFINITY never meets a subtraction).
 */
struct lb_sum {
	double w, y, z;
	size_t fil;
};

/*
 * A feasible break, kept for tracing the chosen lines back: nodes are
 * only appended during a pass, so prev indices stay valid.  The start
 * node has prev == LB_NO_NODE.
 */
struct lb_node {
	size_t pos;   /* item the line ending here ends at */
	size_t prev;  /* node that line starts from */
	double ratio; /* adjustment ratio of that line */
	int line;     /* lines up to here */
};

/*
 * A node from which a line may still start, with everything trying it
 * needs at hand, since the loop over active nodes is the breaker's hot
 * path.
 */
struct lb_active {
	struct lb_sum t;   /* totals where the next line starts */
	double width;      /* of the next line */
	double loose;      /* above lb_at.reach the line is too loose */
	double floor;      /* at most the least loose from here to the end */
	double total;      /* demerits of all lines up to here */
	size_t start;      /* first item of the next line */
	size_t end;        /* first breakpoint at or after start */
	size_t node;       /* this break in the node pool */
	int line;          /* index of the next line */
	int fitness;       /* of the line ending here */
	bool flagged;      /* the line ending here ends with a hyphen */
};

/* The best way found so far, at the breakpoint being tried, to end a line
 * with the given fitness so that the next line has width class key. */
struct lb_cand {
	int key;
	int fitness;
	double total, ratio;
	size_t node; /* where the line starts */
	int line;    /* its index */
};

/*
 * What follows a break: glue and penalties after it are discarded up to
 * a box or a forced break, where the next line starts, with totals t; its
 * first breakpoint is end, and min is the least width the line from start
 * to end can have (-INFINITY if nothing follows).  Every breakpoint
 * before start gets the same answer, so it is worked out once.
 */
struct lb_after {
	bool valid;
	size_t start, end;
	struct lb_sum t;
	double min;
};

/* The breakpoint being tried. */
struct lb_at {
	size_t b;
	struct lb_sum t; /* totals before b */
	double pw;       /* width added if broken here (a hyphen) */
	double pi;       /* penalty, 0 for glue */
	bool flagged, forced;
	double next_min; /* lb_after.min for a break here */
	double reach;    /* t.w + tol * t.y + pw (+ LB_EPS), see lb_try_break */
	bool quick;      /* whether comparing reach with loose is safe */
};

/*
 * One run of the breaker over a paragraph: the input, the pass's
 * tolerance, and the work arrays, reused from pass to pass.
 */
struct lb_run {
	const struct lb_item *items;
	size_t n;
	const double *widths;
	int nwidths;
	const struct lb_params *params;
	double tol;
	double min_width; /* least of widths[] */

	struct lb_after after;
	struct lb_node *nodes;
	size_t nnodes, capnodes;
	/* active[head..end), oldest first.  Nodes drop out mostly at the old
	 * end, so head moves up instead of the rest being copied down. */
	struct lb_active *active;
	size_t head, end, capactive;
	struct lb_cand *cand;
	size_t ncand, capcand;
};

/* Returns p grown to hold at least need elements (p itself if it already
 * does), or NULL if out of memory, leaving p allocated. */
static void *lb_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return NULL;
	void *np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}

static bool lb_forced(const struct lb_item *it)
{
	return it->kind == LB_PENALTY && it->penalty <= -LB_INFINITY;
}

/* Glue is a breakpoint only after a box (so that a break never leaves
 * glue at a line's end), a penalty unless it forbids breaking. */
static bool lb_legal(const struct lb_item *items, size_t b)
{
	const struct lb_item *it = &items[b];
	if (it->kind == LB_GLUE)
		return b > 0 && items[b - 1].kind == LB_BOX;
	return it->kind == LB_PENALTY && it->penalty < LB_INFINITY;
}

static bool lb_item_valid(const struct lb_item *it)
{
	if (!isfinite(it->width))
		return false;
	switch (it->kind) {
	case LB_BOX:
		return true;
	case LB_GLUE:
		/* Stretch may be INFINITY (the paragraph's last glue); shrink
		 * may not, since a line could then absorb anything. */
		return it->stretch >= 0 && isfinite(it->shrink) && it->shrink >= 0;
	case LB_PENALTY:
		return !isnan(it->penalty);
	}
	return false;
}

static int lb_check_input(const struct lb_item *items, size_t n,
			  const double *widths, int nwidths,
			  const struct lb_params *p)
{
	if (!items || n == 0 || !widths || nwidths < 1 || !p)
		return -1;
	if (!(p->tolerance >= 0) || !isfinite(p->hyphen_demerits) ||
	    !isfinite(p->fitness_demerits) || !isfinite(p->line_penalty))
		return -1;
	for (int k = 0; k < nwidths; k++)
		if (!isfinite(widths[k]))
			return -1;
	for (size_t i = 0; i < n; i++)
		if (!lb_item_valid(&items[i]))
			return -1;
	/* Without the final forced break the last line has no end. */
	if (!lb_forced(&items[n - 1]))
		return -1;
	return 0;
}

static void lb_add(struct lb_sum *t, const struct lb_item *it)
{
	if (it->kind == LB_BOX) {
		t->w += it->width;
	} else if (it->kind == LB_GLUE) {
		t->w += it->width;
		t->z += it->shrink;
		if (isinf(it->stretch))
			t->fil++;
		else
			t->y += it->stretch;
	}
}

static double lb_line_width(const struct lb_run *run, int line)
{
	return run->widths[line < run->nwidths ? line : run->nwidths - 1];
}

/* Fills in af->end and af->min from af->start. */
static void lb_scan_line(const struct lb_run *run, struct lb_after *af)
{
	size_t e = af->start;
	double w = 0, z = 0;

	if (e >= run->n) {
		af->end = run->n;
		af->min = -INFINITY;
		return;
	}
	/* Ends at the latest at the final forced break. */
	while (!lb_legal(run->items, e)) {
		const struct lb_item *it = &run->items[e];
		if (it->kind != LB_PENALTY)
			w += it->width;
		if (it->kind == LB_GLUE)
			z += it->shrink;
		e++;
	}
	if (run->items[e].kind == LB_PENALTY)
		w += run->items[e].width;
	af->end = e;
	af->min = w - z;
}

/* What follows a break at b, given the totals t before b.  Breakpoints
 * come in increasing order within a pass, and the ranges scanned for
 * different answers do not overlap, so a pass spends O(items) here. */
static const struct lb_after *lb_after_break(struct lb_run *run, size_t b,
					     const struct lb_sum *t)
{
	struct lb_after *af = &run->after;
	if (af->valid && b < af->start)
		return af;

	struct lb_sum s = *t;
	size_t j = b;
	do {
		lb_add(&s, &run->items[j]);
		j++;
	} while (j < run->n && run->items[j].kind != LB_BOX &&
		 !lb_forced(&run->items[j]));
	af->valid = true;
	af->start = j;
	af->t = s;
	lb_scan_line(run, af);
	return af;
}

/*
 * The adjustment ratio of the line from a to the breakpoint at.  Sets
 * *overfull when the line cannot shrink enough; the ratio is then below
 * -1 (or -INFINITY without shrink).  An underfull line without stretch
 * gets +INFINITY, and so does, for speed, any line looser than tol.  An
 * underfull line before an unavoidably overfull one is set ragged, like a
 * paragraph's last line: stretching it would only spread loose lines
 * through the text above.
 */
static double lb_ratio(const struct lb_run *run, const struct lb_at *at,
		       const struct lb_active *a, double tol, bool *overfull)
{
	double len = at->t.w - a->t.w + at->pw;
	double diff = a->width - len;

	*overfull = false;
	/* An empty line (a forced break right after a break) has nothing
	 * to justify; calling it infinitely loose would push a whole
	 * paragraph with a trailing hard break into the last pass. */
	if (a->start == at->b && diff >= -LB_EPS)
		return 0;
	if (diff >= -LB_EPS && diff <= LB_EPS)
		return 0;
	if (diff > 0) {
		/* Infinite stretch takes up all the slack; the finite glue
		 * stays at its natural width. */
		if (at->t.fil > a->t.fil ||
		    at->next_min > lb_line_width(run, a->line + 1) + LB_EPS)
			return 0;
		double y = at->t.y - a->t.y;
		/* Lines too loose to use are common: spare them the
		 * division. */
		if (!(y > 0) || diff > tol * y)
			return INFINITY;
		return diff / y;
	}
	double z = at->t.z - a->t.z;
	if (z > 0 && -diff <= z + LB_EPS)
		return diff / z < -1 ? -1 : diff / z;
	*overfull = true;
	return z > 0 ? diff / z : -INFINITY;
}

static double lb_badness(double r)
{
	double ar = fabs(r);
	if (!(ar < 1e3))
		return LB_BAD_MAX;
	double bad = 100.0 * ar * ar * ar;
	return bad < LB_BAD_MAX ? bad : LB_BAD_MAX;
}

/* TeX's classes, by badness: above 99 very loose, above 12 loose or
 * tight, else decent. */
static int lb_fitness(double r, double bad)
{
	if (r < 0)
		return bad > 12 ? FIT_TIGHT : FIT_DECENT;
	if (bad > 99)
		return FIT_VERY_LOOSE;
	return bad > 12 ? FIT_LOOSE : FIT_DECENT;
}

static double lb_demerits(const struct lb_params *p, double bad, double pi,
			  bool hyphen_after_hyphen, int fit_from, int fit_to)
{
	double d = p->line_penalty + bad;
	d *= d;
	if (pi > 0)
		d += pi * pi;
	else if (pi > -LB_INFINITY)
		d -= pi * pi;
	if (hyphen_after_hyphen)
		d += p->hyphen_demerits;
	if (abs(fit_from - fit_to) > 1)
		d += p->fitness_demerits;
	return d;
}

/* Nodes whose next lines have the same widths have the same futures, so
 * only the best of them per fitness class needs to survive. */
static int lb_width_class(const struct lb_run *run, int next_line)
{
	return next_line < run->nwidths - 1 ? next_line : run->nwidths - 1;
}

static int lb_offer(struct lb_run *run, const struct lb_active *a,
		    int fitness, double total, double ratio)
{
	int key = lb_width_class(run, a->line + 1);
	for (size_t k = 0; k < run->ncand; k++) {
		struct lb_cand *c = &run->cand[k];
		if (c->key == key && c->fitness == fitness) {
			if (total < c->total) {
				c->total = total;
				c->ratio = ratio;
				c->node = a->node;
				c->line = a->line;
			}
			return 0;
		}
	}
	struct lb_cand *nc = lb_grow(run->cand, &run->capcand, run->ncand + 1,
				     sizeof *run->cand);
	if (!nc)
		return -1;
	run->cand = nc;
	run->cand[run->ncand++] = (struct lb_cand){
		.key = key, .fitness = fitness, .total = total, .ratio = ratio,
		.node = a->node, .line = a->line,
	};
	return 0;
}

/* Records a break at pos, followed by af, and makes it active. */
static int lb_activate(struct lb_run *run, const struct lb_after *af,
		       size_t pos, size_t prev, double ratio, int line,
		       double total, int fitness, bool flagged)
{
	struct lb_node *nn = lb_grow(run->nodes, &run->capnodes,
				     run->nnodes + 1, sizeof *run->nodes);
	if (!nn)
		return -1;
	run->nodes = nn;
	if (run->end == run->capactive && run->head > 0) {
		memmove(run->active, run->active + run->head,
			(run->end - run->head) * sizeof *run->active);
		run->end -= run->head;
		run->head = 0;
	}
	struct lb_active *na = lb_grow(run->active, &run->capactive,
				       run->end + 1, sizeof *run->active);
	if (!na)
		return -1;
	run->active = na;

	double width = lb_line_width(run, line);
	double loose = width + af->t.w + run->tol * af->t.y;
	/* Keep floor a lower bound for every suffix of the list.  Nodes
	 * come in order of position, so loose rarely decreases and this
	 * loop stops at once. */
	for (size_t j = run->end; j-- > run->head;) {
		if (!(run->active[j].floor > loose))
			break;
		run->active[j].floor = loose;
	}

	if (ratio > LB_INFINITY)
		ratio = LB_INFINITY;
	else if (ratio < -LB_INFINITY)
		ratio = -LB_INFINITY;
	run->nodes[run->nnodes] = (struct lb_node){
		.pos = pos, .prev = prev, .ratio = ratio, .line = line,
	};
	run->active[run->end++] = (struct lb_active){
		.t = af->t,
		.width = width,
		.loose = loose,
		.floor = loose,
		.total = total,
		.start = af->start,
		.end = af->end,
		.node = run->nnodes,
		.line = line,
		.fitness = fitness,
		.flagged = flagged,
	};
	run->nnodes++;
	return 0;
}

/*
 * Turns this breakpoint's candidates into active nodes.  Like TeX, skips
 * a candidate costing more than the cheapest of its width class plus
 * fitness_demerits: that is the most the cheapest one's class can cost it
 * on the next line, so the dearer node could never win.
 */
static int lb_commit(struct lb_run *run, const struct lb_at *at)
{
	for (size_t k = 0; k < run->ncand; k++) {
		const struct lb_cand *c = &run->cand[k];
		double best = c->total;
		for (size_t j = 0; j < run->ncand; j++)
			if (run->cand[j].key == c->key && run->cand[j].total < best)
				best = run->cand[j].total;
		if (c->total > best + run->params->fitness_demerits)
			continue;
		if (lb_activate(run, &run->after, at->b, c->node, c->ratio,
				c->line + 1, c->total, c->fitness, at->flagged) < 0)
			return -1;
	}

	/* The oldest nodes have the longest lines ahead of them, the
	 * likeliest to end overfull anyway. */
	if (run->end - run->head > LB_MAX_ACTIVE)
		run->head = run->end - LB_MAX_ACTIVE;
	return 0;
}

/*
 * Tries every active node against the legal breakpoint b, with totals t
 * before it.
 *
 * An overfull line is accepted, in every pass, when it has no breakpoint
 * inside: whatever lies between two breakpoints is wider than the line,
 * and no choice of breaks can avoid that.  It costs as much as the worst
 * possible line, so that with varying line widths the breaker still puts
 * the run on a line wide enough when it can.  As a safety net the final
 * pass also keeps, like TeX's "artificial demerits", the last node about
 * to drop out when nothing else reaches b, so it always finishes.
 */
static int lb_try_break(struct lb_run *run, size_t b, const struct lb_sum *t,
			double tol, bool final)
{
	const struct lb_item *it = &run->items[b];
	const struct lb_params *p = run->params;
	bool pen = it->kind == LB_PENALTY;
	struct lb_at at = {
		.b = b,
		.t = *t,
		.pw = pen ? it->width : 0,
		.pi = pen ? it->penalty : 0,
		.flagged = pen && it->flagged,
		.forced = lb_forced(it),
		.next_min = lb_after_break(run, b, t)->min,
	};
	/*
	 * Most active nodes are too far back to reach b at all: the line
	 * is too loose even at full stretch, diff > tol * y, which with the
	 * totals reads loose > reach, one comparison.  And since nodes come
	 * in order of position, once floor > reach all the newer ones are
	 * too loose as well and need no look.  Lines with infinite stretch
	 * or set ragged are exempt, and the final pass's infinite tolerance
	 * would give inf * 0.
	 */
	at.reach = t->w + tol * t->y + at.pw + LB_EPS;
	at.quick = !final && !(at.next_min > run->min_width + LB_EPS);

	/* Survivors are packed up from w; while none has survived, head
	 * just follows i. */
	size_t w = run->head, end = run->end;

	run->ncand = 0;
	for (size_t i = run->head; i < end; i++) {
		const struct lb_active *a = &run->active[i];
		bool keep;

		/* Infinite stretch counts only grow with position: if a's
		 * line has none, neither have the newer ones. */
		if (at.quick && !at.forced && a->floor > at.reach &&
		    a->t.fil == t->fil) {
			size_t rest = end - i;
			if (w != i)
				memmove(&run->active[w], a, rest * sizeof *a);
			w += rest;
			break;
		}
		if (a->start > b) {
			/* b lies among the items discarded after a's break. */
			keep = true;
		} else if (at.quick && a->loose > at.reach &&
			   a->t.fil == t->fil && a->start != b) {
			keep = !at.forced;
		} else {
			bool overfull;
			double r = lb_ratio(run, &at, a, tol, &overfull);
			if (overfull) {
				bool lone = a->end == b;
				bool alone = final && w == run->head &&
					     run->ncand == 0 && i + 1 == end;
				if (lone || alone) {
					double d = lb_demerits(p, LB_BAD_MAX, at.pi,
							       at.flagged && a->flagged,
							       a->fitness, FIT_DECENT);
					if (lb_offer(run, a, FIT_DECENT, a->total + d,
						     r) < 0)
						return -1;
				}
				keep = false;
			} else {
				if (r <= tol) {
					double bad = lb_badness(r);
					int fit = lb_fitness(r, bad);
					double d = lb_demerits(p, bad, at.pi,
							       at.flagged && a->flagged,
							       a->fitness, fit);
					if (lb_offer(run, a, fit, a->total + d, r) < 0)
						return -1;
				}
				/* Past a forced break no line may start
				 * before it. */
				keep = !at.forced;
			}
		}
		if (keep) {
			if (w != i)
				run->active[w] = *a;
			w++;
		} else if (w == run->head) {
			run->head = w = i + 1;
		}
	}
	run->end = w;
	return lb_commit(run, &at);
}

/*
 * One pass with the given tolerance.  Returns 0 and the final node in
 * *best, 1 if no breaking fits the tolerance, -1 if out of memory.
 */
static int lb_pass(struct lb_run *run, double tol, bool final, size_t *best)
{
	struct lb_sum t = {0, 0, 0, 0};
	struct lb_after first = {.valid = true, .start = 0};

	run->tol = tol;
	run->nnodes = 0;
	run->head = run->end = 0;
	run->after.valid = false;
	lb_scan_line(run, &first);
	if (lb_activate(run, &first, 0, LB_NO_NODE, 0, 0, 0, FIT_DECENT,
			false) < 0)
		return -1;

	for (size_t b = 0; b < run->n; b++) {
		if (lb_legal(run->items, b)) {
			if (lb_try_break(run, b, &t, tol, final) < 0)
				return -1;
			if (run->head == run->end)
				return 1;
		}
		lb_add(&t, &run->items[b]);
	}

	/* The last item is a forced break, so every node still active
	 * ends there. */
	const struct lb_active *win = &run->active[run->head];
	for (size_t i = run->head + 1; i < run->end; i++)
		if (run->active[i].total < win->total)
			win = &run->active[i];
	*best = win->node;
	return 0;
}

int linebreak(const struct lb_item *items, size_t n, const double *widths,
	      int nwidths, const struct lb_params *params, size_t **breaks,
	      int *nbreaks, double **ratios)
{
	struct lb_work work = {0};
	int rc = linebreak_in(&work, items, n, widths, nwidths, params, breaks,
			      nbreaks, ratios);
	lb_work_free(&work);
	return rc;
}

void lb_work_free(struct lb_work *w)
{
	free(w->nodes);
	free(w->active);
	free(w->cand);
	memset(w, 0, sizeof *w);
}

int linebreak_in(struct lb_work *work, const struct lb_item *items, size_t n,
		 const double *widths, int nwidths,
		 const struct lb_params *params, size_t **breaks, int *nbreaks,
		 double **ratios)
{
	/* The node lists start from the arrays of the call before: every
	 * pass fills them from index 0 before it reads them. */
	struct lb_run run = {
		.items = items, .n = n, .widths = widths, .nwidths = nwidths,
		.params = params,
		.nodes = work->nodes, .capnodes = work->capnodes,
		.active = work->active, .capactive = work->capactive,
		.cand = work->cand, .capcand = work->capcand,
	};
	size_t *brk = NULL;
	double *rat = NULL;
	int rc = -1;

	if (breaks)
		*breaks = NULL;
	if (nbreaks)
		*nbreaks = 0;
	if (ratios)
		*ratios = NULL;
	if (!breaks || !nbreaks ||
	    lb_check_input(items, n, widths, nwidths, params) < 0)
		return -1;
	run.min_width = widths[0];
	for (int k = 1; k < nwidths; k++)
		if (widths[k] < run.min_width)
			run.min_width = widths[k];

	/* First the caller's tolerance, then a looser one, then anything
	 * that is not overfull. */
	double tols[3];
	int ntols = 0;
	tols[ntols++] = params->tolerance;
	if (params->tolerance < LB_SECOND_TOLERANCE)
		tols[ntols++] = LB_SECOND_TOLERANCE;
	tols[ntols++] = INFINITY;

	size_t best = LB_NO_NODE;
	for (int k = 0; k < ntols; k++) {
		int prc = lb_pass(&run, tols[k], k == ntols - 1, &best);
		if (prc < 0)
			goto out;
		if (prc == 0)
			break;
	}
	/* The final pass always ends somewhere; this is a safety net. */
	if (best == LB_NO_NODE)
		goto out;

	int count = run.nodes[best].line;
	brk = malloc((size_t)count * sizeof *brk);
	rat = malloc((size_t)count * sizeof *rat);
	if (!brk || !rat)
		goto out;
	size_t node = best;
	for (int k = count; k-- > 0;) {
		brk[k] = run.nodes[node].pos;
		rat[k] = run.nodes[node].ratio;
		node = run.nodes[node].prev;
	}

	*breaks = brk;
	*nbreaks = count;
	brk = NULL;
	if (ratios) {
		*ratios = rat;
		rat = NULL;
	}
	rc = 0;
out:
	free(brk);
	free(rat);
	work->nodes = run.nodes;
	work->capnodes = run.capnodes;
	work->active = run.active;
	work->capactive = run.capactive;
	work->cand = run.cand;
	work->capcand = run.capcand;
	return rc;
}

/* ---- Hyphenation ---- */

/*
 * A loaded pattern dictionary.  utf8 is false for legacy 8-bit
 * dictionaries, which can only be given ASCII words.
 */
/* A memo of hyph_word() results: prose repeats its words, and libhyphen's
 * pattern walk is the costliest part of setting a paragraph. */
struct hyph_memo {
	char *word;            /* len bytes, then the len point bytes */
	size_t len;
	int npoints;
};

#define HYPH_MEMO_MAX (1u << 18) /* entries; past this, no more memoising */

struct hyphenator {
	HyphenDict *dict;
	bool utf8;
	struct hyph_memo *memo; /* open addressing, size a power of two */
	size_t memo_size, memo_used;
};

/* Words longer than this are never hyphenated (no real word is, and it
 * keeps the work buffers on the stack). */
#define HYPH_MAX_BYTES 256
#define HYPH_LEFT_MIN 2
#define HYPH_RIGHT_MIN 3
#define HYPH_WORD_MIN 5

static const char *const hyph_dirs[] = {
	"/usr/share/hyphen",
	"/usr/local/share/hyphen",
	"/usr/share/myspell/dicts", /* older Debian releases */
};

/*
 * A cache of compiled patterns.  libhyphen compiles a dictionary's
 * patterns into a state machine on every load, which for a large one
 * (German: 1 MB, 280,000 states) takes seconds.  The machine is written
 * once to $XDG_CACHE_HOME/folio/ (else ~/.cache/folio/), keyed by the
 * dictionary's path, size and modification time, and read back from
 * there: the same states, so the same hyphenation.  Anything amiss with
 * a cache file (another key, a short or corrupt file) means loading the
 * dictionary itself; a cache that cannot be written is no error.
 * Dictionaries small enough to load quickly (English: 100 KB, 0.2 s) are
 * not cached, and no cache file is looked for.
 */
#define HYPH_CACHE_MAGIC "folio-hyphen-cache 1\n"
#define HYPH_CACHE_MIN_STATES 20000
#define HYPH_CACHE_MIN_BYTES (256 * 1024) /* smaller: no cache file is even looked for */

static bool hc_put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n;
}

static bool hc_put_str(FILE *f, const char *s)
{
	int32_t n = s ? (int32_t)strlen(s) : -1;
	return hc_put(f, &n, sizeof n) && (n <= 0 || hc_put(f, s, (size_t)n));
}

/* The bytes of a NOHYPHEN list as libhyphen keeps it: nohyphenl + 1
 * strings, one after the other, each with its NUL. */
static size_t hc_nohyphen_len(const HyphenDict *d)
{
	size_t n = 0;
	if (!d->nohyphen)
		return 0;
	for (int i = 0; i <= d->nohyphenl; i++)
		n += strlen(d->nohyphen + n) + 1;
	return n;
}

/* Writes one level of d (and the next, recursively). */
static bool hc_put_dict(FILE *f, const HyphenDict *d)
{
	char flags[4] = {d->lhmin, d->rhmin, d->clhmin, d->crhmin};
	int32_t nh = d->nohyphen ? (int32_t)hc_nohyphen_len(d) : -1;
	int32_t head[5] = {d->num_states, d->utf8, d->nextlevel != NULL, d->nohyphenl, nh};
	if (!hc_put(f, flags, 4) || !hc_put(f, head, sizeof head) ||
	    !hc_put(f, d->cset, sizeof d->cset) || (nh > 0 && !hc_put(f, d->nohyphen, (size_t)nh)))
		return false;
	for (int i = 0; i < d->num_states; i++) {
		const HyphenState *st = &d->states[i];
		signed char rc[2] = {st->replindex, st->replcut};
		int32_t v[2] = {st->fallback_state, st->num_trans};
		if (!hc_put_str(f, st->match) || !hc_put_str(f, st->repl) || !hc_put(f, rc, 2) ||
		    !hc_put(f, v, sizeof v))
			return false;
		for (int t = 0; t < st->num_trans; t++) {
			int32_t tr[2] = {(unsigned char)st->trans[t].ch, st->trans[t].new_state};
			if (!hc_put(f, tr, sizeof tr))
				return false;
		}
	}
	return !d->nextlevel || hc_put_dict(f, d->nextlevel);
}

/* A cursor over a cache file's bytes. */
struct hc_in {
	const unsigned char *p, *end;
	bool bad;
};

static void hc_get(struct hc_in *in, void *out, size_t n)
{
	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, in->p, n);
	in->p += n;
}

static char *hc_get_str(struct hc_in *in)
{
	int32_t n;
	hc_get(in, &n, sizeof n);
	if (in->bad || n < 0)
		return NULL;
	if ((size_t)(in->end - in->p) < (size_t)n) {
		in->bad = true;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		in->bad = true;
		return NULL;
	}
	memcpy(s, in->p, (size_t)n);
	s[n] = '\0';
	in->p += n;
	return s;
}

/* One level (and the next); NULL if the bytes are not a dictionary.  The
 * memory is malloc's, as libhyphen's own, so hnj_hyphen_free() frees it. */
static HyphenDict *hc_get_dict(struct hc_in *in, int depth)
{
	HyphenDict *d = calloc(1, sizeof *d);
	char flags[4];
	int32_t head[5];
	hc_get(in, flags, 4);
	hc_get(in, head, sizeof head);
	if (!d || in->bad || head[0] < 0 || head[0] > (int32_t)(in->end - in->p) / 8 ||
	    depth > 2 || head[3] < 0 || head[4] < -1 || head[4] > (int32_t)(in->end - in->p)) {
		free(d);
		in->bad = true;
		return NULL;
	}
	hc_get(in, d->cset, sizeof d->cset);
	d->cset[sizeof d->cset - 1] = '\0';
	if (head[4] >= 0) {
		/* the strings, then a NUL more: a list that lies about its
		 * count still ends inside the buffer */
		d->nohyphen = calloc((size_t)head[4] + (size_t)head[3] + 2, 1);
		if (!d->nohyphen)
			in->bad = true;
		else
			hc_get(in, d->nohyphen, (size_t)head[4]);
		d->nohyphenl = head[3];
	}
	d->lhmin = flags[0];
	d->rhmin = flags[1];
	d->clhmin = flags[2];
	d->crhmin = flags[3];
	d->utf8 = head[1];
	d->states = calloc((size_t)head[0] + 1, sizeof *d->states);
	if (!d->states)
		in->bad = true;
	for (int32_t i = 0; !in->bad && i < head[0]; i++) {
		HyphenState *st = &d->states[i];
		d->num_states = i + 1;
		st->match = hc_get_str(in);
		st->repl = hc_get_str(in);
		signed char rc[2];
		int32_t v[2];
		hc_get(in, rc, 2);
		hc_get(in, v, sizeof v);
		st->replindex = rc[0];
		st->replcut = rc[1];
		st->fallback_state = v[0];
		if (in->bad || v[0] < -1 || v[0] >= head[0] || v[1] < 0 ||
		    v[1] > (int32_t)(in->end - in->p) / 8) {
			in->bad = true;
			break;
		}
		st->trans = v[1] ? malloc((size_t)v[1] * sizeof *st->trans) : NULL;
		if (v[1] && !st->trans) {
			in->bad = true;
			break;
		}
		st->num_trans = v[1];
		for (int32_t t = 0; t < v[1]; t++) {
			int32_t tr[2];
			hc_get(in, tr, sizeof tr);
			if (tr[1] < 0 || tr[1] >= head[0])
				in->bad = true;
			st->trans[t].ch = (char)tr[0];
			st->trans[t].new_state = tr[1];
		}
	}
	if (!in->bad && head[2])
		d->nextlevel = hc_get_dict(in, depth + 1);
	if (in->bad) {
		hnj_hyphen_free(d);
		return NULL;
	}
	return d;
}

/* The cache file for the dictionary at path (realpath'd), and its key
 * line; false when there is no cache folder. */
static bool hc_names(const char *path, const struct stat *st, char *file, size_t fn,
		     char *key, size_t kn)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX];
	if (xdg && *xdg == '/')
		snprintf(dir, sizeof dir, "%s/folio", xdg);
	else if (home && *home == '/')
		snprintf(dir, sizeof dir, "%s/.cache/folio", home);
	else
		return false;
	snprintf(key, kn, "%s %lld %lld.%09ld\n", path, (long long)st->st_size,
		 (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the key */
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(file, fn, "%s/hyph-%016llx.bin", dir, (unsigned long long)h);
	return true;
}

static HyphenDict *hc_read(const char *file, const char *key)
{
	char *data = NULL;
	size_t len = 0;
	if (file_read(file, &data, &len) != 0)
		return NULL;
	size_t ml = strlen(HYPH_CACHE_MAGIC), kl = strlen(key);
	HyphenDict *d = NULL;
	if (len > ml + kl && memcmp(data, HYPH_CACHE_MAGIC, ml) == 0 &&
	    memcmp(data + ml, key, kl) == 0) {
		struct hc_in in = {(unsigned char *)data + ml + kl, (unsigned char *)data + len, false};
		d = hc_get_dict(&in, 0);
		if (d && in.p != in.end) {
			hnj_hyphen_free(d);
			d = NULL;
		}
	}
	free(data);
	return d;
}

/* Writes the cache beside a temporary name and renames it into place, so
 * that a concurrent folio never reads half a file. */
static void hc_write(const char *file, const char *key, const HyphenDict *d)
{
	char dir[PATH_MAX + 64], tmp[PATH_MAX + 80];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	char *parent = strrchr(dir, '/');
	if (parent) {
		*parent = '\0';
		mkdir(dir, 0700);
		*parent = '/';
	}
	mkdir(dir, 0700);
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", file);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(tmp);
		return;
	}
	bool ok = hc_put(f, HYPH_CACHE_MAGIC, strlen(HYPH_CACHE_MAGIC)) &&
		  hc_put(f, key, strlen(key)) && hc_put_dict(f, d);
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, file) != 0)
		unlink(tmp);
}

/* hnj_hyphen_load(path), through the cache. */
static HyphenDict *hyph_dict_load(const char *path)
{
	char real[PATH_MAX], file[PATH_MAX + 64], key[PATH_MAX + 64];
	struct stat st;
	if (!realpath(path, real) || stat(real, &st) != 0 || st.st_size < HYPH_CACHE_MIN_BYTES ||
	    !hc_names(real, &st, file, sizeof file, key, sizeof key))
		return hnj_hyphen_load(path);
	HyphenDict *d = hc_read(file, key);
	if (d)
		return d;
	d = hnj_hyphen_load(path);
	if (d && d->num_states >= HYPH_CACHE_MIN_STATES)
		hc_write(file, key, d);
	return d;
}

static struct hyphenator *hyph_open(const char *path)
{
	if (access(path, R_OK) != 0)
		return NULL;
	HyphenDict *dict = hyph_dict_load(path);
	if (!dict)
		return NULL;
	struct hyphenator *h = calloc(1, sizeof *h);
	if (!h) {
		hnj_hyphen_free(dict);
		return NULL;
	}
	h->dict = dict;
	h->utf8 = dict->utf8 != 0;
	return h;
}

static struct hyphenator *hyph_open_name(const char *name)
{
	for (size_t d = 0; d < sizeof hyph_dirs / sizeof hyph_dirs[0]; d++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", hyph_dirs[d], name);
		struct hyphenator *h = hyph_open(path);
		if (h)
			return h;
	}
	return NULL;
}

/* Any hyph_<ll>_*.dic, the alphabetically first for a stable choice. */
static struct hyphenator *hyph_open_any_region(const char *ll)
{
	char prefix[16];
	int plen = snprintf(prefix, sizeof prefix, "hyph_%s_", ll);
	for (size_t d = 0; d < sizeof hyph_dirs / sizeof hyph_dirs[0]; d++) {
		DIR *dir = opendir(hyph_dirs[d]);
		if (!dir)
			continue;
		char best[256] = "";
		struct dirent *e;
		while ((e = readdir(dir)) != NULL) {
			size_t len = strlen(e->d_name);
			if (len < (size_t)plen + 4 || len >= sizeof best ||
			    strncmp(e->d_name, prefix, (size_t)plen) != 0 ||
			    strcmp(e->d_name + len - 4, ".dic") != 0)
				continue;
			if (!best[0] || strcmp(e->d_name, best) < 0)
				memcpy(best, e->d_name, len + 1);
		}
		closedir(dir);
		if (best[0]) {
			struct hyphenator *h = hyph_open_name(best);
			if (h)
				return h;
		}
	}
	return NULL;
}

static bool hyph_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool hyph_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Accepts BCP 47 tags and POSIX locale names: "en", "en-GB", "en_US",
 * "en-Latn-US", "de_CH.UTF-8".  Tries hyph_<ll>_<CC>.dic, hyph_<ll>.dic,
 * hyph_<ll>_<LL>.dic (de_DE, fr_FR), hyph_en_US.dic for English, then any
 * hyph_<ll>_*.dic.
 */
struct hyphenator *hyph_load(const char *lang)
{
	char ll[4] = "", cc[4] = "";
	size_t i = 0;

	if (!lang)
		return NULL;
	while (i < 3 && hyph_alpha(lang[i])) {
		ll[i] = (char)(lang[i] | 0x20);
		i++;
	}
	ll[i] = '\0';
	if (i < 2 || hyph_alpha(lang[i]))
		return NULL;
	/* Subtags: a 4-letter script is skipped, the region is 2 letters or
	 * 3 digits; variants and a locale's .codeset or @modifier are
	 * ignored. */
	while (lang[i] == '-' || lang[i] == '_') {
		const char *tag = lang + ++i;
		size_t len = 0;
		while (hyph_alpha(tag[len]) || hyph_digit(tag[len]))
			len++;
		if (!cc[0] && len == 2 && hyph_alpha(tag[0]) && hyph_alpha(tag[1])) {
			cc[0] = (char)(tag[0] & ~0x20);
			cc[1] = (char)(tag[1] & ~0x20);
			cc[2] = '\0';
		} else if (!cc[0] && len == 3 && hyph_digit(tag[0]) &&
			   hyph_digit(tag[1]) && hyph_digit(tag[2])) {
			memcpy(cc, tag, 3);
			cc[3] = '\0';
		}
		i += len;
	}
	if (lang[i] != '\0' && lang[i] != '.' && lang[i] != '@')
		return NULL;

	char name[32];
	struct hyphenator *h = NULL;
	if (cc[0]) {
		snprintf(name, sizeof name, "hyph_%s_%s.dic", ll, cc);
		h = hyph_open_name(name);
	}
	if (!h) {
		snprintf(name, sizeof name, "hyph_%s.dic", ll);
		h = hyph_open_name(name);
	}
	if (!h && strlen(ll) == 2) {
		snprintf(name, sizeof name, "hyph_%s_%c%c.dic", ll,
			 ll[0] & ~0x20, ll[1] & ~0x20);
		h = hyph_open_name(name);
	}
	if (!h && strcmp(ll, "en") == 0)
		h = hyph_open_name("hyph_en_US.dic");
	if (!h)
		h = hyph_open_any_region(ll);
	return h;
}

void hyph_free(struct hyphenator *h)
{
	if (!h)
		return;
	hnj_hyphen_free(h->dict);
	for (size_t i = 0; i < h->memo_size; i++)
		free(h->memo[i].word);
	free(h->memo);
	free(h);
}

static bool hyph_combining(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	       (c >= 0xFE20 && c <= 0xFE2F);
}

/* Whether a non-ASCII code point can be part of a word.  Without Unicode
 * tables this is a deny list of the blocks that hold punctuation, symbols
 * and digits text actually uses; anything else counts as a letter. */
static bool hyph_letter(uint32_t c)
{
	if (c < 0xC0 || c == 0xD7 || c == 0xF7)
		return false;
	if (c >= 0x2000 && c <= 0x2BFF) /* punctuation, symbols, arrows */
		return false;
	if (c >= 0x3000 && c <= 0x303F) /* CJK punctuation */
		return false;
	if (c >= 0xFE30 && c <= 0xFE6F) /* compatibility forms */
		return false;
	if (c >= 0xFF00 && c <= 0xFF65) /* full-width punctuation, digits */
		return false;
	if (c >= 0xFFF0 && c <= 0xFFFF) /* specials, U+FFFD */
		return false;
	return true;
}

/* One character of the word being hyphenated. */
struct hyph_char {
	size_t end;  /* index of its last byte in the caller's word */
	bool apos;   /* an apostrophe: counted in no fragment, no break beside it */
	bool mark;   /* a combining mark: no break before it */
};

static int hyph_word_uncached(struct hyphenator *h, const char *w, size_t len,
			      unsigned char *points);

static size_t memo_hash(const char *w, size_t len)
{
	size_t x = 1469598103934665603u;
	for (size_t i = 0; i < len; i++)
		x = (x ^ (unsigned char)w[i]) * 1099511628211u;
	return x;
}

static void memo_grow(struct hyphenator *h)
{
	size_t size = h->memo_size ? h->memo_size * 2 : 4096;
	struct hyph_memo *m = calloc(size, sizeof *m);
	if (!m)
		return; /* keep the old table; memoising is optional */
	for (size_t i = 0; i < h->memo_size; i++) {
		struct hyph_memo *e = &h->memo[i];
		if (!e->word)
			continue;
		size_t k = memo_hash(e->word, e->len) & (size - 1);
		while (m[k].word)
			k = (k + 1) & (size - 1);
		m[k] = *e;
	}
	free(h->memo);
	h->memo = m;
	h->memo_size = size;
}

int hyph_word(struct hyphenator *h, const char *w, size_t len,
	      unsigned char *points)
{
	if (!h || !w || !points || len > HYPH_MAX_BYTES)
		return hyph_word_uncached(h, w, len, points);
	if (h->memo_size) {
		size_t k = memo_hash(w, len) & (h->memo_size - 1);
		for (struct hyph_memo *e; (e = &h->memo[k])->word; k = (k + 1) & (h->memo_size - 1))
			if (e->len == len && memcmp(e->word, w, len) == 0) {
				memcpy(points, e->word + len, len);
				return e->npoints;
			}
	}
	int np = hyph_word_uncached(h, w, len, points);
	if (h->memo_used >= HYPH_MEMO_MAX)
		return np;
	if ((h->memo_used + 1) * 2 > h->memo_size)
		memo_grow(h);
	if (!h->memo_size)
		return np;
	char *copy = malloc(2 * len + 1);
	if (!copy)
		return np;
	memcpy(copy, w, len);
	memcpy(copy + len, points, len);
	size_t k = memo_hash(w, len) & (h->memo_size - 1);
	while (h->memo[k].word)
		k = (k + 1) & (h->memo_size - 1);
	h->memo[k] = (struct hyph_memo){copy, len, np};
	h->memo_used++;
	return np;
}

static int hyph_word_uncached(struct hyphenator *h, const char *w, size_t len,
			      unsigned char *points)
{
	char low[HYPH_MAX_BYTES + 1];
	char hyphens[HYPH_MAX_BYTES + 5];
	struct hyph_char ch[HYPH_MAX_BYTES];
	size_t nch = 0, clen = 0, letters = 0;
	bool ascii = true;
	int npoints = 0;

	if (!points)
		return 0;
	memset(points, 0, len);
	if (!h || !w || len > HYPH_MAX_BYTES)
		return 0;

	/* Build the lowercase copy the patterns expect, rejecting words
	 * with digits, punctuation or malformed UTF-8. */
	const unsigned char *s = (const unsigned char *)w;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		int n = utf8_decode((const char *)s + i, len - i, &c);
		if (c == 0xFFFD && n == 1)
			return 0; /* malformed, overlong or a surrogate */
		struct hyph_char *hc = &ch[nch++];
		hc->apos = false;
		hc->mark = false;
		if (c < 0x80) {
			if (c == '\'') {
				hc->apos = true;
			} else if (!hyph_alpha((char)c)) {
				return 0;
			}
			low[clen++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
		} else if (c == 0x2019) {
			/* The patterns spell the apostrophe in ASCII; one
			 * character either way, so positions still match. */
			hc->apos = true;
			low[clen++] = '\'';
		} else if (!hyph_letter(c)) {
			return 0;
		} else {
			ascii = false;
			hc->mark = hyph_combining(c);
			/* Latin-1 capitals lowercase without changing length. */
			if (c >= 0xC0 && c <= 0xDE)
				c |= 0x20;
			if (c >= 0x80 && c < 0x800) {
				low[clen++] = (char)(0xC0 | (c >> 6));
				low[clen++] = (char)(0x80 | (c & 0x3F));
			} else {
				memcpy(low + clen, s + i, (size_t)n);
				clen += (size_t)n;
			}
		}
		hc->end = i + (size_t)n - 1;
		if (!hc->apos && !hc->mark)
			letters++;
		i += (size_t)n;
	}
	if (letters < HYPH_WORD_MIN || (!ascii && !h->utf8))
		return 0;
	low[clen] = '\0';

	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	memset(hyphens, '0', sizeof hyphens);
	if (hnj_hyphen_hyphenate2(h->dict, low, (int)clen, hyphens, NULL, &rep,
				  &pos, &cut) != 0)
		goto out;

	/* With a UTF-8 dictionary hyphens[] is indexed by character, with
	 * an 8-bit one by byte; the copy is ASCII in the latter case, so
	 * both are character indices. */
	size_t left = 0;
	for (size_t k = 0; k + 1 < nch; k++) {
		if (!ch[k].apos && !ch[k].mark)
			left++;
		if (left < HYPH_LEFT_MIN || letters - left < HYPH_RIGHT_MIN)
			continue;
		if (ch[k].apos || ch[k + 1].apos || ch[k + 1].mark)
			continue;
		if (!(hyphens[k] & 1))
			continue;
		/* A non-standard break (Schiffahrt -> Schiff-fahrt) changes
		 * the letters; a point cannot express that. */
		if (rep && rep[k])
			continue;
		points[ch[k].end] = 1;
		npoints++;
	}
out:
	if (rep) {
		for (size_t k = 0; k < clen; k++)
			free(rep[k]);
		free(rep);
	}
	free(pos);
	free(cut);
	return npoints;
}
