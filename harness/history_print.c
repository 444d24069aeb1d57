#include "harness/history_print.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "harness/json_number.h"
#include "harness/json_print.h"

/* A number with at least 4 significant digits, without an exponent from 1e-4 to 1e9, or `none`
 * when it is not finite. */
static const char *num(double v, const char *none, char buf[32]) {
    if (!isfinite(v)) return none;
    double mag = fabs(v);
    if (mag == 0 || mag < 1e-4 || mag >= 1e9)
        snprintf(buf, 32, "%.4g", v);
    else
        snprintf(buf, 32, "%.*f", (int)fmax(0, 3 - floor(log10(mag))), v);
    return buf;
}

static const char *percent(double v, const char *none, char buf[32]) {
    if (!isfinite(v)) return none;
    snprintf(buf, 32, "%+.1f%%", 100 * v);
    return buf;
}

static void md_point(const rzb_trend *t, const rzb_trend_point *p, FILE *out) {
    char g[32], lo[32], hi[32], ch[32], step[64] = "";
    if (p->step >= 0) {
        char label[48];
        rzb_changepoint_text(&t->steps[p->step], label, sizeof label);
        snprintf(step, sizeof step, "**step %s**", label);
    }
    fprintf(out, "| %s | %.10s | %zu | %s | ", p->short_hash, p->date, p->n, num(p->gmean, "-", g));
    if (isfinite(p->lo)) fprintf(out, "[%s, %s]", num(p->lo, "", lo), num(p->hi, "", hi));
    fprintf(out, " | %s | %s | %s |\n", percent(p->change, "", ch), p->verdict, step);
}

static void md_trend(const rzb_trend *t, FILE *out) {
    fprintf(out, "## %s: %s (%s), machine %s\n\n%s\n\n", t->workload, t->metric, t->unit,
            t->machine, t->machine_text);
    fputs("| commit | date | runs | geometric mean | 95% CI | change | verdict | step |\n"
          "|---|---|--:|--:|--:|--:|---|---|\n",
          out);
    for (size_t i = 0; i < t->n_points; i++)
        md_point(t, &t->points[i], out);
    for (size_t i = 0; i < t->n_steps; i++) {
        const rzb_changepoint *c = &t->steps[i];
        char label[48], evidence[96];
        rzb_changepoint_text(c, label, sizeof label);
        rzb_changepoint_evidence(c, evidence, sizeof evidence);
        fprintf(out, "\nStep at %s: %s (%s).", t->points[c->at].short_hash, label, evidence);
    }
    fputs(t->n_steps ? "\n\n" : "\n", out);
}

/* A number in full (%.10g) for csv, or "" when it is not finite. */
static const char *csv_num(double v, char buf[32]) {
    if (!isfinite(v)) return "";
    snprintf(buf, 32, "%.10g", v);
    return buf;
}

static void csv_text(const char *s, FILE *out) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_point(const rzb_trend *t, const rzb_trend_point *p, FILE *out) {
    const char *text[] = {t->workload, t->metric,     t->unit, t->machine,
                          p->commit,   p->short_hash, p->date};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        csv_text(text[i], out);
        fputc(',', out);
    }
    const rzb_changepoint *c = p->step >= 0 ? &t->steps[p->step] : NULL;
    char b[7][32];
    fprintf(out, "%zu,%s,%s,%s,%s,", p->n, csv_num(p->gmean, b[0]), csv_num(p->lo, b[1]),
            csv_num(p->hi, b[2]), csv_num(100 * p->change, b[3]));
    csv_text(p->verdict, out);
    fprintf(out, ",%s,%s,%s\n", csv_num(c ? 100 * c->step : NAN, b[4]),
            csv_num(c ? 100 * c->lo : NAN, b[5]), csv_num(c ? 100 * c->hi : NAN, b[6]));
}

static bool print_csv(const rzb_history *h, FILE *out) {
    fputs(
        "workload,metric,unit,machine,commit,short_hash,date_utc,runs,geomean,ci95_lo,ci95_hi,change_pct,verdict,step_pct,step_ci95_lo_pct,step_ci95_hi_pct\n",
        out);
    for (size_t i = 0; i < h->n; i++)
        for (size_t j = 0; j < h->trends[i].n_points; j++)
            csv_point(&h->trends[i], &h->trends[i].points[j], out);
    return !ferror(out);
}

static cJSON *point_json(const rzb_trend_point *p) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "commit", p->commit);
    cJSON_AddStringToObject(o, "short_hash", p->short_hash);
    cJSON_AddStringToObject(o, "date_utc", p->date);
    cJSON_AddNumberToObject(o, "runs", (double)p->n);
    rzb_json_number(o, "geomean", p->gmean);
    rzb_json_number(o, "ci95_lo", p->lo);
    rzb_json_number(o, "ci95_hi", p->hi);
    rzb_json_number(o, "change_pct", 100 * p->change);
    cJSON_AddStringToObject(o, "verdict", p->verdict);
    return o;
}

static cJSON *step_json(const rzb_trend *t, const rzb_changepoint *c) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "commit", t->points[c->at].commit);
    cJSON_AddStringToObject(o, "short_hash", t->points[c->at].short_hash);
    rzb_json_number(o, "step_pct", 100 * c->step);
    rzb_json_number(o, "ci95_lo_pct", 100 * c->lo);
    rzb_json_number(o, "ci95_hi_pct", 100 * c->hi);
    rzb_json_number(o, "welch_t", c->t);
    rzb_json_number(o, "p_bonferroni", c->p);
    return o;
}

static cJSON *trend_json(const rzb_trend *t) {
    cJSON *o = cJSON_CreateObject(), *points = cJSON_CreateArray(), *steps = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "workload", t->workload);
    cJSON_AddStringToObject(o, "metric", t->metric);
    cJSON_AddStringToObject(o, "unit", t->unit);
    cJSON_AddStringToObject(o, "machine", t->machine);
    cJSON_AddStringToObject(o, "machine_text", t->machine_text);
    for (size_t i = 0; i < t->n_points; i++)
        cJSON_AddItemToArray(points, point_json(&t->points[i]));
    for (size_t i = 0; i < t->n_steps; i++)
        cJSON_AddItemToArray(steps, step_json(t, &t->steps[i]));
    cJSON_AddItemToObject(o, "points", points);
    cJSON_AddItemToObject(o, "steps", steps);
    return o;
}

static bool print_json(const rzb_history *h, FILE *out) {
    cJSON *all = cJSON_CreateArray();
    for (size_t i = 0; i < h->n; i++)
        cJSON_AddItemToArray(all, trend_json(&h->trends[i]));
    return rzb_json_print(all, out);
}

bool rzb_history_print(const rzb_history *h, const char *format, FILE *out) {
    if (!strcmp(format, "csv")) return print_csv(h, out);
    if (!strcmp(format, "json")) return print_json(h, out);
    if (strcmp(format, "md")) return false;
    for (size_t i = 0; i < h->n; i++)
        md_trend(&h->trends[i], out);
    return !ferror(out);
}
