/* Claim S2: rz evaluates WikiText-2 perplexity at least as fast as llama.cpp. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/ppl_models.h"
#include "engine/core/file.h"
#include "engine/perplexity/perplexity.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "harness/baseline.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/probe_threads.h"

enum { CTX = 512 };

/* The model, a state (its workers pinned to cores), and the tokenized text cut into chunks. */
typedef struct {
    rz_llama_model model;
    rz_llama_state state;
    rz_tok_ids ids;
    rz_ppl_plan plan;
    double nll;    /* sum of -log p over the timed chunks */
    int64_t count; /* their scored positions */
} ppl_side;

static bool open_side(ppl_side *p, const char *model, const char *text, int threads, char *why,
                      size_t cap) {
    rz_tok_vocab v;
    rz_error err;
    unsigned char *data = NULL;
    size_t len;
    *p = (ppl_side){0};
    rz_status st = rz_llama_model_open(model, &p->model, &err);
    if (!st) st = rz_tok_vocab_load(model, &v, &err);
    if (st) {
        snprintf(why, cap, "%s", err.msg);
        return false;
    }
    st = rz_file_read_all(text, &data, &len, &err);
    if (!st) st = rz_ppl_tokenize(&v, (const char *)data, len, &p->ids, &err);
    if (!st) st = rz_ppl_plan_make(p->ids.n, CTX, 0, &v, &p->plan, &err);
    if (!st) st = rz_llama_state_new(&p->model.config, CTX, NULL, threads, &p->state, &err);
    free(data);
    rz_tok_vocab_free(&v);
    if (st) {
        snprintf(why, cap, "%s", err.msg);
        return false;
    }
    return true;
}

static void close_side(ppl_side *p) {
    rz_llama_state_free(&p->state);
    rz_tok_ids_free(&p->ids);
    rz_llama_model_close(&p->model);
}

/* Chunk c (modulo the chunks there are) through rz_ppl_run: its wall time in ms; its NLL is
 * added to p's sums. */
static bool run_chunk(ppl_side *p, int c, double *ms, char *why, size_t cap) {
    rz_ppl_job job = {.model = &p->model, .state = &p->state, .plan = p->plan};
    job.plan.n_chunks = 1;
    job.tokens = p->ids.ids + (size_t)(c % p->plan.n_chunks) * CTX;
    rz_ppl_result out;
    rz_error err;
    if (rz_ppl_run(&job, &out, &err)) {
        snprintf(why, cap, "%s", err.msg);
        return false;
    }
    *ms = 1e3 * out.seconds;
    for (int64_t i = 0; i < out.n_scored; i++)
        p->nll += out.nll[i];
    p->count += out.n_scored;
    rz_ppl_result_free(&out);
    return true;
}

