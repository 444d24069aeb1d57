/* rzbench: runs claim specs and writes reports.
 *   rzbench list
 *   rzbench claim ID [options]
 *   rzbench verify [options]
 *   rzbench selftest [options]   (claim H1: the harness tests itself)
 * Exit codes: 0 the run completed (whatever the verdicts), 1 failure (or FALSIFIED with --strict),
 * 2 usage error. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "cli/common/error_report.h"
#include "cli/rzbench/commands.h"
#include "cli/rzbench/args.h"
#include "harness/baseline_store.h"
#include "harness/bundle.h"
#include "harness/claim.h"
#include "harness/history.h"
#include "harness/report.h"
#include "harness/stats.h"

static const char usage_text[] =
    "usage: rzbench COMMAND [OPTIONS]\n\n"
    "commands:\n"
    "  list                 the claims, one line each\n"
    "  claim ID [OPTIONS]   run one claim (e.g. P1) and write reports/ID.*\n"
    "  verify [OPTIONS]     run every claim (what `make verify-claims` runs), reports/verify.*\n"
    "  selftest [OPTIONS]   the harness tests itself: claim H1, reports/H1.*\n"
    "  compare OLD NEW      two reports or saved baselines, workload by workload\n"
    "  gate --against REV   this build against git revision REV, in one ABBA run (CI gate)\n"
    "  reverify BUNDLE      a bundle's claims run again here, side by side with the bundle's\n"
    "  merge BUNDLE...      bundles of several machines pooled: a claim-by-machine matrix\n"
    "  fleet submit|status  the claims across a Slurm cluster, one bundle per node\n"
    "  history [WORKLOAD]   the trend across commits from reports/history.sqlite\n"
    "  workload NAME        one gate workload, one run, as JSON (what `gate` spawns)\n"
    "  serve-load -m MODEL  open-loop serving benchmark: rz serve vs llama-server, goodput\n\n"
    "`rzbench COMMAND --help` describes a command.\n";

static const char run_help[] =
    "options:\n"
    "  --runs N          repeated runs (default: the claim's, usually 10)\n"
    "  --iterations N    samples per run (default: the claim's)\n"
    "  --warmup N        untimed calls before each run (default: the claim's)\n"
    "  --batch K         calls per batched sample (default: the claim's)\n"
    "  --format F        what to print on stdout: md (default), csv or json\n"
    "  --out DIR         where reports go (default: reports)\n"
    "  --claims LIST     verify only: these claims (comma-separated ids), not every claim\n"
    "  --cpu N           core to pin the measuring thread to (default: the last core)\n"
    "  --max-load X      CPUs of other work tolerated during a timing claim before its verdict\n"
    "                    becomes INCONCLUSIVE (default 0.25; the report states the bound)\n"
    "  --strict          exit 1 when a verdict is FALSIFIED\n"
    "  --save-baseline NAME  also keep the report as DIR/baselines/NAME.json, for\n"
    "                    `rzbench compare NAME NEW`\n"
    "  --db PATH         history database the run is appended to (default\n"
    "                    DIR/history.sqlite)\n"
    "  --no-history      append nothing to the history database\n"
    "  --bundle FILE     also write the run as one tar archive (manifest, reports), atomically,\n"
    "                    for `rzbench merge` and `rzbench reverify`\n"
    "  --smoke           a smoke run: the claims' own code at its smallest size (tiny synthetic\n"
    "                    models, a short text, small builds; 2 runs of 1 iteration unless given),\n"
    "                    to check that it runs, not a measurement: every verdict is INCONCLUSIVE\n"
    "                    or SKIPPED, its reason starts \"" RZB_SMOKE_REASON "\" and names\n"
    "                    the verdict the logic gave; reports go to DIR/NAME-smoke.*, nothing to\n"
    "                    the history; not with --save-baseline or --bundle\n\n"
    "Every run writes DIR/NAME.samples.csv, .summary.csv, .verdicts.csv, .json and .html,\n"
    "atomically. Progress goes to stderr when it is a terminal. Exit codes: 0 the run completed\n"
    "whatever the verdicts, 1 failure or --strict with a FALSIFIED verdict, 2 usage error.\n";

typedef struct {
    rzb_options run;
    const char *format;
    const char *out_dir;
    const char *save_baseline; /* NULL: none */
    const char *db;            /* history database; NULL: DIR/history.sqlite */
    const char *bundle;        /* the run's bundle to write; NULL: none */
    int argc;                  /* the command line, for the bundle's manifest */
    char **argv;               /* its words */
    const char *claims;        /* verify: comma-separated claim ids; NULL: every claim */
    bool no_history;
    int cpu;
    bool strict;
} cli_options;

