/* rzbench serve-load end to end against `rz serve` on a tiny synthetic model (about 2 s of
 * load; the report files must come out and add up) and its usage errors. Claim S3 has its smoke
 * test in test_claims_smoke.c. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/support.h"
#include "tests/support/serve_model.h"
#include "tests/support/temp.h"

enum { TINY_VOCAB = 300, TINY_CTX = 256 };

static char out[1 << 16], err[1 << 16];

static const char *tiny_model(void) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.vocab = TINY_VOCAB;
    return rzt_serve_model(&shape, TINY_CTX, NULL);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s was not written", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

Test(serve_load_e2e, rz_serve_on_a_tiny_model, .timeout = 120) {
    const char *text = rzt_shared("datasets/wikitext-2-raw/wiki.test.raw");
    if (!text) cr_skip_test("WikiText-2 absent (../shared/datasets/wikitext-2-raw)");
    char dir[] = "/tmp/rzt-serve-load-XXXXXX", json[64], csv[64];
    cr_assert(rzt_temp_dir(dir));
    snprintf(json, sizeof json, "%s/r.json", dir);
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    char *argv[] = {(char *)rzt_bin("rzbench"),
                    "serve-load",
                    "-m",
                    (char *)tiny_model(),
                    "--targets",
                    "rz",
                    "--rates",
                    "4,8",
                    "--requests",
                    "8",
                    "--max-tokens",
                    "4:8",
                    "--prompt-tokens",
                    "8:16",
                    "--ctx",
                    "64",
                    "--slots",
                    "2",
                    "--threads",
                    "2",
                    "--out",
                    json,
                    "--out",
                    csv,
                    NULL};
    cr_assert_eq(rzt_run(argv, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(out, "| rz | 4 | 1 | 8/8 |") != NULL, "%s", out);
    cr_expect(strstr(out, "| rz | 8 | 1 | 8/8 |") != NULL, "%s", out);
    cJSON *j = cJSON_Parse(slurp(json));
    cr_assert(j, "the JSON report does not parse");
    const cJSON *rows = cJSON_GetObjectItem(j, "rows");
    cr_assert_eq(cJSON_GetArraySize(rows), 2);
    const cJSON *row = cJSON_GetArrayItem(rows, 0);
    cr_expect_eq(cJSON_GetObjectItem(row, "ok")->valueint, 8);
    cr_expect_eq(cJSON_GetObjectItem(row, "failed")->valueint, 0);
    const int tokens = cJSON_GetObjectItem(row, "output_tokens")->valueint;
    cr_expect(tokens >= 8 && tokens <= 64, "%d output tokens for 8 requests of 4-8", tokens);
    const cJSON *ttft = cJSON_GetObjectItem(row, "ttft_ms");
    cr_expect_gt(cJSON_GetObjectItem(ttft, "p50")->valuedouble, 0);
    cr_expect(cJSON_GetObjectItem(j, "environment") != NULL);
    cJSON_Delete(j);
    const char *c = slurp(csv);
    cr_expect(strstr(c, "\ntarget,rate_req_per_s,") != NULL, "%s", c);
    cr_expect(strstr(c, "\nrz,4,1,8,8,0,") != NULL, "%s", c);
}

Test(serve_load_e2e, usage_errors) {
    char *help[] = {(char *)rzt_bin("rzbench"), "serve-load", "--help", NULL};
    cr_expect_eq(rzt_run(help, out, sizeof out, err, sizeof err), 0);
    cr_expect(strstr(out, "usage: rzbench serve-load") != NULL);
    char *no_model[] = {(char *)rzt_bin("rzbench"), "serve-load", NULL};
    cr_expect_eq(rzt_run(no_model, out, sizeof out, err, sizeof err), 2);
    cr_expect(strstr(err, "expected -m MODEL") != NULL, "%s", err);
    char *bad_rate[] = {
        (char *)rzt_bin("rzbench"), "serve-load", "-m", "x", "--rates", "1,-2", NULL};
    cr_expect_eq(rzt_run(bad_rate, out, sizeof out, err, sizeof err), 2);
    char *too_long[] = {(char *)rzt_bin("rzbench"), "serve-load", "-m", "x", "--ctx", "64", NULL};
    cr_expect_eq(rzt_run(too_long, out, sizeof out, err, sizeof err), 2);
    cr_expect(strstr(err, "exceed --ctx") != NULL, "%s", err);
    char *missing[] = {(char *)rzt_bin("rzbench"),
                       "serve-load",
                       "-m",
                       "/nonexistent.gguf",
                       "--targets",
                       "rz",
                       NULL};
    cr_expect_eq(rzt_run(missing, out, sizeof out, err, sizeof err), 1);
    cr_expect(strstr(err, "/nonexistent.gguf") != NULL, "%s", err);
}
