/*
 * linebreak.h - optimal (Knuth-Plass total-fit) line breaking and
 * hyphenation.  Pure computation: no fonts, no PDF.
 *
 * The caller turns a paragraph into boxes (words or word fragments, with
 * their widths), glue (spaces that stretch and shrink) and penalties
 * (possible breaks: hyphenation points with a flag, forced breaks with
 * -LB_INFINITY, forbidden ones with +LB_INFINITY), and gets back the items
 * at which lines end.
 */
#ifndef FOLIO_LINEBREAK_H
#define FOLIO_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

#define LB_INFINITY 10000.0

enum lb_kind { LB_BOX, LB_GLUE, LB_PENALTY };

struct lb_item {
	enum lb_kind kind;
	double width;   /* box, glue; for a penalty: width added if broken here (hyphen) */
	double stretch; /* glue */
	double shrink;  /* glue */
	double penalty; /* penalty: cost of breaking here */
	bool flagged;   /* penalty: a hyphen break (consecutive ones cost more) */
};

struct lb_params {
	double tolerance;        /* max adjustment ratio accepted on first pass (e.g. 2) */
	double hyphen_demerits;  /* flagged-flagged demerits (e.g. 3000) */
	double fitness_demerits; /* adjacent very different tightness (e.g. 3000) */
	double line_penalty;     /* added to each line's badness (e.g. 10) */
};

/*
 * Breaks items[0..n) into lines; line k (0-based) has width widths[k], or
 * widths[nwidths-1] for every later line.  The paragraph must end with
 * glue (stretch "infinite") and a forced-break penalty, as TeX's does.
 *
 * Building the items, TeX's way:
 *   - an indent is an empty box of the indent's width first (or a
 *     narrower widths[0]); other shapes (beside a float) go in widths[];
 *   - a word is a box; a hyphenation point inside it is a penalty with
 *     width = the hyphen's width, penalty ~50 and flagged set, between
 *     the boxes of its fragments; after an explicit hyphen ("well-" box)
 *     a penalty of width 0, flagged;
 *   - a space is glue; a no-break space is penalty(+LB_INFINITY) + glue;
 *   - a hard line break is like the end below (without the infinite glue
 *     the line before it gets justified);
 *   - the end is penalty(+LB_INFINITY), glue(0, stretch INFINITY or 1e9),
 *     penalty(-LB_INFINITY).
 * Breaks may fall at glue that follows a box, and at penalties below
 * LB_INFINITY.  Glue and penalties right after a break are discarded, up
 * to the next box or forced break (so two forced breaks with only glue
 * between them make an empty line).
 *
 * On return *breaks (heap, caller frees) holds the index of the item at
 * which each line ends (a glue or penalty item; the last is n-1),
 * *nbreaks the line count, and ratios[k] (heap, caller frees; pass NULL if
 * not wanted) the adjustment ratio of line k: set each glue at
 * width + r * stretch, or width + r * shrink when r < 0.  Lines are in
 * [-1, params->tolerance] when possible; otherwise the breaker retries at
 * tolerance 10, then with any ratio >= -1.  Special values: 0 for a line
 * with infinite stretch (the finite glue stays natural, the infinite glue
 * takes the rest) and for an underfull line followed by an overfull one
 * (set it ragged); LB_INFINITY for an underfull line with no stretch at
 * all; below -1 (down to -LB_INFINITY) for an overfull line, which
 * happens only where something between two breakpoints (one box, or
 * boxes without a break) is wider than the line: clamp r to -1 when
 * setting it and let it stick out (or split such boxes beforehand).
 *
 * Total-fit optimal within a pass; O(n * active nodes) time with a
 * bounded active list: some 20-40 ms for 100,000 words of running text
 * (a paragraph that needs the last, any-ratio pass costs a few times
 * that, since no line is too loose there to skip).  Returns 0, or
 * -1 on bad input (NULL pointers, n == 0, nwidths < 1, NaN or infinite
 * widths, negative stretch or shrink, infinite shrink, negative
 * tolerance, last item not a forced break) or if out of memory.
 */
int linebreak(const struct lb_item *items, size_t n, const double *widths,
	      int nwidths, const struct lb_params *params, size_t **breaks,
	      int *nbreaks, double **ratios);

/* Working memory that linebreak_in() keeps from one call to the next, so
 * that breaking paragraph after paragraph does not grow it anew each
 * time.  Start from {0}; the caller frees it with lb_work_free(). */
struct lb_node;
struct lb_active;
struct lb_cand;
struct lb_work {
	struct lb_node *nodes;
	struct lb_active *active;
	struct lb_cand *cand;
	size_t capnodes, capactive, capcand;
};

/* linebreak() with its working memory in *work. */
int linebreak_in(struct lb_work *work, const struct lb_item *items, size_t n,
		 const double *widths, int nwidths,
		 const struct lb_params *params, size_t **breaks, int *nbreaks,
		 double **ratios);
void lb_work_free(struct lb_work *w);

/* ---- Hyphenation (libhyphen) ---- */

struct hyphenator;

/* Loads patterns for a language ("en", "en-US", "en_GB", "de_CH.UTF-8"
 * ...) from /usr/share/hyphen: hyph_<ll>_<CC>.dic, else hyph_<ll>.dic,
 * hyph_<ll>_<LL>.dic, hyph_en_US.dic for English, any hyph_<ll>_*.dic.
 * Returns NULL if none are installed (the caller warns once and goes on
 * without hyphenation).  Free with hyph_free (NULL is fine). */
struct hyphenator *hyph_load(const char *lang);
void hyph_free(struct hyphenator *h);

/* For the UTF-8 word w[0..len), sets points[i] = 1 where a hyphen may be
 * inserted after byte i (i.e. before byte i+1), 0 elsewhere; points has len
 * entries.  Respects minimum fragment lengths of 2 (left) and 3 (right)
 * characters.  Returns the number of points.  Words of fewer than 5
 * letters, longer than 256 bytes, or with anything but letters and
 * apostrophes (' or U+2019; digits, hyphens, punctuation, malformed UTF-8)
 * get none: strip surrounding punctuation first, and hyphenate the parts
 * of a hyphenated compound separately.  Case does not matter (ASCII and
 * Latin-1).  h may be NULL (no points). */
int hyph_word(struct hyphenator *h, const char *w, size_t len,
	      unsigned char *points);

#endif
