/* rzbench gate --against REV: this build against revision REV, workload by workload, in one
 * ABBA run; the exit code says whether CI may go on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "engine/core/file.h"
#include "harness/change_report.h"
#include "harness/claim.h"
#include "harness/fingerprint.h"
#include "harness/gate_build.h"
#include "harness/gate_run.h"
#include "harness/history.h"
#include "harness/subprocess.h"

enum { EXIT_REGRESSION = 1, EXIT_USAGE = 2, EXIT_INCONCLUSIVE = 3, EXIT_CANNOT_GATE = 4 };
enum { MAX_WORKLOADS = 32 };

static const char help[] =
    "usage: rzbench gate --against REV [OPTIONS]\n\n"
    "Builds git revision REV of this source tree in a worktree (cached by commit under\n"
    "$RZB_GATE_CACHE, else ~/.cache/rzbench/gate) and runs the chosen workloads with REV's\n"
    "build (OLD) and this build (NEW), one `rzbench workload` process per run, in ABBA order,\n"
    "on the same CPUs. Each workload's NEW / OLD ratio of run medians gets a CI from the\n"
    "paired runs and a verdict at the margin (see `rzbench compare --help`).\n\n"
    "options:\n"
    "  --against REV       the revision to gate against (any git revision: HEAD~1, a tag, ...)\n"
    "  --workloads LIST    comma-separated names (default: all; `rzbench workload --list`)\n"
    "  --metric M          time (default) or instructions: one count per side, no repetitions,\n"
    "                      for machines too noisy for time\n"
    "  --counter C         instructions from auto (default: PAPI where the PMU exposes them,\n"
    "                      else valgrind), papi or valgrind\n"
    "  --margin M          time: equivalence margin (default 3%, the serve-* workloads 10%:\n"
    "                      their runs resolve no finer on a 2-core VM); instructions: the\n"
    "                      change that fails (default 1%); given, it applies to every workload\n"
    "  --alpha A           each one-sided test's level (default 0.05: a 90% CI)\n"
    "  --budget SECONDS    time spent measuring before the gate gives up (default 600)\n"
    "  --min-runs N        runs per side before the gate may stop (default 6)\n"
    "  --max-runs N        runs per side at most (default 40)\n"
    "  --max-load X        CPUs of other work tolerated (default 0.25)\n"
    "  --format F          what to print on stdout: md (default), csv or json\n"
    "  --out DIR           where gate.{md,csv,json,html} go (default reports)\n"
    "  --db PATH           history database (default DIR/history.sqlite); --no-history: none\n\n"
    "Exit codes: 0 every workload equivalent or better (not worse than the margin); 1 a\n"
    "workload regressed beyond the margin (named, with its ratio and CI); 2 usage error or an\n"
    "unknown revision; 3 inconclusive within the budget; 4 the gate could not run (REV does not\n"
    "build, or predates `rzbench workload`, or a workload named by --workloads cannot run here:\n"
    "its fixture cannot be made). Without --workloads, those that cannot run are named and the\n"
    "others gated.\n";

typedef struct {
    const char *against, *workloads, *metric, *counter, *format, *out_dir, *db;
    double margin, alpha, budget_s, max_load;
    long long min_runs, max_runs;
    bool margin_set, no_history;
} options;

static const char *const formats[] = {"md", "csv", "json", NULL};
static const char *const metrics[] = {"time", "instructions", NULL};
static const char *const counters[] = {"auto", "papi", "valgrind", NULL};

static int parse(int argc, char **argv, options *o) {
    *o = (options){.metric = "time",
                   .counter = "auto",
                   .format = "md",
                   .out_dir = "reports",
                   .alpha = RZB_COMPARE_ALPHA,
                   .budget_s = 600,
                   .max_load = RZB_MAX_FOREIGN_CPUS,
                   .min_runs = 6,
                   .max_runs = 40};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool ok = true;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (!strcmp(a, "--no-history")) {
            o->no_history = true;
        } else if (a[0] != '-' || !a[1]) {
            fprintf(stderr, "rzbench gate: unexpected argument '%s' (see --help)\n", a);
            return EXIT_USAGE;
        } else if (i + 1 == argc) {
            fprintf(stderr, "rzbench gate: %s: missing value or unknown option\n", a);
            return EXIT_USAGE;
        } else if (!strcmp(a, "--against")) {
            o->against = argv[++i];
        } else if (!strcmp(a, "--workloads")) {
            o->workloads = argv[++i];
        } else if (!strcmp(a, "--metric")) {
            ok = rzb_arg_choice(a, o->metric = argv[++i], metrics);
        } else if (!strcmp(a, "--counter")) {
            ok = rzb_arg_choice(a, o->counter = argv[++i], counters);
        } else if (!strcmp(a, "--margin")) {
            ok = rzb_arg_fraction(a, argv[++i], 0.5, &o->margin);
            o->margin_set = true;
        } else if (!strcmp(a, "--alpha")) {
            ok = rzb_arg_fraction(a, argv[++i], 0.25, &o->alpha);
        } else if (!strcmp(a, "--budget")) {
            ok = rzb_arg_positive(a, argv[++i], &o->budget_s);
        } else if (!strcmp(a, "--max-load")) {
            ok = rzb_arg_positive(a, argv[++i], &o->max_load);
        } else if (!strcmp(a, "--min-runs")) {
            ok = rzb_arg_count(a, argv[++i], 2, &o->min_runs);
        } else if (!strcmp(a, "--max-runs")) {
            ok = rzb_arg_count(a, argv[++i], 2, &o->max_runs);
        } else if (!strcmp(a, "--format")) {
            ok = rzb_arg_choice(a, o->format = argv[++i], formats);
        } else if (!strcmp(a, "--out")) {
            o->out_dir = argv[++i];
        } else if (!strcmp(a, "--db")) {
            o->db = argv[++i];
        } else {
            fprintf(stderr, "rzbench gate: unknown option '%s' (see --help)\n", a);
            return EXIT_USAGE;
        }
        if (!ok) return EXIT_USAGE;
    }
    if (!o->against) {
        fprintf(stderr, "rzbench gate: expected --against REV (see --help)\n");
        return EXIT_USAGE;
    }
    if (o->max_runs < o->min_runs) o->max_runs = o->min_runs;
    if (!o->margin_set)
        o->margin = strcmp(o->metric, "time") ? RZB_INSTRUCTION_MARGIN : RZB_COMPARE_MARGIN;
    return 0;
}

/* The workload names a build lists (`rzbench workload --list`, first word of each line). */
static int list_workloads(const char *rzbench, char names[][64], int cap) {
    char *argv[] = {(char *)rzbench, "workload", "--list", NULL};
    static char out[16384];
    uint64_t ns;
    if (rzb_time_process(argv, &ns, out, sizeof out) != 0) return -1;
    int n = 0;
    for (char *line = strtok(out, "\n"); line && n < cap; line = strtok(NULL, "\n"))
        if (sscanf(line, "%63s", names[n]) == 1) n++;
    return n;
}