/* One untimed chunk, then alternating runs: rz's chunks, then llama.cpp's same chunks. */
static bool sample(const rzb_context *ctx, ppl_side *p, rzb_baseline *ll, rzb_series *rz_s,
                   rzb_series *ll_s, char *why, size_t cap) {
    double ms;
    if (!run_chunk(p, 0, &ms, why, cap)) return false;
    p->nll = 0, p->count = 0;
    for (int run = 0; run < ctx->runs; run++) {
        const int first = run * ctx->iterations;
        rzb_progress(ctx, "run %d/%d: rz", run + 1, ctx->runs);
        for (int k = 0; k < ctx->iterations; k++) {
            if (!run_chunk(p, first + k, &ms, why, cap)) return false;
            rzb_series_push(rz_s, run, ms);
        }
        rzb_progress(ctx, "run %d/%d: llama.cpp", run + 1, ctx->runs);
        char request[64];
        snprintf(request, sizeof request, "run %d %d", first, ctx->iterations);
        if (!rzb_baseline_sample(ll, request, ctx->iterations, 1e6, run, ll_s)) {
            snprintf(why, cap, "the llama.cpp helper stopped answering");
            return false;
        }
    }
    return true;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    char model[4096], text[4096], why[1024], t[16], c[16];
    const int threads = rzb_online_cpus();
    if (!rzb_model_find(ctx, "smollm2", model, sizeof model, why, sizeof why) ||
        !rzb_wikitext2_test(text, sizeof text, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    ppl_side p;
    if (!open_side(&p, model, text, threads, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    snprintf(t, sizeof t, "%d", threads);
    snprintf(c, sizeof c, "%d", CTX);
    char *args[] = {model, t, c, text, NULL};
    rzb_baseline ll;
    if (!rzb_baseline_start(&ll, ctx, "llama_perplexity.py", args, NULL, why, sizeof why)) {
        close_side(&p);
        rzb_result_verdict(r, RZB_SKIPPED, "llama.cpp: %s", why);
        return;
    }
    rzb_series *rz_s =
        rzb_result_series(r, "rz perplexity chunk", "ms", "512 tokens: forward + scoring");
    rzb_series *ll_s =
        rzb_result_series(r, "llama.cpp perplexity chunk", "ms", "512 tokens: forward + scoring");
    const bool ok = sample(ctx, &p, &ll, rz_s, ll_s, why, sizeof why);
    rzb_baseline_stop(&ll);
    const int pinned = p.state.pinned, batch = p.state.n_batch;
    const double ppl = exp(p.nll / (double)p.count);
    close_side(&p);
    if (!ok) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    rzb_series_finish(rz_s);
    rzb_series_finish(ll_s);
    rzb_result_metric(r, "rz perplexity speed", CTX / (rz_s->summary.p50 * 1e-3), "tokens/s");
    rzb_result_metric(r, "llama.cpp perplexity speed", CTX / (ll_s->summary.p50 * 1e-3),
                      "tokens/s");
    rzb_result_metric(r, "rz PPL over the timed chunks", ppl, "");
    rzb_result_note(r, "model: %s", model);
    rzb_result_note(r, "text: %s, chunks of %d; sample i of run k: chunk k * iterations + i", text,
                    CTX);
    rzb_result_note(r,
                    "%d threads each: rz %d workers pinned, batches of %d; llama.cpp n_ubatch %d",
                    threads, pinned, batch, CTX);
    rzb_result_note(r, "one sample = one chunk: rz_ppl_run (positions 0..510, logits from 256, "
                       "scoring in C) vs llama_decode of 512 tokens, every logit, numpy scoring");
    rzb_result_compare(r, rz_s, ll_s, 1.0, 0.001, "llama.cpp / rz time per chunk");
    rzb_result_judge(r);
}

const rzb_claim rzb_claim_s2_perplexity_vs_llamacpp = {
    .id = "S2",
    .title = "perplexity at least as fast as llama.cpp",
    .statement = "rz evaluates WikiText-2 perplexity at least as fast as llama.cpp on the same "
                 "model and threads",
    .source = "rz's own speed target (issue: perplexity on WikiText-2, speed target)",
    .workload = "the real SmolLM2-135M-Instruct Q4_1; WikiText-2 test split tokenized by each "
                "side (the tokenizations are identical: tests/oracles/tokenizer_vs_llama_cpp.py); "
                "chunks of 512 as llama.cpp's perplexity tool cuts them; all cores on both sides",
    .baseline = "llama.cpp through llama-cpp-python's libllama (llama_decode, CPU, every "
                "logit), in a helper process sampled in the same run, alternating runs with rz",
    .threshold = "time per chunk ratio llama.cpp / rz >= 1",
    .test = "runs x iterations chunks on each side (one untimed chunk first); bootstrap 95% CI "
            "of the ratio of medians, Welch t-test on log-times",
    .verdict_rule = "SUPPORTED when the ratio's CI lower bound >= 1 and p < 0.001; FALSIFIED "
                    "when its upper bound < 1; INCONCLUSIVE otherwise or with fewer than 3 runs; "
                    "SKIPPED without llama-cpp-python, the model or the data",
    .default_runs = 3,
    .default_iterations = 3,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
