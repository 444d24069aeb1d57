/* rzb_compare: one workload measured twice (OLD and NEW), judged as a change.
 * Contract: the unit of evidence is the run (its median). */
#ifndef RZB_COMPARE_H
#define RZB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#define RZB_COMPARE_MARGIN 0.03 /* time: +-3% */
#define RZB_COMPARE_ALPHA 0.05  /* each one-sided test; the CI is 90% */
#define RZB_INSTRUCTION_MARGIN 0.01

/* With margin m the change is:
 *   regression   the CI of `worse` lies above 1 + m;
 *   improvement  it lies below 1 / (1 + m);
 *   equivalent   it lies within [1 / (1 + m), 1 + m]: two one-sided tests (TOST) at alpha;
 *   not worse    its upper bound is at most 1 + m, its lower bound below 1 / (1 + m);
 *   inconclusive otherwise.
 * Counts measured once per side (instructions) have no CI: the change is decided on the ratio
 * itself against m. */
typedef enum {
    RZB_CHANGE_REGRESSION,
    RZB_CHANGE_IMPROVEMENT,
    RZB_CHANGE_EQUIVALENT,
    RZB_CHANGE_NOT_WORSE,
    RZB_CHANGE_INCONCLUSIVE,
} rzb_change;

/* One workload on both sides: its run medians and what they compare to. */
typedef struct {
    char workload[160];
    char metric[16]; /* "time", "instructions", or the unit's kind */
    char unit[16];
    double *old_runs, *new_runs; /* run medians (or one count per side) */
    size_t n_old, n_new;
    bool paired; /* run k of each side was measured back to back (gate, ABBA) */
    /* filled by rzb_compare_judge */
    double old_value, new_value; /* geometric means of the run medians */
    double ratio, lo, hi; /* NEW / OLD of the metric as reported, with its CI (NaN bounds: no CI) */
    /* The ratio oriented so that above 1 is worse (times, instructions and bytes as they are;
     * rates such as tokens/s inverted). */
    double worse, worse_lo, worse_hi;
    size_t runs; /* pairs (paired) or the smaller side's runs */
    double margin, alpha;
    rzb_change change;
    /* Not worse than the margin, shown: a gate passes a workload whose upper bound is at most
     * 1 + m. */
    bool pass;
} rzb_compare_row;

/* Judges one row at margin m and level alpha: paired rows by the median of the per-run ratios
 * with the sign test's CI (distribution-free: a run whose process lands badly, e.g. a server on
 * a busy core, moves it by one order statistic, not by its size), unpaired ones by Welch's t on
 * the log run medians, single counts by the ratio itself. The CI is at level 1 - 2 alpha (90% at
 * the default alpha 0.05), so each bound is the one-sided test at alpha. */
void rzb_compare_judge(rzb_compare_row *row, double margin, double alpha);

/* "regression", "improvement", "equivalent", "not worse" or "inconclusive". */
const char *rzb_change_name(rzb_change c);

/* Sets row's workload, metric and unit, and copies the medians. False when memory runs out. */
bool rzb_compare_row_init(rzb_compare_row *row, const char *workload, const char *metric,
                          const char *unit, const double *old_runs, size_t n_old,
                          const double *new_runs, size_t n_new, bool paired);
void rzb_compare_row_free(rzb_compare_row *row);

#endif
