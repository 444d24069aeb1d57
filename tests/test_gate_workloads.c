/* `rzbench workload`, the gate's per-run workloads, end to end: --list, fixtures made once (and
 * kept), one tiny timed run of every workload, usage errors, a missing fixture, instruction
 * counts from PAPI (stable within 1% run to run; skipped where the PMU counts none) and from
 * valgrind (skipped where it is not installed). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/support/support.h"

static char out[1 << 20], err[65536];

static const char *const names[] = {"logreg-predict", "decode",    "prompt",       "gguf-open",
                                    "tokenize",       "ppl-chunk", "serve-health", "serve-predict"};
enum { N_NAMES = sizeof names / sizeof names[0] };

/* Runs rzbench with the NULL-terminated arguments (at most 16). */
static int rzbench(const char *const *args) {
    char *argv[18] = {(char *)rzt_bin("rzbench")};
    for (size_t i = 0; i < 16 && args[i]; i++)
        argv[i + 1] = (char *)args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

/* The fixtures directory in the build tree, made on first use (later runs keep its files). */
static const char *fixtures(void) {
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s/test-gate-fixtures", getenv("RZ_BUILD_DIR"));
    const char *make[] = {"workload", "--make-fixtures", dir, NULL};
    cr_assert_eq(rzbench(make), 0, "%s", err);
    return dir;
}

static bool has_apr(const char *dir) {
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/models/mnist_784x2.apr", dir);
    return stat(path, &st) == 0;
}

static bool needs_apr(const char *name) {
    return !strcmp(name, "logreg-predict") || !strcmp(name, "serve-predict");
}

/* The run's one line of JSON, parsed (the caller deletes it). */
static cJSON *reply(void) {
    cJSON *o = cJSON_Parse(out);
    cr_assert(o != NULL, "not JSON: %s", out);
    cr_assert(strchr(out, '\n') == out + strlen(out) - 1, "not one line: %s", out);
    return o;
}

static const char *text(const cJSON *o, const char *key) {
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    return v ? v : "";
}

/* value per unit of one instruction-count run. */
static double count(const char *name, const char *counter, const char *iterations) {
    const char *args[] = {"workload",     name,           "--fixtures", fixtures(),
                          "--metric",     "instructions", "--counter",  counter,
                          "--iterations", iterations,     NULL};
    cr_assert_eq(rzbench(args), 0, "%s %s: %s", name, counter, err);
    cJSON *o = reply();
    cr_expect_str_eq(text(o, "unit"), "instructions");
    cr_expect(strstr(text(o, "source"), counter) != NULL, "%s", out);
    cr_expect(text(o, "why")[0] && text(o, "backend")[0], "%s", out);
    cr_expect(cJSON_GetNumberValue(cJSON_GetObjectItem(o, "calls")) > 0, "%s", out);
    double v = cJSON_GetNumberValue(cJSON_GetObjectItem(o, "value"));
    cJSON_Delete(o);
    cr_expect(v > 0, "%s: %g", name, v);
    return v;
}

Test(gate_workloads, help_and_list_name_all_eight) {
    const char *help[] = {"workload", "--help", NULL};
    cr_expect_eq(rzbench(help), 0);
    cr_expect(strstr(out, "usage: rzbench workload") != NULL, "%s", out);
    const char *list[] = {"workload", "--list", NULL};
    cr_assert_eq(rzbench(list), 0, "%s", err);
    int lines = 0, found = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), lines++)
        for (int i = 0; i < N_NAMES; i++)
            found += !strncmp(line, names[i], strlen(names[i])) && line[strlen(names[i])] == ' ';
    cr_expect_eq(lines, N_NAMES);
    cr_expect_eq(found, N_NAMES);
}

Test(gate_workloads, fixtures_are_made_once_and_kept) {
    const char *dir = fixtures();
    const char *again[] = {"workload", "--make-fixtures", dir, NULL};
    cr_assert_eq(rzbench(again), 0, "%s", err);
    cr_expect(strstr(err, "model.gguf: kept") && strstr(err, "text.txt: kept"), "%s", err);
    char path[4200];
    snprintf(path, sizeof path, "%s/text.txt", dir);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_size, 16384);
}

