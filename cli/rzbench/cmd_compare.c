/* rzbench compare OLD NEW: every workload present in both reports, judged as a change. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "harness/baseline_store.h"
#include "harness/change_report.h"
#include "harness/history.h"
#include "harness/report_read.h"

static const char help[] =
    "usage: rzbench compare OLD NEW [OPTIONS]\n\n"
    "OLD and NEW are report JSON files (reports/ID.json, reports/verify.json, reports/gate.json)\n"
    "or names saved with `rzbench claim|verify --save-baseline NAME`. For every workload (a\n"
    "claim's series, or a gate's workload) present in both, prints NEW / OLD of its run medians\n"
    "with a CI from runs (Welch's t on log run medians: the two reports' runs are not paired) and\n"
    "a verdict at the margin m: regression (CI above 1 + m), improvement (below 1 / (1 + m)),\n"
    "equivalent (within both: two one-sided tests), not worse (upper bound within 1 + m), or\n"
    "inconclusive. Rates (units per second) are judged the other way round.\n"
    "The CI holds the variation between the runs of each report, not between two rzbench\n"
    "processes, which can move an in-process workload by 10-20%: for a merge decision use\n"
    "`rzbench gate`, which runs one process per run in ABBA order.\n\n"
    "options:\n"
    "  --margin M      equivalence margin, e.g. 0.03 or 3% (default 3%)\n"
    "  --alpha A       each one-sided test's level (default 0.05: a 90% CI)\n"
    "  --format F      what to print on stdout: md (default), csv or json\n"
    "  --out DIR       where compare.{md,csv,json,html} go (default reports)\n"
    "  --baselines DIR where saved baselines are (default reports/baselines)\n"
    "  --db PATH       history database (default DIR/history.sqlite); --no-history: none\n"
    "  --strict        exit 1 when a workload regressed\n\n"
    "Exit codes: 0 compared, 1 a report could not be read (or --strict with a regression),\n"
    "2 usage error.\n";

typedef struct {
    const char *old_arg, *new_arg;
    double margin, alpha;
    const char *format, *out_dir, *baselines, *db;
    bool no_history, strict;
} options;

static const char *const formats[] = {"md", "csv", "json", NULL};

static int parse(int argc, char **argv, options *o) {
    *o = (options){.margin = RZB_COMPARE_MARGIN,
                   .alpha = RZB_COMPARE_ALPHA,
                   .format = "md",
                   .out_dir = "reports",
                   .baselines = RZB_BASELINES_DIR};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (!strcmp(a, "--strict")) {
            o->strict = true;
        } else if (!strcmp(a, "--no-history")) {
            o->no_history = true;
        } else if (a[0] == '-' && i + 1 == argc) {
            fprintf(stderr, "rzbench compare: %s: missing value or unknown option\n", a);
            return 2;
        } else if (!strcmp(a, "--margin")) {
            if (!rzb_arg_fraction(a, argv[++i], 0.5, &o->margin)) return 2;
        } else if (!strcmp(a, "--alpha")) {
            if (!rzb_arg_fraction(a, argv[++i], 0.25, &o->alpha)) return 2;
        } else if (!strcmp(a, "--format")) {
            o->format = argv[++i];
            if (!rzb_arg_choice(a, o->format, formats)) return 2;
        } else if (!strcmp(a, "--out")) {
            o->out_dir = argv[++i];
        } else if (!strcmp(a, "--baselines")) {
            o->baselines = argv[++i];
        } else if (!strcmp(a, "--db")) {
            o->db = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "rzbench compare: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (!o->old_arg) {
            o->old_arg = a;
        } else if (!o->new_arg) {
            o->new_arg = a;
        } else {
            fprintf(stderr, "rzbench compare: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
    }
    if (!o->new_arg) {
        fprintf(stderr, "rzbench compare: expected two reports, OLD and NEW (see --help)\n");
        return 2;
    }
    return 0;
}

static bool load(const char *arg, const options *o, rzb_read_report *r, char *path, size_t cap) {
    char why[1024];
    if (!rzb_report_resolve(arg, o->baselines, path, cap, why, sizeof why) ||
        !rzb_report_read(path, r, why, sizeof why)) {
        fprintf(stderr, "rzbench compare: %s\n", why);
        return false;
    }
    return true;
}

static const rzb_read_workload *find(const rzb_read_report *r, const rzb_read_workload *w) {
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->w[i].workload, w->workload) && !strcmp(r->w[i].unit, w->unit))
            return &r->w[i];
    return NULL;
}

/* Names the workloads of `a` missing from `b` in a note. */
static void note_missing(rzb_change_report *rep, const rzb_read_report *a, const rzb_read_report *b,
                         const char *side) {
    char list[400] = "";
    int missing = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!find(b, &a->w[i])) {
            size_t used = strlen(list);
            if (used < sizeof list - 80)
                snprintf(list + used, sizeof list - used, "%s%s", missing ? ", " : "",
                         a->w[i].workload);
            missing++;
        }
    if (missing)
        rzb_change_note(rep, "%d workload(s) only in %s, not compared: %s", missing, side, list);
}

