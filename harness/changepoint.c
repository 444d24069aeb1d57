#include "harness/changepoint.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/stats.h"

/* Welch's comparison of the means of two samples: b's mean less a's. */
typedef struct {
    double diff, se, df, t;
} welch;

/* The state of one search: the log values, and the splits found so far (unordered). */
typedef struct {
    const double *logs;
    const size_t *start;
    size_t side;
    const rzb_cp_options *opt;
    rzb_changepoint *found;
    size_t n_found;
} search;

static void moments(const double *x, size_t n, double *mean, double *var) {
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *var = v / (double)(n - 1);
}

/* Needs na, nb >= 2. With no spread on either side, df falls back to na + nb - 2. */
static welch welch_test(const double *a, size_t na, const double *b, size_t nb) {
    assert(na >= 2 && nb >= 2);
    double ma, va, mb, vb;
    moments(a, na, &ma, &va);
    moments(b, nb, &mb, &vb);
    double qa = va / (double)na, qb = vb / (double)nb;
    welch w = {.diff = mb - ma, .se = sqrt(qa + qb), .df = (double)(na + nb - 2)};
    if (qa + qb > 0)
        w.df = (qa + qb) * (qa + qb) / (qa * qa / (double)(na - 1) + qb * qb / (double)(nb - 1));
    if (w.se > 0)
        w.t = w.diff / w.se;
    else
        w.t = w.diff == 0 ? 0 : copysign(INFINITY, w.diff);
    return w;
}

/* Commits [from, k) against commits [k, to). */
static welch split_test(const search *s, size_t from, size_t k, size_t to) {
    const size_t *st = s->start;
    return welch_test(s->logs + st[from], st[k] - st[from], s->logs + st[k], st[to] - st[k]);
}

/* Binary segmentation of commits [from, to). */
static void segment(search *s, size_t from, size_t to) {
    if (to - from < 2 * s->side) return;
    size_t candidates = to - from - 2 * s->side + 1, best = 0;
    welch bw = {0};
    for (size_t k = from + s->side; k + s->side <= to; k++) {
        welch w = split_test(s, from, k, to);
        if (fabs(expm1(w.diff)) < s->opt->min_step) continue;
        if (!best || fabs(w.t) > fabs(bw.t)) {
            best = k;
            bw = w;
        }
    }
    if (!best) return;
    double p = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(bw.t), bw.df) * (double)candidates);
    if (!(p < s->opt->alpha)) return;
    s->found[s->n_found++] = (rzb_changepoint){.at = best, .t = bw.t, .p = p};
    segment(s, from, best);
    segment(s, best, to);
}

static void sort_by_position(rzb_changepoint *c, size_t n) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && c[j - 1].at > c[j].at; j--) {
            rzb_changepoint tmp = c[j];
            c[j] = c[j - 1];
            c[j - 1] = tmp;
        }
}

/* Each step's size and 95% CI against the segments on either side of it. */
static void measure_steps(const search *s, size_t n_commits) {
    for (size_t i = 0; i < s->n_found; i++) {
        size_t from = i ? s->found[i - 1].at : 0;
        size_t to = i + 1 < s->n_found ? s->found[i + 1].at : n_commits;
        welch w = split_test(s, from, s->found[i].at, to);
        double half = gsl_cdf_tdist_Pinv(0.975, w.df) * w.se;
        s->found[i].step = expm1(w.diff);
        s->found[i].lo = expm1(w.diff - half);
        s->found[i].hi = expm1(w.diff + half);
    }
}

size_t rzb_changepoints(const double *values, const size_t *start, size_t n_commits,
                        const rzb_cp_options *opt, rzb_changepoint *out, size_t cap) {
    size_t side = opt->min_side < 2 ? 2 : opt->min_side;
    if (n_commits < 2 * side) return 0;
    size_t n = start[n_commits];
    double *logs = malloc(n * sizeof *logs);
    rzb_changepoint *found = malloc(n_commits * sizeof *found);
    if (!logs || !found) abort();
    for (size_t i = 0; i < n; i++) {
        assert(values[i] > 0);
        logs[i] = log(values[i]);
    }
    search s = {.logs = logs, .start = start, .side = side, .opt = opt, .found = found};
    segment(&s, 0, n_commits);
    sort_by_position(found, s.n_found);
    measure_steps(&s, n_commits);
    size_t written = s.n_found < cap ? s.n_found : cap;
    for (size_t i = 0; i < written; i++)
        out[i] = found[i];
    free(logs);
    free(found);
    return written;
}

void rzb_changepoint_text(const rzb_changepoint *c, char *out, size_t cap) {
    snprintf(out, cap, "%+.1f%% [%+.1f, %+.1f]", 100 * c->step, 100 * c->lo, 100 * c->hi);
}

void rzb_changepoint_evidence(const rzb_changepoint *c, char *out, size_t cap) {
    char p[32];
    if (c->hi - c->lo <= 1e-9 * fabs(c->step))
        snprintf(out, cap, "no variation on either side: exact counts");
    else
        snprintf(out, cap, "Welch t %.1f, p %s after Bonferroni", c->t, rzb_p_text(c->p, p));
}