static bool listed(char names[][64], int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return true;
    return false;
}

/* Fills the plan's workloads from --workloads (checked against both builds) or NEW's list. */
static int choose(const options *o, const char *old_bin, const char *new_bin, char *chosen[],
                  size_t *n) {
    static char have_new[MAX_WORKLOADS][64], have_old[MAX_WORKLOADS][64];
    int n_new = list_workloads(new_bin, have_new, MAX_WORKLOADS);
    int n_old = list_workloads(old_bin, have_old, MAX_WORKLOADS);
    if (n_new <= 0) {
        fprintf(stderr, "rzbench gate: %s workload --list failed\n", new_bin);
        return EXIT_CANNOT_GATE;
    }
    if (n_old <= 0) {
        fprintf(
            stderr,
            "rzbench gate: --against %s: that revision's rzbench has no `workload` command (it predates gates), so there is nothing to run on its side\n",
            o->against);
        return EXIT_CANNOT_GATE;
    }
    static char list[4096];
    snprintf(list, sizeof list, "%s", o->workloads ? o->workloads : "");
    *n = 0;
    if (!o->workloads) {
        for (int i = 0; i < n_new; i++)
            if (listed(have_old, n_old, have_new[i])) chosen[(*n)++] = have_new[i];
        return 0;
    }
    for (char *w = strtok(list, ","); w && *n < MAX_WORKLOADS; w = strtok(NULL, ",")) {
        if (!listed(have_new, n_new, w)) {
            fprintf(
                stderr,
                "rzbench gate: --workloads: unknown workload '%s' (see `rzbench workload --list`)\n",
                w);
            return EXIT_USAGE;
        }
        if (!listed(have_old, n_old, w)) {
            fprintf(stderr, "rzbench gate: workload '%s' does not exist at %s\n", w, o->against);
            return EXIT_CANNOT_GATE;
        }
        chosen[(*n)++] = w;
    }
    return *n ? 0 : EXIT_USAGE;
}

