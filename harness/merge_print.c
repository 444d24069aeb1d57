/* The merge as Markdown (matrix, sentences, ratios, machines, normalised figures), CSV (the
 * matrix, one row per bundle) and JSON (everything). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/json_number.h"
#include "harness/json_print.h"
#include "harness/merge.h"

static void md_head(const rzb_merge *m, const char *first, FILE *out) {
    fprintf(out, "| %s |", first);
    for (size_t c = 0; c < m->n_claims; c++)
        fprintf(out, " %s |", m->claims[c]);
    fputs("\n|---|---|---|---|", out);
    for (size_t c = 0; c < m->n_claims; c++)
        fputs("---|", out);
    fputc('\n', out);
}

static void md_matrix(const rzb_merge *m, bool ratios, FILE *out) {
    md_head(m, "machine | host | class | bundle", out);
    for (size_t i = 0; i < m->n_rows; i++) {
        const rzb_merge_row *r = &m->rows[i];
        fprintf(out, "| %s | %s | %s | %s |", r->machine, r->hostname, r->hw_class, r->file);
        for (size_t c = 0; c < m->n_claims; c++) {
            const rzb_outcome *o = rzb_outcome_find(&r->out, m->claims[c]);
            char buf[128];
            fprintf(out, " %s |",
                    ratios ? rzb_outcome_ratio_text(o, buf, sizeof buf)
                    : o    ? o->verdict
                           : "-");
        }
        fputc('\n', out);
    }
}

/* A probe's figure, or "not measured". */
static void probe(double v, FILE *out) {
    if (isnan(v))
        fputs("not measured", out);
    else
        fprintf(out, "%.1f", v);
}

static void md_machines(const rzb_merge *m, FILE *out) {
    fputs(
        "\n## Machines\n\n| machine | host | class | CPU | triad GB/s | bandwidth group | FMA peak GFLOP/s | rz commit |\n|---|---|---|---|---:|---|---:|---|\n",
        out);
    for (size_t i = 0; i < m->n_rows; i++) {
        const rzb_merge_row *r = &m->rows[i];
        fprintf(out, "| %s | %s | %s | %s | ", r->machine, r->hostname, r->hw_class, r->out.cpu);
        probe(r->out.triad_gbs, out);
        fprintf(out, " | %s | ", rzb_merge_bandwidth(r->out.triad_gbs));
        probe(r->out.fma_gflops, out);
        fprintf(out, " | %.12s |\n", r->commit);
    }
}

static const char *class_key(const rzb_merge_row *r) {
    return r->hw_class;
}

static const char *bandwidth_key(const rzb_merge_row *r) {
    return rzb_merge_bandwidth(r->out.triad_gbs);
}

/* One line per distinct key, in the order first seen: "- KEY: host (bundle), ...". */
static void md_groups(const rzb_merge *m, const char *(*key)(const rzb_merge_row *), FILE *out) {
    for (size_t i = 0; i < m->n_rows; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= !strcmp(key(&m->rows[j]), key(&m->rows[i]));
        if (seen) continue;
        fprintf(out, "- %s:", key(&m->rows[i]));
        for (size_t j = i, k = 0; j < m->n_rows; j++)
            if (!strcmp(key(&m->rows[j]), key(&m->rows[i])))
                fprintf(out, "%s %s (%s)", k++ ? "," : "", m->rows[j].hostname, m->rows[j].file);
        fputc('\n', out);
    }
}

static void md_figures(const rzb_merge *m, FILE *out) {
    bool any = false;
    for (size_t i = 0; i < m->n_rows; i++)
        for (size_t k = 0; k < m->rows[i].out.n_figures; k++) {
            const rzb_outcome_figure *f = &m->rows[i].out.figures[k];
            if (!any)
                fputs(
                    "\n## Normalised by the roofline probes (FMA peak, triad)\n\n| machine | host | claim | figure | value |\n|---|---|---|---|---:|\n",
                    out);
            any = true;
            fprintf(out, "| %s | %s | %s | %s | %.1f %s |\n", m->rows[i].machine,
                    m->rows[i].hostname, f->claim, f->name, f->value, f->unit);
        }
}

