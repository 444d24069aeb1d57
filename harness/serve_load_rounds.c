#include "harness/serve_load_rounds.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends one run's outcomes (taking their ITL arrays) and its figures to c. */
static bool append(rzb_sl_cell *c, rzb_sl_outcome *o, int n, double duration_s,
                   const rzb_sl_slo *slo) {
    if (c->n + n > c->cap) {
        int cap = c->cap ? c->cap : 64;
        while (cap < c->n + n)
            cap *= 2;
        rzb_sl_outcome *grown = realloc(c->o, (size_t)cap * sizeof *grown);
        if (!grown) return false;
        c->o = grown;
        c->cap = cap;
    }
    int good = 0;
    for (int i = 0; i < n; i++)
        good += rzb_sl_within(&o[i], slo);
    memcpy(c->o + c->n, o, (size_t)n * sizeof *o);
    c->n += n;
    c->duration_s += duration_s;
    if (c->rounds < RZB_SL_MAX_ROUNDS) {
        c->good[c->rounds] = good;
        c->round_s[c->rounds] = duration_s;
        c->round_goodput[c->rounds++] = duration_s > 0 ? good / duration_s : 0;
    }
    return true;
}

/* One target on w at rate, into its cell. */
static bool one(rzb_sl_target *t, const rzb_sl_workload *w, double rate, const rzb_sl_slo *slo,
                rzb_sl_cell *cell, char *why, size_t cap) {
    rzb_sl_outcome *o = calloc((size_t)w->n, sizeof *o);
    double duration = 0;
    bool ok = o && rzb_sl_run(&t->ep, w, rate, o, &duration, why, cap);
    if (!o) snprintf(why, cap, "out of memory");
    if (ok && !append(cell, o, w->n, duration, slo)) {
        snprintf(why, cap, "out of memory");
        ok = false;
    }
    if (!ok && o) rzb_sl_outcomes_free(o, w->n);
    free(o);
    return ok;
}

bool rzb_sl_round(rzb_sl_target *targets, int n_targets, const rzb_sl_spec *spec,
                  const rzb_sl_corpus *corpus, double rate, int round, const rzb_sl_slo *slo,
                  rzb_sl_cell *cells, char *why, size_t cap) {
    rzb_sl_spec s = *spec;
    /* prompts of its own for every (rate, round): a server's prompt cache must not see the same
     * prompts again at the next rate */
    s.seed = spec->seed + (uint64_t)round + 1000003u * (uint64_t)llround(rate * 1000);
    rzb_sl_workload w;
    if (!rzb_sl_workload_make(&s, corpus, &w, why, cap)) return false;
    bool ok = true;
    for (int k = 0; ok && k < n_targets; k++) {
        int t = round % 2 ? n_targets - 1 - k : k;
        ok = one(&targets[t], &w, rate, slo, &cells[t], why, cap);
    }
    rzb_sl_workload_free(&w);
    return ok;
}

bool rzb_sl_warm(rzb_sl_target *targets, int n_targets, const rzb_sl_spec *spec,
                 const rzb_sl_corpus *corpus, char *why, size_t cap) {
    rzb_sl_spec s = *spec;
    s.n = 1;
    s.seed = spec->seed ^ 0xa5a5a5a5ull;
    rzb_sl_workload w;
    if (!rzb_sl_workload_make(&s, corpus, &w, why, cap)) return false;
    bool ok = true;
    for (int t = 0; ok && t < n_targets; t++) {
        rzb_sl_outcome o = {0};
        double duration;
        ok = rzb_sl_run(&targets[t].ep, &w, 1e9, &o, &duration, why, cap);
        if (ok && o.failure[0]) {
            snprintf(why, cap, "%s: the warm-up request failed: %s: %s", targets[t].label,
                     o.failure, o.detail);
            ok = false;
        }
        rzb_sl_outcomes_free(&o, 1);
    }
    rzb_sl_workload_free(&w);
    return ok;
}

bool rzb_sl_cell_summary(const rzb_sl_cell *c, const rzb_sl_slo *slo, rzb_sl_summary *s) {
    return rzb_sl_summarize(c->o, c->n, c->duration_s, slo, s);
}

void rzb_sl_cell_free(rzb_sl_cell *c) {
    rzb_sl_outcomes_free(c->o, c->n);
    free(c->o);
    memset(c, 0, sizeof *c);
}