static void now_utc(char out[32]) {
    time_t t = time(NULL);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}

/* Appends OLD and NEW as two runs of kind "gate", each with its own commit. */
static bool record(const options *o, const rzb_gate_outcome *g, const char *old_commit,
                   const rzb_fingerprint *fp, const char *fp_json, const char *command) {
    rzb_history_entry *e = calloc(g->n_rows ? g->n_rows : 1, sizeof *e);
    if (!e) return false;
    char machine[17], date[32], db[4200], why[1024];
    rzb_history_machine_id(fp, machine);
    now_utc(date);
    snprintf(db, sizeof db, "%s/history.sqlite", o->out_dir);
    bool ok = true;
    for (int side = 0; side < 2 && ok; side++) {
        for (size_t i = 0; i < g->n_rows; i++) {
            const rzb_compare_row *r = &g->rows[i];
            e[i] = (rzb_history_entry){r->workload,
                                       r->metric,
                                       r->unit,
                                       side ? rzb_change_name(r->change) : "",
                                       side ? r->ratio : NAN,
                                       side ? r->lo : NAN,
                                       side ? r->hi : NAN,
                                       side ? r->new_runs : r->old_runs,
                                       side ? r->n_new : r->n_old};
        }
        rzb_history_run run = {.kind = "gate",
                               .commit = side ? rzb_fingerprint_get(fp, "git_commit") : old_commit,
                               .machine = machine,
                               .fingerprint_json = fp_json,
                               .command = command,
                               .date_utc = date,
                               .entries = e,
                               .n_entries = g->n_rows};
        ok = rzb_history_append(o->db ? o->db : db, &run, why, sizeof why);
    }
    if (!ok) fprintf(stderr, "rzbench gate: history: %s\n", why);
    free(e);
    return ok;
}

/* The exit code, with a line on stderr naming what decided it. */
static int verdict(const rzb_gate_outcome *g, const options *o) {
    int rc = 0;
    for (size_t i = 0; i < g->n_rows; i++) {
        const rzb_compare_row *r = &g->rows[i];
        if (r->change == RZB_CHANGE_REGRESSION) {
            char ci[96] = "one count per side";
            if (!isnan(r->lo))
                snprintf(ci, sizeof ci, "%.0f%% CI [%.4g, %.4g]", 100 * (1 - 2 * r->alpha), r->lo,
                         r->hi);
            fprintf(
                stderr,
                "rzbench gate: REGRESSION: %s: NEW / OLD %s %.4g (%+.1f%%), %s, beyond the margin of +%.1f%%\n",
                r->workload, r->metric, r->ratio, 100 * (r->ratio - 1), ci, 100 * r->margin);
            rc = EXIT_REGRESSION;
        } else if (!r->pass && rc != EXIT_REGRESSION) {
            rc = EXIT_INCONCLUSIVE;
        }
    }
    if (rc == EXIT_INCONCLUSIVE)
        fprintf(
            stderr, "rzbench gate: INCONCLUSIVE: %s\n",
            g->too_busy
                ? "other work on the machine during the run"
                : "some workload is neither a regression nor shown within the margin in the budget (--budget, --max-runs)");
    if (rc != EXIT_REGRESSION && o->workloads && g->skipped[0]) {
        fprintf(stderr, "rzbench gate: CANNOT GATE: --workloads names what cannot run here: %s\n",
                g->skipped);
        return EXIT_CANNOT_GATE;
    }
    if (rc == 0)
        fprintf(stderr,
                "rzbench gate: PASS: every workload is within its margin of %s or better%s%s\n",
                o->against, g->skipped[0] ? "; not gated (cannot run here): " : "", g->skipped);
    return rc;
}

static void notes(rzb_change_report *rep, const rzb_gate_outcome *g, const options *o,
                  const rzb_gate_build *b) {
    if (!strcmp(o->metric, "time"))
        rzb_change_note(
            rep,
            "time: %d runs per side in ABBA order (one process per run, all CPUs), paired by round; the median of the per-run ratios with the sign test's CI at %.0f%%; %.1f s measuring (budget %.0f s)%s",
            g->rounds, 100 * (1 - 2 * o->alpha), g->wall_s, o->budget_s,
            g->budget_spent ? "; the budget ran out before every workload was decided" : "");
    else
        rzb_change_note(
            rep, "instructions: one count per side, a change above %.1f%% fails; counts from %s",
            100 * o->margin, g->source);
    rzb_change_note(rep, "other work on the machine: %.2f CPUs (bound %.2f)%s", g->foreign_cpus,
                    o->max_load, g->too_busy ? ": every timing verdict is inconclusive" : "");
    rzb_change_note(rep, "OLD built %s in %s", b->cached ? "earlier (cached)" : "now", b->dir);
    if (g->skipped[0]) rzb_change_note(rep, "not gated (cannot run here): %s", g->skipped);
}

