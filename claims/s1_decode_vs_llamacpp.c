/* Claim S1: rz decodes at least as fast as llama.cpp, file for file and type for type. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/llama_decode.h"
#include "harness/baseline.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/probe_bandwidth.h"
#include "harness/probe_threads.h"

enum { N_PROMPT = 128, N_FILES = 5, PRIMARY = 3 };
enum { RZ_TOK, LL_TOK, RZ_PROMPT, LL_PROMPT, N_SERIES };

typedef struct {
    const char *label, *like, *type; /* like NULL: the real SmolLM2 */
    char path[4096];
} model_file;

/* One file's samples: the result's series for the primary file (the report keeps 8 series),
 * local ones for the others. */
typedef struct {
    rzb_series local[N_SERIES];
    rzb_series *s[N_SERIES];
    int first; /* index of s[0] in the result, -1 when local */
} file_samples;

static void samples_init(file_samples *fs, rzb_result *r, const model_file *f, bool primary) {
    static const char *const what[N_SERIES] = {"rz decode", "llama.cpp decode", "rz prompt",
                                               "llama.cpp prompt"};
    fs->first = primary ? r->n_series : -1;
    for (int k = 0; k < N_SERIES; k++) {
        char label[64];
        snprintf(label, sizeof label, "%s %s", what[k], f->label);
        const char *method =
            k < RZ_PROMPT ? "per step (forward + argmax)" : "128-token prompt to first token";
        fs->s[k] = primary ? rzb_result_series(r, label, "ms", method) : &fs->local[k];
        if (!primary) rzb_series_init(fs->s[k], label, "ms", method);
    }
}

static void samples_free(file_samples *fs) {
    for (int k = 0; fs->first < 0 && k < N_SERIES; k++)
        rzb_series_free(fs->s[k]);
}

/* Alternating runs of rz and llama.cpp on one file; false with the reason. */
static bool sample(const rzb_context *ctx, const model_file *f, int threads, rzb_decode *d,
                   file_samples *fs, char *why, size_t cap) {
    char t[16], n_ctx[16], request[64];
    snprintf(t, sizeof t, "%d", threads);
    snprintf(n_ctx, sizeof n_ctx, "%d", N_PROMPT + ctx->iterations + 8);
    snprintf(request, sizeof request, "run %d %d", N_PROMPT, ctx->iterations);
    rzb_baseline ll;
    char *args[] = {(char *)f->path, t, n_ctx, NULL};
    if (!rzb_baseline_start(&ll, ctx, "llama_decode.py", args, NULL, why, cap)) return false;
    double *ms = malloc((size_t)ctx->iterations * sizeof *ms), prompt_ms;
    bool ok = ms != NULL;
    rzb_series both;
    rzb_series_init(&both, "llama.cpp", "ms", "");
    for (int run = 0; ok && run < ctx->runs; run++) {
        rzb_progress(ctx, "%s, run %d/%d", f->label, run + 1, ctx->runs);
        ok = rzb_decode_run(d, &prompt_ms, ms, NULL, why, cap);
        for (int k = 0; ok && k < ctx->iterations; k++)
            rzb_series_push(fs->s[RZ_TOK], run, ms[k]);
        if (ok) rzb_series_push(fs->s[RZ_PROMPT], run, prompt_ms);
        both.n = 0;
        if (ok && !rzb_baseline_sample(&ll, request, ctx->iterations + 1, 1e6, run, &both)) {
            snprintf(why, cap, "llama.cpp helper stopped answering on %s", f->path);
            ok = false;
        }
        for (size_t k = 0; ok && k < both.n; k++)
            rzb_series_push(fs->s[k ? LL_TOK : LL_PROMPT], run, both.values[k]);
    }
    rzb_baseline_stop(&ll);
    rzb_series_free(&both);
    free(ms);
    for (int k = 0; k < N_SERIES; k++)
        rzb_series_finish(fs->s[k]);
    return ok;
}

typedef struct {
    bool all_supported, any_falsified;
} tally;

