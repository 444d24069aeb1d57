/* Claim H1: the harness tests itself. Repetitions of a miniature claim comparison of rz's P1
 * workload against itself (A/A) and against itself slowed by a calibrated delay (5%, 20%, 2x),
 * each judged exactly as the claims are; the rates of called differences and detections, with
 * exact CIs. `rzbench selftest` runs it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/workloads/logreg_predict.h"
#include "claims/workloads/selftest_delay.h"
#include "harness/claim.h"
#include "harness/load.h"
#include "harness/timer.h"

enum { RUNS_PER_REP = 20, CALIBRATION_RUNS = 3, N_SCENARIOS = 4 };
#define ALPHA 0.001      /* the claims' one-sided level: their 99.8% CIs */
#define DIAG_ALPHA 0.025 /* a 95% CI, reported beside as a diagnostic */

typedef struct {
    const char *name;
    double slowdown; /* the delay, as a fraction of the workload's calibrated time */
    double need;     /* A/A: the highest rate of called differences; else the lowest detection */
} scenario;

static const scenario scenarios[N_SCENARIOS] = {
    {"A/A", 0, 0.05},
    {"slowdown 5%", 0.05, 0.95},
    {"slowdown 20%", 0.20, 1.0},
    {"slowdown 2x", 1.0, 1.0},
};

/* What the repetitions of one scenario gave. */
typedef struct {
    int n;
    int hits;          /* called (A/A) or detected, runner's rules applied */
    int test_hits;     /* the same by the test alone */
    int diag_hits;     /* the same by the test alone at DIAG_ALPHA */
    int refused_load;  /* test hits the runner's rules refused with foreign load over the bound */
    int refused_noise; /* test hits refused for the ratio CV alone (the runs are fixed) */
    double log_ratio_sum;
    double max_ratio_cv; /* the noisiest repetition's sd of per-run log-ratios */
    rzb_series *ratios;
} tally;

/* One selftest: the workload, its calibration, and what the repetitions gave. */
typedef struct {
    const rzb_context *ctx;
    rzb_logreg_workload *w;
    double work_ns; /* the workload's median ns per call: the calibration's, then side A's in the
                       repetition before, so that a delay stays its share of what A takes now */
    double foreign_bound; /* the runner's load bound for this run */
    tally t[N_SCENARIOS];
    rzb_series *load; /* other work during each repetition, every scenario */
    rzb_series *work; /* side A's median per call in each repetition, every scenario */
} selftest;

static bool is_hit(const scenario *sc, rzb_verdict v) {
    return sc->slowdown > 0 ? v == RZB_SUPPORTED : v == RZB_SUPPORTED || v == RZB_FALSIFIED;
}

static bool is_diag_hit(const scenario *sc, const rzb_selftest_outcome *o) {
    return o->p_slower < DIAG_ALPHA || (sc->slowdown == 0 && o->p_faster < DIAG_ALPHA);
}

static void count(tally *t, const scenario *sc, const rzb_selftest_outcome *o, int rep) {
    t->n++;
    t->hits += is_hit(sc, o->verdict);
    t->diag_hits += is_diag_hit(sc, o);
    if (is_hit(sc, o->test)) {
        t->test_hits++;
        bool refused = o->verdict == RZB_INCONCLUSIVE;
        t->refused_load += refused && o->busy;
        t->refused_noise += refused && !o->busy;
    }
    t->log_ratio_sum += log(o->ratio);
    t->max_ratio_cv = fmax(t->max_ratio_cv, o->ratio_cv);
    rzb_series_push(t->ratios, rep, o->ratio);
}

/* One repetition: RUNS_PER_REP runs in ABBA order of sides A and B, judged like a claim. */
static rzb_selftest_outcome repetition(rzb_selftest_side side[2], const rzb_sampling *plan,
                                       double foreign_bound, rzb_result *mini) {
    memset(mini, 0, sizeof *mini);
    mini->foreign_bound = foreign_bound;
    rzb_series *s[2] = {rzb_result_series(mini, "side A", "ns", "batched"),
                        rzb_result_series(mini, "side B", "ns", "batched")};
    rzb_load load;
    rzb_load_mark(&load);
    for (int run = 0; run < RUNS_PER_REP; run++)
        for (int i = 0; i < 2; i++) {
            int which = run % 2 ? 1 - i : i;
            rzb_sample_run(plan, rzb_selftest_body, &side[which], run, s[which]);
        }
    mini->foreign_cpus = rzb_load_foreign_cpus(&load, NULL);
    rzb_selftest_outcome o = rzb_selftest_judge(mini, ALPHA);
    rzb_result_free(mini);
    return o;
}

