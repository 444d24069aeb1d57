/* `rzbench` end to end: usage errors, help, list, and claim P1 against a stand-in baseline that
 * forces each verdict (tests/data/fake_scripts), plus SKIPPED when the baseline is missing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/support.h"

static char out[1 << 20], err[65536];

/* Runs rzbench with up to `n` arguments from args (stopping early at a NULL). */
static int rzbench_n(size_t n, const char *const *args) {
    char *argv[20] = {(char *)rzt_bin("rzbench")};
    for (size_t i = 0; i < n && i < 18 && args[i]; i++)
        argv[i + 1] = (char *)args[i];
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

#define rzbench(args) rzbench_n(sizeof(args) / sizeof((args)[0]), (args))

static void fake_baseline(const char *ns) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/data/fake_scripts", getenv("RZ_SOURCE_DIR"));
    setenv("RZB_SCRIPTS_DIR", dir, 1);
    setenv("FAKE_TORCH_NS", ns, 1);
    unsetenv("FAKE_TORCH_FAIL");
}

Test(cli_rzbench, help_on_every_command) {
    const char *cmds[][2] = {{"--help"},
                             {"list", "--help"},
                             {"claim", "--help"},
                             {"verify", "--help"},
                             {"selftest", "--help"}};
    for (size_t i = 0; i < 5; i++) {
        cr_expect_eq(rzbench(cmds[i]), 0, "%s", cmds[i][0]);
        cr_expect(strstr(out, "usage: rzbench") != NULL, "%s", out);
    }
}

Test(cli_rzbench, selftest_help_names_claim_h1) {
    const char *help[] = {"selftest", "--help"};
    cr_expect_eq(rzbench(help), 0, "%s", err);
    cr_expect(strstr(out, "usage: rzbench selftest") != NULL, "%s", out);
    cr_expect(strstr(out, "claim H1") != NULL, "%s", out);
    const char *bad[] = {"selftest", "--runs", "0"};
    cr_expect_eq(rzbench(bad), 2, "%s", err);
}

Test(cli_rzbench, usage_errors_exit_2) {
    const char *cases[][5] = {
        {NULL},
        {"frob"},
        {"claim"},
        {"claim", "Z9"},
        {"claim", "P1", "--runs", "0"},
        {"claim", "P1", "--runs", "ten"},
        {"claim", "P1", "--format", "xml"},
        {"claim", "P1", "--bogus"},
        {"claim", "P1", "--max-load", "-1"},
        {"claim", "P1", "--iterations"},
        {"list", "extra"},
        {"claim", "P1", "--smoke", "--bundle", "/tmp/rzt-smoke.tar"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rzbench(cases[i]), 2, "case %zu: %s", i, err);
    rzbench(cases[5]);
    cr_expect(strstr(err, "--runs: expected an integer in [1, ") != NULL, "%s", err);
    rzbench(cases[3]);
    cr_expect(strstr(err, "unknown claim id 'Z9'") != NULL, "%s", err);
    rzbench(cases[11]);
    cr_expect(strstr(err, "--smoke: not with --save-baseline or --bundle") != NULL, "%s", err);
}

/* RZ_BACKEND picks the kernel table the claims run on, as for rz; a name rz does not know is a
 * usage error, not a run on another table than the one asked for. */
Test(cli_rzbench, rz_backend_is_honoured) {
    const char *smoke[] = {"claim", "R1", "--smoke", "--no-history", "--out", "/tmp/rzt-backend"};
    setenv("RZ_BACKEND", "bogus", 1);
    cr_expect_eq(rzbench(smoke), 2, "%s", err);
    cr_expect(strstr(err, "RZ_BACKEND: backend 'bogus': expected scalar, avx2 or avx512"), "%s",
              err);
    setenv("RZ_BACKEND", "scalar", 1);
    cr_expect_eq(rzbench(smoke), 0, "%s", err);
    unsetenv("RZ_BACKEND");
    cr_expect(strstr(out, "backend scalar") != NULL, "R1 names the table it ran on: %s", out);
}

Test(cli_rzbench, list_names_p1_and_p2) {
    const char *list[] = {"list"};
    cr_expect_eq(rzbench(list), 0);
    cr_expect(strstr(out, "P1 ") != NULL && strstr(out, "P2 ") != NULL, "%s", out);
}

/* --max-load 64: the suite runs tests in parallel, whose work the runner's load rule would see. */
static const char *quick_p1[] = {"claim",        "p1",  "--runs",  "5",
                                 "--iterations", "300", "--batch", "10",
                                 "--format",     "csv", "--out",   "/tmp/rzt-reports",
                                 "--max-load",   "64",  NULL,      NULL};

Test(cli_rzbench, p1_supported_against_a_slow_baseline) {
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    fake_baseline("1000000");
    cr_expect_eq(rzbench(quick_p1), 0, "%s", err);
    cr_expect(strstr(out, "\"P1\"") != NULL, "%s", out);
    cr_expect(strstr(out, "SUPPORTED") != NULL, "%s\n%s", out, err);
    cr_expect_eq(access("/tmp/rzt-reports/P1.html", R_OK), 0);
    cr_expect_eq(access("/tmp/rzt-reports/P1.samples.csv", R_OK), 0);
}

Test(cli_rzbench, p1_falsified_against_a_fast_baseline_and_strict) {
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    fake_baseline("1");
    cr_expect_eq(rzbench(quick_p1), 0, "%s", err);
    cr_expect(strstr(out, "FALSIFIED") != NULL, "%s\n%s", out, err);
    const char *strict[16];
    memcpy(strict, quick_p1, sizeof quick_p1);
    strict[14] = "--strict";
    cr_expect_eq(rzbench(strict), 1, "--strict turns FALSIFIED into exit 1");
}

Test(cli_rzbench, p1_skipped_without_baseline) {
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    fake_baseline("1");
    setenv("FAKE_TORCH_FAIL", "greeting", 1);
    cr_expect_eq(rzbench(quick_p1), 0, "%s", err);
    cr_expect(strstr(out, "SKIPPED") != NULL, "%s", out);
    cr_expect(strstr(out, "No module named 'torch'") != NULL,
              "reason carries the helper's error: %s", out);
}