static const char *const formats[] = {"md", "csv", "json", NULL};

/* Parses options from argv[first..]; returns 0 on success, 2 on a usage error, -1 after --help. */
static int parse_options(int argc, char **argv, int first, cli_options *o, const char **positional,
                         const char *command_help) {
    *o = (cli_options){.run = {.warmup = -1, .progress = isatty(2)},
                       .format = "md",
                       .out_dir = "reports",
                       .cpu = -1,
                       .argc = argc,
                       .argv = argv};
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        long long v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(command_help, stdout);
            fputs(run_help, stdout);
            return -1;
        } else if (!strcmp(a, "--strict")) {
            o->strict = true;
        } else if (!strcmp(a, "--no-history")) {
            o->no_history = true;
        } else if (!strcmp(a, "--smoke")) {
            o->run.smoke = true;
            o->no_history = true;
        } else if (a[0] == '-' && a[1] == '-' && i + 1 == argc) {
            fprintf(stderr, "rzbench: %s: missing value or unknown option\n", a);
            return 2;
        } else if (!strcmp(a, "--runs")) {
            if (!rzb_arg_count(a, argv[++i], 1, &v)) return 2;
            o->run.runs = (int)v;
        } else if (!strcmp(a, "--iterations")) {
            if (!rzb_arg_count(a, argv[++i], 1, &v)) return 2;
            o->run.iterations = (int)v;
        } else if (!strcmp(a, "--warmup")) {
            if (!rzb_arg_count(a, argv[++i], 0, &v)) return 2;
            o->run.warmup = (int)v;
        } else if (!strcmp(a, "--batch")) {
            if (!rzb_arg_count(a, argv[++i], 1, &v)) return 2;
            o->run.batch = (uint64_t)v;
        } else if (!strcmp(a, "--cpu")) {
            if (!rzb_arg_count(a, argv[++i], 0, &v)) return 2;
            o->cpu = (int)v;
        } else if (!strcmp(a, "--max-load")) {
            if (!rzb_arg_positive(a, argv[++i], &o->run.max_foreign_cpus)) return 2;
        } else if (!strcmp(a, "--format")) {
            o->format = argv[++i];
            if (!rzb_arg_choice(a, o->format, formats)) return 2;
        } else if (!strcmp(a, "--save-baseline")) {
            o->save_baseline = argv[++i];
            char why[256];
            if (!rzb_baseline_name_ok(o->save_baseline, why, sizeof why)) {
                fprintf(stderr, "rzbench: --save-baseline: %s\n", why);
                return 2;
            }
        } else if (!strcmp(a, "--db")) {
            o->db = argv[++i];
        } else if (!strcmp(a, "--bundle")) {
            o->bundle = argv[++i];
        } else if (!strcmp(a, "--out")) {
            o->out_dir = argv[++i];
        } else if (!strcmp(a, "--claims")) {
            o->claims = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "rzbench: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (positional && !*positional) {
            *positional = a;
        } else {
            fprintf(stderr, "rzbench: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
    }
    if (o->run.smoke && (o->save_baseline || o->bundle)) {
        fputs("rzbench: --smoke: not with --save-baseline or --bundle\n", stderr);
        return 2;
    }
    return 0;
}

static void command_line(int argc, char **argv, char *out, size_t cap) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < argc && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", argv[i]);
}

/* Saves the report as a baseline when asked and appends it to the history database. */
static bool keep(const rzb_report *rep, const cli_options *o, const char *kind) {
    char why[1024], path[4200];
    if (o->save_baseline) {
        snprintf(path, sizeof path, "%s/%s.json", o->out_dir, rep->name);
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/baselines", o->out_dir);
        if (!rzb_baseline_save(path, dir, o->save_baseline, why, sizeof why)) {
            fprintf(stderr, "rzbench: %s\n", why);
            return false;
        }
        fprintf(stderr, "rzbench: baseline saved as %s/%s.json\n", dir, o->save_baseline);
    }
    char db[4200];
    snprintf(db, sizeof db, "%s/history.sqlite", o->out_dir);
    if (!o->no_history &&
        !rzb_history_append_report(o->db ? o->db : db, rep, kind, why, sizeof why)) {
        fprintf(stderr, "rzbench: history: %s\n", why);
        return false;
    }
    return true;
}