/* Repetitions interleaved across the scenarios, so a change of load hits them alike. */
static void repeat(selftest *st) {
    const rzb_context *ctx = st->ctx;
    rzb_sampling plan = {ctx->warmup, ctx->iterations, ctx->batch};
    rzb_result *mini = calloc(1, sizeof *mini);
    if (!mini) abort();
    for (int rep = 0; rep < ctx->runs; rep++)
        for (int i = 0; i < N_SCENARIOS; i++) {
            rzb_progress(ctx, "repetition %d/%d: %s", rep + 1, ctx->runs, scenarios[i].name);
            rzb_selftest_side side[2] = {
                {rzb_logreg_workload_body, st->w, 0},
                {rzb_logreg_workload_body, st->w, scenarios[i].slowdown * st->work_ns},
            };
            rzb_selftest_outcome o = repetition(side, &plan, st->foreign_bound, mini);
            count(&st->t[i], &scenarios[i], &o, rep);
            rzb_series_push(st->load, rep, o.foreign_cpus);
            rzb_series_push(st->work, rep, o.a_ns);
            if (isfinite(o.a_ns) && o.a_ns > 0) st->work_ns = o.a_ns;
        }
    free(mini);
}

static void metric(rzb_result *r, const scenario *sc, const char *what, double v,
                   const char *unit) {
    char name[80];
    snprintf(name, sizeof name, "%s: %s", sc->name, what);
    rzb_result_metric(r, name, v, unit);
}

static void report_tally(rzb_result *r, const scenario *sc, const tally *t) {
    double lo, hi;
    rzb_selftest_rate_ci(t->hits, t->n, 0.95, &lo, &hi);
    const char *rate = sc->slowdown > 0 ? "detection rate" : "rate of called differences";
    char what[64];
    metric(r, sc, rate, 100.0 * t->hits / t->n, "%");
    snprintf(what, sizeof what, "%s, CI95 low", rate);
    metric(r, sc, what, 100 * lo, "%");
    snprintf(what, sizeof what, "%s, CI95 high", rate);
    metric(r, sc, what, 100 * hi, "%");
    metric(r, sc, "rate by the test alone", 100.0 * t->test_hits / t->n, "%");
    metric(r, sc, "rate by the test alone at 95%", 100.0 * t->diag_hits / t->n, "%");
    metric(r, sc, "refused by the runner: load", t->refused_load, "repetitions");
    metric(r, sc, "refused by the runner: ratio CV", t->refused_noise, "repetitions");
    metric(r, sc, "achieved slowdown", 100 * (exp(t->log_ratio_sum / t->n) - 1), "%");
    metric(r, sc, "largest per-run ratio CV in a repetition", 100 * t->max_ratio_cv, "%");
}

static bool meets(const scenario *sc, int hits, int n) {
    double rate = (double)hits / n;
    return sc->slowdown > 0 ? rate >= sc->need - 1e-12 : rate <= sc->need + 1e-12;
}

/* Appends "A/A 1/20 (5%, CI95 [0.1, 24.9]%, needs <= 5%)" to out. */
static void rate_text(char *out, size_t cap, const scenario *sc, const tally *t) {
    double lo, hi;
    rzb_selftest_rate_ci(t->hits, t->n, 0.95, &lo, &hi);
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%s %d/%d (%.0f%%, CI95 [%.1f, %.1f]%%, needs %s %.0f%%)",
             used ? "; " : "", sc->name, t->hits, t->n, 100.0 * t->hits / t->n, 100 * lo, 100 * hi,
             sc->slowdown > 0 ? ">=" : "<=", 100 * sc->need);
}

/* The CI of a perfect score at n repetitions, as a reminder of what n can show. */
static void limits_text(char *out, size_t cap, int n) {
    double lo, hi, lo0, hi0;
    rzb_selftest_rate_ci(n, n, 0.95, &lo, &hi);
    rzb_selftest_rate_ci(0, n, 0.95, &lo0, &hi0);
    snprintf(
        out, cap,
        "; at %d repetitions the CIs are wide: %d/%d bounds a rate only above %.1f%%, 0/%d only below %.1f%% (--runs sets the repetitions)",
        n, n, n, 100 * lo, n, 100 * hi0);
}

/* SUPPORTED when every rate meets its bound; INCONCLUSIVE when the only misses are detections
 * the runner refused for other work on the machine; FALSIFIED otherwise, naming the misses. */
static void verdict(rzb_result *r, const tally t[N_SCENARIOS]) {
    char rates[640] = "", missed[160] = "", limits[192];
    bool load_only = true;
    for (int i = 0; i < N_SCENARIOS; i++) {
        const scenario *sc = &scenarios[i];
        rate_text(rates, sizeof rates, sc, &t[i]);
        if (meets(sc, t[i].hits, t[i].n)) continue;
        size_t used = strlen(missed);
        snprintf(missed + used, sizeof missed - used, "%s%s", used ? ", " : "", sc->name);
        load_only =
            load_only && sc->slowdown > 0 && meets(sc, t[i].hits + t[i].refused_load, t[i].n);
    }
    limits_text(limits, sizeof limits, t[0].n);
    if (!*missed)
        rzb_result_verdict(r, RZB_SUPPORTED, "every rate meets its bound: %s%s", rates, limits);
    else if (load_only)
        rzb_result_verdict(
            r, RZB_INCONCLUSIVE,
            "%s missed only because the runner refused repetitions for other work on the machine (above %.2f CPUs): %s",
            missed, r->foreign_bound, rates);
    else
        rzb_result_verdict(r, RZB_FALSIFIED, "%s missed: %s%s", missed, rates, limits);
}

