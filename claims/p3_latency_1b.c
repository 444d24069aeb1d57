/* Claim P3: < 100 ms p50 latency per token for 1B models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/llama_decode.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/probe_bandwidth.h"
#include "harness/probe_threads.h"

enum { N_PROMPT = 128 };

typedef struct {
    const char *label;
    bool synthetic, required;
    char path[4096];
    int token_series, first_series;
} model_file;

/* The typical run's median per token (geometric mean of the per-run medians) with its 95% CI
 * from the runs (t with runs - 1 degrees of freedom, log scale). */
typedef struct {
    double p50, lo, hi;
} run_level;

static run_level typical_run(const rzb_series *s) {
    return (run_level){s->run_gmean, s->run_lo, s->run_hi};
}
/* Samples runs x tokens decode steps and one time to first token per run. */
static bool sample(const rzb_context *ctx, rzb_result *r, model_file *f, int threads, rzb_decode *d,
                   char *why, size_t cap) {
    char label[64];
    snprintf(label, sizeof label, "%s per token", f->label);
    f->token_series = r->n_series;
    rzb_series *tok = rzb_result_series(r, label, "ms", "per decode step (forward + argmax)");
    snprintf(label, sizeof label, "%s first token", f->label);
    f->first_series = r->n_series;
    rzb_series *first = rzb_result_series(r, label, "ms", "128-token prompt to first token");
    if (!tok || !first ||
        !rzb_decode_open(d, f->path, threads, N_PROMPT, ctx->iterations, why, cap))
        return false;
    double *ms = malloc((size_t)ctx->iterations * sizeof *ms);
    bool ok = ms != NULL;
    for (int run = 0; ok && run < ctx->runs; run++) {
        rzb_progress(ctx, "%s, run %d/%d", f->label, run + 1, ctx->runs);
        double first_ms;
        ok = rzb_decode_run(d, d->n_prompt, d->n_decode, &first_ms, ms, NULL, why, cap);
        for (int k = 0; ok && k < ctx->iterations; k++)
            rzb_series_push(tok, run, ms[k]);
        if (ok) rzb_series_push(first, run, first_ms);
    }
    free(ms);
    rzb_series_finish(tok);
    rzb_series_finish(first);
    return ok;
}

/* Latency, roofline and physical-bound metrics of one model; flags a result above the bound. */
static void report_model(rzb_result *r, const model_file *f, const rzb_decode *d, double gbs,
                         size_t l3) {
    run_level tok = typical_run(&r->series[f->token_series]);
    double first = r->series[f->first_series].summary.p50;
    char name[80];
    snprintf(name, sizeof name, "%s: p50 per token", f->label);
    rzb_result_metric(r, name, tok.p50, "ms");
    snprintf(name, sizeof name, "%s: p50 per token CI95", f->label);
    rzb_result_metric(r, name, tok.lo, "ms (low)");
    rzb_result_metric(r, name, tok.hi, "ms (high)");
    snprintf(name, sizeof name, "%s: p50 time to first token", f->label);
    rzb_result_metric(r, name, first, "ms");
    snprintf(name, sizeof name, "%s: decode speed", f->label);
    rzb_result_metric(r, name, 1e3 / tok.p50, "tokens/s");
    double roofline_ms = (double)d->file_bytes / (gbs * 1e6);
    snprintf(name, sizeof name, "%s: roofline (file bytes / bandwidth)", f->label);
    rzb_result_metric(r, name, roofline_ms, "ms");
    snprintf(name, sizeof name, "%s: %% of roofline reached", f->label);
    rzb_result_metric(r, name, 100 * roofline_ms / tok.p50, "%");
    double bound_tps = gbs * 1e9 / (double)d->weight_bytes_per_token;
    if (l3 && d->weight_bytes_per_token < l3)
        rzb_result_note(
            r,
            "%s: its %.0f MB of weights per token fit in the %zu MiB L3, so the memory-bandwidth bound (%.1f tokens/s) need not hold",
            f->label, d->weight_bytes_per_token / 1e6, l3 >> 20, bound_tps);
    else if (1e3 / tok.p50 > bound_tps)
        rzb_result_note(
            r,
            "BUG: %s decodes at %.1f tokens/s, above the physical bound %.1f tokens/s (%.2f GB/s / %.0f MB of weights per token): the measurement or the engine skips work",
            f->label, 1e3 / tok.p50, bound_tps, gbs, d->weight_bytes_per_token / 1e6);
}