/* Writes the run's bundle; false after saying why. */
static bool bundle(const rzb_report *rep, const rzb_claim *const *claims, size_t n,
                   const cli_options *o) {
    rzb_bundle_run run = {.name = rep->name,
                          .report_dir = o->out_dir,
                          .command = rep->command,
                          .argc = o->argc,
                          .argv = o->argv,
                          .claims = claims,
                          .n_claims = n,
                          .options = &o->run,
                          .fp = rep->fp};
    char err[1024];
    if (!rzb_bundle_write(o->bundle, &run, err, sizeof err)) {
        fprintf(stderr, "rzbench: bundle: %s\n", err);
        return false;
    }
    fprintf(stderr, "rzbench: bundle written to %s\n", o->bundle);
    return true;
}

/* Runs the claims on the kernel table RZ_BACKEND names (else the widest the CPU supports; the
 * fingerprint says which), applies Holm across them, writes and prints (unless format is NULL)
 * the report. */
static int run_claims(const rzb_claim *const *claims, size_t n, const char *stem,
                      const cli_options *o, const char *command) {
    rz_error err_backend;
    if (rz_backend_select(NULL, &err_backend)) {
        rz_cli_error("rzbench: RZ_BACKEND", &err_backend);
        return 2;
    }
    char name[64];
    snprintf(name, sizeof name, "%s%s", stem, o->run.smoke ? "-smoke" : "");
    rzb_pin pin;
    rzb_pin_init(&pin, o->cpu);
    rzb_result *results = calloc(n, sizeof *results);
    for (size_t i = 0; i < n; i++) {
        if (!o->run.progress) fprintf(stderr, "rzbench: %s: started\n", claims[i]->id);
        rzb_claim_run(claims[i], &o->run, &pin, &results[i]);
        fprintf(stderr, "%s%s: %s (%.1f s)\n",
                o->run.progress ? "\r\033[K" : "rzbench: ", claims[i]->id,
                rzb_verdict_name(results[i].verdict), results[i].wall_s);
    }
    double p[64], adj[64];
    int idx[64], k = 0;
    for (size_t i = 0; i < n && k < 64; i++)
        if (!results[i].smoke && results[i].cmp.present && !isnan(results[i].cmp.p)) {
            idx[k] = (int)i;
            p[k++] = results[i].cmp.p;
        }
    if (k > 1) {
        rzb_holm(p, (size_t)k, adj);
        for (int j = 0; j < k; j++)
            rzb_result_apply_holm(&results[idx[j]], adj[j]);
    }
    rzb_fingerprint fp;
    rzb_fingerprint_collect(&fp, &pin);
    rzb_report rep = {
        .name = name, .command = command, .fp = &fp, .results = results, .n_results = (int)n};
    char err[1024];
    int rc = 0;
    if (!rzb_report_write(&rep, o->out_dir, err, sizeof err)) {
        fprintf(stderr, "rzbench: %s\n", err);
        rc = 1;
    }
    if (o->format) rzb_report_print(&rep, o->format, stdout);
    if (!rc)
        fprintf(
            stderr,
            "rzbench: reports written to %s/%s.{html,json,summary.csv,verdicts.csv,samples.csv}\n",
            o->out_dir, name);
    if (!rc && !keep(&rep, o, n == 1 ? "claim" : "verify")) rc = 1;
    if (!rc && o->bundle && !bundle(&rep, claims, n, o)) rc = 1;
    for (size_t i = 0; i < n; i++) {
        if (o->strict && results[i].verdict == RZB_FALSIFIED) rc = 1;
        rzb_result_free(&results[i]);
    }
    free(results);
    rzb_pin_fini(&pin);
    return rc;
}

int rzb_run_claims_to(const rzb_claim *const *claims, size_t n, const char *name,
                      const rzb_options *run, const char *out_dir, const char *command) {
    cli_options o = {.run = *run, .out_dir = out_dir, .no_history = true, .cpu = -1};
    return run_claims(claims, n, name, &o, command);
}

static int cmd_list(int argc, char **argv) {
    if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
        puts("usage: rzbench list\n\nLists every claim: id, title, and the claim as published.");
        return 0;
    }
    if (argc > 2) {
        fprintf(stderr, "rzbench list: unexpected argument '%s'\n", argv[2]);
        return 2;
    }
    for (size_t i = 0; i < rzb_n_claims; i++)
        printf("%-4s %-45s %s\n", rzb_claims[i]->id, rzb_claims[i]->title,
               rzb_claims[i]->statement);
    return 0;
}

/* --claims chooses among the claims of `verify`; any other command says so and exits 2. */
static int claims_not_here(const char *cmd) {
    fprintf(stderr, "rzbench %s: --claims is an option of `rzbench verify`\n", cmd);
    return 2;
}