static void calibration_report(rzb_result *r, const rzb_context *ctx, const rzb_logreg_workload *w,
                               double work_ns) {
    rzb_result_metric(r, "workload time per call (calibration median)", work_ns, "ns");
    for (int i = 1; i < N_SCENARIOS; i++)
        metric(r, &scenarios[i], "delay per call, first repetition",
               scenarios[i].slowdown * work_ns, "ns");
    rzb_result_metric(r, "repetitions per scenario", ctx->runs, "");
    rzb_result_metric(r, "timer overhead (one clock pair)", rzb_timer_overhead_ns(), "ns");
    rzb_result_note(
        r,
        "workload: rz predict on %s (backend %s), batched samples of %llu calls; side B adds a spin on the monotonic clock of the scenario's share of the workload's median time per call: side A's in the repetition before (the calibration's for the first), which keeps the injected slowdown what it says when the workload's speed drifts (claims/workloads/selftest_delay.c only)",
        w->path, w->backend->name, (unsigned long long)ctx->batch);
    rzb_result_note(
        r,
        "one repetition: %d runs in ABBA order, each side %d samples after %d warm-up calls; per-run medians, t on the log-ratios with %d df, alpha %.3g one-sided (the claims' level); then the runner's rules on that repetition's own load (/proc/stat counts in 10-ms ticks: a repetition of 0.4 s or more resolves a quarter of a CPU)",
        RUNS_PER_REP, ctx->iterations, ctx->warmup, RUNS_PER_REP - 1, ALPHA);
}

static void run(const rzb_context *ctx, rzb_result *r) {
    rzb_logreg_workload w;
    if (!rzb_logreg_workload_open(&w, r)) return;
    rzb_progress(ctx, "calibrating the delay");
    rzb_sampling plan = {ctx->warmup, ctx->iterations, ctx->batch};
    rzb_selftest_side plain = {rzb_logreg_workload_body, &w, 0};
    selftest st = {.ctx = ctx, .w = &w, .foreign_bound = r->foreign_bound};
    st.work_ns = rzb_selftest_median_ns(&plain, &plan, CALIBRATION_RUNS);
    calibration_report(r, ctx, &w, st.work_ns);
    for (int i = 0; i < N_SCENARIOS; i++) {
        char label[64];
        snprintf(label, sizeof label, "B / A ratio, %s", scenarios[i].name);
        st.t[i].ratios =
            rzb_result_series(r, label, "x", "geometric mean of one repetition's runs");
    }
    st.load = rzb_result_series(r, "other work during a repetition", "CPUs",
                                "/proc/stat less rzbench's own time, every scenario");
    st.work = rzb_result_series(r, "side A per call", "ns",
                                "median of one repetition's samples, every scenario");
    repeat(&st);
    rzb_logreg_workload_close(&w);
    for (int i = 0; i < N_SCENARIOS; i++)
        report_tally(r, &scenarios[i], &st.t[i]);
    verdict(r, st.t);
}

const rzb_claim rzb_claim_h1_harness_selftest = {
    .id = "H1",
    .title = "the harness calls no false differences, finds real ones",
    .statement =
        "A/A: rz against itself, at least 20 repetitions of a short workload, calls a difference at most 5% of the time; injected slowdowns of 5%, 20% and 2x are detected at least 95%, 100% and 100% of the time",
    .source = "rzbench's own acceptance criterion (the harness tests itself)",
    .workload =
        "P1's workload (rz predict on mnist_784x2.apr, batched samples) on both sides; side B adds a delay that spins on the monotonic clock for 0%, 5%, 20% or 100% of the workload's median time per call (side A's in the repetition before; a calibration's for the first), in a selftest-only workload",
    .baseline = "rz itself (A/A), or rz slowed by the calibrated delay, in the same repetition",
    .threshold =
        "A/A: differences called in <= 5% of repetitions; detections >= 95% (5%), 100% (20%), 100% (2x)",
    .test =
        "one repetition is a miniature claim comparison: 20 runs in ABBA order, per-run medians, t on the per-run log-ratios (19 df), threshold 1 at alpha 0.001 one-sided (the claims' level), then the runner's rules (runs, ratio CV, foreign load during the repetition); A/A calls a difference when either one-sided test rejects, a slowdown is detected when 'B slower' is SUPPORTED; --runs sets the repetitions per scenario (default 20), --iterations the samples per run side; rates with 95% Clopper-Pearson CIs",
    .verdict_rule =
        "SUPPORTED when every rate meets its bound; FALSIFIED when one misses (named); INCONCLUSIVE when the only misses are repetitions the runner refused for other work on the machine; SKIPPED without the model",
    .default_runs = 20,
    .default_iterations = 500,
    .default_warmup = 50,
    .default_batch = 1000,
    .run = run,
};
