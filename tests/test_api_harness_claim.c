/* What a claim's run function is given, called directly: options resolved against the claim's
 * defaults or the smoke defaults, a smoke verdict that is never SUPPORTED, progress lines, data
 * files and models found (or the places searched, in words). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/claim.h"
#include "harness/data.h"
#include "harness/models.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static rzb_context seen; /* what the fake claim's run function was given */

static void fake_run(const rzb_context *ctx, rzb_result *r) {
    seen = *ctx;
    rzb_result_verdict(r, RZB_SUPPORTED, "the fake logic says so");
}

static const rzb_claim fake = {.id = "X9",
                               .title = "fake",
                               .untimed = true,
                               .default_runs = 7,
                               .default_iterations = 11,
                               .default_warmup = 3,
                               .default_batch = 5,
                               .run = fake_run};

Test(claim, a_run_gets_the_claims_defaults_or_the_options) {
    rzb_options opt = {.warmup = -1};
    rzb_result r;
    rzb_claim_run(&fake, &opt, NULL, &r);
    cr_expect(seen.runs == 7 && seen.iterations == 11 && seen.warmup == 3 && seen.batch == 5);
    cr_expect_str_eq(seen.id, "X9");
    cr_expect(strstr(seen.rz_bin, "/rz") != NULL, "%s", seen.rz_bin);
    cr_expect_eq(r.claim, &fake);
    cr_expect_eq(r.verdict, RZB_SUPPORTED, "an untimed claim keeps its logic's verdict");
    cr_expect(strstr(r.notes[r.n_notes - 1], "load: ") == r.notes[r.n_notes - 1]);
    cr_expect_geq(r.wall_s, 0);
    rzb_result_free(&r);
    opt = (rzb_options){.runs = 4, .iterations = 2, .warmup = 0, .batch = 9};
    rzb_claim_run(&fake, &opt, NULL, &r);
    cr_expect(seen.runs == 4 && seen.iterations == 2 && seen.warmup == 0 && seen.batch == 9);
    rzb_result_free(&r);
}

Test(claim, a_smoke_run_is_never_a_verdict) {
    rzb_options opt = {.warmup = -1, .smoke = true};
    rzb_result r;
    rzb_claim_run(&fake, &opt, NULL, &r);
    cr_expect(seen.smoke && seen.runs == RZB_SMOKE_RUNS && seen.iterations == 1);
    cr_expect(seen.warmup == 1 && seen.batch == 1);
    cr_expect(r.smoke);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE);
    cr_expect_str_eq(r.reason,
                     RZB_SMOKE_REASON "; its logic gave SUPPORTED: the fake logic says so");
    rzb_result_free(&r);
}

Test(claim, sized_by_the_kind_of_run) {
    rzb_context real = {.smoke = false}, smoke = {.smoke = true};
    cr_expect_eq(rzb_sized(&real, 1000, 10), 1000);
    cr_expect_eq(rzb_sized(&smoke, 1000, 10), 10);
}

/* What rzb_progress writes to stderr for ctx. */
static const char *progress_text(const rzb_context *ctx) {
    static char text[256];
    const char *path = rzt_write_temp("", 0, ".stderr");
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(path, "w");
    dup2(fileno(f), 2);
    rzb_progress(ctx, "step %d of %d", 3, 4);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(f);
    f = fopen(path, "r");
    text[fread(text, 1, sizeof text - 1, f)] = 0;
    fclose(f);
    remove(path);
    return text;
}

Test(claim, progress_only_when_asked) {
    rzb_context on = {.id = "P1", .progress = true}, off = {.id = "P1"};
    cr_expect_str_eq(progress_text(&on), "\r\033[KP1: step 3 of 4");
    cr_expect_str_eq(progress_text(&off), "");
}

