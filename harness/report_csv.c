/* CSV writers (libcsv quotes every text field): raw samples, per-series summaries, verdicts. */
#include "harness/report.h"

#include <csv.h>
#include <math.h>
#include <string.h>

#include "harness/claim.h"

static void text(FILE *out, const char *s, bool last) {
    csv_fwrite(out, s, strlen(s));
    fputc(last ? '\n' : ',', out);
}

/* Numbers are unquoted with 9 significant digits; NaN is an empty field. */
static void num(FILE *out, double v, bool last) {
    if (!isnan(v)) fprintf(out, "%.9g", v);
    fputc(last ? '\n' : ',', out);
}

static void header(FILE *out, const char *const *cols, size_t n) {
    for (size_t i = 0; i < n; i++)
        text(out, cols[i], i + 1 == n);
}

bool rzb_report_samples_csv(const rzb_report *rep, FILE *out) {
    static const char *const cols[] = {"claim",     "series", "method", "run",
                                       "iteration", "value",  "unit"};
    header(out, cols, sizeof cols / sizeof cols[0]);
    for (int i = 0; i < rep->n_results; i++) {
        const rzb_result *r = &rep->results[i];
        for (int k = 0; k < r->n_series; k++) {
            const rzb_series *s = &r->series[k];
            uint32_t run = UINT32_MAX;
            size_t iter = 0;
            for (size_t j = 0; j < s->n; j++) {
                iter = s->run[j] == run ? iter + 1 : 0;
                run = s->run[j];
                text(out, r->claim->id, false);
                text(out, s->label, false);
                text(out, s->method, false);
                fprintf(out, "%u,%zu,", run, iter);
                num(out, s->values[j], false);
                text(out, s->unit, true);
            }
        }
    }
    return !ferror(out);
}

bool rzb_report_summary_csv(const rzb_report *rep, FILE *out) {
    static const char *const cols[] = {
        "claim", "series", "method",       "unit",          "n",   "mean",         "median",
        "sd",    "mad",    "p50",          "p95",           "p99", "ci95_lo",      "ci95_hi",
        "min",   "max",    "outliers_low", "outliers_high", "cv",  "run_median_cv"};
    header(out, cols, sizeof cols / sizeof cols[0]);
    for (int i = 0; i < rep->n_results; i++) {
        const rzb_result *r = &rep->results[i];
        for (int k = 0; k < r->n_series; k++) {
            const rzb_series *s = &r->series[k];
            const rzb_summary *m = &s->summary;
            text(out, r->claim->id, false);
            text(out, s->label, false);
            text(out, s->method, false);
            text(out, s->unit, false);
            fprintf(out, "%zu,", m->n);
            const double v[] = {m->mean, m->median, m->sd,    m->mad, m->p50, m->p95,
                                m->p99,  m->ci_lo,  m->ci_hi, m->min, m->max};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
                num(out, v[j], false);
            fprintf(out, "%zu,%zu,", m->outliers_low, m->outliers_high);
            num(out, m->cv, false);
            num(out, s->run_median_cv, true);
        }
    }
    return !ferror(out);
}

bool rzb_report_verdicts_csv(const rzb_report *rep, FILE *out) {
    static const char *const cols[] = {
        "claim",       "title",  "verdict",     "reason",      "fast",     "slow",
        "runs",        "ratio",  "ratio_ci_lo", "ratio_ci_hi", "ci_level", "threshold",
        "p_one_sided", "p_holm", "ratio_cv",    "cohen_d",     "wall_s"};
    header(out, cols, sizeof cols / sizeof cols[0]);
    for (int i = 0; i < rep->n_results; i++) {
        const rzb_result *r = &rep->results[i];
        const rzb_comparison *c = &r->cmp;
        text(out, r->claim->id, false);
        text(out, r->claim->title, false);
        text(out, rzb_verdict_name(r->verdict), false);
        text(out, r->reason, false);
        text(out, c->present ? r->series[c->fast].label : "", false);
        text(out, c->present ? r->series[c->slow].label : "", false);
        const double v[] = {c->runs,      c->ratio, c->lo,     c->hi,       1 - 2 * c->alpha,
                            c->threshold, c->p,     c->p_holm, c->ratio_cv, c->cohen_d};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            num(out, c->present ? v[j] : NAN, false);
        num(out, r->wall_s, true);
    }
    return !ferror(out);
}
