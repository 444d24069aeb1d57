/* Claim R1: same model file, same input, same seed: identical output (logits bit for bit). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/workloads/llama_decode.h"
#include "harness/claim.h"
#include "harness/models.h"

enum { N_PROMPT = 16 };

typedef struct {
    const char *label;
    char path[4096];
} model_file;

/* The first difference between two logit buffers, bit for bit. */
typedef struct {
    size_t differing;
    long first_step, first_index; /* -1 when identical */
    double max_abs;
} diff;

static diff compare(const float *a, const float *b, int steps, int vocab) {
    diff d = {0, -1, -1, 0};
    if (!memcmp(a, b, (size_t)steps * vocab * sizeof *a)) return d;
    for (size_t i = 0; i < (size_t)steps * vocab; i++) {
        if (!memcmp(&a[i], &b[i], sizeof *a)) continue;
        if (d.first_step < 0) d.first_step = (long)(i / vocab), d.first_index = (long)(i % vocab);
        d.differing++;
        double e = fabs((double)a[i] - (double)b[i]);
        if (e > d.max_abs || isnan(e)) d.max_abs = e;
    }
    return d;
}

/* Logits of the prompt and of every decode step, on a freshly opened model with n threads,
 * from `runs` repeated runs back to back into out[run]. */
static bool logits_of(const rzb_context *ctx, const char *path, int threads, int runs, float **out,
                      int *vocab, char *why, size_t cap) {
    rzb_decode d;
    if (!rzb_decode_open(&d, path, threads, N_PROMPT, ctx->iterations, why, cap)) return false;
    *vocab = d.model.config.vocab_size;
    double prompt_ms, *ms = malloc((size_t)ctx->iterations * sizeof *ms);
    bool ok = ms != NULL;
    for (int run = 0; ok && run < runs; run++) {
        out[run] = malloc((size_t)(ctx->iterations + 1) * *vocab * sizeof(float));
        ok = out[run] &&
             rzb_decode_run(&d, d.n_prompt, d.n_decode, &prompt_ms, ms, out[run], why, cap);
    }
    if (!ms) snprintf(why, cap, "out of memory");
    free(ms);
    rzb_decode_close(&d);
    return ok;
}

/* Compares one model's runs: repeated runs on 1 thread, then 1 against 2 threads. Returns
 * false (with the verdict set) on the first difference or failure. */
static bool check(const rzb_context *ctx, rzb_result *r, const model_file *f) {
    const int runs = ctx->runs < 2 ? 2 : ctx->runs > 64 ? 64 : ctx->runs;
    const int steps = ctx->iterations + 1;
    float *one[64] = {0}, *two[1] = {0};
    int vocab = 0;
    char why[1024];
    bool ok = logits_of(ctx, f->path, 1, runs, one, &vocab, why, sizeof why) &&
              logits_of(ctx, f->path, 2, 1, two, &vocab, why, sizeof why);
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", f->label, why);
    for (int k = 1; ok && k <= runs; k++) {
        const bool threads = k == runs;
        diff d = compare(one[0], threads ? two[0] : one[k], steps, vocab);
        char name[80];
        snprintf(name, sizeof name, "%s: logits differing, %s", f->label,
                 threads ? "1 vs 2 threads" : "run 1 vs a repeat");
        rzb_result_metric(r, name, (double)d.differing, "logits");
        if (d.first_step < 0) continue;
        rzb_result_verdict(
            r, RZB_FALSIFIED,
            "%s, %s: logits differ first at step %ld (0 = the prompt), index %ld; %zu of %zu differ, max |diff| %.3g",
            f->label, threads ? "1 vs 2 threads" : "repeated run", d.first_step, d.first_index,
            d.differing, (size_t)steps * vocab, d.max_abs);
        ok = false;
    }
    char name[80];
    snprintf(name, sizeof name, "%s: logits compared per pair of runs", f->label);
    rzb_result_metric(r, name, (double)steps * vocab, "logits");
    for (int k = 0; k < runs; k++)
        free(one[k]);
    free(two[0]);
    return ok;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[2] = {{.label = "SmolLM2-135M-shape Q4_K_M (synthetic)"},
                           {.label = "SmolLM2-135M Q4_1"}};
    char why[1024];
    if (!rzb_model_synth(ctx, "smollm2-135m", "Q4_K_M", files[0].path, sizeof files[0].path, why,
                         sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    int n =
        1 + rzb_model_find(ctx, "smollm2", files[1].path, sizeof files[1].path, why, sizeof why);
    if (n == 1) rzb_result_note(r, "SmolLM2-135M (real) left out: %s", why);
    rzb_result_note(
        r,
        "input: %d fixed prompt ids, then %d greedy steps (greedy: no random numbers, so the seed plays no part; logits are compared instead of tokens, which is stronger); backend %s; threads via rz_llama_state_init's n_threads",
        N_PROMPT, ctx->iterations, rz_backend_active()->name);
    for (int i = 0; i < n; i++) {
        rzb_progress(ctx, "%s", files[i].label);
        if (!check(ctx, r, &files[i])) return;
    }
    rzb_result_verdict(
        r, RZB_SUPPORTED,
        "logits bit-identical (memcmp) over the prompt and %d decode steps: %d runs on 1 thread and a run on 2 threads, on %d model%s",
        ctx->iterations,
        ctx->runs < 2    ? 2
        : ctx->runs > 64 ? 64
                         : ctx->runs,
        n, n > 1 ? "s" : "");
}

const rzb_claim rzb_claim_r1_deterministic_logits = {
    .id = "R1",
    .title = "same input and seed give identical logits",
    .statement = "same model file, same input, same seed: identical output",
    .source = "realizar design rationale (paiml/realizar), claim R1",
    .workload =
        "a SmolLM2-135M-shaped Q4_K_M with synthetic weights and the real SmolLM2-135M-Instruct Q4_1 (when installed); 16 fixed prompt ids, greedy decoding",
    .baseline = "none: rz is compared with itself, run against run and 1 thread against 2",
    .threshold = "every logit of every step bit-identical",
    .test =
        "per model: `runs` runs on one state with 1 thread and one run on a new state with 2 threads; the logits after the prompt and after each of `iterations` decode steps are kept and compared with memcmp",
    .verdict_rule =
        "SUPPORTED when every comparison is identical; FALSIFIED at the first difference (step, index, count, max |diff|); SKIPPED without a model",
    .untimed = true,
    .default_runs = 2,
    .default_iterations = 16,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
