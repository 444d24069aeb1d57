/* rzb_changepoint: where a series of commits stepped up or down, and by how much.
 * Contract: pure function over arrays. */
#ifndef RZB_CHANGEPOINT_H
#define RZB_CHANGEPOINT_H

#include <stddef.h>

typedef struct {
    double alpha;    /* family-wise level of one segment's search */
    double min_step; /* smallest relative step called, e.g. 0.01 for 1% */
    size_t min_side; /* commits on each side of a split; at least 2 */
} rzb_cp_options;

#define RZB_CP_DEFAULTS ((rzb_cp_options){.alpha = 0.01, .min_step = 0.01, .min_side = 2})

typedef struct {
    size_t at;           /* index of the first commit after the step */
    double step, lo, hi; /* relative step (0.1 = +10%) and its 95% CI, adjacent segments */
    double t;            /* Welch t at detection */
    double p;            /* its two-sided p, Bonferroni-corrected */
} rzb_changepoint;

/* Binary segmentation over the commit sequence of one workload on one machine, on the log of
 * every value (run medians). In a segment, each split with at least `min_side` commits on each
 * side is a candidate; its Welch t compares the log values before and after. Among the
 * candidates whose step reaches `min_step` the one with the largest |t| is called when its
 * two-sided p, Bonferroni-corrected over all the segment's candidates, stays below alpha; the
 * search then recurses into both sides. Once every split is found, each step is measured against
 * its adjacent segments: exp(mean after - mean before) - 1, with the Welch 95% CI.
 * values holds every commit's values one commit after another; commit i's are
 * values[start[i]] .. values[start[i + 1] - 1] (start has n_commits + 1 entries). Writes up to cap
 * change points to out and returns how many were written. Values are > 0 and every commit has at
 * least one; the output is ordered by position; fewer than 2 * min_side commits give none. */
size_t rzb_changepoints(const double *values, const size_t *start, size_t n_commits,
                        const rzb_cp_options *opt, rzb_changepoint *out, size_t cap);

/* The step as a label: "+9.8% [+7.1, +12.6]" (percent, the 95% CI in brackets). */
void rzb_changepoint_text(const rzb_changepoint *c, char *out, size_t cap);

/* The evidence for the step: "Welch t 5.2, p 3e-05 after Bonferroni", or, where neither side
 * varies at all (instruction counts), "no variation on either side: exact counts". */
void rzb_changepoint_evidence(const rzb_changepoint *c, char *out, size_t cap);

#endif