static void judge(const rzb_context *ctx, rzb_result *r, const model_file *f) {
    run_level tok = typical_run(&r->series[f->token_series]);
    if (ctx->runs < RZB_MIN_RUNS)
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "too few runs: %d (the runner needs at least %d); p50 %.1f ms",
                           ctx->runs, RZB_MIN_RUNS, tok.p50);
    else if (tok.hi < 100)
        rzb_result_verdict(r, RZB_SUPPORTED, "%s: p50 %.1f ms per token (CI95 %.1f-%.1f) < 100 ms",
                           f->label, tok.p50, tok.lo, tok.hi);
    else if (tok.lo >= 100)
        rzb_result_verdict(r, RZB_FALSIFIED, "%s: p50 %.1f ms per token (CI95 %.1f-%.1f) >= 100 ms",
                           f->label, tok.p50, tok.lo, tok.hi);
    else
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "%s: p50 %.1f ms per token, CI95 %.1f-%.1f straddles 100 ms", f->label,
                           tok.p50, tok.lo, tok.hi);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[2] = {
        {.label = "TinyLlama-1.1B-shape Q4_K_M", .synthetic = true, .required = true},
        {.label = "SmolLM2-135M Q4_1"}};
    char why[1024];
    if (!rzb_model_synth(ctx, "tinyllama-1.1b", "Q4_K_M", files[0].path, sizeof files[0].path, why,
                         sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    bool smol =
        rzb_model_find(ctx, "smollm2", files[1].path, sizeof files[1].path, why, sizeof why);
    if (!smol) rzb_result_note(r, "SmolLM2-135M left out: %s", why);
    const int threads = rzb_online_cpus();
    double load[1] = {NAN};
    getloadavg(load, 1);
    rzb_progress(ctx, "STREAM triad on %d threads", threads);
    rzb_bandwidth bw;
    if (!rzb_probe_bandwidth(threads, (size_t)rzb_sized(ctx, 512, 16) << 20,
                             (int)rzb_sized(ctx, 5, 1), &bw, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "bandwidth probe: %s", why);
        return;
    }
    rzb_result_metric(r, "STREAM triad bandwidth", bw.best_gbs, "GB/s");
    rzb_result_note(
        r,
        "%d threads, one per CPU, backend %s; load average %.2f at start; bandwidth: STREAM triad, 3 x %zu MiB%s",
        threads, rz_backend_active()->name, load[0], bw.array_bytes >> 20,
        bw.cache_caveat ? " (caveat: under 4x the L3)" : "");
    if (load[0] > threads)
        rzb_result_note(
            r,
            "warning: load average %.2f on %d CPUs: other work shares the cores, so every figure here is pessimistic and noisy",
            load[0], threads);
    rzb_result_note(r, "files: %s (synthetic weights, rz synth); %s (real weights)", files[0].path,
                    smol ? files[1].path : "-");
    rzb_result_note(r, "GPU: not measured (no CUDA backend in rz yet)");
    for (int i = 0; i < 1 + smol; i++) {
        rzb_decode d = {0};
        if (!sample(ctx, r, &files[i], threads, &d, why, sizeof why)) {
            rzb_decode_close(&d);
            rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", files[i].label, why);
            return;
        }
        report_model(r, &files[i], &d, bw.best_gbs, bw.l3_bytes);
        rzb_decode_close(&d);
    }
    judge(ctx, r, &files[0]);
}

const rzb_claim rzb_claim_p3_latency_1b = {
    .id = "P3",
    .title = "< 100 ms p50 latency per token for 1B models",
    .statement =
        "< 100 ms p50 latency for 1B models (TinyLlama-1.1B); not yet validated by its authors",
    .source = "realizar design rationale (paiml/realizar), claim P3",
    .workload =
        "a TinyLlama-1.1B-shaped Q4_K_M with synthetic weights (rz synth; speed does not depend on the values) and the real SmolLM2-135M-Instruct Q4_1; a 128-token prompt of fixed ids, then greedy decoding; all cores, one thread per CPU",
    .baseline =
        "the physical bound measured in the same run: STREAM triad bandwidth / bytes of weights read per token (roofline: file bytes / bandwidth)",
    .threshold = "p50 time per generated token < 100 ms on the 1.1B model",
    .test =
        "runs x iterations decode steps (forward pass + argmax, per-step samples) and one time to first token per run; p50 per run, 95% CI of the typical run's p50 from the runs (t, log scale)",
    .verdict_rule =
        "SUPPORTED when the CI's upper bound < 100 ms; FALSIFIED when its lower bound >= 100 ms; INCONCLUSIVE otherwise or with fewer than 3 runs; SKIPPED without the model; a speed above the bandwidth bound is flagged as a bug",
    .default_runs = 5,
    .default_iterations = 16,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
