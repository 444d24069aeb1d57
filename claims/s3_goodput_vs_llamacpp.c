/* Claim S3: under open-loop load, rz serve's goodput at least matches llama-server's at the
 * highest rate where llama-server meets the SLO. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/claim.h"
#include "harness/data.h"
#include "harness/llama_tools.h"
#include "harness/models.h"
#include "harness/probe_threads.h"
#include "harness/serve_load_rounds.h"
#include "harness/serve_load_session.h"

enum { SLOTS = 2, CTX = 512, PROMPT_MIN = 64, PROMPT_MAX = 128, OUT_TOKENS = 64, N_RATES = 4 };
enum { RZ, LLAMA };
#define SLO_TTFT_MS 1000.0
#define SLO_TPOT_MS 50.0
#define MEETS 0.90     /* llama-server meets the SLO: this fraction of requests within it */
#define TOLERANCE 0.05 /* rz's goodput may be this much below llama-server's */
#define ALPHA 0.025    /* one-sided, each bound of a 95% CI */
#define SEARCH_SEED 1000

static const double rates[N_RATES] = {0.5, 1, 2, 4};
static const rzb_sl_slo slo = {SLO_TTFT_MS, SLO_TPOT_MS};

static rzb_sl_spec spec_for(const rzb_context *ctx) {
    const int out = (int)rzb_sized(ctx, OUT_TOKENS, 4);
    return (rzb_sl_spec){.n = ctx->iterations,
                         .seed = 1,
                         .prompt_min = (int)rzb_sized(ctx, PROMPT_MIN, 8),
                         .prompt_max = (int)rzb_sized(ctx, PROMPT_MAX, 16),
                         .out_min = out,
                         .out_max = out};
}

/* The model, the text and both servers; false (verdict SKIPPED) when one is missing. */
static bool open_session(const rzb_context *ctx, rzb_result *r, rzb_sl_session *s) {
    char model[4096], text[4096], bin[4096], why[2048];
    bool ok =
        rzb_llama_tool("llama-server", bin, sizeof bin, why, sizeof why) &&
        rzb_model_find(ctx, "smollm2", model, sizeof model, why, sizeof why) &&
        rzb_data_find("datasets/wikitext-2-raw/wiki.test.raw", text, sizeof text, why, sizeof why);
    rzb_sl_session_spec ss = {
        .text = text,
        .text_bytes = 256 << 10,
        .rz_bin = ctx->rz_bin,
        .llama = true,
        .server = {model, SLOTS, (int)rzb_sized(ctx, rzb_online_cpus(), 1), CTX},
        .ready_s = 120};
    if (ok) rzb_progress(ctx, "starting rz serve and llama-server on SmolLM2-135M");
    ok = ok && rzb_sl_session_open(s, &ss, why, sizeof why);
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
    return ok;
}

/* The highest rate (index) at which llama-server alone met the SLO, rising until it fails;
 * -1 when it met it at none. */
static int search(const rzb_context *ctx, rzb_result *r, rzb_sl_session *s, bool *ok) {
    rzb_sl_spec spec = spec_for(ctx);
    spec.seed = SEARCH_SEED;
    int best = -1;
    char why[1024];
    for (int k = 0; *ok && k < rzb_sized(ctx, N_RATES, 1); k++) {
        rzb_progress(ctx, "rate search: llama-server at %g req/s", rates[k]);
        rzb_sl_cell cell = {0};
        rzb_sl_summary sum;
        *ok = rzb_sl_round(&s->t[LLAMA], 1, &spec, &s->corpus, rates[k], 0, &slo, &cell, why,
                           sizeof why) &&
              rzb_sl_cell_summary(&cell, &slo, &sum);
        rzb_sl_cell_free(&cell);
        if (!*ok) rzb_result_verdict(r, RZB_SKIPPED, "rate search: %s", why);
        if (!*ok) break;
        char name[80];
        snprintf(name, sizeof name, "search: llama-server within SLO at %g req/s", rates[k]);
        rzb_result_metric(r, name, 100 * sum.good_fraction, "%");
        if (sum.good_fraction < MEETS) break;
        best = k;
    }
    return best;
}

/* A round's goodput for the comparison: with a continuity correction of half a request on both
 * sides when either had none within the SLO, so the log ratio stays finite. */
static void push_goodput(const rzb_sl_cell *c, int round, bool corrected, rzb_series *s) {
    double good = c->good[round] + (corrected ? 0.5 : 0);
    rzb_series_push(s, round, c->round_s[round] > 0 ? good / c->round_s[round] : 0);
}

static bool rounds(const rzb_context *ctx, rzb_result *r, rzb_sl_session *s, double rate,
                   rzb_sl_cell cells[2], rzb_series *goodput[2]) {
    const rzb_sl_spec spec = spec_for(ctx);
    char why[1024];
    int corrected = 0;
    for (int run = 0; run < ctx->runs; run++) {
        rzb_progress(ctx, "%g req/s, round %d/%d (rz and llama-server, ABBA)", rate, run + 1,
                     ctx->runs);
        if (!rzb_sl_round(s->t, 2, &spec, &s->corpus, rate, run, &slo, cells, why, sizeof why)) {
            rzb_result_verdict(r, RZB_SKIPPED, "round %d: %s", run + 1, why);
            return false;
        }
        bool zero = !cells[RZ].good[run] || !cells[LLAMA].good[run];
        corrected += zero;
        push_goodput(&cells[RZ], run, zero, goodput[RZ]);
        push_goodput(&cells[LLAMA], run, zero, goodput[LLAMA]);
    }
    if (corrected)
        rzb_result_note(r, "continuity correction: +0.5 request both sides in %d round(s)",
                        corrected);
    return true;
}