Test(data, found_in_the_shared_dir_or_the_places_named) {
    char dir[] = "/tmp/rzt-data-XXXXXX", path[256], out[4096], why[8192];
    cr_assert_not_null(rzt_temp_dir(dir));
    snprintf(path, sizeof path, "%s/models", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/models/x.bin", dir);
    fclose(fopen(path, "w"));
    setenv("RZ_SHARED_DIR", dir, 1);
    cr_expect(rzb_data_find("models/x.bin", out, sizeof out, why, sizeof why), "%s", why);
    cr_expect_str_eq(out, path);
    cr_expect_not(rzb_data_find("models/rzt-absent.bin", out, sizeof out, why, sizeof why));
    char want[300];
    snprintf(want, sizeof want, "models/rzt-absent.bin not found in %s, ", dir);
    cr_expect(strstr(why, want) == why, "%s", why);
    cr_expect(strstr(why, "/datasets/cache (run scripts/fetch-data)") != NULL, "%s", why);
}

/* Removes ctx's scripts folder. */
static void remove_scripts(const rzb_context *ctx) {
    char path[4200];
    snprintf(path, sizeof path, "%s/find-models", ctx->scripts_dir);
    remove(path);
    rmdir(ctx->scripts_dir);
}

/* A scripts folder whose find-models prints `line` (the previous one removed). */
static void fake_find_models(rzb_context *ctx, const char *line) {
    char dir[] = "/tmp/rzt-scripts-XXXXXX", path[256];
    if (ctx->scripts_dir[0]) remove_scripts(ctx);
    cr_assert_not_null(rzt_temp_dir(dir));
    snprintf(path, sizeof path, "%s/find-models", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "#!/bin/sh\necho '%s'\n", line);
    fclose(f);
    chmod(path, 0755);
    snprintf(ctx->scripts_dir, sizeof ctx->scripts_dir, "%s", dir);
}

Test(models, found_by_the_script_or_not_installed) {
    rzb_context ctx = {.id = "X9"};
    char out[4096], why[512];
    const char *model = rzt_write_temp("GGUF", 4, ".gguf");
    fake_find_models(&ctx, model);
    cr_expect(rzb_model_find(&ctx, "smollm2-135m", out, sizeof out, why, sizeof why), "%s", why);
    cr_expect_str_eq(out, model);
    fake_find_models(&ctx, "/nonexistent/model.gguf");
    cr_expect_not(rzb_model_find(&ctx, "smollm2-135m", out, sizeof out, why, sizeof why));
    cr_expect_str_eq(
        why, "model smollm2-135m not installed (`scripts/find-models --install` installs it)");
    remove(model);
    remove_scripts(&ctx);
}

Test(models, synthetic_made_once_or_the_failure_named) {
    rzb_context ctx = {.id = "X9", .smoke = true};
    snprintf(ctx.rz_bin, sizeof ctx.rz_bin, "%s", rzt_bin("rz"));
    char out[4096], why[512];
    cr_assert(rzb_model_synth(&ctx, "llama-2-7b", "Q8_0", out, sizeof out, why, sizeof why), "%s",
              why);
    cr_expect(strstr(out, "/datasets/cache/synth/" RZB_SMOKE_LIKE "-Q8_0.gguf") != NULL,
              "a smoke run is shaped like the tiny preset: %s", out);
    cr_expect_eq(access(out, R_OK), 0);
    rzb_context broken = {.id = "X9"};
    snprintf(broken.rz_bin, sizeof broken.rz_bin, "/nonexistent/rz");
    cr_expect_not(rzb_model_synth(&broken, "rzt-none", "Q8_0", out, sizeof out, why, sizeof why));
    cr_expect_str_eq(why, "`rz synth --like rzt-none --type Q8_0` failed");
    cr_expect(rzb_model_find(&ctx, "smollm2-135m", out, sizeof out, why, sizeof why), "%s", why);
    cr_expect(strstr(out, RZB_SMOKE_LIKE "-Q4_1.gguf") != NULL, "smoke: the tiny model, %s", out);
}
