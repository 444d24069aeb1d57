/* rzbench workload: one run of one gate workload (harness/gate_workloads.h) as one line of JSON
 * on stdout, what `rzbench gate` runs on each side; also --list and --make-fixtures DIR. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "cli/common/error_report.h"
#include "cli/rzbench/args.h"
#include "cli/rzbench/commands.h"
#include "engine/core/file.h"
#include "harness/gate_callgrind.h"
#include "harness/gate_fixtures.h"
#include "harness/gate_measure.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_SKIPPED = 3 };

static const char help[] =
    "usage: rzbench workload NAME --fixtures DIR [OPTIONS]\n"
    "       rzbench workload --list\n"
    "       rzbench workload --make-fixtures DIR\n\n"
    "Runs gate workload NAME once in this process on the fixture files in DIR and prints one\n"
    "line of JSON on stdout. --metric time:\n"
    "  {\"workload\", \"metric\": \"time\", \"unit\": \"ns\", \"per\", \"threads\",\n"
    "   \"samples\": [ns per unit of work, one per iteration], \"backend\"}\n"
    "--metric instructions:\n"
    "  {\"workload\", \"metric\": \"instructions\", \"unit\": \"instructions\", \"per\",\n"
    "   \"threads\", \"value\": per unit of work, \"calls\": units of work counted,\n"
    "   \"source\", \"why\", \"backend\"}\n"
    "--list prints one line per workload: its name, what a sample does, its default sizes.\n"
    "--make-fixtures DIR writes the files the workloads read into DIR (created if needed;\n"
    "files already there are kept) with this build's tools, so that two builds read the same\n"
    "bytes: model.gguf (rz synth: SmolLM2-135M's shape, Q4_0, synthetic weights), text.txt\n"
    "(generated English-like text), models/mnist_784x2.apr (copied from the shared data).\n\n"
    "options:\n"
    "  --fixtures DIR    the fixture directory (required to run a workload)\n"
    "  --iterations N    samples timed, or counted (default: the workload's, see --list)\n"
    "  --warmup N        samples run before them and not measured (default: the workload's)\n"
    "  --threads T       threads of decode, prompt, ppl-chunk and rz serve (default 1; the\n"
    "                    others run on one thread). Instructions of decode, prompt and\n"
    "                    ppl-chunk need 1: rz's thread pool spin-waits\n"
    "  --metric M        time (default) or instructions (user mode, over the counted samples)\n"
    "  --counter C       instructions from auto (default: PAPI where the PMU counts them,\n"
    "                    else valgrind), papi (PAPI_TOT_INS, else perf::INSTRUCTIONS) or\n"
    "                    valgrind (callgrind; rz then runs the kernels of valgrind's CPU,\n"
    "                    which has no AVX-512)\n\n"
    "serve-health and serve-predict count the instructions of rz serve's threads; under\n"
    "valgrind, the server's count with the counted samples minus its count without them.\n"
    "Exit codes: 0 success; 1 the run failed (a missing fixture is named); 2 usage error;\n"
    "3 the workload skipped because its fixture could not be made (shared data absent),\n"
    "printed as {\"workload\", \"metric\", \"skipped\": reason}.\n";

typedef struct {
    const char *name, *fixtures, *make_fixtures, *metric, *counter;
    long long iterations, warmup, threads;
    bool list;
} options;

static const char *const metrics[] = {"time", "instructions", NULL};
static const char *const counters[] = {"auto", "papi", "valgrind", NULL};

/* One option with its value at argv[i + 1]; false after printing the problem. */
static bool parse_valued(options *o, const char *a, const char *v) {
    if (!strcmp(a, "--fixtures")) return (o->fixtures = v) != NULL;
    if (!strcmp(a, "--make-fixtures")) return (o->make_fixtures = v) != NULL;
    if (!strcmp(a, "--iterations")) return rzb_arg_count(a, v, 1, &o->iterations);
    if (!strcmp(a, "--warmup")) return rzb_arg_count(a, v, 0, &o->warmup);
    if (!strcmp(a, "--threads")) return rzb_arg_count(a, v, 1, &o->threads);
    if (!strcmp(a, "--metric")) return rzb_arg_choice(a, o->metric = v, metrics);
    if (!strcmp(a, "--counter")) return rzb_arg_choice(a, o->counter = v, counters);
    fprintf(stderr, "rzbench workload: unknown option '%s' (see --help)\n", a);
    return false;
}

/* 0 to go on, -1 after --help, EXIT_USAGE on a usage error. */
static int parse(int argc, char **argv, options *o) {
    *o = (options){
        .metric = "time", .counter = "auto", .iterations = -1, .warmup = -1, .threads = 1};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        } else if (!strcmp(a, "--list")) {
            o->list = true;
        } else if (a[0] == '-' && i + 1 == argc) {
            fprintf(stderr, "rzbench workload: %s: missing value or unknown option\n", a);
            return EXIT_USAGE;
        } else if (a[0] == '-') {
            if (!parse_valued(o, a, argv[++i])) return EXIT_USAGE;
        } else if (!o->name) {
            o->name = a;
        } else {
            fprintf(stderr, "rzbench workload: unexpected argument '%s' (see --help)\n", a);
            return EXIT_USAGE;
        }
    }
    const char *missing = o->list || o->make_fixtures ? NULL
                          : !o->name                  ? "expected a workload NAME"
                          : !o->fixtures              ? "expected --fixtures DIR"
                                                      : NULL;
    if (missing) fprintf(stderr, "rzbench workload: %s (see --help)\n", missing);
    return missing ? EXIT_USAGE : 0;
}

