#include "engine/perplexity/kld.h"

#include <math.h>
#include <stdlib.h>

#include "engine/perplexity/score.h"

const double rz_kld_pct_levels[RZ_KLD_N_PCT] = {99.9, 99, 95, 90, 50, 10, 5, 1, 0.1};

rz_kld_point rz_kld_token(const rz_kld_base *b, int64_t i, const float *logits, int32_t next,
                          double *scratch) {
    const int best = rz_ppl_log_softmax(logits, b->n_vocab, scratch);
    const int32_t *ids = b->top_id + i * b->top_k;
    const float *lps = b->top_logp + i * b->top_k;
    double kld = 0.0, p_top = 0.0, q_top = 0.0;
    for (int t = 0; t < b->top_k; t++) {
        const double lp = lps[t], lq = scratch[ids[t]], p = exp(lp);
        kld += p * (lp - lq);
        p_top += p;
        q_top += exp(lq);
    }
    const double p_rest = 1.0 - p_top, q_rest = 1.0 - q_top;
    if (p_rest > 1e-12) kld += p_rest * (log(p_rest) - log(q_rest > 1e-300 ? q_rest : 1e-300));
    const double lp_next = b->target[i], lq_next = scratch[next];
    return (rz_kld_point){.kld = kld,
                          .dp = exp(lq_next) - exp(lp_next),
                          .logp_base = lp_next,
                          .logp_q = lq_next,
                          .same_top = best == ids[0]};
}

rz_status rz_kld_acc_push(rz_kld_acc *a, rz_kld_point p, rz_error *err) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        rz_kld_point *q = realloc(a->p, cap * sizeof *q);
        if (!q) return rz_fail(err, RZ_ENOMEM, "out of memory for %zu KLD points", cap);
        a->p = q;
        a->cap = cap;
    }
    a->p[a->n++] = p;
    return RZ_OK;
}

void rz_kld_acc_free(rz_kld_acc *a) {
    free(a->p);
    *a = (rz_kld_acc){0};
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean with standard error, extremes and percentiles of x[n] (sorted in place). */
static void distribution(double *x, size_t n, rz_kld_dist *d) {
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i], sum2 += x[i] * x[i];
    d->mean = sum / (double)n;
    const double var = (sum2 / (double)n - d->mean * d->mean) * (double)n / (double)(n - 1);
    d->err = var > 0 ? sqrt(var / (double)n) : 0.0;
    qsort(x, n, sizeof *x, cmp_double);
    d->min = x[0];
    d->max = x[n - 1];
    for (int k = 0; k < RZ_KLD_N_PCT; k++) {
        const double pos = rz_kld_pct_levels[k] / 100.0 * (double)(n - 1);
        const size_t lo = (size_t)pos;
        const double frac = pos - (double)lo;
        d->pct[k] = lo + 1 < n ? x[lo] + frac * (x[lo + 1] - x[lo]) : x[n - 1];
    }
}

/* Mean and standard error of x[n]. */
static void mean_err(const double *x, size_t n, double *mean, double *err) {
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i], sum2 += x[i] * x[i];
    *mean = sum / (double)n;
    const double var = (sum2 / (double)n - *mean * *mean) * (double)n / (double)(n - 1);
    *err = var > 0 ? sqrt(var / (double)n) : 0.0;
}

static void perplexities(const rz_kld_acc *a, double *tmp, rz_kld_summary *s) {
    const size_t n = a->n;
    double mq, eq, mb, eb, ml, el;
    for (size_t i = 0; i < n; i++)
        tmp[i] = -a->p[i].logp_q;
    mean_err(tmp, n, &mq, &eq);
    for (size_t i = 0; i < n; i++)
        tmp[i] = -a->p[i].logp_base;
    mean_err(tmp, n, &mb, &eb);
    for (size_t i = 0; i < n; i++)
        tmp[i] = a->p[i].logp_base - a->p[i].logp_q;
    mean_err(tmp, n, &ml, &el);
    s->ppl_q = exp(mq), s->ppl_q_err = s->ppl_q * eq;
    s->ppl_base = exp(mb), s->ppl_base_err = s->ppl_base * eb;
    s->ln_ratio = ml, s->ln_ratio_err = el;
    s->ppl_ratio = exp(ml), s->ppl_ratio_err = s->ppl_ratio * el;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double x = -a->p[i].logp_q - mq, y = -a->p[i].logp_base - mb;
        sxy += x * y, sxx += x * x, syy += y * y;
    }
    s->cor = sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 1.0;
}

rz_status rz_kld_summarize(const rz_kld_acc *a, rz_kld_summary *s, rz_error *err) {
    const size_t n = a->n;
    *s = (rz_kld_summary){.n = n};
    if (n < 2) return rz_fail(err, RZ_EINVAL, "KLD statistics of %zu positions: need >= 2", n);
    double *tmp = malloc(n * sizeof *tmp);
    if (!tmp) return rz_fail(err, RZ_ENOMEM, "out of memory for %zu KLD points", n);
    perplexities(a, tmp, s);
    double same = 0.0, dp2 = 0.0, dp4 = 0.0;
    for (size_t i = 0; i < n; i++) {
        same += a->p[i].same_top;
        dp2 += a->p[i].dp * a->p[i].dp;
        dp4 += a->p[i].dp * a->p[i].dp * a->p[i].dp * a->p[i].dp;
        tmp[i] = a->p[i].kld;
    }
    distribution(tmp, n, &s->kld);
    for (size_t i = 0; i < n; i++)
        tmp[i] = a->p[i].dp;
    distribution(tmp, n, &s->dp);
    s->same_top = same / (double)n;
    s->same_top_err = sqrt(s->same_top * (1 - s->same_top) / (double)(n - 1));
    const double ms = dp2 / (double)n, var = (dp4 / (double)n - ms * ms) / (double)(n - 1);
    s->dp_rms = sqrt(ms);
    s->dp_rms_err = s->dp_rms > 0 && var > 0 ? 0.5 / s->dp_rms * sqrt(var) : 0.0;
    free(tmp);
    return RZ_OK;
}
