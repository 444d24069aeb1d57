/* rzb_stats: summaries and tests over raw samples, computed with GSL.
 * Contract: inputs are never reordered (functions sort private copies); outliers are counted with
 * Tukey's 1.5 IQR fences and reported, never dropped. Tests between two timing samples work on
 * log-times, so a ratio of times becomes a difference of means. */
#ifndef RZB_STATS_H
#define RZB_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t n;
    double mean, sd, median, mad; /* MAD scaled by 1.4826, comparable to sd for normal data */
    double p50, p95, p99, min, max;
    double ci_lo, ci_hi; /* 95% CI of the mean (Student t) */
    double q1, q3;
    size_t outliers_low, outliers_high; /* beyond Tukey's fences q1 - 1.5 IQR, q3 + 1.5 IQR */
    double cv;                          /* sd / mean */
} rzb_summary;

void rzb_summarize(const double *x, size_t n, rzb_summary *out);

typedef struct {
    double t, df, p; /* two-sided p-value */
} rzb_ttest;

/* Welch's t-test on log(a) against log(b); every value must be > 0. */
rzb_ttest rzb_welch_log(const double *a, size_t na, const double *b, size_t nb);

/* Cohen's d on log-times: (mean log b - mean log a) / pooled sd; positive when a is faster. */
double rzb_cohen_d_log(const double *a, size_t na, const double *b, size_t nb);

typedef struct {
    double ratio, lo, hi; /* median(slow) / median(fast) and its 95% percentile-bootstrap CI */
} rzb_ratio;

/* Bootstrap CI of the ratio of medians, with `resamples` draws from a fixed-seed generator
 * (the same data always gives the same interval). */
rzb_ratio rzb_bootstrap_ratio(const double *slow, size_t ns, const double *fast, size_t nf,
                              int resamples, uint64_t seed);

/* Holm-Bonferroni: adjusted p-values for n tests, in the input order. */
void rzb_holm(const double *p, size_t n, double *adjusted);

/* p as text: "%.2g", or "< 1e-300" where the t distribution's tail underflows to 0. */
const char *rzb_p_text(double p, char buf[32]);

/* Median of x (private copy). */
double rzb_median(const double *x, size_t n);

#endif
