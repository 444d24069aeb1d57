#include "harness/gate_run.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/gate_workloads.h"
#include "harness/load.h"
#include "harness/stats.h"
#include "harness/subprocess.h"
#include "harness/timer.h"

/* How a side's run ended; RUN_SKIPPED is `rzbench workload`'s own exit code for a workload
 * that cannot run here (its fixture could not be made). */
enum { RUN_OK = 0, RUN_FAILED = 1, RUN_SKIPPED = 3 };

/* What one `rzbench workload` process gave. */
typedef struct {
    double value; /* median of the samples, or the count */
    char unit[16];
    char source[512];
} side_result;

static bool parse_reply(const char *text, const char *metric, side_result *r, char *why,
                        size_t cap) {
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    const char *unit = cJSON_GetStringValue(cJSON_GetObjectItem(o, "unit"));
    bool ok = unit != NULL;
    if (ok && !strcmp(metric, "time")) {
        cJSON *samples = cJSON_GetObjectItem(o, "samples");
        int n = cJSON_GetArraySize(samples);
        double *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
        int k = 0;
        for (cJSON *v = samples ? samples->child : NULL; x && v; v = v->next)
            if (cJSON_IsNumber(v)) x[k++] = v->valuedouble;
        ok = x && k > 0;
        if (ok) r->value = rzb_median(x, (size_t)k);
        free(x);
    } else if (ok) {
        cJSON *v = cJSON_GetObjectItem(o, "value");
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItem(o, "source"));
        const char *because = cJSON_GetStringValue(cJSON_GetObjectItem(o, "why"));
        ok = cJSON_IsNumber(v) && v->valuedouble > 0;
        if (ok) r->value = v->valuedouble;
        snprintf(r->source, sizeof r->source, "%s%s%s", src ? src : "?", because ? ": " : "",
                 because ? because : "");
    }
    if (ok) snprintf(r->unit, sizeof r->unit, "%s", unit);
    if (!ok)
        snprintf(why, cap, "expected one JSON line with \"unit\" and %s, got: %.200s",
                 strcmp(metric, "time") ? "a positive \"value\"" : "\"samples\"",
                 text ? text : "(nothing)");
    cJSON_Delete(o);
    return ok;
}

/* One run of `workload` by the build of `rzbench`: RUN_OK, RUN_FAILED (why says what went
 * wrong) or RUN_SKIPPED (the workload cannot run here: why holds its reason). */
static int run_side(const rzb_gate_plan *p, const char *rzbench, const char *workload,
                    side_result *r, char *why, size_t cap) {
    char *argv[] = {(char *)rzbench,
                    "workload",
                    (char *)workload,
                    "--fixtures",
                    (char *)p->fixtures,
                    "--metric",
                    (char *)p->metric,
                    "--counter",
                    (char *)(p->counter ? p->counter : "auto"),
                    NULL};
    rzb_cpus all;
    rzb_cpus_all(&all);
    rzb_child child;
    char err[512];
    if (!rzb_child_start(argv, &all, &child, err, sizeof err)) {
        snprintf(why, cap, "%s workload %s: %s", rzbench, workload, err);
        return RUN_FAILED;
    }
    char *out = rzb_child_read_all(&child);
    char tail[600] = "";
    int status = rzb_child_finish(&child, tail, sizeof tail);
    char bad[700];
    if (status == RUN_SKIPPED) {
        cJSON *o = out ? cJSON_Parse(out) : NULL;
        const char *reason = cJSON_GetStringValue(cJSON_GetObjectItem(o, "skipped"));
        snprintf(why, cap, "%s", reason ? reason : "skipped");
        cJSON_Delete(o);
        free(out);
        return RUN_SKIPPED;
    }
    bool ok = status == 0 && parse_reply(out, p->metric, r, bad, sizeof bad);
    if (!ok) {
        char sig[512] = "";
        if (status > 128) rzb_signal_reason(status, sig, sizeof sig);
        snprintf(why, cap, "%s workload %s --metric %s exited with status %d%s%s: %s", rzbench,
                 workload, p->metric, status, sig[0] ? ", " : "", sig,
                 status ? (tail[0] ? tail : "(no error text)") : bad);
    }
    free(out);
    return ok ? RUN_OK : RUN_FAILED;
}

static bool decided(const rzb_compare_row *row) {
    return row->change == RZB_CHANGE_REGRESSION || row->pass;
}

/* Leaves a skipped workload out of the outcome, with its reason in a note. */
static void skip(rzb_gate_outcome *out, size_t w, const char *reason) {
    size_t used = strlen(out->skipped);
    snprintf(out->skipped + used, sizeof out->skipped - used, "%s%s (%s)", used ? "; " : "",
             out->rows[w].workload, reason);
    out->rows[w].metric[0] = 0;
}

/* Workload i's margin: the plan's, or for time the workload's own where it has one. */
static double margin_of(const rzb_gate_plan *p, size_t i) {
    const rzb_gw *w = rzb_gw_find(p->workloads[i]);
    const bool own = !p->margin_given && !strcmp(p->metric, "time") && w && w->time_margin > 0;
    return own ? w->time_margin : p->margin;
}

