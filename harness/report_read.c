#include "harness/report_read.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/core/file.h"
#include "harness/stats.h"
#include "harness/why.h"

/* The metric of a unit: "time" for ns, us, ms and s; "instructions"; else the unit itself. */
static const char *rzb_metric_of_unit(const char *unit) {
    static const char *const times[] = {"ns", "us", "ms", "s"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (!strcmp(unit, times[i])) return "time";
    return unit;
}

static bool push(rzb_read_report *r, const char *workload, const char *unit, double *runs,
                 size_t n) {
    rzb_read_workload *w = realloc(r->w, (r->n + 1) * sizeof *w);
    if (!w) return false;
    r->w = w;
    w = &r->w[r->n++];
    memset(w, 0, sizeof *w);
    snprintf(w->workload, sizeof w->workload, "%s", workload);
    snprintf(w->unit, sizeof w->unit, "%s", unit);
    snprintf(w->metric, sizeof w->metric, "%s", rzb_metric_of_unit(unit));
    w->runs = runs;
    w->n = n;
    return true;
}

/* The numbers of a JSON array (nulls skipped), malloc'd. */
static double *numbers(const cJSON *a, size_t *n) {
    int size = cJSON_GetArraySize(a);
    double *x = malloc((size_t)(size > 0 ? size : 1) * sizeof *x);
    *n = 0;
    for (const cJSON *v = a ? a->child : NULL; x && v; v = v->next)
        if (cJSON_IsNumber(v)) x[(*n)++] = v->valuedouble;
    return x;
}

/* Run medians of a series: its "run_medians", or the medians of its samples by run. */
static double *series_medians(const cJSON *s, size_t *n) {
    const cJSON *m = cJSON_GetObjectItem(s, "run_medians");
    if (cJSON_IsArray(m)) return numbers(m, n);
    size_t ns, nr;
    double *v = numbers(cJSON_GetObjectItem(s, "samples"), &ns);
    double *run = numbers(cJSON_GetObjectItem(s, "sample_run"), &nr);
    double *out = malloc((ns ? ns : 1) * sizeof *out);
    double *one = malloc((ns ? ns : 1) * sizeof *one);
    *n = 0;
    if (v && run && out && one && ns == nr) {
        for (double id = 0; ns;) {
            size_t k = 0;
            double next = INFINITY;
            for (size_t i = 0; i < ns; i++) {
                if (run[i] == id) one[k++] = v[i];
                if (run[i] > id) next = fmin(next, run[i]);
            }
            if (k) out[(*n)++] = rzb_median(one, k);
            if (isinf(next)) break;
            id = next;
        }
    }
    free(v);
    free(run);
    free(one);
    return out;
}

static bool read_results(rzb_read_report *r, const cJSON *results) {
    for (const cJSON *c = results->child; c; c = c->next) {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(c, "id"));
        const cJSON *series = cJSON_GetObjectItem(c, "series");
        for (const cJSON *s = series ? series->child : NULL; s; s = s->next) {
            const char *label = cJSON_GetStringValue(cJSON_GetObjectItem(s, "label"));
            const char *unit = cJSON_GetStringValue(cJSON_GetObjectItem(s, "unit"));
            if (!id || !label || !unit) continue;
            size_t n;
            double *runs = series_medians(s, &n);
            char name[160];
            snprintf(name, sizeof name, "%s: %s", id, label);
            if (!runs || !push(r, name, unit, runs, n)) {
                free(runs);
                return false;
            }
        }
    }
    return true;
}

static bool read_rows(rzb_read_report *r, const cJSON *rows) {
    for (const cJSON *row = rows->child; row; row = row->next) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(row, "workload"));
        const char *unit = cJSON_GetStringValue(cJSON_GetObjectItem(row, "unit"));
        if (!name || !unit) continue;
        size_t n;
        double *runs = numbers(cJSON_GetObjectItem(row, "new_run_medians"), &n);
        if (!runs || !push(r, name, unit, runs, n)) {
            free(runs);
            return false;
        }
    }
    return true;
}

bool rzb_report_read(const char *path, rzb_read_report *out, char *why, size_t cap) {
    memset(out, 0, sizeof *out);
    unsigned char *data;
    size_t len;
    rz_error err;
    if (rz_file_read_all(path, &data, &len, &err)) return rzb_why_rz(why, cap, &err, NULL);
    const char *text = (const char *)data, *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        snprintf(why, cap, "%s: not JSON: parsing stopped at byte offset %ld of %zu", path,
                 end ? (long)(end - text) : 0L, len);
        free(data);
        return false;
    }
    free(data);
    const cJSON *results = cJSON_GetObjectItem(root, "results");
    const cJSON *rows = cJSON_GetObjectItem(root, "rows");
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(root, "report"));
    bool ok = false;
    if (!kind || (!cJSON_IsArray(results) && !cJSON_IsArray(rows))) {
        snprintf(
            why, cap,
            "%s: not an rzbench report: expected a top-level \"report\" string and a \"results\" (claim, verify) or \"rows\" (gate, compare) array",
            path);
    } else {
        snprintf(out->kind, sizeof out->kind, "%s", kind);
        const cJSON *env = cJSON_GetObjectItem(root, "environment");
        const char *commit = cJSON_GetStringValue(cJSON_GetObjectItem(env, "git_commit"));
        snprintf(out->commit, sizeof out->commit, "%s", commit ? commit : "");
        out->environment_json = env ? cJSON_PrintUnformatted(env) : NULL;
        ok = cJSON_IsArray(results) ? read_results(out, results) : read_rows(out, rows);
        if (!ok) snprintf(why, cap, "%s: out of memory while reading", path);
    }
    cJSON_Delete(root);
    if (!ok) rzb_read_report_free(out);
    return ok;
}

void rzb_read_report_free(rzb_read_report *r) {
    for (size_t i = 0; i < r->n; i++)
        free(r->w[i].runs);
    free(r->w);
    free(r->environment_json);
    memset(r, 0, sizeof *r);
}

bool rzb_report_resolve(const char *arg, const char *baselines_dir, char *path, size_t path_cap,
                        char *why, size_t cap) {
    struct stat st;
    if (stat(arg, &st) == 0) {
        snprintf(path, path_cap, "%s", arg);
        return true;
    }
    snprintf(path, path_cap, "%s/%s.json", baselines_dir, arg);
    if (stat(path, &st) == 0) return true;
    snprintf(
        why, cap,
        "'%s' is neither a report file nor a saved baseline (%s does not exist; save one with `rzbench claim|verify --save-baseline NAME`)",
        arg, path);
    return false;
}