int rzb_cmd_gate(int argc, char **argv, const char *command) {
    options o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    char commit[41], why[2048], cache[4096], new_bin[4096];
    if (!rzb_gate_resolve(RZ_SOURCE_DIR, o.against, commit, why, sizeof why)) {
        fprintf(stderr, "rzbench gate: %s\n", why);
        return EXIT_USAGE;
    }
    rz_file_self_exe(new_bin, sizeof new_bin); /* empty when unknown */
    rzb_gate_cache_dir(cache, sizeof cache);
    fprintf(stderr, "rzbench gate: OLD = %s (%.12s), building or reusing it in %s/%s\n", o.against,
            commit, cache, commit);
    rzb_gate_build b;
    if (!rzb_gate_build_commit(RZ_SOURCE_DIR, cache, commit, &b, why, sizeof why)) {
        fprintf(stderr, "rzbench gate: cannot build %s: %s\n", o.against, why);
        return EXIT_CANNOT_GATE;
    }
    if (!b.cached) fprintf(stderr, "rzbench gate: built %s in %.0f s\n", o.against, b.build_s);
    char *chosen[MAX_WORKLOADS];
    size_t n;
    if ((rc = choose(&o, b.rzbench, new_bin, chosen, &n))) return rc;
    char fixtures[4200];
    snprintf(fixtures, sizeof fixtures, "%s/fixtures", cache);
    char *make[] = {new_bin, "workload", "--make-fixtures", fixtures, NULL};
    uint64_t ns;
    char out[256];
    if (rzb_time_process(make, &ns, out, sizeof out) != 0) {
        fprintf(stderr, "rzbench gate: %s workload --make-fixtures %s failed\n", new_bin, fixtures);
        return EXIT_CANNOT_GATE;
    }
    rzb_gate_plan plan = {.old_rzbench = b.rzbench,
                          .new_rzbench = new_bin,
                          .fixtures = fixtures,
                          .workloads = chosen,
                          .n_workloads = n,
                          .metric = o.metric,
                          .counter = o.counter,
                          .margin = o.margin,
                          .margin_given = o.margin_set,
                          .alpha = o.alpha,
                          .budget_s = o.budget_s,
                          .max_foreign_cpus = o.max_load,
                          .min_runs = (int)o.min_runs,
                          .max_runs = (int)o.max_runs,
                          .progress = isatty(2)};
    rzb_gate_outcome g;
    if (!rzb_gate_run(&plan, &g, why, sizeof why)) {
        fprintf(stderr, "rzbench gate: %s\n", why);
        return EXIT_CANNOT_GATE;
    }
    if (!g.n_rows) {
        fprintf(stderr, "rzbench gate: no workload could run here: %s\n", g.skipped);
        rzb_gate_outcome_free(&g);
        return EXIT_CANNOT_GATE;
    }
    rzb_pin pin;
    rzb_pin_init(&pin, -1);
    rzb_fingerprint fp;
    rzb_fingerprint_collect(&fp, &pin);
    char *fp_json = rzb_fingerprint_json(&fp);
    char old_label[128], new_label[600];
    snprintf(old_label, sizeof old_label, "%s (%.12s)", o.against, commit);
    snprintf(new_label, sizeof new_label, "this build (%s)",
             rzb_fingerprint_get(&fp, "git_commit"));
    rzb_change_report rep = {.kind = "gate",
                             .old_label = old_label,
                             .new_label = new_label,
                             .command = command,
                             .environment_json = fp_json,
                             .rows = g.rows,
                             .n_rows = g.n_rows};
    notes(&rep, &g, &o, &b);
    rzb_change_report_print(&rep, o.format, stdout);
    if (!rzb_change_report_write(&rep, o.out_dir, "gate", why, sizeof why))
        fprintf(stderr, "rzbench gate: %s\n", why);
    rc = verdict(&g, &o);
    if (!o.no_history) record(&o, &g, commit, &fp, fp_json, command);
    free(fp_json);
    rzb_gate_outcome_free(&g);
    rzb_pin_fini(&pin);
    return rc;
}