Test(gate_workloads, every_workload_runs_and_prints_its_samples, .timeout = 300) {
    const char *dir = fixtures();
    for (int i = 0; i < N_NAMES; i++) {
        const char *args[] = {"workload", names[i],   "--fixtures", dir, "--iterations",
                              "2",        "--warmup", "0",          NULL};
        int rc = rzbench(args);
        if (needs_apr(names[i]) && !has_apr(dir)) {
            cr_expect_eq(rc, 3, "%s: %s", names[i], err);
            continue;
        }
        cr_assert_eq(rc, 0, "%s: %s", names[i], err);
        cJSON *o = reply();
        cr_expect_str_eq(text(o, "workload"), names[i]);
        cr_expect_str_eq(text(o, "metric"), "time");
        cr_expect_str_eq(text(o, "unit"), "ns");
        cr_expect(text(o, "per")[0] && text(o, "backend")[0], "%s", out);
        cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(o, "threads")), 1);
        const cJSON *samples = cJSON_GetObjectItem(o, "samples");
        cr_expect_eq(cJSON_GetArraySize(samples), 2, "%s: %s", names[i], out);
        for (const cJSON *v = samples ? samples->child : NULL; v; v = v->next)
            cr_expect(cJSON_IsNumber(v) && v->valuedouble > 0, "%s: %s", names[i], out);
        cJSON_Delete(o);
    }
}

Test(gate_workloads, usage_errors_exit_2) {
    const char *cases[][10] = {
        {"workload", NULL},
        {"workload", "nope", "--fixtures", "/tmp", NULL},
        {"workload", "decode", NULL},
        {"workload", "decode", "--fixtures", "/tmp", "--iterations", "0", NULL},
        {"workload", "decode", "--fixtures", "/tmp", "--metric", "cycles", NULL},
        {"workload", "decode", "--fixtures", "/tmp", "--counter", "perf", NULL},
        {"workload", "decode", "--fixtures", "/tmp", "--bogus", "1", NULL},
        {"workload", "decode", "--fixtures", "/tmp", "--metric", "instructions", "--threads", "2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rzbench(cases[i]), 2, "case %zu: %s", i, err);
    rzbench(cases[1]);
    cr_expect(strstr(err, "unknown workload 'nope'") != NULL, "%s", err);
    rzbench(cases[3]);
    cr_expect(strstr(err, "--iterations: expected an integer in [1, ") != NULL, "%s", err);
    rzbench(cases[7]);
    cr_expect(strstr(err, "--threads 1") != NULL, "%s", err);
}

Test(gate_workloads, missing_fixture_exits_1_naming_it) {
    const char *args[] = {"workload", "decode", "--fixtures", "/nonexistent/rz-fixtures", NULL};
    cr_expect_eq(rzbench(args), 1, "%s", err);
    cr_expect(strstr(err, "/nonexistent/rz-fixtures/model.gguf is missing") != NULL, "%s", err);
    cr_expect(strstr(err, "--make-fixtures") != NULL, "%s", err);
}

Test(gate_workloads, papi_counts_repeat_within_one_percent, .timeout = 60) {
    const char *probe[] = {"workload",     "gguf-open", "--fixtures", fixtures(), "--metric",
                           "instructions", "--counter", "papi",       NULL};
    if (rzbench(probe) != 0) cr_skip("PAPI counts no instructions here: %s", err);
    const char *stable[] = {"decode", "tokenize", "gguf-open", "serve-health"};
    for (size_t i = 0; i < sizeof stable / sizeof stable[0]; i++) {
        double a = count(stable[i], "papi", "2"), b = count(stable[i], "papi", "2");
        cr_expect(fabs(a - b) <= 0.01 * fmax(a, b), "%s: %.1f then %.1f", stable[i], a, b);
    }
}

Test(gate_workloads, valgrind_counts_a_cheap_workload, .timeout = 120) {
#ifdef __SANITIZE_ADDRESS__
    cr_skip("valgrind cannot run an AddressSanitizer build");
#endif
    if (system("valgrind --version >/dev/null 2>&1") != 0) cr_skip("valgrind is not installed");
    double v = count("gguf-open", "valgrind", "1");
    cr_expect(strstr(out, "callgrind") != NULL, "%s", out);
    cr_expect(v > 1000, "%g instructions per open", v);
}
