#include "harness/reverify.h"

#include <stdlib.h>
#include <string.h>

#include "harness/atomic_file.h"
#include "harness/json_print.h"

static void class_key(const rzb_outcomes *o, char *out, size_t cap) {
    snprintf(out, cap, "%s%s", o->isa, o->gpu ? "+gpu" : "");
}

bool rzb_reverify_judge(rzb_reverify *r) {
    class_key(r->then, r->then_class, sizeof r->then_class);
    class_key(r->now, r->now_class, sizeof r->now_class);
    bool comparable = !strcmp(r->then_class, r->now_class);
    r->rows = calloc(r->then->n ? r->then->n : 1, sizeof *r->rows);
    if (!r->rows) return false;
    for (size_t i = 0; i < r->then->n; i++) {
        rzb_reverify_row *row = &r->rows[r->n++];
        row->then = &r->then->claims[i];
        row->now = rzb_outcome_find(r->now, row->then->id);
        snprintf(row->claim, sizeof row->claim, "%s", row->then->id);
        if (!comparable)
            row->status = RZB_NOT_COMPARABLE;
        else if (row->now && !strcmp(row->then->verdict, row->now->verdict))
            row->status = RZB_REPRODUCED;
        else
            row->status = RZB_DIFFERS;
    }
    return true;
}

void rzb_reverify_free(rzb_reverify *r) {
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}

const char *rzb_reverify_status_text(const rzb_reverify *r, const rzb_reverify_row *row, char *buf,
                                     size_t cap) {
    if (row->status == RZB_NOT_COMPARABLE)
        snprintf(buf, cap, "not comparable (hardware class differs: %s vs %s)", r->then_class,
                 r->now_class);
    else
        snprintf(buf, cap, "%s", row->status == RZB_REPRODUCED ? "reproduced" : "differs");
    return buf;
}

static bool md(const rzb_reverify *r, FILE *out) {
    fprintf(
        out,
        "# rzbench reverify: %s\n\n- bundle: %s (%s), rz %.12s\n- this run: %s (%s), rz %.12s\n",
        r->bundle, r->then->cpu, r->then_class, r->then_commit, r->now->cpu, r->now_class,
        r->now_commit);
    if (strcmp(r->then_commit, r->now_commit))
        fputs("- MIXED: the bundle was made by another rz commit (--allow-mixed)\n", out);
    fputs(
        "\n| claim | bundle verdict | bundle ratio [CI] | this run verdict | this run ratio [CI] | outcome |\n|---|---|---|---|---|---|\n",
        out);
    for (size_t i = 0; i < r->n; i++) {
        const rzb_reverify_row *row = &r->rows[i];
        char a[128], b[128], s[160];
        fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", row->claim, row->then->verdict,
                rzb_outcome_ratio_text(row->then, a, sizeof a),
                row->now ? row->now->verdict : "not run",
                rzb_outcome_ratio_text(row->now, b, sizeof b),
                rzb_reverify_status_text(r, row, s, sizeof s));
    }
    return !ferror(out);
}

static bool csv(const rzb_reverify *r, FILE *out) {
    fputs(
        "claim,bundle_verdict,bundle_ratio,bundle_ci_lo,bundle_ci_hi,this_verdict,this_ratio,this_ci_lo,this_ci_hi,outcome,bundle_class,this_class,bundle_cpu,this_cpu\n",
        out);
    for (size_t i = 0; i < r->n; i++) {
        const rzb_reverify_row *row = &r->rows[i];
        char s[160];
        rzb_csv_text(out, row->claim, false);
        rzb_outcome_csv(out, row->then, false);
        rzb_outcome_csv(out, row->now, false);
        const char *rest[] = {rzb_reverify_status_text(r, row, s, sizeof s), r->then_class,
                              r->now_class, r->then->cpu, r->now->cpu};
        for (size_t k = 0; k < 5; k++)
            rzb_csv_text(out, rest[k], k == 4);
    }
    return !ferror(out);
}

static cJSON *machine_json(const rzb_outcomes *o, const char *class, const char *commit) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "cpu", o->cpu);
    cJSON_AddStringToObject(j, "class", class);
    cJSON_AddStringToObject(j, "rz_commit", commit);
    return j;
}

static bool json(const rzb_reverify *r, FILE *out) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "report", "reverify");
    cJSON_AddStringToObject(root, "bundle", r->bundle);
    cJSON_AddStringToObject(root, "command", r->command ? r->command : "");
    cJSON_AddBoolToObject(root, "mixed_commits", strcmp(r->then_commit, r->now_commit) != 0);
    cJSON_AddItemToObject(root, "bundle_machine",
                          machine_json(r->then, r->then_class, r->then_commit));
    cJSON_AddItemToObject(root, "this_machine", machine_json(r->now, r->now_class, r->now_commit));
    cJSON *claims = cJSON_AddArrayToObject(root, "claims");
    for (size_t i = 0; i < r->n; i++) {
        const rzb_reverify_row *row = &r->rows[i];
        char s[160];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "claim", row->claim);
        cJSON_AddItemToObject(c, "bundle", rzb_outcome_json(row->then));
        cJSON_AddItemToObject(c, "this_run",
                              row->now ? rzb_outcome_json(row->now) : cJSON_CreateNull());
        cJSON_AddStringToObject(c, "outcome", rzb_reverify_status_text(r, row, s, sizeof s));
        cJSON_AddItemToArray(claims, c);
    }
    return rzb_json_print(root, out);
}

bool rzb_reverify_print(const rzb_reverify *r, const char *format, FILE *out) {
    if (!strcmp(format, "md")) return md(r, out);
    if (!strcmp(format, "csv")) return csv(r, out);
    if (!strcmp(format, "json")) return json(r, out);
    return false;
}

bool rzb_reverify_write(const rzb_reverify *r, const char *dir, char *err, size_t cap) {
    static const char *const formats[] = {"md", "csv", "json"};
    if (!rzb_make_dirs(dir, err, cap)) return false;
    for (size_t i = 0; i < 3; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/reverify.%s", dir, formats[i]);
        rzb_atomic_file a;
        if (!rzb_atomic_open_said(&a, path, err, cap) ||
            !rzb_atomic_close_said(&a, rzb_reverify_print(r, formats[i], a.f), err, cap))
            return false;
    }
    return true;
}
