#include "harness/coverage_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "harness/cmake_build.h"
#include "harness/subprocess.h"

/* The failed tests that ctest listed in Testing/Temporary/LastTestsFailed.log ("N:name" lines). */
static void read_failed(const char *dir, char *out, size_t cap) {
    char path[4200];
    snprintf(path, sizeof path, "%s/Testing/Temporary/LastTestsFailed.log", dir);
    FILE *f = fopen(path, "r");
    out[0] = 0;
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        const char *name = strchr(line, ':');
        size_t used = strlen(out);
        if (name && used + strlen(name) + 3 < cap)
            snprintf(out + used, cap - used, "%s%s", used ? ", " : "", name + 1);
    }
    fclose(f);
}

/* gcovr over every source folder of the tree (tests/ and build folders left out). */
static cJSON *gcovr_report(const char *tree, const char *dir, char *why, size_t cap) {
    char json[4200], filter[4200];
    snprintf(json, sizeof json, "%s/coverage.json", dir);
    snprintf(filter, sizeof filter, "%s/(engine|backends|harness|server|cli|claims)/", tree);
    char *argv[] = {
        "gcovr",  "-r", (char *)tree, (char *)dir, "--filter", filter, "--gcov-ignore-parse-errors",
        "--json", json, NULL};
    uint64_t ns;
    char out[2048];
    if (rzb_time_process(argv, &ns, out, sizeof out) != 0) {
        snprintf(why, cap, "gcovr failed or is missing (Debian package gcovr): %.900s", out);
        return NULL;
    }
    unsigned char *text;
    size_t len;
    rz_error err;
    if (rz_file_read_all(json, &text, &len, &err)) {
        snprintf(why, cap, "%s", err.msg);
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (!root) snprintf(why, cap, "%s: not valid JSON", json);
    return root;
}

static void run_once(const rzb_context *ctx, const char *tree, rzb_coverage *c) {
    char dir[4096];
    if (!rzb_scratch_dir("coverage", dir, sizeof dir)) {
        snprintf(c->why, sizeof c->why, "cannot create a scratch directory");
        return;
    }
    rzb_progress(ctx, "building with --coverage in %s", dir);
    /* atomic counter updates: the server and the thread pool run instrumented code on several
     * threads, and racy counters come out negative, which gcov then cannot print */
    static const char *const options[] = {
        "-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_C_FLAGS=--coverage -fprofile-update=atomic", NULL};
    static const char *const targets[] = {"all", NULL};
    char why[1024];
    if (!rzb_cmake_build_from(tree, dir, options, targets, why, sizeof why)) {
        snprintf(c->why, sizeof c->why, "coverage build failed: %s", why);
        rzb_scratch_remove(dir);
        return;
    }
    rzb_progress(ctx, "running the test suite under coverage");
    char log[4200];
    snprintf(log, sizeof log, "%s/build.log", dir);
    /* the parity test's code paths, not its 4-chunk figure: one chunk keeps the unoptimised,
     * instrumented perplexity run to minutes */
    setenv("RZ_PPL_PARITY_CHUNKS", "1", 1);
    char *ctest[] = {"ctest", "--test-dir", dir, NULL};
    c->tests_rc = rzb_run_logged(ctest, log);
    read_failed(dir, c->failed, sizeof c->failed);
    c->report = gcovr_report(tree, dir, c->why, sizeof c->why);
    c->ok = c->report != NULL;
    rzb_scratch_remove(dir);
}

const rzb_coverage *rzb_coverage_run(const rzb_context *ctx) {
    static rzb_coverage c[2]; /* the real tree's, the smoke tree's */
    static bool done[2];
    const int k = ctx->smoke;
    if (!done[k]) run_once(ctx, rzb_build_source(ctx->smoke), &c[k]);
    done[k] = true;
    return &c[k];
}

static const cJSON *files(const rzb_coverage *c) {
    return cJSON_GetObjectItemCaseSensitive(c->report, "files");
}

void rzb_coverage_lines(const rzb_coverage *c, const char *folder, double *covered, double *total) {
    *covered = *total = 0;
    const cJSON *f, *l;
    cJSON_ArrayForEach(f, files(c)) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "file"));
        if (!name || strncmp(name, folder, strlen(folder))) continue;
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(f, "lines")) {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "gcovr/noncode")) ||
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "gcovr/excluded")))
                continue;
            *total += 1;
            *covered += cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(l, "count")) > 0;
        }
    }
}

long long rzb_coverage_calls(const rzb_coverage *c, const char *function) {
    long long calls = -1;
    const cJSON *f, *fn;
    cJSON_ArrayForEach(f, files(c)) {
        cJSON_ArrayForEach(fn, cJSON_GetObjectItemCaseSensitive(f, "functions")) {
            const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fn, "name"));
            if (!name || strcmp(name, function)) continue;
            double n =
                cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(fn, "execution_count"));
            calls = (calls < 0 ? 0 : calls) + (long long)n;
        }
    }
    return calls;
}
