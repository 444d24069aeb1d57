/* rz's llama-family forward pass against llama.cpp (tests/oracles/llama_logits.py, through
 * llama-cpp-python) on the real models scripts/find-models reports (or $RZ_MODEL_SMOLLM2,
 * $RZ_MODEL_GEMMA3): along llama.cpp's 64-token greedy continuation of a fixed prompt of token
 * ids, rz's top-1 token agrees at >= 90% of the positions and its logits stay within 15% of
 * the largest logit (llama.cpp quantizes activations to 8 bits; rz computes in float32); from a
 * counting prompt, rz's own greedy continuation repeats llama.cpp's first 32 tokens. Prints the
 * measured numbers on stderr. Skips when a model or llama_cpp is missing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/models/llama_forward.h"
#include "tests/support/support.h"

enum { N_GREEDY = 64, N_TEXT = 32, N_PROMPT_MAX = 16 };

enum { OUT_CAP = 160 << 20 }; /* 69 positions of Gemma 3's 262144 logits need 72 MiB */
static char *out, errbuf[65536];

/* The model's path: $env, else scripts/find-models NAME; NULL when neither has it. */
static const char *model_path(const char *env, const char *name) {
    static char path[4096];
    const char *p = getenv(env);
    if (p && *p) return p;
    char script[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(script, sizeof script, "%s/scripts/find-models", src ? src : ".");
    char *argv[] = {"/usr/bin/env", "python3", script, (char *)name, NULL};
    if (rzt_run(argv, path, sizeof path, errbuf, sizeof errbuf) != 0) return NULL;
    path[strcspn(path, "\n")] = 0;
    return *path ? path : NULL;
}

typedef struct {
    int32_t n_vocab, n_positions, n_greedy;
    int32_t greedy[N_GREEDY];
    const float *logits; /* [n_positions][n_vocab], into out */
} oracle_result;

static void run_oracle(const char *model, const int32_t *prompt, int n_prompt, oracle_result *r) {
    char script[4096], tokens[256] = "", greedy[16];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(script, sizeof script, "%s/tests/oracles/llama_logits.py", src ? src : ".");
    for (int i = 0; i < n_prompt; i++)
        snprintf(tokens + strlen(tokens), sizeof tokens - strlen(tokens), "%s%d", i ? "," : "",
                 prompt[i]);
    snprintf(greedy, sizeof greedy, "%d", N_GREEDY);
    char *argv[] = {"/usr/bin/env", "python3",  script, (char *)model, "--tokens",
                    tokens,         "--greedy", greedy, NULL};
    if (!out) cr_assert_not_null(out = malloc(OUT_CAP));
    int rc = rzt_run(argv, out, OUT_CAP, errbuf, sizeof errbuf);
    if (rc == 77 || rc == 127) cr_skip_test("python3 with llama_cpp and numpy is not available");
    cr_assert_eq(rc, 0, "llama_logits.py failed: %s", errbuf);
    memcpy(&r->n_vocab, out, 4);
    memcpy(&r->n_positions, out + 4, 4);
    memcpy(&r->n_greedy, out + 8, 4);
    cr_assert_eq(r->n_greedy, N_GREEDY);
    cr_assert_eq(r->n_positions, n_prompt + N_GREEDY - 1);
    cr_assert_lt(12 + sizeof r->greedy + (size_t)r->n_positions * r->n_vocab * 4, (size_t)OUT_CAP);
    memcpy(r->greedy, out + 12, sizeof r->greedy);
    r->logits = (const float *)(out + 12 + sizeof r->greedy);
}

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* max |a - b| / max |b| */
static double rel_error(const float *a, const float *b, int n) {
    double err = 0.0, scale = 0.0;
    for (int i = 0; i < n; i++) {
        err = fmax(err, fabs((double)a[i] - b[i]));
        scale = fmax(scale, fabs((double)b[i]));
    }
    return err / scale;
}

/* Teacher-forced along llama.cpp's tokens (prompt, then its greedy continuation): top-1
 * agreement and the largest relative logit error over every position. */
static void logits_match(const char *name, const char *path, const int32_t *prompt, int n_prompt) {
    oracle_result ref;
    run_oracle(path, prompt, n_prompt, &ref);
    rz_llama_model m;
    rz_llama_state s;
    rz_error err;
    cr_assert_eq(rz_llama_model_open(path, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(ref.n_vocab, m.config.vocab_size);
    cr_assert_eq(rz_llama_state_init(&m.config, 256, NULL, 1, &s, &err), RZ_OK, "%s", err.msg);
    int32_t seq[N_PROMPT_MAX + N_GREEDY];
    memcpy(seq, prompt, (size_t)n_prompt * sizeof *seq);
    memcpy(seq + n_prompt, ref.greedy, sizeof ref.greedy);
    int agree = 0;
    double worst = 0.0;
    for (int p = 0; p < ref.n_positions; p++) {
        cr_assert_eq(rz_llama_forward(&m, &s, seq[p], p, &err), RZ_OK, "%s", err.msg);
        const float *want = ref.logits + (size_t)p * ref.n_vocab;
        agree += argmax(s.logits, ref.n_vocab) == argmax(want, ref.n_vocab);
        worst = fmax(worst, rel_error(s.logits, want, ref.n_vocab));
    }
    double agreement = (double)agree / ref.n_positions;
    fprintf(stderr, "%s: top-1 agreement %d/%d (%.1f%%), max relative logit error %.2e\n", name,
            agree, ref.n_positions, 100 * agreement, worst);
    cr_expect_geq(agreement, 0.9, "%s: top-1 agreement %.3f", name, agreement);
    cr_expect_lt(worst, 0.15, "%s: max relative logit error %.4f", name, worst);
    rz_llama_state_deinit(&s);
    rz_llama_model_close(&m);
}

/* rz's own greedy continuation repeats llama.cpp's for N_TEXT tokens. The prompt is one whose
 * continuation has clear margins (top-1 ahead of top-2 by > 1 logit in llama.cpp): at a near
 * tie, llama.cpp's 8-bit activations, not correctness, decide. */
static void greedy_match(const char *name, const char *path, const int32_t *prompt, int n_prompt) {
    oracle_result ref;
    run_oracle(path, prompt, n_prompt, &ref);
    rz_llama_model m;
    rz_llama_state s;
    rz_error err;
    cr_assert_eq(rz_llama_model_open(path, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_state_init(&m.config, 256, NULL, 1, &s, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_forward_prompt(&m, &s, prompt, n_prompt, 0, &err), RZ_OK, "%s", err.msg);
    int same = 0;
    for (int i = 0; i < N_TEXT; i++) {
        int32_t next = argmax(s.logits, m.config.vocab_size);
        if (next != ref.greedy[i]) break;
        same++;
        cr_assert_eq(rz_llama_forward(&m, &s, next, n_prompt + i, &err), RZ_OK, "%s", err.msg);
    }
    fprintf(stderr, "%s: greedy tokens identical %d/%d\n", name, same, N_TEXT);
    cr_expect_eq(same, N_TEXT, "%s: greedy continuation diverges at token %d", name, same);
    rz_llama_state_deinit(&s);
    rz_llama_model_close(&m);
}

#define N(a) ((int)(sizeof(a) / sizeof *(a)))

/* Skips the test when rz cannot load the model (e.g. a tensor type rz does not support yet). */
static void require_supported(const char *path) {
    rz_llama_model m;
    rz_error err;
    rz_status st = rz_llama_model_open(path, &m, &err);
    if (st == RZ_EUNSUPPORTED) cr_skip_test("rz cannot run this model yet: %s", err.msg);
    cr_assert_eq(st, RZ_OK, "%s", err.msg);
    rz_llama_model_close(&m);
}

/* `rz run` from text: the greedy continuation's text equals llama.cpp's (tokenizer, forward
 * pass, decode loop and detokenizer together). */
static void text_match(const char *path, const char *prompt, int n) {
    static char want[65536], got[65536], log[65536];
    char script[4096], count[16];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(script, sizeof script, "%s/tests/oracles/llama_logits.py", src ? src : ".");
    snprintf(count, sizeof count, "%d", n);
    char *oracle[] = {"/usr/bin/env", "python3",  script, (char *)path, "--text",
                      (char *)prompt, "--greedy", count,  NULL};
    int rc = rzt_run(oracle, want, sizeof want, errbuf, sizeof errbuf);
    if (rc == 77 || rc == 127) cr_skip_test("python3 with llama_cpp and numpy is not available");
    cr_assert_eq(rc, 0, "llama_logits.py --text failed: %s", errbuf);
    char *run[] = {(char *)rzt_bin("rz"),
                   "run",
                   (char *)path,
                   "-p",
                   (char *)prompt,
                   "-n",
                   count,
                   "--temp",
                   "0",
                   NULL};
    rc = rzt_run(run, got, sizeof got, log, sizeof log);
    cr_assert_eq(rc, 0, "rz run failed: %s", log);
    cr_expect_str_eq(got, want, "rz run's text differs from llama.cpp's");
    cr_expect(strstr(log, "decode:") && strstr(log, "tokens/s") && strstr(log, "first token"),
              "speed report missing: %s", log);
    cr_expect(strstr(log, "memory: peak RSS") && strstr(log, "KV cache f16"),
              "memory report missing: %s", log);
}

/* "<|im_start|>user\nWhat is the capital of France?" and "1, 2, 3, 4, 5," in SmolLM2's
 * vocabulary. */
Test(llama_parity, smollm2, .timeout = 300) {
    static const int32_t chat[] = {1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47};
    static const int32_t count[] = {33, 28, 216, 34, 28, 216, 35, 28, 216, 36, 28, 216, 37, 28};
    const char *path = model_path("RZ_MODEL_SMOLLM2", "smollm2");
    if (!path) cr_skip_test("smollm2 is not installed (scripts/find-models smollm2)");
    require_supported(path);
    logits_match("smollm2", path, chat, N(chat));
    greedy_match("smollm2", path, count, N(count));
}

/* "<bos>The capital of France is" and "<bos>1, 2, 3, 4, 5," in Gemma 3's vocabulary. */
Test(llama_parity, gemma3, .timeout = 300) {
    static const int32_t capital[] = {2, 818, 5279, 529, 7001, 563};
    static const int32_t count[] = {2,      236770, 236764, 236743, 236778, 236764, 236743, 236800,
                                    236764, 236743, 236812, 236764, 236743, 236810, 236764};
    const char *path = model_path("RZ_MODEL_GEMMA3", "gemma3-270m");
    if (!path) cr_skip_test("gemma3-270m is not installed (scripts/find-models gemma3-270m)");
    require_supported(path);
    logits_match("gemma3", path, capital, N(capital));
    greedy_match("gemma3", path, count, N(count));
}

Test(llama_parity, smollm2_run_text, .timeout = 300) {
    const char *path = model_path("RZ_MODEL_SMOLLM2", "smollm2");
    if (!path) cr_skip_test("smollm2 is not installed (scripts/find-models smollm2)");
    text_match(path, "1, 2, 3, 4, 5,", 24);
}

Test(llama_parity, gemma3_run_text, .timeout = 300) {
    const char *path = model_path("RZ_MODEL_GEMMA3", "gemma3-270m");
    if (!path) cr_skip_test("gemma3-270m is not installed (scripts/find-models gemma3-270m)");
    require_supported(path);
    text_match(path, "1, 2, 3, 4, 5,", 24);
}

Test(llama_parity, run_usage_errors) {
    static char o[4096], e[4096];
    char *no_prompt[] = {(char *)rzt_bin("rz"), "run", "model.gguf", NULL};
    cr_expect_eq(rzt_run(no_prompt, o, sizeof o, e, sizeof e), 2);
    cr_expect(strstr(e, "-p TEXT"), "%s", e);
    char *bad_temp[] = {(char *)rzt_bin("rz"), "run", "m.gguf", "-p", "x", "--temp", "hot", NULL};
    cr_expect_eq(rzt_run(bad_temp, o, sizeof o, e, sizeof e), 2);
    cr_expect(strstr(e, "--temp"), "%s", e);
    char *bad_cache[] = {(char *)rzt_bin("rz"), "run",  "m.gguf", "-p", "x",
                         "--cache-type",        "q8_0", NULL};
    cr_expect_eq(rzt_run(bad_cache, o, sizeof o, e, sizeof e), 2);
    cr_expect(strstr(e, "--cache-type: expected f16 or f32, got 'q8_0'"), "%s", e);
    char *missing[] = {(char *)rzt_bin("rz"), "run", "/nonexistent.gguf", "-p", "x", NULL};
    cr_expect_eq(rzt_run(missing, o, sizeof o, e, sizeof e), 1);
    char *help[] = {(char *)rzt_bin("rz"), "run", "--help", NULL};
    cr_expect_eq(rzt_run(help, o, sizeof o, e, sizeof e), 0);
    cr_expect(strstr(o, "--top-p"), "%s", o);
}
