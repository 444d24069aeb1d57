/* Claim R2: benchmarks are reproducible within 5% variance (run to run). */
#include <math.h>
#include <stdio.h>

#include "claims/workloads/logreg_predict.h"
#include "harness/claim.h"
#include "harness/runner.h"

static void run(const rzb_context *ctx, rzb_result *r) {
    rzb_logreg_workload w;
    if (!rzb_logreg_workload_open(&w, r)) return;
    char method[96];
    snprintf(method, sizeof method, "batched, %llu calls per sample",
             (unsigned long long)ctx->batch);
    rzb_series *s = rzb_result_series(r, "rz predict (P1 workload)", "ns", method);
    rzb_sampling plan = {ctx->warmup, ctx->iterations, ctx->batch};
    for (int run_i = 0; run_i < ctx->runs; run_i++) {
        rzb_progress(ctx, "run %d/%d", run_i + 1, ctx->runs);
        rzb_sample_run(&plan, rzb_logreg_workload_body, &w, run_i, s);
    }
    rzb_series_finish(s);
    rzb_logreg_workload_close(&w);
    double cv = s->run_median_cv;
    rzb_result_metric(r, "CV of the run medians", 100 * cv, "%");
    rzb_result_metric(r, "runs", ctx->runs, "");
    rzb_result_metric(r, "threshold", 5, "%");
    rzb_result_note(
        r, "P1's workload (real model), %d runs of %d batched samples, measuring thread pinned: %s",
        ctx->runs, ctx->iterations, ctx->pin->detail);
    if (ctx->runs < RZB_MIN_RUNS || isnan(cv))
        rzb_result_verdict(r, RZB_INCONCLUSIVE, "too few runs: %d (the runner needs at least %d)",
                           ctx->runs, RZB_MIN_RUNS);
    else if (cv < 0.05)
        rzb_result_verdict(r, RZB_SUPPORTED, "run medians vary by %.2f%% (CV over %d runs) < 5%%",
                           100 * cv, ctx->runs);
    else
        rzb_result_verdict(r, RZB_FALSIFIED, "run medians vary by %.2f%% (CV over %d runs) >= 5%%",
                           100 * cv, ctx->runs);
}

const rzb_claim rzb_claim_r2_run_to_run_variance = {
    .id = "R2",
    .title = "benchmarks reproducible within 5%",
    .statement = "benchmarks reproducible within 5% variance",
    .source = "realizar design rationale (paiml/realizar), claim R2",
    .workload = "P1's workload: rz predict on mnist_784x2.apr, batched samples",
    .baseline = "none: the runs are compared with each other",
    .threshold = "coefficient of variation of the per-run medians < 5%",
    .test =
        "10 runs of batched samples, each after its own warm-up; CV = sd / mean of the run medians",
    .verdict_rule =
        "SUPPORTED when the CV < 5%, FALSIFIED when >= 5%, INCONCLUSIVE with fewer than 5 runs",
    .default_runs = 10,
    .default_iterations = 200,
    .default_warmup = 50,
    .default_batch = 1000,
    .run = run,
};
