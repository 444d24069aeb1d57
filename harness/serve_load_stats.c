#include "harness/serve_load_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rzb_sl_percentile(const double *x, size_t n, double q) {
    double *s = n ? malloc(n * sizeof *s) : NULL;
    if (!s) return NAN;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double pos = q / 100 * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    double v = s[lo] + (pos - (double)lo) * (s[hi] - s[lo]);
    free(s);
    return v;
}

static void pcts_of(const double *x, size_t n, rzb_sl_pcts *p) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    *p = (rzb_sl_pcts){.p50 = rzb_sl_percentile(x, n, 50),
                       .p90 = rzb_sl_percentile(x, n, 90),
                       .p99 = rzb_sl_percentile(x, n, 99),
                       .mean = n ? sum / (double)n : NAN,
                       .n = n};
}

static double tpot(const rzb_sl_outcome *o) {
    return o->n_out > 1 ? (o->e2e_ms - o->ttft_ms) / (o->n_out - 1) : NAN;
}

bool rzb_sl_within(const rzb_sl_outcome *o, const rzb_sl_slo *slo) {
    if (o->failure[0]) return false;
    const double t = tpot(o);
    return (slo->ttft_ms <= 0 || o->ttft_ms <= slo->ttft_ms) &&
           (slo->tpot_ms <= 0 || isnan(t) || t <= slo->tpot_ms);
}

static void count_failure(rzb_sl_summary *s, const rzb_sl_outcome *o) {
    if (!s->failed++) snprintf(s->first_detail, sizeof s->first_detail, "%s", o->detail);
    int k = 0;
    while (k < s->n_failures && strcmp(s->failure[k], o->failure))
        k++;
    if (k == s->n_failures && k < RZB_SL_MAX_FAILURES) {
        snprintf(s->failure[k], sizeof s->failure[k], "%s",
                 k == RZB_SL_MAX_FAILURES - 1 ? "other" : o->failure);
        s->n_failures++;
    }
    s->failure_n[k < RZB_SL_MAX_FAILURES ? k : RZB_SL_MAX_FAILURES - 1]++;
}

/* Latency samples of the successful requests: TTFT, TPOT, E2E per request and every ITL gap. */
typedef struct {
    double *ttft, *tpot, *e2e, *itl;
    size_t n, n_tpot, n_itl;
} samples;

static void take(samples *x, const rzb_sl_outcome *o) {
    x->ttft[x->n] = o->ttft_ms;
    x->e2e[x->n++] = o->e2e_ms;
    if (!isnan(tpot(o))) x->tpot[x->n_tpot++] = tpot(o);
    for (int k = 0; o->itl_ms && k < o->n_events - 1; k++)
        x->itl[x->n_itl++] = o->itl_ms[k];
}

bool rzb_sl_summarize(const rzb_sl_outcome *o, int n, double duration_s, const rzb_sl_slo *slo,
                      rzb_sl_summary *s) {
    memset(s, 0, sizeof *s);
    size_t gaps = 0;
    for (int i = 0; i < n; i++)
        gaps += o[i].n_events > 1 ? (size_t)o[i].n_events - 1 : 0;
    const size_t m = (size_t)n + 1;
    samples x = {.ttft = malloc(m * sizeof(double)),
                 .tpot = malloc(m * sizeof(double)),
                 .e2e = malloc(m * sizeof(double)),
                 .itl = malloc((gaps + 1) * sizeof(double))};
    bool ok = x.ttft && x.tpot && x.e2e && x.itl;
    for (int i = 0; ok && i < n; i++) {
        s->requests++;
        s->late_max_ms = o[i].late_ms > s->late_max_ms ? o[i].late_ms : s->late_max_ms;
        if (o[i].failure[0]) {
            count_failure(s, &o[i]);
            continue;
        }
        s->ok++;
        s->good += rzb_sl_within(&o[i], slo);
        s->out_tokens += o[i].n_out;
        s->usage_mismatch += o[i].usage && o[i].n_out != o[i].n_events;
        take(&x, &o[i]);
    }
    if (ok) {
        pcts_of(x.ttft, x.n, &s->ttft);
        pcts_of(x.tpot, x.n_tpot, &s->tpot);
        pcts_of(x.e2e, x.n, &s->e2e);
        pcts_of(x.itl, x.n_itl, &s->itl);
    }
    s->duration_s = duration_s;
    s->req_per_s = duration_s > 0 ? s->ok / duration_s : NAN;
    s->out_tok_per_s = duration_s > 0 ? (double)s->out_tokens / duration_s : NAN;
    s->goodput = duration_s > 0 ? s->good / duration_s : NAN;
    s->good_fraction = n ? (double)s->good / n : NAN;
    free(x.ttft);
    free(x.tpot);
    free(x.e2e);
    free(x.itl);
    return ok;
}