static void target_metrics(rzb_result *r, const char *label, const rzb_sl_cell *c) {
    rzb_sl_summary s;
    if (!rzb_sl_cell_summary(c, &slo, &s)) return;
    char name[80];
    const struct {
        const char *what;
        double v;
        const char *unit;
    } m[] = {{"goodput", s.goodput, "req/s"},          {"within SLO", 100 * s.good_fraction, "%"},
             {"TTFT p50", s.ttft.p50, "ms"},           {"TTFT p90", s.ttft.p90, "ms"},
             {"TTFT p99", s.ttft.p99, "ms"},           {"TPOT p50", s.tpot.p50, "ms"},
             {"TPOT p90", s.tpot.p90, "ms"},           {"TPOT p99", s.tpot.p99, "ms"},
             {"failed requests", s.failed, "requests"}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        snprintf(name, sizeof name, "%s: %s", label, m[i].what);
        rzb_result_metric(r, name, m[i].v, m[i].unit);
    }
    if (s.failed)
        rzb_result_note(r, "%s: %d request(s) failed, the first: %s: %s", label, s.failed,
                        s.failure[0], s.first_detail);
}

static void setup_notes(rzb_result *r, const rzb_sl_session *s) {
    for (int i = 0; i < s->n; i++)
        rzb_result_note(r, "%s: %s; version %s; CPUs %s", s->t[i].label, s->t[i].command,
                        s->t[i].version, s->t[i].cpus);
    rzb_llama_note_build(r);
}

static void measure(const rzb_context *ctx, rzb_result *r, rzb_sl_session *s) {
    char why[1024];
    const rzb_sl_spec spec = spec_for(ctx);
    bool ok = rzb_sl_warm(s->t, 2, &spec, &s->corpus, why, sizeof why);
    if (!ok) rzb_result_verdict(r, RZB_SKIPPED, "%s", why);
    int best = ok ? search(ctx, r, s, &ok) : -1;
    if (!ok) return;
    if (best < 0 && ctx->smoke) best = 0; /* the comparison's code runs all the same */
    if (best < 0) {
        rzb_result_verdict(r, RZB_INCONCLUSIVE, "llama-server met the SLO at no rate from %g req/s",
                           rates[0]);
        return;
    }
    rzb_result_metric(r, "rate compared at", rates[best], "req/s");
    rzb_series *goodput[2] = {
        rzb_result_series(r, "rz goodput", "req/s", "requests within the SLO / round time"),
        rzb_result_series(r, "llama-server goodput", "req/s",
                          "requests within the SLO / round time")};
    rzb_sl_cell cells[2] = {0};
    if (rounds(ctx, r, s, rates[best], cells, goodput)) {
        target_metrics(r, "rz", &cells[RZ]);
        target_metrics(r, "llama-server", &cells[LLAMA]);
        char what[128];
        snprintf(what, sizeof what, "goodput rz / llama-server at %g req/s", rates[best]);
        rzb_result_compare(r, goodput[LLAMA], goodput[RZ], 1 - TOLERANCE, ALPHA, what);
        rzb_result_judge(r);
    }
    rzb_sl_cell_free(&cells[RZ]);
    rzb_sl_cell_free(&cells[LLAMA]);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    rzb_sl_session s;
    if (!open_session(ctx, r, &s)) return;
    setup_notes(r, &s);
    measure(ctx, r, &s);
    rzb_sl_session_close(&s);
}

const rzb_claim rzb_claim_s3_goodput_vs_llamacpp = {
    .id = "S3",
    .title = "serving goodput at least llama-server's",
    .statement =
        "rz serve's goodput at least matches llama-server's at the rate where llama-server meets the SLO",
    .source =
        "rz's own serving target (issue 15), measured the way vLLM's benchmark_serving measures a server: open-loop Poisson arrivals, goodput under a TTFT/TPOT SLO",
    .workload =
        "the real SmolLM2-135M-Instruct Q4_1; streaming POST /v1/completions at temperature 0, prompts of 64-128 tokens cut from WikiText-2 test, max_tokens 64; ITERATIONS requests per server and round, Poisson arrivals (seed: round); both servers with 2 slots, 512 KV positions per slot, all CPUs' worth of compute threads",
    .baseline =
        "llama.cpp's own llama-server, built natively from the same source as llama-cpp-python (scripts/build-llama-cpp), started as its users start it: -m MODEL -np 2 -t CPUS -c 1024 --port P; rz serve -m MODEL --parallel 2 -t CPUS/2 --ctx 512 (its -t counts threads per worker)",
    .threshold =
        "goodput ratio rz / llama-server >= 0.95 (a 5% tolerance) at the highest of 0.5, 1, 2, 4 req/s where llama-server has >= 90% of requests within TTFT <= 1000 ms and TPOT <= 50 ms",
    .test =
        "rate search: llama-server alone, ITERATIONS requests per rate, rising until it misses the SLO; then RUNS rounds at the highest rate it met, both servers on the same requests, ABBA; per round the goodput (requests within the SLO / time from the first arrival to the last response) of each (a round where one side has none within the SLO gets half a request added on both sides); t CI (runs - 1 df) on the per-round log(rz / llama-server); TTFT and TPOT p50/p90/p99 reported beside",
    .verdict_rule =
        "one-sided at alpha 0.025 (CI95): SUPPORTED when the CI's lower bound >= 0.95; FALSIFIED when its upper bound < 0.95; INCONCLUSIVE otherwise, when llama-server meets the SLO at no rate, or by the runner's rules (fewer than 5 runs, per-run ratio CV above 10%, other load on the machine); SKIPPED without llama-server, the model or the text, or when a server fails to start, with the reason",
    .default_runs = 5,
    .default_iterations = 24,
    .default_warmup = 0,
    .default_batch = 1,
    .run = run,
};
