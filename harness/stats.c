#include "harness/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double *sorted_copy(const double *x, size_t n) {
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c) return NULL;
    memcpy(c, x, n * sizeof *c);
    gsl_sort(c, 1, n);
    return c;
}

double rzb_median(const double *x, size_t n) {
    if (!n) return NAN;
    double *c = sorted_copy(x, n);
    if (!c) return NAN;
    double m = gsl_stats_median_from_sorted_data(c, 1, n);
    free(c);
    return m;
}

void rzb_summarize(const double *x, size_t n, rzb_summary *s) {
    memset(s, 0, sizeof *s);
    s->n = n;
    double *c = n ? sorted_copy(x, n) : NULL;
    if (!c) {
        s->mean = s->sd = s->median = s->mad = s->p50 = s->p95 = s->p99 = NAN;
        s->min = s->max = s->ci_lo = s->ci_hi = s->q1 = s->q3 = s->cv = NAN;
        return;
    }
    s->mean = gsl_stats_mean(c, 1, n);
    s->sd = n > 1 ? gsl_stats_sd_m(c, 1, n, s->mean) : 0.0;
    s->median = s->p50 = gsl_stats_median_from_sorted_data(c, 1, n);
    s->p95 = gsl_stats_quantile_from_sorted_data(c, 1, n, 0.95);
    s->p99 = gsl_stats_quantile_from_sorted_data(c, 1, n, 0.99);
    s->q1 = gsl_stats_quantile_from_sorted_data(c, 1, n, 0.25);
    s->q3 = gsl_stats_quantile_from_sorted_data(c, 1, n, 0.75);
    s->min = c[0];
    s->max = c[n - 1];
    double gmean,
        half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s->sd / sqrt((double)n) : 0;
    if (!rzb_log_mean_ci(c, n, 0.95, &gmean, &s->ci_lo, &s->ci_hi)) {
        s->ci_lo = s->mean - half;
        s->ci_hi = s->mean + half;
    }
    s->cv = s->mean != 0 ? s->sd / s->mean : NAN;
    double iqr = s->q3 - s->q1;
    for (size_t i = 0; i < n; i++) {
        s->outliers_low += c[i] < s->q1 - 1.5 * iqr;
        s->outliers_high += c[i] > s->q3 + 1.5 * iqr;
    }
    for (size_t i = 0; i < n; i++)
        c[i] = fabs(c[i] - s->median);
    gsl_sort(c, 1, n);
    s->mad = 1.4826 * gsl_stats_median_from_sorted_data(c, 1, n);
    free(c);
}

static double *logs(const double *x, size_t n) {
    double *l = malloc((n ? n : 1) * sizeof *l);
    if (!l) return NULL;
    for (size_t i = 0; i < n; i++)
        l[i] = log(x[i]);
    return l;
}

double rzb_cohen_d_log(const double *a, size_t na, const double *b, size_t nb) {
    if (na < 2 || nb < 2) return NAN;
    double *la = logs(a, na), *lb = logs(b, nb);
    if (!la || !lb) {
        free(la);
        free(lb);
        return NAN;
    }
    double ma = gsl_stats_mean(la, 1, na), mb = gsl_stats_mean(lb, 1, nb);
    double va = gsl_stats_variance_m(la, 1, na, ma), vb = gsl_stats_variance_m(lb, 1, nb, mb);
    free(la);
    free(lb);
    double pooled = sqrt(((na - 1) * va + (nb - 1) * vb) / (double)(na + nb - 2));
    return pooled > 0 ? (mb - ma) / pooled : (mb == ma ? 0 : copysign(INFINITY, mb - ma));
}

/* Mean and sd of log(x); false when n < 2 or a value is <= 0. */
static bool log_moments(const double *x, size_t n, double *mean, double *sd) {
    if (n < 2) return false;
    double *l = malloc(n * sizeof *l);
    if (!l) return false;
    bool positive = true;
    for (size_t i = 0; i < n; i++) {
        positive = positive && x[i] > 0;
        l[i] = positive ? log(x[i]) : 0;
    }
    *mean = gsl_stats_mean(l, 1, n);
    *sd = gsl_stats_sd_m(l, 1, n, *mean);
    free(l);
    return positive;
}

bool rzb_log_mean_ci(const double *x, size_t n, double level, double *gmean, double *lo,
                     double *hi) {
    double m, sd;
    if (!log_moments(x, n, &m, &sd)) return false;
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1)) * sd / sqrt((double)n);
    *gmean = exp(m);
    *lo = exp(m - half);
    *hi = exp(m + half);
    return true;
}

rzb_paired rzb_paired_log_ratio(const double *slow, const double *fast, size_t k, double threshold,
                                double alpha) {
    rzb_paired r = {k, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    double *ratios = malloc((k ? k : 1) * sizeof *ratios);
    if (!ratios) return r;
    for (size_t i = 0; i < k; i++)
        ratios[i] = fast[i] > 0 ? slow[i] / fast[i] : NAN;
    double m, sd;
    bool ok = log_moments(ratios, k, &m, &sd) && threshold > 0;
    free(ratios);
    if (!ok) return r;
    double se = sd / sqrt((double)k), df = (double)(k - 1), gap = m - log(threshold);
    double half = gsl_cdf_tdist_Pinv(1 - alpha, df) * se;
    r.ratio = exp(m);
    r.lo = exp(m - half);
    r.hi = exp(m + half);
    r.sd_log = sd;
    if (se == 0) {
        r.p_above = gap > 0 ? 0.0 : 1.0;
        r.p_below = gap < 0 ? 0.0 : 1.0;
    } else {
        r.p_above = gsl_cdf_tdist_Q(gap / se, df);
        r.p_below = gsl_cdf_tdist_P(gap / se, df);
    }
    return r;
}

void rzb_holm(const double *p, size_t n, double *adjusted) {
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        for (size_t k = 0; k < n; k++)
            adjusted[k] = 1;
        return;
    }
    gsl_sort_index(order, p, 1, n);
    double running = 0;
    for (size_t k = 0; k < n; k++) {
        double v = (double)(n - k) * p[order[k]];
        if (v > 1) v = 1;
        if (v < running) v = running; /* adjusted p-values never decrease along the order */
        running = v;
        adjusted[order[k]] = v;
    }
    free(order);
}

const char *rzb_p_text(double p, char buf[32]) {
    if (p == 0)
        snprintf(buf, 32, "< 1e-300");
    else
        snprintf(buf, 32, "%.2g", p);
    return buf;
}
