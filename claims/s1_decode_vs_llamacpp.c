/* Claim S1: rz decodes at least as fast as llama.cpp, file for file and type for type, with
 * llama.cpp measured by its own llama-bench. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/llama_decode.h"
#include "claims/workloads/run_memory.h"
#include "harness/claim.h"
#include "harness/llama_bench.h"
#include "harness/llama_tools.h"
#include "harness/models.h"
#include "harness/page_cache.h"
#include "harness/probe_bandwidth.h"
#include "harness/probe_threads.h"

/* LL_REPS: 1 in a smoke run; N_LONG: the long prompt, 32 tokens in a smoke run */
enum { N_PROMPT = 128, N_LONG = 512, N_FILES = 6, LL_REPS = 3 };
enum { RZ_TOK, LL_TOK, RZ_PROMPT, LL_PROMPT, RZ_LONG, LL_LONG, N_SERIES };
#define ALPHA 0.025 /* one-sided, each bound of a 95% CI */

typedef struct {
    const char *label, *like, *type; /* like NULL: the real model `real` (scripts/find-models) */
    const char *real;
    char path[4096];
} model_file;

/* One file's measurement: rz's workload (ids for the long prompt, positions for the 128-token
 * prompt and its decode steps; open only during rz's turn in a run), the three llama-bench tests,
 * the result's series. */
typedef struct {
    const rzb_context *ctx;
    const model_file *f;
    int n_long;          /* tokens of the long prompt */
    uint64_t file_bytes; /* the file's size, for the roofline (from rz's workload) */
    int threads;
    rzb_decode d;
    rzb_llama_bench_args prompt, decode, prompt_long;
    rzb_llama_bench_test last_prompt, last_decode, last_long; /* the latest llama-bench output */
    rzb_series *s[N_SERIES];
} file_run;

/* How one sample of series k was taken. */
static void method_text(const file_run *fr, int k, char *buf, size_t cap) {
    const int n = k == RZ_LONG || k == LL_LONG ? fr->n_long : N_PROMPT;
    if (k == RZ_TOK)
        snprintf(buf, cap, "per step (forward + argmax)");
    else if (k == LL_TOK)
        snprintf(buf, cap, "llama-bench sample / n_gen");
    else if (k == RZ_PROMPT || k == RZ_LONG)
        snprintf(buf, cap, "%d-token prompt to first token", n);
    else
        snprintf(buf, cap, "llama-bench sample (%d-token prompt)", n);
}

/* Series "rz prompt512 LABEL" and the like: the name says 512 also in a smoke run. */
static void series_init(rzb_result *r, file_run *fr) {
    static const char *const what[N_SERIES] = {"rz decode",    "llama.cpp decode",
                                               "rz prompt",    "llama.cpp prompt",
                                               "rz prompt512", "llama.cpp prompt512"};
    for (int k = 0; k < N_SERIES; k++) {
        char label[64], method[96];
        snprintf(label, sizeof label, "%s %s", what[k], fr->f->label);
        method_text(fr, k, method, sizeof method);
        fr->s[k] = rzb_result_series(r, label, "ms", method);
    }
}

/* The three llama-bench tests: the two prompts from position 0, decode at the depth rz decodes
 * at. */
static void llama_args(file_run *fr, const char *bin, int threads) {
    const rzb_llama_bench_args base = {.bin = bin,
                                       .model = fr->f->path,
                                       .threads = threads,
                                       .reps = (int)rzb_sized(fr->ctx, LL_REPS, 1)};
    fr->prompt = base;
    fr->prompt.n_prompt = N_PROMPT;
    fr->prompt_long = base;
    fr->prompt_long.n_prompt = fr->n_long;
    fr->decode = base;
    fr->decode.n_gen = fr->ctx->iterations;
    fr->decode.n_depth = N_PROMPT;
}

/* rz's workload on the file: one model, a state for the longer prompt or the shorter one and its
 * decode steps; false with the reason. */
static bool open_workload(file_run *fr, char *why, size_t cap) {
    const int n = fr->n_long > N_PROMPT ? fr->n_long : N_PROMPT;
    return rzb_decode_open(&fr->d, fr->f->path, fr->threads, n, fr->ctx->iterations, why, cap);
}