static int list(void) {
    for (size_t i = 0; i < rzb_n_gws; i++) {
        const rzb_gw *w = rzb_gws[i];
        const rzb_gw_size *t = &w->time, *n = &w->instructions;
        printf("%-15s %s; per %s; time: %d samples of %d (+%d warmup);", w->name, w->what, w->per,
               t->iterations, t->units, t->warmup);
        printf(" instructions: %d samples of %d (+%d warmup)\n", n->iterations, n->units,
               n->warmup);
    }
    return 0;
}

static int make_fixtures(const char *dir) {
    char bin_dir[4096], rz[4200], why[1024];
    if (!rz_file_self_dir(bin_dir, sizeof bin_dir)) {
        fprintf(stderr, "rzbench workload: cannot locate this executable (/proc/self/exe)\n");
        return EXIT_FAILED;
    }
    snprintf(rz, sizeof rz, "%s/rz", bin_dir);
    if (rzb_gw_fixtures_make(dir, rz, stderr, why, sizeof why)) return 0;
    fprintf(stderr, "rzbench workload: --make-fixtures %s: %s\n", dir, why);
    return EXIT_FAILED;
}

static cJSON *head(const rzb_gw_job *j, const char *metric, const char *unit) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "workload", j->w->name);
    cJSON_AddStringToObject(o, "metric", metric);
    if (unit) cJSON_AddStringToObject(o, "unit", unit);
    if (unit) cJSON_AddStringToObject(o, "per", j->w->per);
    if (unit) cJSON_AddNumberToObject(o, "threads", j->env.threads);
    return o;
}

