/* JSON writer (cJSON): the fingerprint, each claim's spec, verdict, comparison, series summaries
 * (and, in the full form, every raw sample), metrics, notes and counters. NaN becomes null. */
#include "harness/report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

#include "harness/claim.h"
#include "harness/json_number.h"
#include "harness/json_print.h"

static cJSON *summary_json(const rzb_summary *m) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)m->n);
    const struct {
        const char *k;
        double v;
    } f[] = {{"mean", m->mean},     {"median", m->median}, {"sd", m->sd},   {"mad", m->mad},
             {"p50", m->p50},       {"p95", m->p95},       {"p99", m->p99}, {"ci95_lo", m->ci_lo},
             {"ci95_hi", m->ci_hi}, {"min", m->min},       {"max", m->max}, {"cv", m->cv}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        rzb_json_number(o, f[i].k, f[i].v);
    cJSON_AddNumberToObject(o, "outliers_low", (double)m->outliers_low);
    cJSON_AddNumberToObject(o, "outliers_high", (double)m->outliers_high);
    return o;
}

static cJSON *series_json(const rzb_series *s, bool samples) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", s->label);
    cJSON_AddStringToObject(o, "unit", s->unit);
    cJSON_AddStringToObject(o, "method", s->method);
    cJSON_AddItemToObject(o, "summary", summary_json(&s->summary));
    rzb_json_number(o, "run_median_cv", s->run_median_cv);
    cJSON_AddNumberToObject(o, "runs", (double)s->runs);
    rzb_json_number(o, "run_median_gmean", s->run_gmean);
    rzb_json_number(o, "run_median_ci95_lo", s->run_lo);
    rzb_json_number(o, "run_median_ci95_hi", s->run_hi);
    double medians[256];
    size_t k = rzb_series_run_medians(s, medians, sizeof medians / sizeof medians[0]);
    cJSON *m = cJSON_AddArrayToObject(o, "run_medians");
    for (size_t i = 0; i < k; i++)
        cJSON_AddItemToArray(m, isnan(medians[i]) ? cJSON_CreateNull()
                                                  : cJSON_CreateNumber(medians[i]));
    if (samples) {
        cJSON *v = cJSON_AddArrayToObject(o, "samples");
        cJSON *run = cJSON_AddArrayToObject(o, "sample_run");
        for (size_t i = 0; i < s->n; i++) {
            cJSON_AddItemToArray(v, cJSON_CreateNumber(s->values[i]));
            cJSON_AddItemToArray(run, cJSON_CreateNumber(s->run[i]));
        }
    }
    return o;
}

static cJSON *spec_json(const rzb_claim *c) {
    cJSON *o = cJSON_CreateObject();
    const struct {
        const char *k, *v;
    } f[] = {{"statement", c->statement},      {"source", c->source},
             {"workload", c->workload},        {"baseline", c->baseline},
             {"threshold", c->threshold},      {"test", c->test},
             {"verdict_rule", c->verdict_rule}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        cJSON_AddStringToObject(o, f[i].k, f[i].v);
    return o;
}

static cJSON *comparison_json(const rzb_result *r, const rzb_comparison *c) {
    if (!c->present) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "what", c->what);
    cJSON_AddStringToObject(o, "fast", r->series[c->fast].label);
    cJSON_AddStringToObject(o, "slow", r->series[c->slow].label);
    cJSON_AddStringToObject(o, "verdict", rzb_verdict_name(c->verdict));
    cJSON_AddNumberToObject(o, "runs", c->runs);
    rzb_json_number(o, "ratio", c->ratio);
    rzb_json_number(o, "ratio_ci_lo", c->lo);
    rzb_json_number(o, "ratio_ci_hi", c->hi);
    rzb_json_number(o, "ci_level", 1 - 2 * c->alpha);
    rzb_json_number(o, "threshold", c->threshold);
    rzb_json_number(o, "p_one_sided", c->p);
    rzb_json_number(o, "p_below_one_sided", c->p_below);
    rzb_json_number(o, "p_holm", c->p_holm);
    rzb_json_number(o, "alpha", c->alpha);
    rzb_json_number(o, "ratio_cv", c->ratio_cv);
    rzb_json_number(o, "cohen_d", c->cohen_d);
    return o;
}

static cJSON *counters_json(const rzb_counters *k) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "hardware", k->hw);
    for (int i = 0; i < k->n_events && k->hw; i++)
        cJSON_AddNumberToObject(o, k->event[i], (double)k->value[i]);
    cJSON_AddNumberToObject(o, "minor_faults", (double)k->minor_faults);
    cJSON_AddNumberToObject(o, "major_faults", (double)k->major_faults);
    cJSON_AddNumberToObject(o, "voluntary_switches", (double)k->voluntary_switches);
    cJSON_AddNumberToObject(o, "involuntary_switches", (double)k->involuntary_switches);
    return o;
}

static cJSON *result_json(const rzb_result *r, bool samples) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->claim->id);
    cJSON_AddStringToObject(o, "title", r->claim->title);
    cJSON_AddStringToObject(o, "verdict", rzb_verdict_name(r->verdict));
    cJSON_AddStringToObject(o, "reason", r->reason);
    cJSON_AddBoolToObject(o, "smoke", r->smoke);
    cJSON_AddItemToObject(o, "spec", spec_json(r->claim));
    cJSON_AddItemToObject(o, "comparison", comparison_json(r, &r->cmp));
    cJSON *cmps = cJSON_AddArrayToObject(o, "comparisons");
    for (int i = 0; i < r->n_cmps; i++)
        cJSON_AddItemToArray(cmps, comparison_json(r, &r->cmps[i]));
    rzb_json_number(o, "foreign_cpus", r->foreign_cpus);
    cJSON *series = cJSON_AddArrayToObject(o, "series");
    for (int i = 0; i < r->n_series; i++)
        cJSON_AddItemToArray(series, series_json(&r->series[i], samples));
    cJSON *metrics = cJSON_AddArrayToObject(o, "metrics");
    for (int i = 0; i < r->n_metrics; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", r->metrics[i].name);
        rzb_json_number(m, "value", r->metrics[i].value);
        cJSON_AddStringToObject(m, "unit", r->metrics[i].unit);
        cJSON_AddItemToArray(metrics, m);
    }
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (int i = 0; i < r->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
    cJSON_AddItemToObject(o, "counters", counters_json(&r->counters));
    rzb_json_number(o, "wall_s", r->wall_s);
    return o;
}

static bool write_json(const rzb_report *rep, FILE *out, bool samples) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "report", rep->name);
    cJSON_AddStringToObject(root, "command", rep->command ? rep->command : "");
    cJSON *fp = cJSON_AddObjectToObject(root, "environment");
    for (int i = 0; i < rep->fp->n; i++)
        cJSON_AddStringToObject(fp, rep->fp->key[i], rep->fp->value[i]);
    cJSON *results = cJSON_AddArrayToObject(root, "results");
    for (int i = 0; i < rep->n_results; i++)
        cJSON_AddItemToArray(results, result_json(&rep->results[i], samples));
    return rzb_json_print(root, out);
}

bool rzb_report_json(const rzb_report *rep, FILE *out) {
    return write_json(rep, out, true);
}

bool rzb_report_json_brief(const rzb_report *rep, FILE *out) {
    return write_json(rep, out, false);
}
