/* rzbench fleet submit|status: the claims across a Slurm cluster, as one job array with one task
 * per node, each writing a bundle for `rzbench merge`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "engine/core/file.h"
#include "harness/atomic_file.h"
#include "harness/claim.h"
#include "harness/fleet.h"
#include "harness/fleet_slurm.h"
#include "harness/fleet_status.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_WAITING = 3 };
enum { LOG_LINES = 10 };

static const char help[] =
    "usage: rzbench fleet submit [OPTIONS]\n"
    "       rzbench fleet status [--out DIR]\n\n"
    "Runs the claims across a Slurm cluster with Slurm's own scheduler. `submit` gives sbatch\n"
    "one job array, one task per node (--exclusive: a node runs one task at a time); each task\n"
    "runs `rzbench verify --claims LIST` on its node with this build's rzbench when it is newer\n"
    "than every source it was built from (DIR and this source tree must be on a file system\n"
    "every node sees), else it builds rz with cmake in DIR/build/NODE first. Each task writes\n"
    "one bundle, DIR/bundles/JOB_TASK.tar, so `rzbench merge DIR/bundles/JOB_*.tar` gives one\n"
    "row per task. submit writes DIR/fleet.sbatch (the script given to sbatch) and\n"
    "DIR/fleet.json (job id, array size, claims, command, submit time) and prints the job id;\n"
    "Slurm writes the task logs to DIR/logs/JOB_TASK.{out,err}.\n\n"
    "submit options:\n"
    "  --partition P     the Slurm partition (default: the cluster's default one)\n"
    "  --nodes N         array tasks, one per node (default: every responding node of the\n"
    "                    partition)\n"
    "  --nodelist L      one task on each of these nodes (a Slurm host list: rz[1-2],gpu1):\n"
    "                    the array has one task per node named, the partition's other nodes\n"
    "                    are excluded\n"
    "  --claims LIST     comma-separated claim ids (default: every claim; `rzbench list`)\n"
    "  --out DIR         where the fleet's files go (default reports/fleet); no whitespace,\n"
    "                    quotes or '%' (Slurm's file name patterns)\n"
    "  --runs N, --iterations N, --warmup N, --batch K, --max-load X\n"
    "                    passed to `rzbench verify` on every node (see `rzbench verify --help`)\n\n"
    "status prints each task of DIR/fleet.json's job: its Slurm state, exit code, elapsed time,\n"
    "node, and its bundle, or the tail of its log when it failed. States come from sacct; where\n"
    "Slurm keeps no accounting, from squeue (tasks pending, running, or ended in the last\n"
    "MinJobAge seconds) and, for older ones, the record each task leaves in DIR/tasks. A task\n"
    "found nowhere is UNKNOWN, and a COMPLETED task without its bundle has failed.\n\n"
    "Exit codes: 0 submitted, or every task completed with its bundle; 1 a task failed (and none\n"
    "is still pending or running); 2 usage error, or Slurm missing or down (the message says\n"
    "which), nothing written; 3 some task is still pending or running.\n";

typedef struct {
    const char *partition, *nodelist, *claims, *out_dir;
    long long nodes;
    char verify_args[512];
    char claim_ids[1024];
} submit_options;

/* Appends " OPT VALUE" to the verify options. */
static void pass_on(submit_options *o, const char *opt, const char *value) {
    size_t used = strlen(o->verify_args);
    snprintf(o->verify_args + used, sizeof o->verify_args - used, "%s%s %s", used ? " " : "", opt,
             value);
}

/* The claim ids in LIST, as the claims spell them, into o->claim_ids; false on an unknown one. */
static bool check_claims(submit_options *o) {
    char list[1024];
    snprintf(list, sizeof list, "%s", o->claims);
    char *save = NULL;
    for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        const rzb_claim *c = rzb_claim_find(id);
        if (!c) {
            fprintf(stderr, "rzbench fleet: --claims: unknown claim id '%s' (see `rzbench list`)\n",
                    id);
            return false;
        }
        size_t used = strlen(o->claim_ids);
        snprintf(o->claim_ids + used, sizeof o->claim_ids - used, "%s%s", used ? "," : "", c->id);
    }
    if (!o->claim_ids[0]) fprintf(stderr, "rzbench fleet: --claims: expected claim ids\n");
    return o->claim_ids[0] != 0;
}

