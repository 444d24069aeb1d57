/* rzb_stats: summaries and tests over raw samples, computed with GSL.
 * Contract: inputs are never reordered (functions sort private copies); outliers are counted with
 * Tukey's 1.5 IQR fences and reported, never dropped. Tests of timings work on log-times, so a
 * ratio of times becomes a difference of means; the unit of a test is the run. Out of memory
 * gives NaN figures and p-values of 1: no evidence, never a false verdict. */
#ifndef RZB_STATS_H
#define RZB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t n;
    double mean, sd, median, mad; /* MAD scaled by 1.4826, comparable to sd for normal data */
    double p50, p95, p99, min, max;
    double ci_lo, ci_hi; /* 95% CI of the mean (Student t); on the log scale when every value is
                          * > 0, so a time's interval never goes below zero */
    double q1, q3;
    size_t outliers_low, outliers_high; /* beyond Tukey's fences q1 - 1.5 IQR, q3 + 1.5 IQR */
    double cv;                          /* sd / mean */
} rzb_summary;

void rzb_summarize(const double *x, size_t n, rzb_summary *out);

/* Cohen's d on log-times: (mean log b - mean log a) / pooled sd; positive when a is faster. */
double rzb_cohen_d_log(const double *a, size_t na, const double *b, size_t nb);

/* Run-level evidence that `slow` takes `threshold` times as long as `fast` or more: slow[k] and
 * fast[k] are the medians of run k on each side, measured back to back (ABBA order). The unit of
 * evidence is the run: d_k = log(slow[k] / fast[k]), t with k - 1 degrees of freedom.
 * lo and hi bound a two-sided CI at level 1 - 2 alpha, so each bound is a one-sided 1 - alpha
 * bound and `p_above < alpha` exactly when `lo > threshold` (the test is at the CI's own level).
 * Fewer than 2 runs, or a value <= 0, gives NaN everywhere but k. */
typedef struct {
    size_t k;       /* runs */
    double ratio;   /* exp(mean d): geometric mean of the per-run ratios */
    double lo, hi;  /* CI at level 1 - 2 alpha */
    double p_above; /* one-sided p of H0 "ratio <= threshold" (small: the claim holds) */
    double p_below; /* one-sided p of H0 "ratio >= threshold" (small: the claim fails) */
    double sd_log;  /* sd of d: about the CV of the per-run ratios */
    double cohen_d; /* filled by rzb_series_ratio: Cohen's d on the per-run log medians */
} rzb_paired;

rzb_paired rzb_paired_log_ratio(const double *slow, const double *fast, size_t k, double threshold,
                                double alpha);

/* Mean of log(x) with its two-sided CI at `level`, returned on the original scale (a geometric
 * mean, never negative); false when n < 2 or a value is <= 0. */
bool rzb_log_mean_ci(const double *x, size_t n, double level, double *gmean, double *lo,
                     double *hi);

/* Holm-Bonferroni: adjusted p-values for n tests, in the input order. */
void rzb_holm(const double *p, size_t n, double *adjusted);

/* p as text: "%.2g", or "< 1e-300" where the t distribution's tail underflows to 0. */
const char *rzb_p_text(double p, char buf[32]);

/* Median of x (private copy). */
double rzb_median(const double *x, size_t n);

#endif