/* Ratios, roofline and the per-file note; updates the tally with the decode comparison. */
static void report_file(rzb_result *r, const model_file *f, const rzb_decode *d,
                        const file_samples *fs, double gbs, tally *t) {
    rzb_series *const *s = fs->s;
    rzb_ratio dec = rzb_bootstrap_ratio(s[LL_TOK]->values, s[LL_TOK]->n, s[RZ_TOK]->values,
                                        s[RZ_TOK]->n, 1000, 20261126);
    rzb_ratio pp = rzb_bootstrap_ratio(s[LL_PROMPT]->values, s[LL_PROMPT]->n, s[RZ_PROMPT]->values,
                                       s[RZ_PROMPT]->n, 1000, 20261126);
    rzb_ttest w = rzb_welch_log(s[RZ_TOK]->values, s[RZ_TOK]->n, s[LL_TOK]->values, s[LL_TOK]->n);
    const double roof_ms = (double)d->file_bytes / (gbs * 1e6);
    const double rz_p50 = s[RZ_TOK]->summary.p50, ll_p50 = s[LL_TOK]->summary.p50;
    char name[80], p[32];
    snprintf(name, sizeof name, "%s: decode llama.cpp / rz", f->label);
    rzb_result_metric(r, name, dec.ratio, "x");
    snprintf(name, sizeof name, "%s: prompt llama.cpp / rz", f->label);
    rzb_result_metric(r, name, pp.ratio, "x");
    snprintf(name, sizeof name, "%s: rz decode, %% of roofline", f->label);
    rzb_result_metric(r, name, 100 * roof_ms / rz_p50, "%");
    snprintf(name, sizeof name, "%s: llama.cpp decode, %% of roofline", f->label);
    rzb_result_metric(r, name, 100 * roof_ms / ll_p50, "%");
    rzb_result_note(r,
                    "%s: decode p50 rz %.2f ms, llama.cpp %.2f ms, ratio %.3f (CI95 %.3f-%.3f, "
                    "p %s); prompt p50 rz %.0f ms, llama.cpp %.0f ms, ratio %.3f (CI95 "
                    "%.3f-%.3f); roofline %.2f ms",
                    f->label, rz_p50, ll_p50, dec.ratio, dec.lo, dec.hi, rzb_p_text(w.p, p),
                    s[RZ_PROMPT]->summary.p50, s[LL_PROMPT]->summary.p50, pp.ratio, pp.lo, pp.hi,
                    roof_ms);
    t->all_supported = t->all_supported && dec.lo >= 1.0 && w.p < 0.001;
    t->any_falsified = t->any_falsified || dec.hi < 1.0;
}

static bool locate(const rzb_context *ctx, model_file *f, char *why, size_t cap) {
    if (!f->like) return rzb_model_find(ctx, "smollm2", f->path, sizeof f->path, why, cap);
    return rzb_model_synth(ctx, f->like, f->type, f->path, sizeof f->path, why, cap);
}

