/* Claim S2: rz evaluates WikiText-2 perplexity at least as fast as llama.cpp. */
#include <stdio.h>
#include <string.h>

#include "claims/workloads/ppl_models.h"
#include "harness/claim.h"
#include "harness/llama_perplexity_tool.h"
#include "harness/llama_tools.h"
#include "harness/models.h"
#include "harness/probe_threads.h"

/* Chunks of CTX tokens: N per timed process, WARM per untimed one. Both are multiples of
 * llama-perplexity's default 4 chunks per pass (-b 2048 / -c 512), so every pass is full. A smoke
 * run takes 1 chunk per process. */
#define CTX "512"
enum { N = 8, WARM = 4 };
#define SAME_WORK_TOL 0.01

/* One side: the command (argv[chunks_at] set per process), its series, what it printed. */
typedef struct {
    const char *name;
    bool llama; /* parse as llama-perplexity's output, else as rz's JSON */
    char *argv[20];
    int chunks_at; /* argv's --chunks value, which points at chunks */
    int n;         /* chunks per timed process: N, or 1 in a smoke run */
    char chunks[8];
    rzb_series *per_chunk, *whole, *fixed;
    rzb_ppl_output out; /* the latest process's */
    char cpus[64];
} side;

/* One process of side s over n chunks: its wall time; its output in s->out. */
static bool run_once(side *s, int n, double *seconds, char *why, size_t cap) {
    char msg[1024];
    snprintf(s->chunks, sizeof s->chunks, "%d", n);
    s->argv[s->chunks_at] = s->chunks;
    rzb_ppl_process p;
    bool ok = rzb_ppl_process_run(s->argv, &p, msg, sizeof msg);
    if (ok && s->llama) ok = rzb_llama_ppl_parse(p.out, p.err, &s->out, msg, sizeof msg);
    if (ok && !s->llama) ok = rzb_rz_ppl_parse(p.out, &s->out, msg, sizeof msg);
    *seconds = p.seconds;
    snprintf(s->cpus, sizeof s->cpus, "%s", p.cpus);
    rzb_ppl_process_free(&p);
    if (!ok) snprintf(why, cap, "%s: %s", s->name, msg);
    return ok;
}

/* One timed process: time per chunk by the tool's own clock over its chunks (load and
 * tokenizing the whole file excluded), the whole process, and the difference (fixed costs). */
static bool measure(side *s, int run, char *why, size_t cap) {
    double t;
    if (!run_once(s, s->n, &t, why, cap)) return false;
    if (!(s->out.eval_seconds > 0 && s->out.eval_seconds < t)) {
        snprintf(why, cap, "%s: its own clock says %g s for %d chunks, its process took %g s",
                 s->name, s->out.eval_seconds, s->n, t);
        return false;
    }
    rzb_series_push(s->per_chunk, run, 1e3 * s->out.eval_seconds / s->n);
    rzb_series_push(s->whole, run, t);
    rzb_series_push(s->fixed, run, t - s->out.eval_seconds);
    return true;
}

static bool same_work(const side *rz, const side *ll, char *why, size_t cap) {
    char msg[512];
    if (rzb_ppl_same_work(&rz->out, &ll->out, SAME_WORK_TOL, msg, sizeof msg)) return true;
    snprintf(why, cap, "the two sides did different work: rz vs llama.cpp, %s", msg);
    return false;
}

/* Untimed warm-up processes, then per run both sides in ABBA order (even runs rz first), the
 * work compared after each pair. *differ is set when the two sides did different work. */
static bool sample(const rzb_context *ctx, side *rz, side *ll, bool *differ, char *why,
                   size_t cap) {
    double t;
    const int warm = (int)rzb_sized(ctx, WARM, 1);
    *differ = false;
    for (int i = 0; i < ctx->warmup; i++) {
        rzb_progress(ctx, "warm-up %d/%d", i + 1, ctx->warmup);
        if (!run_once(rz, warm, &t, why, cap) || !run_once(ll, warm, &t, why, cap)) return false;
        if (!same_work(rz, ll, why, cap)) return !(*differ = true);
    }
    for (int run = 0; run < ctx->runs; run++)
        for (int i = 0; i < ctx->iterations; i++) {
            side *first = run % 2 ? ll : rz, *second = run % 2 ? rz : ll;
            rzb_progress(ctx, "run %d/%d: %s first", run + 1, ctx->runs, first->name);
            if (!measure(first, run, why, cap) || !measure(second, run, why, cap)) return false;
            if (!same_work(rz, ll, why, cap)) return !(*differ = true);
        }
    return true;
}