bool rzb_merge_md(const rzb_merge *m, FILE *out) {
    fprintf(out, "# rzbench merge: %zu bundle%s, %zu claim%s%s\n\n## Verdicts\n\n", m->n_rows,
            m->n_rows == 1 ? "" : "s", m->n_claims, m->n_claims == 1 ? "" : "s",
            m->mixed ? " (MIXED rz commits, allowed by --allow-mixed)" : "");
    md_matrix(m, false, out);
    fputc('\n', out);
    for (size_t c = 0; c < m->n_claims; c++) {
        char sentence[1024];
        rzb_merge_sentence(m, m->claims[c], sentence, sizeof sentence);
        fprintf(out, "- %s\n", sentence);
    }
    fputs("\n## Ratios with their CIs, against the claimed threshold\n\n", out);
    md_matrix(m, true, out);
    fputs("\n## Machines by hardware class\n\n", out);
    md_groups(m, class_key, out);
    fputs("\n## Machines by memory bandwidth (STREAM triad)\n\n", out);
    md_groups(m, bandwidth_key, out);
    md_machines(m, out);
    md_figures(m, out);
    return !ferror(out);
}

static void csv_row(const rzb_merge *m, const rzb_merge_row *r, FILE *out) {
    const char *fields[] = {r->machine, r->hostname, r->hw_class, r->file, r->commit};
    for (size_t k = 0; k < 5; k++)
        rzb_csv_text(out, fields[k], false);
    rzb_csv_number(out, r->out.triad_gbs, !m->n_claims);
    for (size_t c = 0; c < m->n_claims; c++)
        rzb_outcome_csv(out, rzb_outcome_find(&r->out, m->claims[c]), c + 1 == m->n_claims);
}

bool rzb_merge_csv(const rzb_merge *m, FILE *out) {
    fputs("machine,hostname,class,bundle,rz_commit,triad_gbs", out);
    for (size_t c = 0; c < m->n_claims; c++)
        fprintf(out, ",%s,%s ratio,%s ci_lo,%s ci_hi", m->claims[c], m->claims[c], m->claims[c],
                m->claims[c]);
    fputc('\n', out);
    for (size_t i = 0; i < m->n_rows; i++)
        csv_row(m, &m->rows[i], out);
    return !ferror(out);
}

static cJSON *row_json(const rzb_merge_row *r) {
    cJSON *j = cJSON_CreateObject();
    const char *keys[] = {"machine", "hostname", "isa", "class", "bundle", "rz_commit", "cpu"};
    const char *vals[] = {r->machine, r->hostname, r->out.isa, r->hw_class,
                          r->file,    r->commit,   r->out.cpu};
    for (size_t k = 0; k < 7; k++)
        cJSON_AddStringToObject(j, keys[k], vals[k]);
    cJSON_AddBoolToObject(j, "gpu", r->out.gpu);
    rzb_json_number(j, "triad_gbs", r->out.triad_gbs);
    cJSON_AddStringToObject(j, "bandwidth_group", rzb_merge_bandwidth(r->out.triad_gbs));
    rzb_json_number(j, "fma_peak_gflops", r->out.fma_gflops);
    cJSON *claims = cJSON_AddArrayToObject(j, "claims");
    for (size_t k = 0; k < r->out.n; k++)
        cJSON_AddItemToArray(claims, rzb_outcome_json(&r->out.claims[k]));
    cJSON *figures = cJSON_AddArrayToObject(j, "normalised");
    for (size_t k = 0; k < r->out.n_figures; k++) {
        const rzb_outcome_figure *f = &r->out.figures[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "claim", f->claim);
        cJSON_AddStringToObject(o, "name", f->name);
        rzb_json_number(o, "value", f->value);
        cJSON_AddStringToObject(o, "unit", f->unit);
        cJSON_AddItemToArray(figures, o);
    }
    return j;
}

bool rzb_merge_json(const rzb_merge *m, FILE *out) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "report", "merge");
    cJSON_AddStringToObject(root, "command", m->command ? m->command : "");
    cJSON_AddBoolToObject(root, "mixed_commits", m->mixed);
    cJSON *claims = cJSON_AddArrayToObject(root, "claims");
    cJSON *where = cJSON_AddArrayToObject(root, "where_claims_hold");
    for (size_t c = 0; c < m->n_claims; c++) {
        char sentence[1024];
        rzb_merge_sentence(m, m->claims[c], sentence, sizeof sentence);
        cJSON_AddItemToArray(claims, cJSON_CreateString(m->claims[c]));
        cJSON_AddItemToArray(where, cJSON_CreateString(sentence));
    }
    cJSON *rows = cJSON_AddArrayToObject(root, "machines");
    for (size_t i = 0; i < m->n_rows; i++)
        cJSON_AddItemToArray(rows, row_json(&m->rows[i]));
    return rzb_json_print(root, out);
}
