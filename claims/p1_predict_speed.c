/* Claim P1: rz predicts 9.6x faster than PyTorch on CPU (MNIST logistic regression, batch 1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/claim.h"
#include "claims/workloads/logreg_predict.h"
#include "harness/runner.h"
#include "harness/baseline.h"
#include "harness/timer.h"

enum { RZ_CALL, TORCH_CALL, RZ_BATCH, TORCH_BATCH };

/* Starts the PyTorch helper and records its versions; false with the reason in `why`. */
static bool torch_start(const rzb_context *ctx, const char *model, rzb_baseline *torch,
                        rzb_result *r, char *why, size_t cap) {
    char *args[] = {(char *)model, NULL};
    rzb_cpus one;
    rzb_cpus_one(&one, ctx->pin->pu >= 0 ? ctx->pin->pu : 0);
    if (!rzb_baseline_start(torch, ctx, "torch_logreg.py", args, &one, why, cap)) return false;
    rzb_result_note(
        r,
        "baseline: PyTorch %s on Python %s, torch threads %.0f, inference mode, on CPU %s (the measuring thread's)",
        rzb_baseline_info(torch, "torch"), rzb_baseline_info(torch, "python"),
        rzb_baseline_number(torch, "threads"), torch->cpus);
    rzb_result_metric(r, "PyTorch p for the P1 input", rzb_baseline_number(torch, "p"),
                      "probability");
    return true;
}

static void run(const rzb_context *ctx, rzb_result *r) {
    rzb_logreg_workload w;
    if (!rzb_logreg_workload_open(&w, r)) return;
    float p = rz_logreg_predict(&w.model, w.x);
    rzb_result_metric(r, "rz p for the P1 input", p, "probability");
    rzb_result_note(
        r, "model: %s (real weights, %zu features); rz backend %s; input x[j] = (j %% 256) / 255",
        w.path, w.model.n_features, w.backend->name);

    rzb_series *rz_call = rzb_result_series(r, "rz predict", "ns", "per call, timer included");
    rzb_series *torch_call =
        rzb_result_series(r, "PyTorch predict", "ns", "per call, timer included");
    char method[96];
    snprintf(method, sizeof method, "batched, %llu calls per sample",
             (unsigned long long)ctx->batch);
    rzb_series *rz_batch = rzb_result_series(r, "rz predict (batched)", "ns", method);
    rzb_series *torch_batch = rzb_result_series(r, "PyTorch predict (batched)", "ns", method);

    rzb_baseline helper;
    char torch_why[1024] = "";
    bool torch = torch_start(ctx, w.path, &helper, r, torch_why, sizeof torch_why);
    int batched_samples = ctx->iterations / 100 > 0 ? ctx->iterations / 100 : 1;
    rzb_sampling per_call = {ctx->warmup, ctx->iterations, 1};
    rzb_sampling batched = {0, batched_samples, ctx->batch};
    rzb_counters counters;
    for (int run_i = 0; run_i < ctx->runs; run_i++) {
        rzb_progress(ctx, "run %d/%d: rz", run_i + 1, ctx->runs);
        rzb_counters_start(&counters);
        rzb_sample_run(&per_call, rzb_logreg_workload_body, &w, run_i, rz_call);
        rzb_counters_stop(&counters);
        rzb_counters_add(&r->counters, &counters);
        rzb_sample_run(&batched, rzb_logreg_workload_body, &w, run_i, rz_batch);
        if (!torch) continue;
        rzb_progress(ctx, "run %d/%d: PyTorch", run_i + 1, ctx->runs);
        char per_call_req[64], batched_req[64];
        snprintf(per_call_req, sizeof per_call_req, "run %d %d 1", ctx->iterations, ctx->warmup);
        snprintf(batched_req, sizeof batched_req, "run %d 0 %llu", batched_samples,
                 (unsigned long long)ctx->batch);
        if (!rzb_baseline_sample(&helper, per_call_req, ctx->iterations, 1, run_i, torch_call) ||
            !rzb_baseline_sample(&helper, batched_req, batched_samples, 1, run_i, torch_batch)) {
            snprintf(torch_why, sizeof torch_why, "PyTorch helper stopped answering in run %d",
                     run_i + 1);
            torch = false;
        }
    }
    rzb_baseline_stop(&helper);
    rzb_result_metric(r, "timer overhead (one clock pair)", rzb_timer_overhead_ns(), "ns");
    rzb_result_metric(r, "published rz latency", 0.52, "us");
    rzb_result_metric(r, "published PyTorch latency", 5.00, "us");
    if (!torch) {
        rzb_result_verdict(r, RZB_SKIPPED, "baseline missing: %s", torch_why);
    } else {
        rzb_paired b = rzb_series_ratio(rz_batch, torch_batch, 9.6, 0.001);
        rzb_result_metric(r, "speedup, batched timing", b.ratio, "x");
        rzb_result_metric(r, "speedup, batched timing, CI99.8 low", b.lo, "x");
        rzb_result_metric(r, "speedup, batched timing, CI99.8 high", b.hi, "x");
        rzb_result_compare(r, rz_call, torch_call, 9.6, 0.001,
                           "per-call speedup (PyTorch / rz, per-run medians)");
        rzb_result_judge(r);
    }
    rzb_logreg_workload_close(&w);
}

const rzb_claim rzb_claim_p1_predict_speed = {
    .id = "P1",
    .title = "CPU predict 9.6x faster than PyTorch",
    .statement =
        "9.6x faster than PyTorch for CPU inference: 0.52 us vs 5.00 us; MNIST, batch 1, 1 thread, 10,000 iterations, 50 warm-up; p < 0.001 (two-sample t-test), Cohen's d = 5.19, 95% CI [0.50, 0.54] us",
    .source = "realizar design rationale (paiml/realizar), claim P1",
    .workload =
        "mnist_784x2.apr (aprender LogisticRegression, 784 -> 1 probability, real weights); input x[j] = (j % 256) / 255; batch 1; measuring thread pinned",
    .baseline =
        "PyTorch nn.Linear(784, 2) + sigmoid holding the same weights, torch.set_num_threads(1), inference mode, in a helper process pinned to the same core and sampled in the same run, alternating runs with rz",
    .threshold = "speedup (PyTorch p50 / rz p50, per-call samples) >= 9.6x at alpha 0.001",
    .test =
        "per run: 50 warm-up calls, then per-call samples (timer included on both sides) and batched samples (K calls per sample); the unit of evidence is the run: per-run medians, log-ratio per run, t with runs - 1 degrees of freedom; one-sided test of ratio >= 9.6 at alpha 0.001, the level of each bound of the 99.8% CI",
    .verdict_rule =
        "SUPPORTED when the ratio's CI lower bound >= 9.6 (one-sided p < 0.001); FALSIFIED when its upper bound < 9.6; INCONCLUSIVE otherwise or under the runner's rules (runs, noise, load); SKIPPED without the model or PyTorch",
    .default_runs = 10,
    .default_iterations = 10000,
    .default_warmup = 50,
    .default_batch = 1000,
    .run = run,
};