/* The machine id of a report's environment, as the history stores it. */
static void machine_of(const char *environment_json, char out[17]) {
    rzb_fingerprint fp = {0};
    cJSON *env = environment_json ? cJSON_Parse(environment_json) : NULL;
    for (cJSON *kv = env ? env->child : NULL; kv && fp.n < RZB_FP_MAX; kv = kv->next)
        if (cJSON_IsString(kv)) {
            snprintf(fp.key[fp.n], sizeof fp.key[0], "%s", kv->string);
            snprintf(fp.value[fp.n++], sizeof fp.value[0], "%s", kv->valuestring);
        }
    cJSON_Delete(env);
    rzb_history_machine_id(&fp, out);
}

static bool record(const rzb_change_report *rep, const rzb_read_report *new_report,
                   const options *o, const char *command) {
    rzb_history_entry *e = calloc(rep->n_rows ? rep->n_rows : 1, sizeof *e);
    if (!e) return false;
    for (size_t i = 0; i < rep->n_rows; i++) {
        const rzb_compare_row *r = &rep->rows[i];
        e[i] = (rzb_history_entry){r->workload, r->metric, r->unit, rzb_change_name(r->change),
                                   r->ratio,    r->lo,     r->hi,   r->new_runs,
                                   r->n_new};
    }
    char machine[17], db[4200], why[1024], date[32];
    machine_of(new_report->environment_json, machine);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(db, sizeof db, "%s/history.sqlite", o->out_dir);
    rzb_history_run run = {.kind = "compare",
                           .commit = new_report->commit[0] ? new_report->commit : "unknown",
                           .machine = machine,
                           .fingerprint_json = new_report->environment_json,
                           .command = command,
                           .date_utc = date,
                           .entries = e,
                           .n_entries = rep->n_rows};
    bool ok = rzb_history_append(o->db ? o->db : db, &run, why, sizeof why);
    if (!ok) fprintf(stderr, "rzbench compare: history: %s\n", why);
    free(e);
    return ok;
}

int rzb_cmd_compare(int argc, char **argv, const char *command) {
    options o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    rzb_read_report old_r, new_r;
    char old_path[4200], new_path[4200];
    if (!load(o.old_arg, &o, &old_r, old_path, sizeof old_path)) return 1;
    if (!load(o.new_arg, &o, &new_r, new_path, sizeof new_path)) {
        rzb_read_report_free(&old_r);
        return 1;
    }
    rzb_change_report rep = {.kind = "compare",
                             .old_label = old_path,
                             .new_label = new_path,
                             .command = command,
                             .environment_json = new_r.environment_json};
    rep.rows = calloc(new_r.n ? new_r.n : 1, sizeof *rep.rows);
    bool regressed = false;
    for (size_t i = 0; rep.rows && i < new_r.n; i++) {
        const rzb_read_workload *nw = &new_r.w[i], *ow = find(&old_r, nw);
        if (!ow) continue;
        rzb_compare_row *row = &rep.rows[rep.n_rows++];
        rzb_compare_row_init(row, nw->workload, nw->metric, nw->unit, ow->runs, ow->n, nw->runs,
                             nw->n, false);
        rzb_compare_judge(row, o.margin, o.alpha);
        regressed |= row->change == RZB_CHANGE_REGRESSION;
    }
    rzb_change_note(
        &rep,
        "OLD commit %s, NEW commit %s; the unit of evidence is the run median; the runs of two reports are independent, so the CI is Welch's t on log run medians at level %.0f%%; it holds the variation between runs of one rzbench process, not between two processes (memory layout, placement), which can move an in-process workload by 10-20%%: `rzbench gate` runs one process per run for that reason",
        old_r.commit[0] ? old_r.commit : "unknown", new_r.commit[0] ? new_r.commit : "unknown",
        100 * (1 - 2 * o.alpha));
    note_missing(&rep, &old_r, &new_r, "OLD");
    note_missing(&rep, &new_r, &old_r, "NEW");
    if (!rep.n_rows)
        fprintf(stderr, "rzbench compare: %s and %s share no workload\n", old_path, new_path);
    char err[1024];
    rc = 0;
    if (!rzb_change_report_write(&rep, o.out_dir, "compare", err, sizeof err)) {
        fprintf(stderr, "rzbench compare: %s\n", err);
        rc = 1;
    }
    rzb_change_report_print(&rep, o.format, stdout);
    if (!o.no_history && !record(&rep, &new_r, &o, command)) rc = 1;
    if (o.strict && regressed) rc = 1;
    for (size_t i = 0; i < rep.n_rows; i++)
        rzb_compare_row_free(&rep.rows[i]);
    free(rep.rows);
    rzb_read_report_free(&old_r);
    rzb_read_report_free(&new_r);
    return rc;
}