/* rz's run on a model loaded for it from a file read anew (the page cache dropped first), then
 * closed: the 128-token prompt and the decode steps, then the long prompt (no decode step). */
static bool rz_side(file_run *fr, int run, char *why, size_t cap) {
    rzb_page_cache_evict(fr->f->path);
    if (!open_workload(fr, why, cap)) return false;
    fr->file_bytes = fr->d.file_bytes;
    const int steps = fr->ctx->iterations;
    double prompt_ms, long_ms, *ms = malloc((size_t)steps * sizeof *ms);
    bool ok = ms && rzb_decode_run(&fr->d, N_PROMPT, steps, &prompt_ms, ms, NULL, why, cap) &&
              rzb_decode_run(&fr->d, fr->n_long, 0, &long_ms, NULL, NULL, why, cap);
    rzb_decode_close(&fr->d);
    if (!ms) snprintf(why, cap, "out of memory");
    for (int k = 0; ok && k < fr->ctx->iterations; k++)
        rzb_series_push(fr->s[RZ_TOK], run, ms[k]);
    if (ok) rzb_series_push(fr->s[RZ_PROMPT], run, prompt_ms);
    if (ok) rzb_series_push(fr->s[RZ_LONG], run, long_ms);
    free(ms);
    return ok;
}

static void push_all(rzb_series *s, int run, const double *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        rzb_series_push(s, run, v[i]);
}

/* llama-bench's run, in the same order as rz's, on the file read anew (the page cache dropped
 * first): the prompt, decode, the long prompt. */
static bool llama_side(file_run *fr, int run, char *why, size_t cap) {
    rzb_llama_bench_test *p = &fr->last_prompt, *d = &fr->last_decode, *l = &fr->last_long;
    rzb_page_cache_evict(fr->f->path);
    if (!rzb_llama_bench_run(&fr->prompt, p, why, cap) ||
        !rzb_llama_bench_run(&fr->decode, d, why, cap) ||
        !rzb_llama_bench_run(&fr->prompt_long, l, why, cap))
        return false;
    push_all(fr->s[LL_PROMPT], run, p->sample_ms, p->n);
    push_all(fr->s[LL_TOK], run, d->token_ms, d->n);
    push_all(fr->s[LL_LONG], run, l->sample_ms, l->n);
    return true;
}

/* Runs in ABBA order: rz first in even runs, llama-bench first in odd ones. */
static bool sample(file_run *fr, char *why, size_t cap) {
    bool ok = true;
    for (int run = 0; ok && run < fr->ctx->runs; run++) {
        rzb_progress(fr->ctx, "%s, run %d/%d", fr->f->label, run + 1, fr->ctx->runs);
        if (run % 2 == 0)
            ok = rz_side(fr, run, why, cap) && llama_side(fr, run, why, cap);
        else
            ok = llama_side(fr, run, why, cap) && rz_side(fr, run, why, cap);
    }
    return ok;
}

/* The exact llama-bench command lines and what its JSON says about the build and the machine. */
static void note_llama_bench(rzb_result *r, const file_run *fr) {
    char cmd[1024];
    rzb_result_note(r, "llama-bench prompt test (every file: the same with its -m): %s",
                    rzb_llama_bench_command(&fr->prompt, cmd, sizeof cmd));
    rzb_result_note(r, "llama-bench decode test (every file: the same with its -m): %s",
                    rzb_llama_bench_command(&fr->decode, cmd, sizeof cmd));
    rzb_result_note(r, "llama-bench prompt512 test (every file: the same with its -m): %s",
                    rzb_llama_bench_command(&fr->prompt_long, cmd, sizeof cmd));
    const rzb_llama_bench_test *t = &fr->last_decode;
    rzb_result_note(
        r,
        "llama-bench JSON: build_commit %s, cpu_info \"%s\", backends %s, gpu_info \"%s\", n_threads %d, model_type \"%s\"; it ran on CPUs %s (read back from the kernel); llama-bench prints no ggml system_info line",
        t->build_commit, t->cpu_info, t->backends, t->gpu_info, t->n_threads, t->model_type,
        t->cpus);
}

