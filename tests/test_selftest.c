/* The selftest's parts (claim H1): the calibrated delay reaches its target, the Clopper-Pearson
 * interval matches closed forms, and one repetition's judgement calls what made-up per-run
 * medians show, runner's rules included. Timing bounds are lenient: the CPU is shared. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "claims/workloads/selftest_delay.h"
#include "harness/runner.h"
#include "harness/timer.h"

/* A workload the compiler cannot remove: a dependency chain through a volatile. */
static void chain(void *ctx, uint64_t calls) {
    volatile double *x = ctx;
    for (uint64_t i = 0; i < calls; i++)
        for (int j = 0; j < 64; j++)
            *x = *x * 0.999999 + 1e-9;
}

Test(selftest, spin_reaches_its_target) {
    double best = INFINITY;
    for (int attempt = 0; attempt < 15; attempt++) {
        uint64_t t0 = rz_now_ns();
        rzb_selftest_spin(200000);
        double took = (double)(rz_now_ns() - t0);
        cr_expect_geq(took, 200000, "a spin never ends early: %.0f ns", took);
        best = fmin(best, took);
    }
    cr_expect_leq(best, 240000, "the quickest of 15 spins of 200 us took %.0f ns", best);
    uint64_t t0 = rz_now_ns();
    rzb_selftest_spin(0);
    cr_expect_lt(rz_now_ns() - t0, 1000000u, "spin(0) returns at once");
}

/* The slowdown side B achieves over side A, from calibrated medians: best of three attempts. */
static double achieved(double slowdown) {
    volatile double x = 1;
    rzb_sampling plan = {10, 200, 50};
    double best = INFINITY;
    for (int attempt = 0; attempt < 3; attempt++) {
        rzb_selftest_side a = {chain, (void *)&x, 0};
        double a_ns = rzb_selftest_median_ns(&a, &plan, 2);
        rzb_selftest_side b = {chain, (void *)&x, slowdown * a_ns};
        double got = rzb_selftest_median_ns(&b, &plan, 2) / a_ns - 1;
        if (fabs(got - slowdown) < fabs(best - slowdown)) best = got;
    }
    return best;
}

Test(selftest, calibrated_delay_achieves_its_slowdown) {
    double targets[] = {0.20, 1.0};
    for (int i = 0; i < 2; i++) {
        double got = achieved(targets[i]);
        cr_expect_leq(fabs(got - targets[i]), 0.2 * targets[i] + 0.02,
                      "target %.0f%%, achieved %.1f%%", 100 * targets[i], 100 * got);
    }
}

Test(selftest, clopper_pearson_matches_closed_forms) {
    double lo, hi;
    rzb_selftest_rate_ci(19, 20, 0.95, &lo, &hi);
    /* Upper: the 0.975 quantile of Beta(20, 1), x^20 = 0.975. Lower: the 0.025 quantile of
     * Beta(19, 2), whose CDF is x^19 (20 - 19 x); by hand 0.7513. */
    cr_expect_float_eq(hi, pow(0.975, 1.0 / 20), 1e-9, "hi %.9f", hi);
    cr_expect_float_eq(pow(lo, 19) * (20 - 19 * lo), 0.025, 1e-9, "lo %.9f", lo);
    cr_expect_float_eq(lo, 0.7513, 1e-4, "lo %.6f", lo);
    rzb_selftest_rate_ci(0, 20, 0.95, &lo, &hi);
    cr_expect_eq(lo, 0);
    cr_expect_float_eq(hi, 1 - pow(0.025, 1.0 / 20), 1e-9, "0/20 hi %.6f (0.1684)", hi);
    rzb_selftest_rate_ci(20, 20, 0.95, &lo, &hi);
    cr_expect_float_eq(lo, pow(0.025, 1.0 / 20), 1e-9, "20/20 lo %.6f (0.8316)", lo);
    cr_expect_eq(hi, 1);
    rzb_selftest_rate_ci(0, 0, 0.95, &lo, &hi);
    cr_expect(isnan(lo) && isnan(hi));
}

/* A repetition from made-up per-run medians: side A about 100 ns, side B `factor` times as long
 * in run k times (1 + wobble * sin(k)); one value per run is that run's median. */