static int cmd_claim(int argc, char **argv, const char *command) {
    cli_options o;
    const char *id = NULL;
    int rc = parse_options(
        argc, argv, 2, &o, &id,
        "usage: rzbench claim ID [OPTIONS]\n\nRuns one claim (see `rzbench list`) and prints its verdict with the numbers measured in this run.\n\n");
    if (rc) return rc < 0 ? 0 : rc;
    if (o.claims) return claims_not_here("claim");
    if (!id) {
        fprintf(stderr, "rzbench claim: expected a claim id, e.g. P1 (see `rzbench list`)\n");
        return 2;
    }
    const rzb_claim *c = rzb_claim_find(id);
    if (!c) {
        fprintf(stderr, "rzbench claim: unknown claim id '%s' (see `rzbench list`)\n", id);
        return 2;
    }
    return run_claims(&c, 1, c->id, &o, command);
}

static int cmd_verify(int argc, char **argv, const char *command) {
    cli_options o;
    int rc = parse_options(
        argc, argv, 2, &o, NULL,
        "usage: rzbench verify [OPTIONS]\n\nRuns every claim, applies Holm's correction across their p-values, and writes reports/verify.*\n\n");
    if (rc) return rc < 0 ? 0 : rc;
    if (!o.claims) return run_claims(rzb_claims, rzb_n_claims, "verify", &o, command);
    const rzb_claim *chosen[64];
    size_t n = 0;
    char list[1024];
    snprintf(list, sizeof list, "%s", o.claims);
    for (char *save = NULL, *id = strtok_r(list, ",", &save); id && n < 64;
         id = strtok_r(NULL, ",", &save))
        if (!(chosen[n++] = rzb_claim_find(id))) {
            fprintf(stderr,
                    "rzbench verify: --claims: unknown claim id '%s' (see `rzbench list`)\n", id);
            return 2;
        }
    if (!n) fprintf(stderr, "rzbench verify: --claims: expected claim ids, e.g. P1,R1\n");
    return n ? run_claims(chosen, n, "verify", &o, command) : 2;
}

static const char selftest_help[] =
    "usage: rzbench selftest [OPTIONS]\n\n"
    "The harness tests itself: runs claim H1 exactly as `rzbench claim H1` does. Each repetition\n"
    "is a miniature claim comparison (20 runs in ABBA order, per-run medians, the claims' test at\n"
    "alpha 0.001, the runner's rules) of rz's P1 workload against itself (A/A) and against itself\n"
    "slowed by a calibrated delay of 5%, 20% and 2x that lives only in the selftest's workload.\n"
    "Reports how often A/A calls a difference (at most 5%) and how often each slowdown is\n"
    "detected (at least 95%, 100%, 100%), with 95% Clopper-Pearson CIs.\n"
    "Here --runs N sets the repetitions per scenario (default 20) and --iterations the samples\n"
    "per run side (default 500).\n\n";

static int cmd_selftest(int argc, char **argv, const char *command) {
    cli_options o;
    int rc = parse_options(argc, argv, 2, &o, NULL, selftest_help);
    if (rc) return rc < 0 ? 0 : rc;
    if (o.claims) return claims_not_here("selftest");
    const rzb_claim *c = rzb_claim_find("H1");
    if (!c) {
        fprintf(stderr, "rzbench selftest: claim H1 is not built in\n");
        return 1;
    }
    return run_claims(&c, 1, c->id, &o, command);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    char command[1024];
    command_line(argc, argv, command, sizeof command);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "list")) return cmd_list(argc, argv);
    if (!strcmp(cmd, "claim")) return cmd_claim(argc, argv, command);
    if (!strcmp(cmd, "verify")) return cmd_verify(argc, argv, command);
    if (!strcmp(cmd, "selftest")) return cmd_selftest(argc, argv, command);
    if (!strcmp(cmd, "compare")) return rzb_cmd_compare(argc, argv, command);
    if (!strcmp(cmd, "fleet")) return rzb_cmd_fleet(argc, argv, command);
    if (!strcmp(cmd, "gate")) return rzb_cmd_gate(argc, argv, command);
    if (!strcmp(cmd, "history")) return rzb_cmd_history(argc, argv, command);
    if (!strcmp(cmd, "reverify")) return rzb_cmd_reverify(argc, argv, command);
    if (!strcmp(cmd, "merge")) return rzb_cmd_merge(argc, argv, command);
    if (!strcmp(cmd, "workload")) return rzb_cmd_workload(argc, argv, command);
    if (!strcmp(cmd, "serve-load")) return rzb_cmd_serve_load(argc, argv, command);
    fprintf(stderr, "rzbench: unknown command '%s'\n\n%s", cmd, usage_text);
    return 2;
}
