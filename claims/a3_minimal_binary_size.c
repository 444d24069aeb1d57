/* Claim A3: the minimal build produces a binary smaller than 5 MB. */
#include <stdio.h>
#include <sys/stat.h>

#include "harness/claim.h"
#include "harness/cmake_build.h"
#include "harness/subprocess.h"

static void run(const rzb_context *ctx, rzb_result *r) {
    char dir[4096], why[1024];
    if (!rzb_scratch_dir("a3", dir, sizeof dir)) {
        rzb_result_verdict(r, RZB_SKIPPED, "cannot create a scratch directory");
        return;
    }
    rzb_progress(ctx, "building the minimal configuration in %s", dir);
    static const char *const options[] = {"-DRZ_MINIMAL=ON", "-DCMAKE_BUILD_TYPE=MinSizeRel", NULL};
    static const char *const targets[] = {"rz_cli", NULL};
    if (!rzb_cmake_build_from(rzb_build_source(ctx->smoke), dir, options, targets, why,
                              sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "minimal build failed: %s", why);
        return;
    }
    char bin[4200], stripped[4200];
    snprintf(bin, sizeof bin, "%s/rz", dir);
    snprintf(stripped, sizeof stripped, "%s/rz.stripped", dir);
    char *strip[] = {"strip", "--strip-all", "-o", stripped, bin, NULL};
    struct stat before, after;
    if (rzb_run_logged(strip, "/dev/null") != 0 || stat(bin, &before) || stat(stripped, &after)) {
        rzb_result_verdict(r, RZB_SKIPPED, "strip failed on %s", bin);
        rzb_scratch_remove(dir);
        return;
    }
    rzb_result_metric(r, "rz binary, unstripped", (double)before.st_size, "bytes");
    rzb_result_metric(r, "rz binary, stripped", (double)after.st_size, "bytes");
    rzb_result_metric(r, "threshold", 5e6, "bytes");
    rzb_result_note(
        r,
        "configuration: -DRZ_MINIMAL=ON (engine + rz CLI; no harness, tests or server), MinSizeRel, stripped with strip --strip-all");
    rzb_result_note(
        r,
        "system libraries (libc, libm, zlib, cJSON, PCRE2) are linked dynamically and not counted");
    if (ctx->smoke)
        rzb_result_note(r, "smoke run: built claims/workloads/smoke_build, not this tree");
    rzb_result_note(r, "deterministic measurement: one build, no sampling");
    if (after.st_size < 5000000)
        rzb_result_verdict(r, RZB_SUPPORTED, "stripped minimal rz is %lld bytes (%.2f MB) < 5 MB",
                           (long long)after.st_size, after.st_size / 1e6);
    else
        rzb_result_verdict(r, RZB_FALSIFIED, "stripped minimal rz is %lld bytes (%.2f MB) >= 5 MB",
                           (long long)after.st_size, after.st_size / 1e6);
    rzb_scratch_remove(dir);
}

const rzb_claim rzb_claim_a3_minimal_binary_size = {
    .id = "A3",
    .title = "minimal build binary < 5 MB",
    .statement = "minimal build produces a binary < 5 MB",
    .source = "realizar design rationale (paiml/realizar), claim A3",
    .workload =
        "this source tree configured with RZ_MINIMAL=ON (engine and rz CLI only) in a scratch directory",
    .baseline = "none: an absolute threshold",
    .threshold = "stripped size < 5,000,000 bytes",
    .test = "build the minimal configuration (MinSizeRel), strip --strip-all, stat the file",
    .verdict_rule =
        "SUPPORTED when the stripped binary is under 5 MB, FALSIFIED otherwise; SKIPPED when the build fails",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 1,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