/* One option with its value at argv[i + 1]; false on a bad value or an unknown option. */
static bool submit_option(submit_options *o, const char *a, const char *v) {
    static const char *const passed[] = {"--runs", "--iterations", "--warmup", "--batch"};
    long long n;
    double x;
    for (size_t k = 0; k < sizeof passed / sizeof passed[0]; k++)
        if (!strcmp(a, passed[k])) {
            if (!rzb_arg_count(a, v, strcmp(a, "--warmup") ? 1 : 0, &n)) return false;
            pass_on(o, a, v);
            return true;
        }
    if (!strcmp(a, "--max-load")) {
        if (!rzb_arg_positive(a, v, &x)) return false;
        pass_on(o, a, v);
    } else if (!strcmp(a, "--nodes")) {
        return rzb_arg_count(a, v, 1, &o->nodes);
    } else if (!strcmp(a, "--partition")) {
        o->partition = v;
    } else if (!strcmp(a, "--nodelist")) {
        o->nodelist = v;
    } else if (!strcmp(a, "--claims")) {
        o->claims = v;
    } else if (!strcmp(a, "--out")) {
        o->out_dir = v;
    } else {
        fprintf(stderr, "rzbench fleet: unknown option '%s' (see --help)\n", a);
        return false;
    }
    return true;
}

