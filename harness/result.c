#include "harness/result.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/claim.h"

const char *rzb_verdict_name(rzb_verdict v) {
    switch (v) {
    case RZB_SUPPORTED:
        return "SUPPORTED";
    case RZB_FALSIFIED:
        return "FALSIFIED";
    case RZB_INCONCLUSIVE:
        return "INCONCLUSIVE";
    case RZB_SKIPPED:
        return "SKIPPED";
    }
    return "?";
}

rzb_series *rzb_result_series(rzb_result *r, const char *label, const char *unit,
                              const char *method) {
    if (r->n_series == RZB_MAX_SERIES) return NULL;
    rzb_series *s = &r->series[r->n_series++];
    rzb_series_init(s, label, unit, method);
    return s;
}

void rzb_result_metric(rzb_result *r, const char *name, double value, const char *unit) {
    if (r->n_metrics == RZB_MAX_METRICS) return;
    rzb_metric *m = &r->metrics[r->n_metrics++];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->unit, sizeof m->unit, "%s", unit);
    m->value = value;
}

void rzb_result_note(rzb_result *r, const char *fmt, ...) {
    if (r->n_notes == RZB_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

void rzb_result_verdict(rzb_result *r, rzb_verdict v, const char *fmt, ...) {
    r->verdict = v;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
}

rzb_paired rzb_series_ratio(rzb_series *fast, rzb_series *slow, double threshold, double alpha) {
    size_t cap = (fast->n > slow->n ? fast->n : slow->n) + 1;
    double *f = malloc(cap * sizeof *f), *s = malloc(cap * sizeof *s);
    if (!f || !s) abort();
    size_t nf = rzb_series_run_medians(fast, f, cap), ns = rzb_series_run_medians(slow, s, cap);
    size_t k = 0;
    for (size_t i = 0; i < nf && i < ns; i++)
        if (!isnan(f[i]) && !isnan(s[i])) {
            f[k] = f[i];
            s[k++] = s[i];
        }
    rzb_paired t = rzb_paired_log_ratio(s, f, k, threshold, alpha);
    t.cohen_d = rzb_cohen_d_log(f, k, s, k);
    free(f);
    free(s);
    return t;
}

rzb_comparison *rzb_result_compare(rzb_result *r, rzb_series *fast, rzb_series *slow,
                                   double threshold, double alpha, const char *what) {
    if (r->n_cmps == RZB_MAX_CMPS) return NULL;
    rzb_series_finish(fast);
    rzb_series_finish(slow);
    rzb_paired t = rzb_series_ratio(fast, slow, threshold, alpha);
    rzb_comparison *c = &r->cmps[r->n_cmps++];
    *c = (rzb_comparison){
        .present = true,
        .fast = (int)(fast - r->series),
        .slow = (int)(slow - r->series),
        .runs = (int)t.k,
        .ratio = t.ratio,
        .lo = t.lo,
        .hi = t.hi,
        .threshold = threshold,
        .alpha = alpha,
        .p = t.p_above,
        .p_below = t.p_below,
        .p_holm = NAN,
        .ratio_cv = t.sd_log,
        .cohen_d = t.cohen_d,
        .verdict = RZB_INCONCLUSIVE,
    };
    snprintf(c->what, sizeof c->what, "%s", what);
    return c;
}

static double level_pct(const rzb_comparison *c) {
    return 100 * (1 - 2 * c->alpha);
}

/* One comparison's verdict and its sentence. */
static rzb_verdict judge_one(const rzb_comparison *c, char *text, size_t cap) {
    double p = isnan(c->p_holm) ? c->p : c->p_holm;
    const char *pname = isnan(c->p_holm) ? "one-sided p" : "Holm-adjusted one-sided p";
    char ptext[32];
    rzb_p_text(p, ptext);
    if (isnan(c->lo)) {
        snprintf(text, cap, "%s: no run-level CI (%d paired runs)", c->what, c->runs);
        return RZB_INCONCLUSIVE;
    }
    int n = snprintf(text, cap, "%s %.3gx, %.4g%% CI [%.3g, %.3g] over %d runs", c->what, c->ratio,
                     level_pct(c), c->lo, c->hi, c->runs);
    size_t used = n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
    if (c->lo >= c->threshold && p < c->alpha) {
        snprintf(text + used, cap - used, " lies at or above the claimed %.3gx; %s %s < %.2g",
                 c->threshold, pname, ptext, c->alpha);
        return RZB_SUPPORTED;
    }
    if (c->hi < c->threshold) {
        snprintf(text + used, cap - used, " lies below the claimed %.3gx", c->threshold);
        return RZB_FALSIFIED;
    }
    snprintf(text + used, cap - used,
             " against the claimed %.3gx, %s %s (alpha %.2g): the evidence does not decide",
             c->threshold, pname, ptext, c->alpha);
    return RZB_INCONCLUSIVE;
}

/* The comparison that decides the claim: the first FALSIFIED one, else the first undecided one,
 * else the weakest (largest p). */
static int decisive(const rzb_result *r) {
    int weakest = 0, undecided = -1;
    for (int i = 0; i < r->n_cmps; i++) {
        const rzb_comparison *c = &r->cmps[i];
        if (c->verdict == RZB_FALSIFIED) return i;
        if (c->verdict != RZB_SUPPORTED && undecided < 0) undecided = i;
        if (!(c->p <= r->cmps[weakest].p)) weakest = i;
    }
    return undecided >= 0 ? undecided : weakest;
}

void rzb_result_judge(rzb_result *r) {
    if (!r->n_cmps) return;
    double holm = r->cmp.present ? r->cmp.p_holm : NAN, claim_p = 0;
    char text[512];
    for (int i = 0; i < r->n_cmps; i++) {
        r->cmps[i].verdict = judge_one(&r->cmps[i], text, sizeof text);
        if (!(r->cmps[i].p <= claim_p)) claim_p = r->cmps[i].p;
    }
    int d = decisive(r);
    r->cmp = r->cmps[d];
    r->cmp.p_holm = holm;
    rzb_verdict v = judge_one(&r->cmp, text, sizeof text);
    if (r->cmps[d].verdict != RZB_SUPPORTED) v = r->cmps[d].verdict;
    r->cmp.p = claim_p; /* intersection-union test: the claim's p is the largest */
    if (r->n_cmps == 1) {
        rzb_result_verdict(r, v, "%s", text);
        return;
    }
    const char *which = v == RZB_FALSIFIED   ? "a falsified comparison"
                        : v == RZB_SUPPORTED ? "the weakest comparison"
                                             : "an undecided comparison";
    rzb_result_verdict(r, v, "%s (%s; the claim needs all %d; the claim's p is the largest)", text,
                       which, r->n_cmps);
}

void rzb_result_apply_run_rules(rzb_result *r) {
    if (r->verdict != RZB_SUPPORTED && r->verdict != RZB_FALSIFIED) return;
    if (r->claim && r->claim->untimed) return;
    const rzb_comparison *few = NULL, *noisy = NULL;
    bool falsified = r->verdict == RZB_FALSIFIED, clean_falsifier = false;
    for (int i = 0; i < r->n_cmps; i++) {
        const rzb_comparison *c = &r->cmps[i];
        /* A FALSIFIED claim rests on its falsified comparisons alone: one clean one suffices. */
        if (falsified && c->verdict != RZB_FALSIFIED) continue;
        if (c->runs < RZB_MIN_RUNS && !few) few = c;
        bool near = fabs(log(c->ratio / c->threshold)) < 3 * c->ratio_cv;
        bool is_noisy = c->ratio_cv > RZB_MAX_RATIO_CV && near;
        if (is_noisy && !noisy) noisy = c;
        clean_falsifier = clean_falsifier || (c->runs >= RZB_MIN_RUNS && !is_noisy);
    }
    if (clean_falsifier) few = noisy = NULL;
    const double bound = r->foreign_bound > 0 ? r->foreign_bound : RZB_MAX_FOREIGN_CPUS;
    char was[sizeof r->reason];
    snprintf(was, sizeof was, "%s", r->reason);
    const char *name = rzb_verdict_name(r->verdict);
    if (few)
        rzb_result_verdict(
            r, RZB_INCONCLUSIVE,
            "too few runs: %s has %d paired runs, the runner needs at least %d (would have been %s: %s)",
            few->what, few->runs, RZB_MIN_RUNS, name, was);
    else if (noisy)
        rzb_result_verdict(
            r, RZB_INCONCLUSIVE,
            "too noisy: the per-run ratios of %s vary by %.1f%% (CV), above the runner's bound of %.0f%%, with the threshold within three of their standard deviations (would have been %s: %s)",
            noisy->what, 100 * noisy->ratio_cv, 100 * RZB_MAX_RATIO_CV, name, was);
    else if (r->foreign_cpus > bound)
        rzb_result_verdict(
            r, RZB_INCONCLUSIVE,
            "other work on the machine: %.2f CPUs busy outside rzbench during the run, above the runner's bound of %.2f (would have been %s: %s)",
            r->foreign_cpus, bound, name, was);
}

void rzb_result_apply_holm(rzb_result *r, double p_holm) {
    r->cmp.p_holm = p_holm;
    if (r->verdict == RZB_SUPPORTED) {
        rzb_result_judge(r);
        rzb_result_apply_run_rules(r);
    }
}

void rzb_result_free(rzb_result *r) {
    for (int i = 0; i < r->n_series; i++)
        rzb_series_free(&r->series[i]);
    r->n_series = 0;
}
