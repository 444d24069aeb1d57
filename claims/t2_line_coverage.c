/* Claim T2: line coverage of the test suite is at least 85%. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/claim.h"
#include "harness/coverage_run.h"

/* The folders the total counts, as gcovr names them; backends/cuda/ is reported apart and
 * counted only where a GPU ran the tests. */
static const char *const folders[] = {"engine/", "backends/", "harness/",
                                      "server/", "cli/",      "claims/"};

static void run(const rzb_context *ctx, rzb_result *r) {
    const rzb_coverage *cov = rzb_coverage_run(ctx);
    if (!cov->ok) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", cov->why);
        return;
    }
    bool gpu = access("/dev/nvidia0", F_OK) == 0;
    double covered = 0, total = 0, cuda_covered, cuda_total;
    rzb_coverage_lines(cov, "backends/cuda/", &cuda_covered, &cuda_total);
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++) {
        double c, t;
        rzb_coverage_lines(cov, folders[i], &c, &t);
        bool cpu_backends = !strcmp(folders[i], "backends/");
        if (cpu_backends) {
            c -= cuda_covered;
            t -= cuda_total;
        }
        char name[96];
        snprintf(name, sizeof name, "line coverage %s%s (%.0f lines)", folders[i],
                 cpu_backends ? " (CPU)" : "", t);
        if (t > 0) rzb_result_metric(r, name, 100 * c / t, "%");
        covered += c;
        total += t;
    }
    char name[96];
    snprintf(name, sizeof name, "line coverage backends/cuda/ (%.0f lines, %s)", cuda_total,
             gpu ? "counted: a GPU ran the tests" : "not counted: no GPU");
    if (cuda_total > 0) rzb_result_metric(r, name, 100 * cuda_covered / cuda_total, "%");
    if (gpu) {
        covered += cuda_covered;
        total += cuda_total;
    }
    double lines = total > 0 ? 100 * covered / total : 0;
    rzb_result_metric(r, "line coverage", lines, "%");
    rzb_result_metric(r, "threshold", 85, "%");
    rzb_result_note(
        r,
        "gcovr over engine/, backends/, harness/, server/, cli/ and claims/ after the whole ctest suite (Debug, --coverage; the run T1 shares); the suite %s",
        cov->tests_rc == 0 ? "passed" : "had failures");
    if (cov->failed[0])
        rzb_result_note(r, "tests that failed in the coverage build: %s", cov->failed);
    if (lines >= 85)
        rzb_result_verdict(r, RZB_SUPPORTED, "line coverage %.1f%% >= 85%%", lines);
    else
        rzb_result_verdict(r, RZB_FALSIFIED, "line coverage %.1f%% < 85%%", lines);
}

const rzb_claim rzb_claim_t2_line_coverage = {
    .id = "T2",
    .title = "line coverage >= 85%",
    .statement = "line coverage >= 85%",
    .source = "realizar design rationale (paiml/realizar), claim T2",
    .workload = "the whole ctest suite of this source tree, built with --coverage",
    .baseline = "none: an absolute threshold",
    .threshold =
        "line coverage >= 85% of engine/, backends/ (CPU; CUDA where a GPU ran the tests), harness/, server/, cli/ and claims/",
    .test =
        "Debug build with --coverage -fprofile-update=atomic in a scratch directory, ctest, gcovr --json; covered code lines over all code lines",
    .verdict_rule = "SUPPORTED at >= 85%, FALSIFIED below; SKIPPED when the build or gcovr fails",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 1,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
