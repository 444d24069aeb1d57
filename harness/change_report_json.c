/* The change report as JSON: labels, notes and per workload the figures and both sides' run
 * medians, so that `rzbench compare` can read a gate's report back. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "harness/change_report.h"
#include "harness/json_number.h"
#include "harness/json_print.h"

static void add_runs(cJSON *o, const char *k, const double *x, size_t n) {
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(x[i]));
}

static cJSON *row_json(const rzb_compare_row *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "workload", r->workload);
    cJSON_AddStringToObject(o, "metric", r->metric);
    cJSON_AddStringToObject(o, "unit", r->unit);
    cJSON_AddBoolToObject(o, "paired", r->paired);
    cJSON_AddNumberToObject(o, "runs", (double)r->runs);
    rzb_json_number(o, "old", r->old_value);
    rzb_json_number(o, "new", r->new_value);
    rzb_json_number(o, "new_over_old", r->ratio);
    rzb_json_number(o, "ci_lo", r->lo);
    rzb_json_number(o, "ci_hi", r->hi);
    cJSON_AddNumberToObject(o, "ci_level", 1 - 2 * r->alpha);
    cJSON_AddNumberToObject(o, "margin", r->margin);
    cJSON_AddStringToObject(o, "change", rzb_change_name(r->change));
    cJSON_AddBoolToObject(o, "passes", r->pass);
    add_runs(o, "old_run_medians", r->old_runs, r->n_old);
    add_runs(o, "new_run_medians", r->new_runs, r->n_new);
    return o;
}

bool rzb_change_report_json(const rzb_change_report *rep, FILE *out) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "report", rep->kind);
    cJSON_AddStringToObject(root, "command", rep->command ? rep->command : "");
    cJSON_AddStringToObject(root, "old", rep->old_label);
    cJSON_AddStringToObject(root, "new", rep->new_label);
    cJSON *env = rep->environment_json ? cJSON_Parse(rep->environment_json) : NULL;
    cJSON_AddItemToObject(root, "environment", env ? env : cJSON_CreateObject());
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < rep->n_rows; i++)
        cJSON_AddItemToArray(rows, row_json(&rep->rows[i]));
    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (int i = 0; i < rep->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(rep->notes[i]));
    return rzb_json_print(root, out);
}
