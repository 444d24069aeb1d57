#include "harness/serve_load_report.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/json_number.h"
#include "harness/json_print.h"

void rzb_sl_report_note(rzb_sl_report *r, const char *fmt, ...) {
    if (r->n_notes == RZB_SL_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

/* "name 3, name 1" or "none". */
static const char *failures(const rzb_sl_summary *s, char *buf, size_t cap) {
    size_t used = 0;
    snprintf(buf, cap, "none");
    for (int k = 0; k < s->n_failures && used < cap; k++) {
        int n = snprintf(buf + used, cap - used, "%s%s %d", k ? ", " : "", s->failure[k],
                         s->failure_n[k]);
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

static const char *const figure_names[] = {"ttft", "tpot", "itl", "e2e"};

static const rzb_sl_pcts *figure(const rzb_sl_summary *s, int k) {
    const rzb_sl_pcts *f[] = {&s->ttft, &s->tpot, &s->itl, &s->e2e};
    return f[k];
}

static void md_row(const rzb_sl_row *row, FILE *out) {
    const rzb_sl_summary *s = &row->s;
    char fail[400];
    fprintf(out, "| %s | %.3g | %d | %d/%d | %.3f | %.1f | %.3f (%.0f%%) |", row->target, row->rate,
            row->rounds, s->ok, s->requests, s->req_per_s, s->out_tok_per_s, s->goodput,
            100 * s->good_fraction);
    for (int k = 0; k < 4; k++) {
        const rzb_sl_pcts *p = figure(s, k);
        fprintf(out, " %.1f / %.1f / %.1f |", p->p50, p->p90, p->p99);
    }
    fprintf(out, " %s |\n", failures(s, fail, sizeof fail));
}

static bool print_md(const rzb_sl_report *r, FILE *out) {
    fprintf(out, "# rzbench serve-load\n\n`%s`\n\n", r->command);
    fprintf(out, "SLO: TTFT <= %g ms, TPOT <= %g ms (<= 0: not applied)\n\n", r->slo.ttft_ms,
            r->slo.tpot_ms);
    for (int i = 0; i < r->n_notes; i++)
        fprintf(out, "- %s\n", r->notes[i]);
    fputs("\n| target | rate (req/s) | rounds | ok/requests | req/s | out tok/s |", out);
    fputs(" goodput req/s (within SLO) | TTFT ms p50/p90/p99 | TPOT ms p50/p90/p99 |", out);
    fputs(" ITL ms p50/p90/p99 | E2E ms p50/p90/p99 | failures |\n", out);
    fputs("|---|---|---|---|---|---|---|---|---|---|---|---|\n", out);
    for (int i = 0; i < r->n_rows; i++)
        md_row(&r->rows[i], out);
    if (r->fingerprint_json) fprintf(out, "\nEnvironment: `%s`\n", r->fingerprint_json);
    return !ferror(out);
}

static bool print_csv(const rzb_sl_report *r, FILE *out) {
    fprintf(out, "# %s\n# slo_ttft_ms %g, slo_tpot_ms %g\n", r->command, r->slo.ttft_ms,
            r->slo.tpot_ms);
    for (int i = 0; i < r->n_notes; i++)
        fprintf(out, "# %s\n", r->notes[i]);
    fputs("target,rate_req_per_s,rounds,requests,ok,failed,duration_s,req_per_s,", out);
    fputs("out_tok_per_s,goodput_req_per_s,good_fraction,late_max_ms", out);
    for (int k = 0; k < 4; k++)
        fprintf(out, ",%s_p50_ms,%s_p90_ms,%s_p99_ms,%s_mean_ms", figure_names[k], figure_names[k],
                figure_names[k], figure_names[k]);
    fputs(",failures\n", out);
    for (int i = 0; i < r->n_rows; i++) {
        const rzb_sl_row *row = &r->rows[i];
        const rzb_sl_summary *s = &row->s;
        char fail[400];
        fprintf(out, "%s,%g,%d,%d,%d,%d,%.3f,%.4f,%.3f,%.4f,%.4f,%.3f", row->target, row->rate,
                row->rounds, s->requests, s->ok, s->failed, s->duration_s, s->req_per_s,
                s->out_tok_per_s, s->goodput, s->good_fraction, s->late_max_ms);
        for (int k = 0; k < 4; k++) {
            const rzb_sl_pcts *p = figure(s, k);
            fprintf(out, ",%.3f,%.3f,%.3f,%.3f", p->p50, p->p90, p->p99, p->mean);
        }
        fprintf(out, ",\"%s\"\n", failures(s, fail, sizeof fail));
    }
    return !ferror(out);
}

static cJSON *json_row(const rzb_sl_row *row) {
    const rzb_sl_summary *s = &row->s;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "target", row->target);
    rzb_json_number(o, "rate_req_per_s", row->rate);
    rzb_json_number(o, "rounds", row->rounds);
    rzb_json_number(o, "requests", s->requests);
    rzb_json_number(o, "ok", s->ok);
    rzb_json_number(o, "failed", s->failed);
    rzb_json_number(o, "duration_s", s->duration_s);
    rzb_json_number(o, "req_per_s", s->req_per_s);
    rzb_json_number(o, "out_tok_per_s", s->out_tok_per_s);
    rzb_json_number(o, "goodput_req_per_s", s->goodput);
    rzb_json_number(o, "good_fraction", s->good_fraction);
    rzb_json_number(o, "output_tokens", (double)s->out_tokens);
    rzb_json_number(o, "usage_mismatch", s->usage_mismatch);
    rzb_json_number(o, "late_max_ms", s->late_max_ms);
    for (int k = 0; k < 4; k++) {
        const rzb_sl_pcts *p = figure(s, k);
        char key[16];
        snprintf(key, sizeof key, "%s_ms", figure_names[k]);
        cJSON *f = cJSON_AddObjectToObject(o, key);
        rzb_json_number(f, "p50", p->p50);
        rzb_json_number(f, "p90", p->p90);
        rzb_json_number(f, "p99", p->p99);
        rzb_json_number(f, "mean", p->mean);
        rzb_json_number(f, "n", (double)p->n);
    }
    cJSON *fail = cJSON_AddObjectToObject(o, "failures");
    for (int k = 0; k < s->n_failures; k++)
        rzb_json_number(fail, s->failure[k], s->failure_n[k]);
    if (s->failed) cJSON_AddStringToObject(o, "first_failure_detail", s->first_detail);
    return o;
}

static bool print_json(const rzb_sl_report *r, FILE *out) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "command", r->command);
    cJSON *slo = cJSON_AddObjectToObject(o, "slo");
    rzb_json_number(slo, "ttft_ms", r->slo.ttft_ms);
    rzb_json_number(slo, "tpot_ms", r->slo.tpot_ms);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (int i = 0; i < r->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    for (int i = 0; i < r->n_rows; i++)
        cJSON_AddItemToArray(rows, json_row(&r->rows[i]));
    cJSON *env = r->fingerprint_json ? cJSON_Parse(r->fingerprint_json) : NULL;
    if (env) cJSON_AddItemToObject(o, "environment", env);
    return rzb_json_print(o, out);
}

bool rzb_sl_report_print(const rzb_sl_report *r, const char *format, FILE *out) {
    if (!strcmp(format, "md")) return print_md(r, out);
    if (!strcmp(format, "csv")) return print_csv(r, out);
    if (!strcmp(format, "json")) return print_json(r, out);
    return false;
}
