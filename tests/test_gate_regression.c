/* `rzbench gate` as a CI maintainer meets it: a scratch clone of this repository gets a commit
 * that makes one gated workload's inner loop do about 10% more work (an extra dot product on
 * every 8th logistic-regression prediction), is built, and is gated against the commit before
 * it, on instructions and on time: both must exit 1 and name the workload. The same build gated
 * against its own commit (A/A, on instructions) must pass. Skipped without git or the model.
 * --max-load 64: ctest runs other tests beside this one, whose work the load rule would see. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/support.h"

static char scratch[256], out[1 << 16], err[1 << 16];

static int sh(const char *fmt, const char *arg) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, arg, arg, arg);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Inserts the extra pass after the line that computes the prediction's dot product. */
static void slow_down(const char *path) {
    static const char anchor[] =
        "    float z = be->dot_f32(m->weights, x, m->n_features) + m->intercept;\n";
    static const char extra[] =
        "    static unsigned calls;\n"
        "    if (++calls % 8 == 0) z += 0.0f * be->dot_f32(m->weights, x, m->n_features);\n";
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s", path);
    static char src[1 << 16];
    size_t n = fread(src, 1, sizeof src - 1, f);
    fclose(f);
    src[n] = 0;
    char *at = strstr(src, anchor);
    cr_assert(at, "%s no longer has the line this test slows down: %s", path, anchor);
    at += strlen(anchor);
    f = fopen(path, "w");
    fwrite(src, 1, (size_t)(at - src), f);
    fputs(extra, f);
    fputs(at, f);
    fclose(f);
}

static int gate(const char *metric, const char *against) {
    char bin[512];
    snprintf(bin, sizeof bin, "%s/src/build/rzbench", scratch);
    char reports[512];
    snprintf(reports, sizeof reports, "%s/reports", scratch);
    char *argv[] = {bin,
                    "gate",
                    "--against",
                    (char *)against,
                    "--workloads",
                    "logreg-predict",
                    "--metric",
                    (char *)metric,
                    "--out",
                    reports,
                    "--budget",
                    "120",
                    "--max-load",
                    "64",
                    "--no-history",
                    NULL};
    return rzt_run(argv, out, sizeof out, err, sizeof err);
}

Test(gate_regression, a_slower_commit_fails_the_gate, .timeout = 1200) {
    if (system("git --version >/dev/null 2>&1") != 0) cr_skip_test("git absent");
    if (!rzt_shared("models/mnist_784x2.apr")) cr_skip_test("model absent");
    snprintf(scratch, sizeof scratch, "/tmp/rzt-gate-XXXXXX");
    cr_assert(mkdtemp(scratch));
    cr_assert_eq(sh("git clone -q \"$RZ_SOURCE_DIR\" %s/src", scratch), 0);
    char file[512];
    snprintf(file, sizeof file, "%s/src/engine/models/logreg.c", scratch);
    slow_down(file);
    cr_assert_eq(
        sh("cd %s/src && git -c user.name=rzt -c user.email=rzt@localhost commit -qam 'test: an extra dot product on every 8th prediction'",
           scratch),
        0);
    const char *launcher =
        system("ccache --version >/dev/null 2>&1") == 0 ? "-DCMAKE_C_COMPILER_LAUNCHER=ccache" : "";
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "cd %s/src && CCACHE_BASEDIR=$PWD cmake -S . -B build -DCMAKE_BUILD_TYPE=Release %s >build.log 2>&1 && CCACHE_BASEDIR=$PWD cmake --build build -j \"$(nproc)\" --target rzbench >>build.log 2>&1",
        scratch, launcher);
    cr_assert_eq(system(cmd), 0, "the scratch build failed: %s/src/build.log", scratch);
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cache", scratch);
    setenv("RZB_GATE_CACHE", cache, 1);

    cr_expect_eq(gate("instructions", "HEAD~1"), 1, "%s\n%s", out, err);
    cr_expect(strstr(err, "REGRESSION: logreg-predict") != NULL, "%s", err);
    cr_expect_eq(gate("time", "HEAD~1"), 1, "%s\n%s", out, err);
    cr_expect(strstr(err, "REGRESSION: logreg-predict") != NULL, "%s", err);
    cr_expect_eq(gate("instructions", "HEAD"), 0, "A/A: %s\n%s", out, err);
    sh("rm -rf %s", scratch);
}
