#include "harness/result.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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

void rzb_result_compare(rzb_result *r, int fast, int slow, double threshold, double alpha) {
    const rzb_series *f = &r->series[fast], *s = &r->series[slow];
    rzb_comparison *c = &r->cmp;
    rzb_ratio ratio = rzb_bootstrap_ratio(s->values, s->n, f->values, f->n, 1000, 20261126);
    rzb_ttest t = rzb_welch_log(f->values, f->n, s->values, s->n);
    *c = (rzb_comparison){
        .present = true,
        .fast = fast,
        .slow = slow,
        .ratio = ratio.ratio,
        .lo = ratio.lo,
        .hi = ratio.hi,
        .threshold = threshold,
        .p = t.p,
        .p_holm = NAN,
        .alpha = alpha,
        .cohen_d = rzb_cohen_d_log(f->values, f->n, s->values, s->n),
    };
}

void rzb_result_judge_ratio(rzb_result *r, const char *what) {
    rzb_comparison *c = &r->cmp;
    if (what != c->what) snprintf(c->what, sizeof c->what, "%s", what);
    what = c->what;
    double p = isnan(c->p_holm) ? c->p : c->p_holm;
    const char *pname = isnan(c->p_holm) ? "p" : "Holm-adjusted p";
    char ptext[32];
    rzb_p_text(p, ptext);
    if (c->lo >= c->threshold && p < c->alpha)
        rzb_result_verdict(r, RZB_SUPPORTED,
                           "%s %.3gx, 95%% CI [%.3g, %.3g] lies at or above the claimed %.3gx; "
                           "%s %s%s < %.2g",
                           what, c->ratio, c->lo, c->hi, c->threshold, pname, p == 0 ? "" : "= ",
                           ptext, c->alpha);
    else if (c->hi < c->threshold)
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "%s %.3gx, 95%% CI [%.3g, %.3g] lies below the claimed %.3gx", what,
                           c->ratio, c->lo, c->hi, c->threshold);
    else
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "%s %.3gx, 95%% CI [%.3g, %.3g] against the claimed %.3gx, %s = %s "
                           "(alpha %.2g): the evidence does not decide",
                           what, c->ratio, c->lo, c->hi, c->threshold, pname, ptext, c->alpha);
}

void rzb_result_apply_holm(rzb_result *r, double p_holm) {
    r->cmp.p_holm = p_holm;
    if (r->verdict == RZB_SUPPORTED) rzb_result_judge_ratio(r, r->cmp.what);
}

void rzb_result_free(rzb_result *r) {
    for (int i = 0; i < r->n_series; i++)
        rzb_series_free(&r->series[i]);
    r->n_series = 0;
}
