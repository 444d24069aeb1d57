/* The selftest-only workload of claim H1 (`rzbench selftest`) and the selftest's bookkeeping.
 * Contract: a side runs an unchanged workload (rz's P1 predict in H1, anything in tests) and then,
 * for side B, spins on the monotonic clock for delay_ns_per_call ns per call, so B takes a known
 * fraction longer than A. The delay lives here only: nothing in engine/ or backends/ knows about
 * it. */
#ifndef RZB_WORKLOAD_SELFTEST_DELAY_H
#define RZB_WORKLOAD_SELFTEST_DELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/result.h"
#include "harness/runner.h"

typedef struct {
    rzb_body_fn work; /* the workload, untouched */
    void *work_ctx;
    double delay_ns_per_call; /* the injected delay; 0 on side A */
} rzb_selftest_side;

/* Spins on CLOCK_MONOTONIC until `ns` nanoseconds have passed (0: returns at once). */
void rzb_selftest_spin(uint64_t ns);

/* rzb_body_fn on a rzb_selftest_side: `calls` calls of the workload, then the delay of `calls`
 * calls in one spin. */
void rzb_selftest_body(void *side, uint64_t calls);

/* Median ns per call over `runs` runs of `plan` on this side (each run after its warm-up): the
 * calibration that sizes a delay, and the check of what a delay achieved. */
double rzb_selftest_median_ns(rzb_selftest_side *side, const rzb_sampling *plan, int runs);

/* One repetition's outcome: side B over side A, threshold 1. */
typedef struct {
    rzb_verdict test;     /* the run-level test alone: SUPPORTED: B slower, FALSIFIED: faster */
    rzb_verdict verdict;  /* the same after the runner's rules */
    double ratio, lo, hi; /* geometric mean of the per-run ratios, CI at level 1 - 2 alpha */
    double p_slower, p_faster; /* one-sided p of "B is not slower", "B is not faster" */
    double ratio_cv;           /* sd of the per-run log-ratios */
    double a_ns;               /* side A's median ns per call over the repetition */
    double foreign_cpus;       /* r->foreign_cpus, as the runner's load rule read it */
    bool busy;                 /* foreign_cpus above the runner's bound: its load rule applies */
} rzb_selftest_outcome;

/* Judges one repetition (a miniature claim comparison) exactly as the claims' comparisons are
 * judged, runner's rules included, r as a claim with one comparison: r->series[0] holds side A's
 * samples and r->series[1] side B's, tagged by run; r has no comparison yet, r->foreign_cpus is the
 * load during the repetition and r->foreign_bound the runner's bound (0: its default). Compares at
 * threshold 1 and one-sided level alpha, judges, then applies the runner's rules (runs, ratio CV,
 * foreign load); r keeps the verdict and its reason. */
rzb_selftest_outcome rzb_selftest_judge(rzb_result *r, double alpha);

/* The exact CI of a rate over repetitions: Clopper-Pearson (exact binomial) two-sided CI at `level`
 * of the rate k / n; NaN when n < 1. */
void rzb_selftest_rate_ci(int k, int n, double level, double *lo, double *hi);

#endif
