/* Claim R3: the same commit builds to identical binaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "harness/claim.h"
#include "harness/cmake_build.h"

/* Compares two files; returns -1 when identical, else the first differing byte offset (or the
 * shorter length), and -2 when either cannot be read. */
static long long first_difference(const char *a, const char *b) {
    unsigned char *x, *y;
    size_t nx, ny;
    if (rz_file_read_all(a, &x, &nx, NULL)) return -2;
    if (rz_file_read_all(b, &y, &ny, NULL)) {
        free(x);
        return -2;
    }
    size_t n = nx < ny ? nx : ny, i = 0;
    while (i < n && x[i] == y[i])
        i++;
    long long result = i == n && nx == ny ? -1 : (long long)i;
    free(x);
    free(y);
    return result;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    char dirs[2][4096], why[1024];
    static const char *const options[] = {"-DCMAKE_BUILD_TYPE=Release", NULL};
    static const char *const targets[] = {"rz_cli", "rzbench", NULL};
    for (int i = 0; i < 2; i++) {
        if (!rzb_scratch_dir(i ? "r3-b" : "r3-a", dirs[i], sizeof dirs[i])) {
            rzb_result_verdict(r, RZB_SKIPPED, "cannot create a scratch directory");
            return;
        }
        rzb_progress(ctx, "build %d/2 in %s", i + 1, dirs[i]);
        if (!rzb_cmake_build_from(rzb_build_source(ctx->smoke), dirs[i], options, targets, why,
                                  sizeof why)) {
            rzb_result_verdict(r, RZB_SKIPPED, "build %d failed: %s", i + 1, why);
            return;
        }
    }
    static const char *const binaries[] = {"rz", "rzbench"};
    char differs[512] = "";
    for (int k = 0; k < 2; k++) {
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/%s", dirs[0], binaries[k]);
        snprintf(b, sizeof b, "%s/%s", dirs[1], binaries[k]);
        long long off = first_difference(a, b);
        char name[64];
        snprintf(name, sizeof name, "%s: first differing byte (-1 = identical)", binaries[k]);
        rzb_result_metric(r, name, (double)off, "offset");
        if (off != -1)
            snprintf(differs + strlen(differs), sizeof differs - strlen(differs),
                     "%s%s at byte %lld", differs[0] ? ", " : "", binaries[k], off);
    }
    rzb_result_note(r, "two Release builds of the same tree in %s and %s", dirs[0], dirs[1]);
    if (ctx->smoke)
        rzb_result_note(r, "smoke run: built claims/workloads/smoke_build, not this tree");
    rzb_result_note(r, "deterministic comparison: byte for byte, no sampling");
    if (differs[0])
        rzb_result_verdict(r, RZB_FALSIFIED, "binaries differ: %s", differs);
    else
        rzb_result_verdict(r, RZB_SUPPORTED,
                           "rz and rzbench are byte-identical across the two build directories");
    rzb_scratch_remove(dirs[0]);
    rzb_scratch_remove(dirs[1]);
}

const rzb_claim rzb_claim_r3_reproducible_build = {
    .id = "R3",
    .title = "same commit gives an identical binary",
    .statement = "same commit gives an identical binary",
    .source = "realizar design rationale (paiml/realizar), claim R3",
    .workload = "this source tree, built twice (Release) in two scratch build directories",
    .baseline = "none: the two builds are compared with each other",
    .threshold = "every byte of rz and rzbench identical",
    .test = "configure and build twice, compare the binaries byte for byte",
    .verdict_rule =
        "SUPPORTED when both binaries are identical, FALSIFIED when any byte differs; SKIPPED when a build fails",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 1,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
