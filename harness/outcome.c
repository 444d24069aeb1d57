#include "harness/outcome.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/json_number.h"

/* A number field, NaN when absent or null. */
static double number(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void text(const cJSON *o, const char *key, char *out, size_t cap) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    snprintf(out, cap, "%s", s ? s : "");
}

static bool starts(const char *s, const char *prefix) {
    return !strncmp(s, prefix, strlen(prefix));
}

/* Probes and normalised figures among one claim's metrics. */
static bool metrics(rzb_outcomes *o, const char *id, const cJSON *list) {
    for (const cJSON *m = list ? list->child : NULL; m; m = m->next) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(m, "name"));
        const char *unit = cJSON_GetStringValue(cJSON_GetObjectItem(m, "unit"));
        double v = number(m, "value");
        if (!name || !unit || isnan(v)) continue;
        if (starts(name, "STREAM triad") && !strcmp(unit, "GB/s"))
            o->triad_gbs = isnan(o->triad_gbs) ? v : fmax(o->triad_gbs, v);
        if (starts(name, "FMA peak") && !strcmp(unit, "GFLOP/s"))
            o->fma_gflops = isnan(o->fma_gflops) ? v : fmax(o->fma_gflops, v);
        if (strcmp(unit, "%") || !strstr(name, "% of")) continue;
        rzb_outcome_figure *f = realloc(o->figures, (o->n_figures + 1) * sizeof *f);
        if (!f) return false;
        o->figures = f;
        f = &o->figures[o->n_figures++];
        snprintf(f->claim, sizeof f->claim, "%s", id);
        snprintf(f->name, sizeof f->name, "%s", name);
        snprintf(f->unit, sizeof f->unit, "%s", unit);
        f->value = v;
    }
    return true;
}

static bool results(rzb_outcomes *o, const cJSON *list) {
    size_t n = (size_t)cJSON_GetArraySize(list);
    o->claims = calloc(n ? n : 1, sizeof *o->claims);
    if (!o->claims) return false;
    for (const cJSON *r = list->child; r; r = r->next) {
        rzb_outcome *c = &o->claims[o->n];
        text(r, "id", c->id, sizeof c->id);
        if (!c->id[0]) continue;
        text(r, "verdict", c->verdict, sizeof c->verdict);
        const cJSON *cmp = cJSON_GetObjectItem(r, "comparison");
        c->ratio = number(cmp, "ratio");
        c->lo = number(cmp, "ratio_ci_lo");
        c->hi = number(cmp, "ratio_ci_hi");
        c->level = number(cmp, "ci_level");
        c->threshold = number(cmp, "threshold");
        o->n++;
        if (!metrics(o, c->id, cJSON_GetObjectItem(r, "metrics"))) return false;
    }
    return true;
}

bool rzb_outcomes_read(const char *json, size_t len, const char *label, rzb_outcomes *o, char *err,
                       size_t cap) {
    memset(o, 0, sizeof *o);
    o->triad_gbs = o->fma_gflops = NAN;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        snprintf(err, cap, "%s: not JSON: parsing stopped at byte offset %ld of %zu", label,
                 end ? (long)(end - json) : 0L, len);
        return false;
    }
    const cJSON *list = cJSON_GetObjectItem(root, "results");
    const cJSON *env = cJSON_GetObjectItem(root, "environment");
    bool ok = cJSON_IsArray(list) && cJSON_IsObject(env);
    if (!ok) {
        snprintf(
            err, cap,
            "%s: not a claim or verify report: expected a \"results\" array and an \"environment\" object",
            label);
    } else {
        char isa[600], gpu[600];
        text(env, "cpu", o->cpu, sizeof o->cpu);
        text(env, "isa_available", isa, sizeof isa);
        text(env, "gpu", gpu, sizeof gpu);
        snprintf(o->isa, sizeof o->isa, "%s", rzb_bundle_isa(isa));
        o->gpu = rzb_bundle_gpu(gpu);
        ok = results(o, list);
        if (!ok) snprintf(err, cap, "%s: out of memory while reading", label);
    }
    cJSON_Delete(root);
    if (!ok) rzb_outcomes_free(o);
    return ok;
}

bool rzb_outcomes_of_bundle(const rzb_bundle *b, rzb_outcomes *o, char *err, size_t cap) {
    char name[300], label[4400];
    snprintf(name, sizeof name, "reports/%s.json", rzb_bundle_field(b, "report"));
    snprintf(label, sizeof label, "%s: %s", b->path, name);
    const rzb_bundle_file *f = rzb_bundle_find(b, name);
    if (!f) {
        snprintf(err, cap, "%s: absent (the manifest's \"report\" names it)", label);
        return false;
    }
    if (!rzb_outcomes_read((const char *)f->data, f->len, label, o, err, cap)) return false;
    snprintf(o->isa, sizeof o->isa, "%s", rzb_bundle_field(b, "isa"));
    o->gpu = cJSON_IsTrue(cJSON_GetObjectItem(b->manifest, "gpu"));
    return true;
}

void rzb_outcomes_free(rzb_outcomes *o) {
    free(o->claims);
    free(o->figures);
    o->claims = NULL;
    o->figures = NULL;
    o->n = o->n_figures = 0;
}

const rzb_outcome *rzb_outcome_find(const rzb_outcomes *o, const char *id) {
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->claims[i].id, id)) return &o->claims[i];
    return NULL;
}

const char *rzb_outcome_class(const char *isa, bool gpu, char *buf, size_t cap) {
    static const char *const names[][2] = {
        {"amx", "AMX"}, {"avx512", "AVX-512"}, {"avx2", "AVX2"}, {"scalar", "scalar"}};
    const char *word = isa;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(isa, names[i][0])) word = names[i][1];
    snprintf(buf, cap, "%s%s", word, gpu ? " + GPU" : "");
    return buf;
}

const char *rzb_outcome_ratio_text(const rzb_outcome *o, char *buf, size_t cap) {
    if (!o || isnan(o->ratio))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.4g [%.4g, %.4g] vs %.4g", o->ratio, o->lo, o->hi, o->threshold);
    return buf;
}

cJSON *rzb_outcome_json(const rzb_outcome *o) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "claim", o->id);
    cJSON_AddStringToObject(j, "verdict", o->verdict);
    rzb_json_number(j, "ratio", o->ratio);
    rzb_json_number(j, "ratio_ci_lo", o->lo);
    rzb_json_number(j, "ratio_ci_hi", o->hi);
    rzb_json_number(j, "ci_level", o->level);
    rzb_json_number(j, "threshold", o->threshold);
    return j;
}

void rzb_csv_text(FILE *out, const char *s, bool last) {
    csv_fwrite(out, s, strlen(s));
    fputc(last ? '\n' : ',', out);
}

void rzb_csv_number(FILE *out, double v, bool last) {
    if (!isnan(v)) fprintf(out, "%.9g", v);
    fputc(last ? '\n' : ',', out);
}

void rzb_outcome_csv(FILE *out, const rzb_outcome *o, bool last) {
    rzb_csv_text(out, o ? o->verdict : "", false);
    rzb_csv_number(out, o ? o->ratio : NAN, false);
    rzb_csv_number(out, o ? o->lo : NAN, false);
    rzb_csv_number(out, o ? o->hi : NAN, last);
}