/* Judges every row on the runs so far; true when all are decided. */
static bool judge_all(const rzb_gate_plan *p, rzb_gate_outcome *out) {
    bool all = true;
    for (size_t i = 0; i < out->n_rows; i++) {
        if (!out->rows[i].metric[0]) continue;
        rzb_compare_judge(&out->rows[i], margin_of(p, i), p->alpha);
        all = all && decided(&out->rows[i]);
    }
    return all;
}

static bool add_run(rzb_compare_row *row, const side_result s[2]) {
    double *o = realloc(row->old_runs, (row->n_old + 1) * sizeof *o);
    if (o) row->old_runs = o;
    double *n = realloc(row->new_runs, (row->n_new + 1) * sizeof *n);
    if (n) row->new_runs = n;
    if (!o || !n) return false;
    row->old_runs[row->n_old++] = s[0].value;
    row->new_runs[row->n_new++] = s[1].value;
    return true;
}

/* One round: each workload once per side, the order of the sides by the round's parity. */
static bool round_once(const rzb_gate_plan *p, rzb_gate_outcome *out, int round, char *why,
                       size_t cap) {
    const char *bin[2] = {p->old_rzbench, p->new_rzbench};
    for (size_t w = 0; w < p->n_workloads; w++) {
        if (!out->rows[w].metric[0]) continue;
        side_result s[2];
        memset(s, 0, sizeof s);
        for (int k = 0; k < 2; k++) {
            int side = round % 2 ? 1 - k : k;
            if (p->progress)
                fprintf(stderr, "\r\033[Kgate: round %d: %s (%s)", round + 1, p->workloads[w],
                        side ? "NEW" : "OLD");
            int rc = run_side(p, bin[side], p->workloads[w], &s[side], why, cap);
            if (rc == RUN_FAILED) return false;
            if (rc == RUN_SKIPPED) break;
        }
        if (s[0].value == 0 || s[1].value == 0) {
            skip(out, w, why);
            continue;
        }
        rzb_compare_row *row = &out->rows[w];
        if (round == 0) snprintf(row->unit, sizeof row->unit, "%s", s[1].unit);
        if (strcmp(s[0].unit, s[1].unit)) {
            snprintf(why, cap, "%s: OLD reports %s, NEW %s: the builds measure different things",
                     p->workloads[w], s[0].unit, s[1].unit);
            return false;
        }
        if (!add_run(row, s)) {
            snprintf(why, cap, "out of memory");
            return false;
        }
        if (s[1].source[0]) snprintf(out->source, sizeof out->source, "%s", s[1].source);
    }
    return true;
}

bool rzb_gate_run(const rzb_gate_plan *p, rzb_gate_outcome *out, char *why, size_t cap) {
    memset(out, 0, sizeof *out);
    out->rows = calloc(p->n_workloads ? p->n_workloads : 1, sizeof *out->rows);
    if (!out->rows) {
        snprintf(why, cap, "out of memory");
        return false;
    }
    out->n_rows = p->n_workloads;
    bool timed = !strcmp(p->metric, "time");
    for (size_t i = 0; i < out->n_rows; i++) {
        rzb_compare_row *row = &out->rows[i];
        snprintf(row->workload, sizeof row->workload, "%s", p->workloads[i]);
        snprintf(row->metric, sizeof row->metric, "%s", p->metric);
        row->paired = true;
    }
    rzb_load load;
    rzb_load_mark(&load);
    int max_rounds = timed ? p->max_runs : 1;
    bool done = false;
    for (int r = 0; r < max_rounds && !done; r++) {
        if (!round_once(p, out, r, why, cap)) {
            rzb_gate_outcome_free(out);
            return false;
        }
        out->rounds = r + 1;
        out->wall_s = (double)(rz_now_ns() - load.wall_ns) / 1e9;
        done = judge_all(p, out) && (!timed || out->rounds >= p->min_runs);
        if (!p->progress)
            fprintf(stderr, "gate: round %d done (%.1f s)\n", out->rounds, out->wall_s);
        double per_round = out->wall_s / out->rounds;
        if (!done && timed && out->wall_s + per_round > p->budget_s) {
            out->budget_spent = out->rounds < p->max_runs;
            break;
        }
    }
    if (p->progress) fputs("\r\033[K", stderr);
    size_t kept = 0;
    for (size_t i = 0; i < out->n_rows; i++)
        if (out->rows[i].metric[0])
            out->rows[kept++] = out->rows[i];
        else
            rzb_compare_row_free(&out->rows[i]);
    out->n_rows = kept;
    out->foreign_cpus = rzb_load_foreign_cpus(&load, NULL);
    out->too_busy = timed && out->foreign_cpus > p->max_foreign_cpus;
    for (size_t i = 0; out->too_busy && i < out->n_rows; i++) {
        out->rows[i].change = RZB_CHANGE_INCONCLUSIVE;
        out->rows[i].pass = false;
    }
    return true;
}

void rzb_gate_outcome_free(rzb_gate_outcome *out) {
    for (size_t i = 0; i < out->n_rows; i++)
        rzb_compare_row_free(&out->rows[i]);
    free(out->rows);
    memset(out, 0, sizeof *out);
}
