#include "harness/compare.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True for units where a larger value is better (anything per second). */
static bool rzb_unit_higher_is_better(const char *unit) {
    size_t n = strlen(unit);
    return n >= 2 && !strcmp(unit + n - 2, "/s");
}

const char *rzb_change_name(rzb_change c) {
    static const char *const names[] = {"regression", "improvement", "equivalent", "not worse",
                                        "inconclusive"};
    return names[c];
}

static double log_mean(const double *x, size_t n, double *var) {
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += log(x[i]);
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (log(x[i]) - mean) * (log(x[i]) - mean);
    *var = n > 1 ? sq / (double)(n - 1) : NAN;
    return mean;
}

static bool all_positive(const double *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0)) return false;
    return n > 0;
}

/* Welch's t on log values: NEW / OLD with a CI at level 1 - 2 alpha. */
static void welch(rzb_compare_row *row, double alpha) {
    double v_old, v_new;
    double m_old = log_mean(row->old_runs, row->n_old, &v_old);
    double m_new = log_mean(row->new_runs, row->n_new, &v_new);
    double d = m_new - m_old;
    row->ratio = exp(d);
    row->lo = row->hi = NAN;
    if (row->n_old < 2 || row->n_new < 2) return;
    double a = v_old / (double)row->n_old, b = v_new / (double)row->n_new;
    double se = sqrt(a + b);
    if (se == 0) {
        row->lo = row->hi = row->ratio;
        return;
    }
    double df =
        (a + b) * (a + b) / (a * a / (double)(row->n_old - 1) + b * b / (double)(row->n_new - 1));
    double t = gsl_cdf_tdist_Qinv(alpha, df);
    row->lo = exp(d - t * se);
    row->hi = exp(d + t * se);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Paired runs: the median of the per-run log-ratios, with the sign test's distribution-free CI
 * (order statistics j and k + 1 - j, j the largest with P(Binomial(k, 1/2) < j) <= alpha). */
static void paired(rzb_compare_row *row, double alpha) {
    size_t k = row->n_old < row->n_new ? row->n_old : row->n_new;
    double *d = malloc(k * sizeof *d);
    row->ratio = row->lo = row->hi = NAN;
    if (!d) return;
    for (size_t i = 0; i < k; i++)
        d[i] = log(row->new_runs[i] / row->old_runs[i]);
    qsort(d, k, sizeof *d, by_value);
    row->ratio = exp(k % 2 ? d[k / 2] : (d[k / 2 - 1] + d[k / 2]) / 2);
    size_t j = 0;
    while (j + 1 <= k / 2 && gsl_cdf_binomial_P((unsigned)j, 0.5, (unsigned)k) <= alpha)
        j++;
    if (j > 0) {
        row->lo = exp(d[j - 1]);
        row->hi = exp(d[k - j]);
    }
    free(d);
}

static rzb_change classify(double lo, double hi, double margin) {
    double up = 1 + margin, down = 1 / (1 + margin);
    if (lo > up) return RZB_CHANGE_REGRESSION;
    if (hi < down) return RZB_CHANGE_IMPROVEMENT;
    if (lo >= down && hi <= up) return RZB_CHANGE_EQUIVALENT;
    if (hi <= up) return RZB_CHANGE_NOT_WORSE;
    return RZB_CHANGE_INCONCLUSIVE;
}

void rzb_compare_judge(rzb_compare_row *row, double margin, double alpha) {
    row->margin = margin;
    row->alpha = alpha;
    row->old_value = row->new_value = row->ratio = row->lo = row->hi = NAN;
    row->change = RZB_CHANGE_INCONCLUSIVE;
    row->pass = false;
    row->runs = row->n_old < row->n_new ? row->n_old : row->n_new;
    if (!all_positive(row->old_runs, row->n_old) || !all_positive(row->new_runs, row->n_new))
        return;
    double unused;
    row->old_value = exp(log_mean(row->old_runs, row->n_old, &unused));
    row->new_value = exp(log_mean(row->new_runs, row->n_new, &unused));
    if (row->paired && row->runs >= 2)
        paired(row, alpha);
    else
        welch(row, alpha);
    bool invert = rzb_unit_higher_is_better(row->unit);
    row->worse = invert ? 1 / row->ratio : row->ratio;
    row->worse_lo = invert ? 1 / row->hi : row->lo;
    row->worse_hi = invert ? 1 / row->lo : row->hi;
    bool counted = !strcmp(row->metric, "instructions");
    if (isnan(row->worse_lo) && counted)
        row->change = classify(row->worse, row->worse, margin);
    else if (!isnan(row->worse_lo))
        row->change = classify(row->worse_lo, row->worse_hi, margin);
    row->pass = row->change != RZB_CHANGE_REGRESSION && row->change != RZB_CHANGE_INCONCLUSIVE;
}

static double *copy(const double *x, size_t n) {
    double *out = malloc((n ? n : 1) * sizeof *out);
    if (out && n) memcpy(out, x, n * sizeof *out);
    return out;
}

bool rzb_compare_row_init(rzb_compare_row *row, const char *workload, const char *metric,
                          const char *unit, const double *old_runs, size_t n_old,
                          const double *new_runs, size_t n_new, bool is_paired) {
    memset(row, 0, sizeof *row);
    snprintf(row->workload, sizeof row->workload, "%s", workload);
    snprintf(row->metric, sizeof row->metric, "%s", metric);
    snprintf(row->unit, sizeof row->unit, "%s", unit);
    row->old_runs = copy(old_runs, n_old);
    row->new_runs = copy(new_runs, n_new);
    row->n_old = n_old;
    row->n_new = n_new;
    row->paired = is_paired;
    return row->old_runs && row->new_runs;
}

void rzb_compare_row_free(rzb_compare_row *row) {
    free(row->old_runs);
    free(row->new_runs);
    row->old_runs = row->new_runs = NULL;
}