/* Returns 0, EXIT_USAGE, or -1 after --help. */
static int parse_submit(int argc, char **argv, submit_options *o) {
    *o = (submit_options){.out_dir = "reports/fleet"};
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (a[0] != '-' || !a[1]) {
            fprintf(stderr, "rzbench fleet: unexpected argument '%s' (see --help)\n", a);
            return EXIT_USAGE;
        } else if (i + 1 == argc) {
            fprintf(stderr, "rzbench fleet: %s: missing value or unknown option\n", a);
            return EXIT_USAGE;
        } else if (!submit_option(o, a, argv[++i])) {
            return EXIT_USAGE;
        }
    }
    if (o->claims && !check_claims(o)) return EXIT_USAGE;
    if (o->nodes && o->nodelist) {
        fprintf(stderr, "rzbench fleet: give --nodes or --nodelist, not both\n");
        return EXIT_USAGE;
    }
    if (!*o->out_dir || !rzb_fleet_plain(o->out_dir) ||
        (o->partition && (!*o->partition || !rzb_fleet_plain(o->partition)))) {
        fprintf(
            stderr,
            "rzbench fleet: --out and --partition must be non-empty, without whitespace, quotes, backslashes or '%%' (they go into #SBATCH lines)\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* dir made absolute against the working directory. */
static void absolute(const char *dir, char *out, size_t cap) {
    char cwd[4096];
    if (dir[0] == '/' || !getcwd(cwd, sizeof cwd))
        snprintf(out, cap, "%s", dir);
    else
        snprintf(out, cap, "%s/%s", cwd, dir);
}

/* Creates DIR/logs (and DIR) before sbatch, so a task that starts at once finds them; made
 * records which were new, for undo(). */
static bool make_dirs(const char *out_dir, bool made[2], char *why, size_t cap) {
    char logs[4200];
    snprintf(logs, sizeof logs, "%s/logs", out_dir);
    made[0] = access(out_dir, F_OK) != 0;
    made[1] = access(logs, F_OK) != 0;
    return rzb_make_dirs(logs, why, cap);
}

static void undo(const char *out_dir, const bool made[2]) {
    char logs[4200];
    snprintf(logs, sizeof logs, "%s/logs", out_dir);
    if (made[1]) rmdir(logs);
    if (made[0]) rmdir(out_dir);
}

static bool write_script(const char *out_dir, const char *script, char *why, size_t cap) {
    char path[4200];
    snprintf(path, sizeof path, "%s/fleet.sbatch", out_dir);
    rzb_atomic_file a;
    return rzb_atomic_open_said(&a, path, why, cap) &&
           rzb_atomic_close_said(&a, fputs(script, a.f) >= 0, why, cap);
}

/* Submits the array; the script and the record are written only once sbatch took it. */
static int submit(const submit_options *o, int tasks, const char *exclude, const char *command) {
    char out_dir[4096], build_dir[4096], why[2048];
    absolute(o->out_dir, out_dir, sizeof out_dir);
    rz_file_self_dir(build_dir, sizeof build_dir); /* empty when unknown */
    rzb_fleet_spec spec = {.out_dir = out_dir,
                           .partition = o->partition,
                           .tasks = tasks,
                           .exclude = exclude,
                           .claims = o->claims ? o->claim_ids : NULL,
                           .verify_args = o->verify_args,
                           .source_dir = RZ_SOURCE_DIR,
                           .build_dir = build_dir};
    char *script = rzb_fleet_script(&spec);
    bool made[2];
    if (!script || !make_dirs(out_dir, made, why, sizeof why)) {
        fprintf(stderr, "rzbench fleet: %s\n", script ? why : "out of memory");
        free(script);
        return EXIT_FAILED;
    }
    rzb_fleet_record rec = {.tasks = tasks};
    if (rzb_slurm_submit(script, rec.job_id, why, sizeof why) != RZB_SLURM_OK) {
        undo(out_dir, made);
        fprintf(stderr, "rzbench fleet: %s\n", why);
        free(script);
        return EXIT_USAGE;
    }
    snprintf(rec.claims, sizeof rec.claims, "%s", o->claims ? o->claim_ids : "");
    snprintf(rec.command, sizeof rec.command, "%s", command);
    time_t now = time(NULL);
    strftime(rec.submitted_utc, sizeof rec.submitted_utc, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    bool ok = write_script(out_dir, script, why, sizeof why) &&
              rzb_fleet_record_write(out_dir, &rec, why, sizeof why);
    free(script);
    if (!ok) {
        fprintf(stderr, "rzbench fleet: job %s was submitted, but %s\n", rec.job_id, why);
        return EXIT_FAILED;
    }
    printf("%s\n", rec.job_id);
    fprintf(
        stderr,
        "rzbench fleet: submitted job %s: %d task%s, claims %s; `rzbench fleet status --out %s`, then `rzbench merge %s/bundles/%s_*.tar`\n",
        rec.job_id, tasks, tasks == 1 ? "" : "s", o->claims ? o->claim_ids : "all", out_dir,
        out_dir, rec.job_id);
    return 0;
}

/* "partition P" or "the default partition", for messages. */
static const char *partition_words(const submit_options *o) {
    static char words[300];
    snprintf(words, sizeof words, "%s%s", o->partition ? "partition " : "the default partition",
             o->partition ? o->partition : "");
    return words;
}

/* For --nodelist: the task count, with *exclude (malloc'd) the partition's nodes not named; 0
 * after a message. */
static int chosen_nodes(const submit_options *o, const char *all, char **exclude) {
    char *chosen, why[2048], stranger[64];
    if (rzb_slurm_hostnames(o->nodelist, &chosen, why, sizeof why) != RZB_SLURM_OK) {
        fprintf(stderr, "rzbench fleet: --nodelist %s: %s\n", o->nodelist, why);
        return 0;
    }
    int n;
    *exclude = rzb_fleet_exclude(all, chosen, &n, stranger);
    free(chosen);
    if (stranger[0])
        fprintf(stderr, "rzbench fleet: --nodelist: %s is not a responding node of %s (sinfo)\n",
                stranger, partition_words(o));
    else if (!*exclude || !n)
        fprintf(stderr, "rzbench fleet: --nodelist %s: %s\n", o->nodelist,
                *exclude ? "names no node" : "out of memory");
    return *exclude ? n : 0;
}

/* False, after the message, when Slurm has no configuration here; a warning when it may be
 * slow to say so. */
static bool slurm_configured(void) {
    char why[1024];
    bool ok = rzb_slurm_config(why, sizeof why) == RZB_SLURM_OK;
    if (why[0]) fprintf(stderr, "rzbench fleet: %s\n", why);
    return ok;
}

static int cmd_submit(int argc, char **argv, const char *command) {
    submit_options o;
    int rc = parse_submit(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    char why[2048], *all, *exclude = NULL;
    int nodes = 0;
    if (!slurm_configured()) return EXIT_USAGE;
    if (rzb_slurm_nodes(o.partition, &all, &nodes, why, sizeof why) != RZB_SLURM_OK) {
        fprintf(stderr, "rzbench fleet: %s\n", why);
        return EXIT_USAGE;
    }
    if (!nodes)
        fprintf(stderr, "rzbench fleet: %s has no responding node (sinfo)\n", partition_words(&o));
    int tasks = !nodes       ? 0
                : o.nodelist ? chosen_nodes(&o, all, &exclude)
                : o.nodes    ? (int)o.nodes
                             : nodes;
    free(all);
    rc = tasks ? submit(&o, tasks, exclude, command) : EXIT_USAGE;
    free(exclude);
    return rc;
}

static void print_task(int i, const rzb_fleet_task *t) {
    printf("%-5d %-12s %-6s %-10s %-12s ", i, t->state,
           t->phase == RZB_TASK_WAITING ? "-" : t->exit_code, t->elapsed, t->node);
    if (t->phase == RZB_TASK_DONE) {
        printf("%s\n", t->bundle);
    } else if (t->phase == RZB_TASK_WAITING) {
        printf("-\n");
    } else {
        char tail[4096];
        rzb_fleet_log_tail(t, LOG_LINES, tail, sizeof tail);
        printf("failed%s (state from %s); the end of %s.{err,out}:\n",
               strcmp(t->state, "COMPLETED") ? "" : ": no bundle", t->source, t->log_prefix);
        for (char *save = NULL, *line = strtok_r(tail, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save))
            printf("      | %s\n", line);
        if (!tail[0]) printf("      | (both logs are empty or absent)\n");
    }
}

/* The table on stdout, the counts on stderr; returns the exit code. */
static int report(const rzb_fleet_record *rec, const rzb_fleet_task *tasks, const char *note) {
    printf("job %s: %d task%s, claims %s, submitted %s\n", rec->job_id, rec->tasks,
           rec->tasks == 1 ? "" : "s", rec->claims[0] ? rec->claims : "all", rec->submitted_utc);
    printf("%-5s %-12s %-6s %-10s %-12s %s\n", "task", "state", "exit", "elapsed", "node",
           "bundle");
    int count[3] = {0};
    for (int i = 0; i < rec->tasks; i++) {
        print_task(i, &tasks[i]);
        count[tasks[i].phase]++;
    }
    fprintf(stderr, "rzbench fleet: %d completed, %d failed, %d pending or running (%s)\n",
            count[RZB_TASK_DONE], count[RZB_TASK_FAILED], count[RZB_TASK_WAITING], note);
    return count[RZB_TASK_WAITING] ? EXIT_WAITING : count[RZB_TASK_FAILED] ? EXIT_FAILED : 0;
}

static int cmd_status(int argc, char **argv) {
    const char *dir = "reports/fleet";
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            dir = argv[++i];
        } else {
            fprintf(stderr, "rzbench fleet status: unexpected argument '%s' (see --help)\n",
                    argv[i]);
            return EXIT_USAGE;
        }
    }
    char out_dir[4096], why[2048], note[2048];
    absolute(dir, out_dir, sizeof out_dir);
    rzb_fleet_record rec;
    if (!rzb_fleet_record_read(out_dir, &rec, why, sizeof why)) {
        fprintf(stderr, "rzbench fleet: %s\n", why);
        return EXIT_USAGE;
    }
    if (!slurm_configured()) return EXIT_USAGE;
    rzb_fleet_task *tasks = calloc((size_t)rec.tasks, sizeof *tasks);
    if (!tasks) return EXIT_FAILED;
    int rc = EXIT_USAGE;
    if (rzb_fleet_status(out_dir, &rec, tasks, note, sizeof note, why, sizeof why) != RZB_SLURM_OK)
        fprintf(stderr, "rzbench fleet: %s\n", why);
    else
        rc = report(&rec, tasks, note);
    free(tasks);
    return rc;
}

int rzb_cmd_fleet(int argc, char **argv, const char *command) {
    const char *sub = argc > 2 ? argv[2] : "";
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        fputs(help, stdout);
        return 0;
    }
    if (!strcmp(sub, "submit")) return cmd_submit(argc, argv, command);
    if (!strcmp(sub, "status")) return cmd_status(argc, argv);
    fprintf(stderr, "rzbench fleet: expected `submit` or `status`, got '%s' (see --help)\n", sub);
    return EXIT_USAGE;
}