static void make_side(const rzb_context *ctx, side *s, rzb_result *r, const char *name,
                      bool llama) {
    *s = (side){.name = name, .llama = llama, .n = (int)rzb_sized(ctx, N, 1)};
    char label[64], method[96];
    snprintf(label, sizeof label, "%s time per chunk", name);
    snprintf(method, sizeof method, "its own clock over %d chunks / %d", s->n, s->n);
    s->per_chunk = rzb_result_series(r, label, "ms", method);
    snprintf(label, sizeof label, "%s process, %d chunks", name, s->n);
    s->whole = rzb_result_series(r, label, "s", "spawn to reaped exit");
    snprintf(label, sizeof label, "%s load + tokenize", name);
    s->fixed = rzb_result_series(r, label, "s", "the process less its own chunks' time");
}

static void report_metrics(rzb_result *r, side *rz, side *ll) {
    rzb_series_finish(rz->per_chunk);
    rzb_series_finish(ll->per_chunk);
    rzb_result_metric(r, "rz perplexity speed", 512e3 / rz->per_chunk->summary.p50, "tokens/s");
    rzb_result_metric(r, "llama.cpp perplexity speed", 512e3 / ll->per_chunk->summary.p50,
                      "tokens/s");
    rzb_result_metric(r, "rz PPL, last process", rz->out.ppl, "");
    rzb_result_metric(r, "llama.cpp PPL, last process", ll->out.ppl, "");
    rzb_result_metric(r, "llama-perplexity's own first pass, per chunk",
                      1e3 * ll->out.seconds_per_pass / ll->out.n_seq, "ms");
    rzb_paired whole = rzb_series_ratio(rz->whole, ll->whole, 1.0, 0.025);
    rzb_result_metric(r, "whole process: llama.cpp / rz", whole.ratio, "x");
}

static void report_notes(rzb_result *r, const side *rz, const side *ll, int threads) {
    rzb_llama_note_build(r);
    rzb_result_note(r, "llama-perplexity %s", ll->out.system_info);
    rzb_result_note(
        r,
        "%d threads each, CPU sets %s (rz) and %s (llama.cpp): `rz perplexity MODEL -f TEXT -c 512 -t %d --format json --chunks N` (its default -b 64) and `llama-perplexity -m MODEL -f TEXT -c 512 -t %d --log-prefix --log-timestamps --chunks N` (its defaults, the log flags too: -b %d, %d chunks per pass)",
        threads, rz->cpus, ll->cpus, threads, threads, ll->out.n_batch, ll->out.n_seq);
    rzb_result_note(
        r,
        "time per chunk by each tool's own clock over its %d chunks: rz's final.seconds; llama-perplexity's log timestamps from \"calculating perplexity\" to \"Final estimate\"; load and tokenizing excluded on both",
        rz->n);
    rzb_result_note(
        r,
        "same work: positions 256..510 of each chunk scored against the next token on both sides; llama.cpp also runs position 511 (its logits unused), rz stops at 510: 1 of 512 positions");
}

/* argv (NULL-terminated, ending in "--chunks", NULL, NULL) into s, its chunk count last. */
static void set_argv(side *s, char *const argv[], size_t n) {
    memcpy(s->argv, argv, n * sizeof *argv);
    s->chunks_at = (int)n - 2;
}

