/* rz perplexity against llama.cpp's (tests/oracles/llama_perplexity.py, through
 * llama-cpp-python with n_ctx 512, n_batch 512, 2 threads) on SmolLM2-135M over WikiText-2's
 * test split (../shared, else datasets/cache from scripts/fetch-data; checked against
 * datasets/manifest.tsv): same token count and first ids, and the final PPL within 0.5% from 8
 * chunks on, within 0.5% * sqrt(8 / chunks) below that (the sanitizer run's single chunk: 1.41%).
 * $RZ_PPL_PARITY_CHUNKS sets the chunk count (default 8, so that `make test` stays short: under
 * a minute on 2 cores; the 20-chunk figure is `RZ_PPL_PARITY_CHUNKS=20`). Fewer chunks leave the
 * figure to chance: the SIMD kernels' float differences from the scalar reference flip some of
 * the activations' q8_0 roundings, which moved single chunks' PPL by up to 0.7% (the first
 * chunk: scalar reference 12.6735, AVX-512 12.6084 before the SIMD softmax and SiLU and 12.7251
 * after, llama.cpp 12.6328) and 4 chunks' by 0.37% (AVX2: 22.2681 against the scalar
 * reference's 22.1860; llama.cpp 22.1459); 8 chunks stayed within 0.1%.
 * Prints both figures and both speeds on stderr. Skips when the model, the data or llama_cpp is
 * missing. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/perplexity/dataset.h"
#include "tests/support/support.h"

static char out[1 << 16], errbuf[1 << 16];

static const char *source_dir(void) {
    const char *src = getenv("RZ_SOURCE_DIR");
    return src ? src : ".";
}

static const char *model_path(void) {
    static char path[4096];
    const char *p = getenv("RZ_MODEL_SMOLLM2");
    if (p && *p) return p;
    char script[4096];
    snprintf(script, sizeof script, "%s/scripts/find-models", source_dir());
    char *argv[] = {"/usr/bin/env", "python3", script, "smollm2", NULL};
    if (rzt_run(argv, path, sizeof path, errbuf, sizeof errbuf) != 0) return NULL;
    path[strcspn(path, "\n")] = 0;
    return *path ? path : NULL;
}

/* WikiText-2's test split, checked against the manifest; NULL when absent. */
static const char *wikitext(void) {
    static char path[4096];
    const char *shared = rzt_shared("datasets/wikitext-2-raw/wiki.test.raw");
    if (shared)
        snprintf(path, sizeof path, "%s", shared);
    else
        snprintf(path, sizeof path, "%s/datasets/cache/%s", source_dir(), RZ_WIKITEXT2_TEST);
    if (access(path, R_OK) != 0) return NULL;
    char manifest[4096];
    rz_error err;
    snprintf(manifest, sizeof manifest, "%s/datasets/manifest.tsv", source_dir());
    cr_assert_eq(rz_dataset_verify(path, manifest, RZ_WIKITEXT2_TEST, &err), RZ_OK, "%s", err.msg);
    return path;
}

static double number(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "no number '%s' in the JSON", key);
    return v->valuedouble;
}

Test(perplexity_parity, smollm2_wikitext2, .timeout = 3600) {
    const char *model = model_path(), *data = wikitext();
    if (!model) cr_skip_test("smollm2 is not installed (scripts/find-models smollm2)");
    if (!data) cr_skip_test("WikiText-2 is missing (scripts/fetch-data)");
    const char *env = getenv("RZ_PPL_PARITY_CHUNKS");
    char chunks[16], script[4096];
    snprintf(chunks, sizeof chunks, "%s", env && *env ? env : "8");
    snprintf(script, sizeof script, "%s/tests/oracles/llama_perplexity.py", source_dir());
    char *oracle[] = {"/usr/bin/env", "python3",  script, (char *)model, (char *)data, "--ctx",
                      "512",          "--chunks", chunks, "--threads",   "2",          NULL};
    int rc = rzt_run(oracle, out, sizeof out, errbuf, sizeof errbuf);
    if (rc == 77 || rc == 127) cr_skip_test("python3 with llama_cpp and numpy is not available");
    cr_assert_eq(rc, 0, "llama_perplexity.py failed: %s", errbuf);
    cJSON *ref = cJSON_Parse(out);
    cr_assert_not_null(ref, "oracle output is not JSON: %.200s", out);
    char *rz[] = {(char *)rzt_bin("rz"),
                  "perplexity",
                  (char *)model,
                  "-f",
                  (char *)data,
                  "-c",
                  "512",
                  "--chunks",
                  chunks,
                  "-b",
                  "512",
                  "-t",
                  "2",
                  "--format",
                  "json",
                  NULL};
    rc = rzt_run(rz, out, sizeof out, errbuf, sizeof errbuf);
    cr_assert_eq(rc, 0, "rz perplexity failed: %s", errbuf);
    cJSON *got = cJSON_Parse(out);
    cr_assert_not_null(got, "rz output is not JSON: %.200s", out);
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(got, "final");
    const double ppl_rz = number(final, "ppl"), ppl_ll = number(ref, "ppl");
    const double rel = fabs(ppl_rz / ppl_ll - 1.0);
    fprintf(
        stderr,
        "perplexity parity (%s chunks of 512): rz %.4f +/- %.4f (%.1f tokens/s), llama.cpp %.4f +/- %.4f (%.1f tokens/s), difference %.3f%%\n",
        chunks, ppl_rz, number(final, "error"), number(final, "tokens_per_s"), ppl_ll,
        number(ref, "ppl_error"), number(ref, "tokens_per_s"), 100 * rel);
    const cJSON *rz_chunks = cJSON_GetObjectItemCaseSensitive(got, "chunks");
    cr_expect_eq(cJSON_GetArraySize(rz_chunks), (int)number(ref, "n_chunks"));
    cr_expect_eq(number(got, "n_tokens"), number(ref, "n_tokens"), "tokenization differs");
    cr_expect_eq(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(got, "add_bos")),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "add_bos")));
    const int n_chunks = atoi(chunks) > 0 ? atoi(chunks) : 1;
    const double bound = n_chunks >= 8 ? 0.005 : 0.005 * sqrt(8.0 / n_chunks);
    cr_expect_lt(rel, bound, "rz %.4f vs llama.cpp %.4f: %.3f%% apart (bound %.2f%% for %d chunks)",
                 ppl_rz, ppl_ll, 100 * rel, 100 * bound, n_chunks);
    cJSON_Delete(ref);
    cJSON_Delete(got);
}