static void metric(rzb_result *r, const model_file *f, const char *what, double v,
                   const char *unit) {
    char name[80];
    snprintf(name, sizeof name, "%s: %s", f->label, what);
    rzb_result_metric(r, name, v, unit);
}

/* A prompt series pair, finished, and its run-level ratio llama.cpp / rz. */
static rzb_paired prompt_ratio(rzb_series *rz, rzb_series *ll) {
    rzb_series_finish(rz);
    rzb_series_finish(ll);
    return rzb_series_ratio(rz, ll, 1.0, ALPHA);
}

/* The decode comparison (judged), the prompt ratios and roofline figures (reported), a note.
 * The roofline uses gbs, the best triad of the run's start and of probes just before and after
 * this file (before, after): the host's bandwidth moves during a run, and a roofline measured
 * in a slow spell would flatter both sides. */
static void report_file(rzb_result *r, file_run *fr, double gbs, double before, double after) {
    rzb_series *const *s = fr->s;
    char what[128], p[32];
    snprintf(what, sizeof what, "%s: decode llama.cpp / rz time per token", fr->f->label);
    const rzb_comparison *dec = rzb_result_compare(r, s[RZ_TOK], s[LL_TOK], 1.0, ALPHA, what);
    const rzb_paired pp = prompt_ratio(s[RZ_PROMPT], s[LL_PROMPT]);
    const rzb_paired pl = prompt_ratio(s[RZ_LONG], s[LL_LONG]);
    const double roof_ms = (double)fr->file_bytes / (gbs * 1e6);
    const double rz_p50 = s[RZ_TOK]->summary.p50, ll_p50 = s[LL_TOK]->summary.p50;
    metric(r, fr->f, "decode llama.cpp / rz", dec->ratio, "x");
    metric(r, fr->f, "prompt llama.cpp / rz", pp.ratio, "x");
    metric(r, fr->f, "prompt512 llama.cpp / rz", pl.ratio, "x");
    metric(r, fr->f, "rz decode, % of roofline", 100 * roof_ms / rz_p50, "%");
    metric(r, fr->f, "llama.cpp decode, % of roofline", 100 * roof_ms / ll_p50, "%");
    rzb_result_note(
        r,
        "%s: decode p50 rz %.2f ms, llama.cpp %.2f ms per token, ratio %.3f (CI95 %.3f-%.3f, p %s, %d runs); prompt p50 rz %.0f ms, llama.cpp %.0f ms, ratio %.3f (CI95 %.3f-%.3f); %d-token prompt p50 rz %.0f ms, llama.cpp %.0f ms, ratio %.3f (CI95 %.3f-%.3f); roofline %.2f ms at %.2f GB/s (triad just before this file %.2f, just after %.2f GB/s)%s",
        fr->f->label, rz_p50, ll_p50, dec->ratio, dec->lo, dec->hi, rzb_p_text(dec->p, p),
        dec->runs, s[RZ_PROMPT]->summary.p50, s[LL_PROMPT]->summary.p50, pp.ratio, pp.lo, pp.hi,
        fr->n_long, s[RZ_LONG]->summary.p50, s[LL_LONG]->summary.p50, pl.ratio, pl.lo, pl.hi,
        roof_ms, gbs, before, after,
        roof_ms > rz_p50 || roof_ms > ll_p50
            ? "; a decode above 100% of it means the bandwidth rose above every probe during the file: that % is no bound"
            : "");
}

/* The best triad of a short probe (as the start's, a fifth of the passes), NAN when it fails. */
static double probe(const rzb_context *ctx, int threads) {
    rzb_bandwidth bw;
    char why[256];
    return rzb_probe_bandwidth(threads, (size_t)rzb_sized(ctx, 512, 16) << 20, 1, &bw, why,
                               sizeof why)
               ? bw.best_gbs
               : NAN;
}

/* Peak RSS at llama-bench's decode context (-p 0 -n N -d 128: N_PROMPT + N positions): `rz run`
 * as a child against the llama-bench process of the last decode test; reported, not judged. */