/* Measures one file end to end; false (verdict set) when it cannot. */
static bool measure(const rzb_context *ctx, rzb_result *r, model_file *f, bool primary, int threads,
                    double gbs, tally *t) {
    char why[1024];
    rzb_decode d;
    if (!locate(ctx, f, why, sizeof why) ||
        !rzb_decode_open(&d, f->path, threads, N_PROMPT, ctx->iterations, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", f->label, why);
        return false;
    }
    file_samples fs;
    samples_init(&fs, r, f, primary);
    bool ok = sample(ctx, f, threads, &d, &fs, why, sizeof why);
    if (ok) report_file(r, f, &d, &fs, gbs, t);
    if (ok && primary)
        rzb_result_compare(r, fs.s[RZ_TOK], fs.s[LL_TOK], 1.0, 0.001,
                           "decode: llama.cpp / rz time per token");
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", f->label, why);
    samples_free(&fs);
    rzb_decode_close(&d);
    return ok;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[N_FILES] = {
        {.label = "SmolLM2-135M Q4_1", .like = NULL, .type = "Q4_1"},
        {.label = "TinyLlama-1.1B-shape Q4_0", .like = "tinyllama-1.1b", .type = "Q4_0"},
        {.label = "TinyLlama-1.1B-shape Q8_0", .like = "tinyllama-1.1b", .type = "Q8_0"},
        {.label = "TinyLlama-1.1B-shape Q4_K_M", .like = "tinyllama-1.1b", .type = "Q4_K_M"},
        {.label = "TinyLlama-1.1B-shape Q6_K", .like = "tinyllama-1.1b", .type = "Q6_K"},
    };
    const int threads = rzb_online_cpus();
    double load[1] = {NAN};
    getloadavg(load, 1);
    char why[256];
    rzb_bandwidth bw;
    rzb_progress(ctx, "STREAM triad on %d threads", threads);
    if (!rzb_probe_bandwidth(threads, (size_t)512 << 20, 5, &bw, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "bandwidth probe: %s", why);
        return;
    }
    rzb_result_metric(r, "STREAM triad bandwidth", bw.best_gbs, "GB/s");
    rzb_result_note(r,
                    "%d threads on both sides (rz: one per CPU, backend %s; llama.cpp: its own "
                    "threads over every CPU); load average %.2f at start; roofline = file bytes / "
                    "STREAM triad %.2f GB/s",
                    threads, rz_backend_active()->name, load[0], bw.best_gbs);
    if (load[0] > threads)
        rzb_result_note(r,
                        "warning: load average %.2f on %d CPUs: other work shares the cores, so "
                        "every figure here is pessimistic and noisy",
                        load[0], threads);
    rzb_result_note(r,
                    "TinyLlama-shape files have synthetic weights (rz synth); series kept for %s, "
                    "the other files summarized in the notes below",
                    files[PRIMARY].label);
    tally t = {true, false};
    for (int i = 0; i < N_FILES; i++)
        if (!measure(ctx, r, &files[i], i == PRIMARY, threads, bw.best_gbs, &t)) return;
    snprintf(r->cmp.what, sizeof r->cmp.what, "%s decode: llama.cpp / rz time per token",
             files[PRIMARY].label);
    if (ctx->runs < 3)
        rzb_result_verdict(r, RZB_INCONCLUSIVE, "too few runs: %d (need at least 3)", ctx->runs);
    else if (t.any_falsified)
        rzb_result_verdict(r, RZB_FALSIFIED,
                           "llama.cpp decodes at least one file faster: a decode ratio's CI95 "
                           "lies below 1 (see the metrics and notes)");
    else if (t.all_supported)
        rzb_result_verdict(r, RZB_SUPPORTED,
                           "rz decodes every file at least as fast: each ratio's CI95 lies at or "
                           "above 1 with p < 0.001");
    else
        rzb_result_verdict(r, RZB_INCONCLUSIVE,
                           "at least one decode ratio's CI95 straddles 1 or its p >= 0.001");
}

const rzb_claim rzb_claim_s1_decode_vs_llamacpp = {
    .id = "S1",
    .title = "decode at least as fast as llama.cpp",
    .statement = "rz decodes at least as fast as llama.cpp on the same file, type for type",
    .source = "rz's own speed target (DESIGN.md section 3: llama.cpp decodes a 1.1B Q4_K_M at "
              "about half the bandwidth bound here)",
    .workload = "the real SmolLM2-135M-Instruct Q4_1 and TinyLlama-1.1B-shaped files with "
                "synthetic weights in Q4_0, Q8_0, Q4_K_M and Q6_K; a 128-token prompt of fixed "
                "ids, then greedy decoding; all cores on both sides",
    .baseline = "llama.cpp through llama-cpp-python's libllama (llama_decode, CPU), in a helper "
                "process sampled in the same run, alternating runs with rz, same token ids",
    .threshold = "decode time ratio llama.cpp / rz >= 1 for every file",
    .test = "per file: runs x iterations decode steps on each side (forward + argmax) and one "
            "prompt per run; bootstrap 95% CI of the ratio of medians, Welch t-test on "
            "log-times; prompt ratios and % of the bandwidth roofline reported beside",
    .verdict_rule = "SUPPORTED when every file's decode ratio CI lower bound >= 1 and p < "
                    "0.001; FALSIFIED when any file's CI upper bound < 1; INCONCLUSIVE otherwise "
                    "or with fewer than 3 runs; SKIPPED without llama-cpp-python or a model",
    .default_runs = 3,
    .default_iterations = 8,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