static int print_json(cJSON *o) {
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        fprintf(stderr, "rzbench workload: out of memory\n");
        return EXIT_FAILED;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

/* The exit for a failed or skipped run: the reason on stderr, and a JSON line for a skip. */
static int failed(const rzb_gw_job *j, const char *metric, rzb_gw_status st, const char *why) {
    fprintf(stderr, "rzbench workload: %s%s: %s\n", j->w->name,
            st == RZB_GW_SKIPPED ? " skipped" : "", why);
    if (st != RZB_GW_SKIPPED) return EXIT_FAILED;
    cJSON *o = head(j, metric, NULL);
    cJSON_AddStringToObject(o, "skipped", why);
    return print_json(o) ? EXIT_FAILED : EXIT_SKIPPED;
}

static int run_time(const rzb_gw_job *j) {
    const int n = j->size.iterations;
    double *samples = malloc((size_t)n * sizeof *samples);
    char why[1024] = "out of memory";
    rzb_gw_status st = samples ? rzb_gw_time(j, samples, why, sizeof why) : RZB_GW_FAILED;
    if (st) {
        free(samples);
        return failed(j, "time", st, why);
    }
    cJSON *o = head(j, "time", "ns");
    cJSON_AddItemToObject(o, "samples", cJSON_CreateDoubleArray(samples, n));
    cJSON_AddStringToObject(o, "backend", rz_backend_active()->name);
    free(samples);
    return print_json(o);
}

typedef struct {
    double count;
    char source[160], why[1400], backend[32];
} counted;

static const char *server_note(const rzb_gw *w, bool papi) {
    if (!w->server_pid) return "";
    return papi ? "; counted in rz serve's threads, not the client's"
                : "; counted in rz serve: its count with the samples minus its count without";
}

/* The run again under callgrind (harness/gate_callgrind.h). */
static rzb_gw_status count_valgrind(const options *o, const rzb_gw_job *j, const char *papi_why,
                                    counted *c, char *why, size_t cap) {
    const bool forced = !strcmp(o->counter, "valgrind");
    char version[160], exe[4096], iterations[24], warmup[24], threads[24];
    if (!rzb_instr_valgrind_version(version, sizeof version)) {
        snprintf(why, cap, "%s: %s", forced ? "--counter valgrind" : papi_why, version);
        return RZB_GW_FAILED;
    }
    if (!rz_file_self_exe(exe, sizeof exe)) {
        snprintf(why, cap, "cannot locate this executable (/proc/self/exe)");
        return RZB_GW_FAILED;
    }
    snprintf(iterations, sizeof iterations, "%d", j->size.iterations);
    snprintf(warmup, sizeof warmup, "%d", j->size.warmup);
    snprintf(threads, sizeof threads, "%d", j->env.threads);
    char *argv[] = {exe,
                    "workload",
                    (char *)j->w->name,
                    "--fixtures",
                    (char *)j->env.fixtures,
                    "--iterations",
                    iterations,
                    "--warmup",
                    warmup,
                    "--threads",
                    threads,
                    "--metric",
                    "instructions",
                    "--counter",
                    "valgrind",
                    NULL};
    if (!rzb_gw_callgrind_outer(argv, &c->count, c->backend, sizeof c->backend, why, cap))
        return RZB_GW_FAILED;
    const char *native = rz_backend_active()->name;
    char isa[160] = "";
    if (strcmp(native, c->backend))
        snprintf(isa, sizeof isa, "; under valgrind rz runs its %s kernels, not %s", c->backend,
                 native);
    snprintf(c->source, sizeof c->source, "valgrind callgrind (%s)", version);
    snprintf(c->why, sizeof c->why, "%s%s%s%s", forced ? "--counter valgrind" : papi_why,
             forced ? "" : "; callgrind counts them instead", isa, server_note(j->w, false));
    return RZB_GW_OK;
}

/* The inner run under callgrind: the region, then one reply line for the outer run. */
static int run_inner(const rzb_gw_job *j) {
    if (!rzb_instr_under_valgrind()) {
        fprintf(stderr,
                "rzbench workload: %s is set but this process does not run under valgrind\n",
                RZB_GW_INNER);
        return EXIT_FAILED;
    }
    double count = -1;
    char why[1024];
    rzb_gw_status st = rzb_gw_count_callgrind(j, &count, why, sizeof why);
    if (st) return failed(j, "instructions", st, why);
    rzb_gw_callgrind_inner_reply(rz_backend_active()->name, count);
    return 0;
}

static int run_instructions(const options *o, const rzb_gw_job *j) {
    if (getenv(RZB_GW_INNER)) return run_inner(j);
    rzb_instr_papi p = {0};
    const bool papi = strcmp(o->counter, "valgrind") && rzb_instr_papi_find(&p);
    if (!papi && !strcmp(o->counter, "papi")) {
        fprintf(stderr, "rzbench workload: --counter papi: %s\n", p.why);
        return EXIT_FAILED;
    }
    counted c = {0};
    char why[1600];
    rzb_gw_status st;
    if (papi) {
        st = rzb_gw_count_papi(j, &p, &c.count, why, sizeof why);
        snprintf(c.source, sizeof c.source, "papi %s", p.event);
        snprintf(c.why, sizeof c.why, "%s%s", p.why, server_note(j->w, true));
        snprintf(c.backend, sizeof c.backend, "%s", rz_backend_active()->name);
    } else {
        st = count_valgrind(o, j, p.why, &c, why, sizeof why);
    }
    if (st) return failed(j, "instructions", st, why);
    const double calls = (double)j->size.iterations * j->size.units;
    cJSON *out = head(j, "instructions", "instructions");
    cJSON_AddNumberToObject(out, "value", c.count / calls);
    cJSON_AddNumberToObject(out, "calls", calls);
    cJSON_AddStringToObject(out, "source", c.source);
    cJSON_AddStringToObject(out, "why", c.why);
    cJSON_AddStringToObject(out, "backend", c.backend);
    return print_json(out);
}

/* The job for o: the workload's sizes for the metric, with o's overrides. */
static rzb_gw_job job_for(const options *o, const rzb_gw *w, const char *rz_bin) {
    const bool timed = !strcmp(o->metric, "time");
    rzb_gw_job j = {.w = w, .size = timed ? w->time : w->instructions};
    j.env = (rzb_gw_env){
        .fixtures = o->fixtures, .rz_bin = rz_bin, .threads = w->threaded ? (int)o->threads : 1};
    if (o->iterations > 0) j.size.iterations = (int)o->iterations;
    if (o->warmup >= 0) j.size.warmup = (int)o->warmup;
    return j;
}

int rzb_cmd_workload(int argc, char **argv, const char *command) {
    (void)command;
    options o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (o.list) return list();
    if (o.make_fixtures) return make_fixtures(o.make_fixtures);
    const rzb_gw *w = rzb_gw_find(o.name);
    if (!w) {
        fprintf(stderr, "rzbench workload: unknown workload '%s' (see `rzbench workload --list`)\n",
                o.name);
        return EXIT_USAGE;
    }
    const bool timed = !strcmp(o.metric, "time");
    if (!timed && w->spins && o.threads > 1) {
        fprintf(stderr,
                "rzbench workload: %s: instructions need --threads 1 (its thread pool spins)\n",
                w->name);
        return EXIT_USAGE;
    }
    rz_error err;
    if (rz_backend_select(NULL, &err)) {
        rz_cli_error("rzbench workload: RZ_BACKEND", &err);
        return EXIT_USAGE;
    }
    char bin_dir[4096], rz[4200], why[1024];
    snprintf(rz, sizeof rz, "%s/rz", rz_file_self_dir(bin_dir, sizeof bin_dir) ? bin_dir : ".");
    rzb_gw_job j = job_for(&o, w, rz);
    rzb_gw_status st = rzb_gw_check_fixtures(w, &j.env, why, sizeof why);
    if (st) return failed(&j, o.metric, st, why);
    return timed ? run_time(&j) : run_instructions(&o, &j);
}