/* Both commands, as their users type them; t is the thread count as text. */
static void set_commands(const rzb_context *ctx, side *rz, side *ll, char *model, char *text,
                         char *tool, char *t) {
    char *rz_argv[] = {
        (char *)ctx->rz_bin, "perplexity", model,      "-f", text, "-c", CTX, "-t", t,
        "--format",          "json",       "--chunks", NULL, NULL};
    char *ll_argv[] = {
        tool,       "-m", model, "-f", text, "-c", CTX, "-t", t, "--log-prefix", "--log-timestamps",
        "--chunks", NULL, NULL};
    set_argv(rz, rz_argv, sizeof rz_argv / sizeof *rz_argv);
    set_argv(ll, ll_argv, sizeof ll_argv / sizeof *ll_argv);
}

static void compare(const rzb_context *ctx, rzb_result *r, char *model, char *text, char *tool) {
    char t[16], why[1024];
    const int threads = (int)rzb_sized(ctx, rzb_online_cpus(), 1); /* smoke: 1 */
    snprintf(t, sizeof t, "%d", threads);
    side rz, ll;
    make_side(ctx, &rz, r, "rz", false);
    make_side(ctx, &ll, r, "llama.cpp", true);
    set_commands(ctx, &rz, &ll, model, text, tool, t);
    bool differ;
    if (!sample(ctx, &rz, &ll, &differ, why, sizeof why) && !differ) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    report_metrics(r, &rz, &ll);
    report_notes(r, &rz, &ll, threads);
    if (differ) {
        rzb_result_verdict(r, RZB_INCONCLUSIVE, "%s", why);
        return;
    }
    rzb_result_compare(r, rz.per_chunk, ll.per_chunk, 1.0, 0.025, "llama.cpp / rz time per chunk");
    rzb_result_judge(r);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    char model[4096], text[4096], tool[4096], why[1024];
    if (!rzb_model_find(ctx, "smollm2", model, sizeof model, why, sizeof why) ||
        !rzb_wikitext2_test(ctx, text, sizeof text, why, sizeof why) ||
        !rzb_llama_tool("llama-perplexity", tool, sizeof tool, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
        return;
    }
    rzb_result_note(r, "model: %s; text: %s", model, text);
    compare(ctx, r, model, text, tool);
}

const rzb_claim rzb_claim_s2_perplexity_vs_llamacpp = {
    .id = "S2",
    .title = "perplexity at least as fast as llama.cpp",
    .statement =
        "rz evaluates WikiText-2 perplexity at least as fast as llama.cpp on the same model and threads",
    .source = "rz's own speed target (issue: perplexity on WikiText-2, speed target)",
    .workload =
        "the real SmolLM2-135M-Instruct Q4_1; WikiText-2's wiki.test.raw, tokenized by each side, cut into chunks of 512 by llama.cpp's method; each side scores the second half of each chunk (positions 256..510 against the next token, 255 per chunk); all cores on both sides",
    .baseline =
        "llama.cpp's own llama-perplexity (scripts/build-llama-cpp: the llama-cpp-python source, built natively), run as its users run it, in the same run, alternating with `rz perplexity`",
    .threshold = "time per chunk ratio llama.cpp / rz >= 1",
    .test =
        "per run, one process per side over chunks 1-8 (ABBA: even runs rz first), as its users run it (llama-perplexity's defaults: -b 2048, 4 chunks per pass; 8 is two full passes). Time per chunk by each tool's own clock over its 8 chunks (rz's final.seconds; llama-perplexity's log timestamps from \"calculating perplexity\" to \"Final estimate\"), so loading and tokenizing the whole file are excluded on both sides; the whole processes are timed too and must contain that time. Equal work is checked on every pair: the same chunks, every running PPL and the final one within 1%. Per-run ratios, t CI with runs-1 df on log-ratios, one-sided at alpha 0.025 (95% CI); one untimed 4-chunk process per side first",
    .verdict_rule =
        "SUPPORTED when the ratio's CI lower bound >= 1; FALSIFIED when its upper bound < 1; INCONCLUSIVE otherwise, when the two sides' PPLs differ by more than 1% (different work), or by the runner's rules (runs, ratio CV, foreign load); SKIPPED without llama-perplexity, the model or the data, or when a tool fails or dies by a signal",
    .default_runs = 5,
    .default_iterations = 1,
    .default_warmup = 1,
    .default_batch = 1,
    .run = run,
};