static void report_memory(const rzb_context *ctx, rzb_result *r, const file_run *fr, int threads) {
    const int n_ctx = N_PROMPT + ctx->iterations;
    rzb_run_memory_figures m;
    char why[1024];
    if (!rzb_run_memory(ctx->rz_bin, fr->f->path, n_ctx, ctx->iterations, threads, &m, why,
                        sizeof why)) {
        rzb_result_note(r, "%s: no peak RSS for rz: %s", fr->f->label, why);
        return;
    }
    const double rz_mib = m.peak_rss_kib / 1024.0;
    const double ll_mib = fr->last_decode.peak_rss_kib / 1024.0;
    metric(r, fr->f, "rz peak RSS", rz_mib, "MiB");
    if (fr->last_decode.peak_rss_kib > 0) {
        metric(r, fr->f, "llama.cpp peak RSS", ll_mib, "MiB");
        metric(r, fr->f, "peak RSS rz / llama.cpp", rz_mib / ll_mib, "x");
    }
    rzb_result_note(
        r,
        "%s: peak RSS at a %d-position context: rz run %.1f MiB (%d prompt tokens, %d generated; rz's own report %.1f MiB), llama-bench's decode test process %.1f MiB (its warm-up and repetitions included); both the peak resident set of the child process alone, by GNU time",
        fr->f->label, n_ctx, rz_mib, m.prompt_tokens, ctx->iterations, m.self_mib, ll_mib);
}

static bool locate(const rzb_context *ctx, model_file *f, char *why, size_t cap) {
    if (!f->like) return rzb_model_find(ctx, f->real, f->path, sizeof f->path, why, cap);
    return rzb_model_synth(ctx, f->like, f->type, f->path, sizeof f->path, why, cap);
}