static rzb_selftest_outcome judge(rzb_result *r, int runs, double factor, double wobble,
                                  double foreign_cpus) {
    memset(r, 0, sizeof *r);
    rzb_series *a = rzb_result_series(r, "side A", "ns", "made up");
    rzb_series *b = rzb_result_series(r, "side B", "ns", "made up");
    for (int k = 0; k < runs; k++) {
        double base = 100 * (1 + 0.01 * cos(k));
        rzb_series_push(a, k, base);
        rzb_series_push(b, k, base * factor * (1 + wobble * sin(k)));
    }
    r->foreign_cpus = foreign_cpus;
    rzb_selftest_outcome o = rzb_selftest_judge(r, 0.001);
    rzb_result_free(r);
    return o;
}

Test(selftest, detects_a_2x_slowdown) {
    rzb_result r;
    rzb_selftest_outcome o = judge(&r, 10, 2.0, 0.01, 0);
    cr_expect_eq(o.test, RZB_SUPPORTED);
    cr_expect_eq(o.verdict, RZB_SUPPORTED, "%s", r.reason);
    cr_expect_float_eq(o.ratio, 2.0, 0.01, "ratio %.4f", o.ratio);
    cr_expect_float_eq(o.a_ns, 100, 1, "side A's median %.3f ns", o.a_ns);
    cr_expect(o.lo > 1.9 && o.hi < 2.1 && o.p_slower < 0.001, "[%g, %g]", o.lo, o.hi);
}

Test(selftest, aa_calls_no_difference_and_a_faster_b_is_called) {
    rzb_result r;
    rzb_selftest_outcome same = judge(&r, 10, 1.0, 0.01, 0);
    cr_expect_eq(same.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    rzb_selftest_outcome faster = judge(&r, 10, 0.5, 0.01, 0);
    cr_expect_eq(faster.verdict, RZB_FALSIFIED, "%s", r.reason);
    cr_expect_lt(faster.p_faster, 0.001);
}

Test(selftest, runner_rules_refuse_a_clear_difference) {
    rzb_result r;
    rzb_selftest_outcome busy = judge(&r, 10, 2.0, 0.01, 1.0);
    cr_expect_eq(busy.test, RZB_SUPPORTED);
    cr_expect_eq(busy.verdict, RZB_INCONCLUSIVE);
    cr_expect(strstr(r.reason, "other work on the machine") != NULL, "%s", r.reason);
    cr_expect_float_eq(busy.foreign_cpus, 1.0, 1e-12);
    cr_expect(busy.busy);
    /* Per-run ratios that vary by about 20%, the threshold within three of their sd. */
    rzb_selftest_outcome noisy = judge(&r, 20, 1.42, 0.3, 0);
    cr_expect_eq(noisy.test, RZB_SUPPORTED);
    cr_expect_gt(noisy.ratio_cv, 0.10);
    cr_expect_eq(noisy.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(!noisy.busy);
    rzb_selftest_outcome few = judge(&r, 4, 2.0, 0.01, 0);
    cr_expect_eq(few.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
}

/* Counts the calls it is asked for. */
static void count_calls(void *ctx, uint64_t calls) {
    *(uint64_t *)ctx += calls;
}

Test(runner, warmup_untimed_then_one_sample_per_batch) {
    uint64_t calls = 0;
    rzb_sampling plan = {.warmup = 3, .iterations = 5, .batch = 4};
    rzb_series out;
    rzb_series_init(&out, "count", "ns", "per call");
    rzb_sample_run(&plan, count_calls, &calls, 2, &out);
    cr_expect_eq(calls, 3 + 5 * 4, "three single warm-up calls, then five batches of four");
    cr_assert_eq(out.n, 5, "warm-up calls leave no sample");
    for (size_t i = 0; i < out.n; i++) {
        cr_expect_eq(out.run[i], 2);
        cr_expect(out.values[i] >= 0 && isfinite(out.values[i]), "%g", out.values[i]);
    }
    rzb_series_free(&out);
}

Test(runner, timer_overhead_is_a_whole_number_of_ns) {
    double ns = rzb_timer_overhead_ns();
    cr_expect(ns >= 0 && ns == floor(ns) && ns < 1e9, "%g", ns);
}