/* Measures one file end to end; false (verdict SKIPPED with the reason) when it cannot. */
static bool measure(const rzb_context *ctx, rzb_result *r, model_file *f, const char *bin,
                    bool first, int threads, double gbs) {
    char why[1024];
    file_run fr = {
        .ctx = ctx, .f = f, .n_long = (int)rzb_sized(ctx, N_LONG, 32), .threads = threads};
    if (!locate(ctx, f, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", f->label, why);
        return false;
    }
    series_init(r, &fr);
    llama_args(&fr, bin, threads);
    const double before = probe(ctx, threads);
    bool ok = sample(&fr, why, sizeof why);
    const double after = probe(ctx, threads);
    if (ok && first) note_llama_bench(r, &fr);
    if (ok) report_file(r, &fr, fmax(gbs, fmax(before, after)), before, after);
    if (ok) report_memory(ctx, r, &fr, threads);
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s: %s", f->label, why);
    return ok;
}

/* Notes on the set-up; false (verdict SKIPPED) when llama-bench or the bandwidth is missing. */
static bool setup(const rzb_context *ctx, rzb_result *r, int threads, char *bin, size_t cap,
                  rzb_bandwidth *bw) {
    char why[512];
    if (!rzb_llama_tool("llama-bench", bin, cap, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return false;
    }
    double load[1] = {NAN};
    getloadavg(load, 1);
    rzb_progress(ctx, "STREAM triad on %d threads", threads);
    if (!rzb_probe_bandwidth(threads, (size_t)rzb_sized(ctx, 512, 16) << 20,
                             (int)rzb_sized(ctx, 5, 1), bw, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "bandwidth probe: %s", why);
        return false;
    }
    rzb_result_metric(r, "STREAM triad bandwidth", bw->best_gbs, "GB/s");
    rzb_llama_note_build(r);
    rzb_result_note(
        r,
        "%d threads on both sides (rz: one per CPU, backend %s; llama-bench: -t %d on every CPU); load average %.2f at start; roofline = file bytes / the best STREAM triad of the start (%.2f GB/s) and the probes around the file; every run places both sides' weights afresh: the file's page cache is dropped before each side, and rz loads the model for its run and closes it after",
        threads, rz_backend_active()->name, threads, load[0], bw->best_gbs);
    rzb_result_note(
        r,
        "llama-bench uses its own token ids (BOS, then rand() %% vocab) and its defaults beyond -m -p -n -d -t -r -o; rz a fixed sequence, id i = (1 + 7919 i) mod vocab; for these dense models a forward pass takes the same time whatever the ids. llama-bench times each repetition after its own warm-up and, for decode, after filling %d positions untimed",
        N_PROMPT);
    rzb_result_note(r, "TinyLlama-shape files have synthetic weights (rz synth)");
    return true;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[N_FILES] = {
        {.label = "SmolLM2-135M Q4_1", .real = "smollm2", .type = "Q4_1"},
        {.label = "TinyLlama-1.1B-shape Q4_0", .like = "tinyllama-1.1b", .type = "Q4_0"},
        {.label = "TinyLlama-1.1B-shape Q8_0", .like = "tinyllama-1.1b", .type = "Q8_0"},
        {.label = "TinyLlama-1.1B-shape Q4_K_M", .like = "tinyllama-1.1b", .type = "Q4_K_M"},
        {.label = "TinyLlama-1.1B-shape Q6_K", .like = "tinyllama-1.1b", .type = "Q6_K"},
        {.label = "Gemma-3-270M Q4_K_M", .real = "gemma3-270m", .type = "Q4_K_M"},
    };
    const int threads = (int)rzb_sized(ctx, rzb_online_cpus(), 1); /* smoke: 1 */
    char bin[4096];
    rzb_bandwidth bw;
    if (!setup(ctx, r, threads, bin, sizeof bin, &bw)) return;
    const int n_files = (int)rzb_sized(ctx, N_FILES, 2); /* a smoke run: the first two */
    for (int i = 0; i < n_files; i++)
        if (!measure(ctx, r, &files[i], bin, i == 0, threads, bw.best_gbs)) return;
    rzb_result_judge(r);
}

const rzb_claim rzb_claim_s1_decode_vs_llamacpp = {
    .id = "S1",
    .title = "decode at least as fast as llama.cpp",
    .statement = "rz decodes at least as fast as llama.cpp on the same file, type for type",
    .source =
        "rz's own speed target: llama.cpp's decode of a 1.1B Q4_K_M reaches about half the memory-bandwidth bound on the project's machines",
    .workload =
        "the real SmolLM2-135M-Instruct Q4_1 and Gemma 3 270M Q4_K_M files, and TinyLlama-1.1B-shaped files with synthetic weights in Q4_0, Q8_0, Q4_K_M and Q6_K; a 128-token prompt, then decode steps at positions 128 on, and a 512-token prompt on its own; all CPUs on both sides",
    .baseline =
        "llama.cpp's own llama-bench, built natively from the same source as llama-cpp-python (scripts/build-llama-cpp), started on every CPU with the same -t; per file and run one prompt test (-m FILE -p 128 -n 0 -d 0 -r 3 -o json), one decode test at rz's depth (-p 0 -n ITERATIONS -d 128 -r 3 -o json) and one long prompt test (-p 512 -n 0 -d 0 -r 3 -o json), alternating with rz in ABBA order; llama-bench's defaults otherwise",
    .threshold = "decode time ratio llama.cpp / rz >= 1 for every file",
    .test =
        "per file and run, each side on the file read anew (its page cache dropped first) and rz on a model loaded for that run, so that every run places both sides' weights afresh (a VM's read bandwidth can differ from one memory region to another, and one placement kept for every run would tilt the ratio either way): rz times its 128-token prompt (to the first token) and ITERATIONS decode steps (forward + argmax), then a 512-token prompt from position 0 (to the first token); llama-bench's samples_ns give each prompt's time per sample and, divided by n_gen, the decode time per token; per-run medians paired by run, t CI (runs - 1 df) on log(llama.cpp / rz); prompt ratios (128 and 512 tokens), % of the bandwidth roofline and peak RSS (rz run against llama-bench's decode process, each the child's own peak resident set by GNU time, at llama-bench's decode context) reported beside, not judged",
    .verdict_rule =
        "one decode comparison per file, one-sided at alpha 0.025 (CI95): SUPPORTED when every file's CI lower bound >= 1; FALSIFIED when any file's upper bound < 1; INCONCLUSIVE otherwise, or by the runner's rules (fewer than 5 runs, per-run ratio CV above 10%, other load on the machine); SKIPPED without llama-bench or a model, or when llama-bench fails, with the reason",
    .default_runs = 5,
    .default_iterations = 8,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
