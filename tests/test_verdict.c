/* The ratio verdict rule and Holm's downgrade, on series with known spread. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "harness/result.h"

/* Two series over `runs` runs: fast around 1, slow around factor[k] in run k, 100 tight samples
 * per run on each side. */
static void fill_runs(rzb_result *r, const double *factor, int runs) {
    memset(r, 0, sizeof *r);
    rzb_series *f = rzb_result_series(r, "fast", "ns", "per call");
    rzb_series *s = rzb_result_series(r, "slow", "ns", "per call");
    for (int k = 0; k < runs; k++)
        for (int i = 0; i < 100; i++) {
            rzb_series_push(f, k, 1.0 + 0.001 * sin(i * 0.7));
            rzb_series_push(s, k, factor[k] * (1.0 + 0.001 * cos(i * 1.3)));
        }
}

/* Run k's slow side at factor * (1 + 0.02 * sin(k)): about 1.4% between runs. */
static void fill(rzb_result *r, double factor) {
    double f[8];
    for (int k = 0; k < 8; k++)
        f[k] = factor * (1 + 0.02 * sin(k));
    fill_runs(r, f, 8);
}

static void judge(rzb_result *r, double threshold) {
    rzb_result_compare(r, &r->series[0], &r->series[1], threshold, 0.001, "speedup");
    rzb_result_judge(r);
    rzb_result_apply_run_rules(r);
}

Test(verdict, supported_when_ci_above_threshold) {
    rzb_result r;
    fill(&r, 20);
    judge(&r, 9.6);
    cr_expect_eq(r.verdict, RZB_SUPPORTED, "%s", r.reason);
    cr_expect(strstr(r.reason, "speedup 20") != NULL, "%s", r.reason);
    cr_expect(strstr(r.reason, "99.8% CI") != NULL, "%s", r.reason);
    cr_expect_eq(r.cmp.runs, 8);
    cr_expect(r.cmp.cohen_d > 5);
    rzb_result_free(&r);
}

Test(verdict, falsified_when_ci_below_threshold) {
    rzb_result r;
    fill(&r, 3);
    judge(&r, 9.6);
    cr_expect_eq(r.verdict, RZB_FALSIFIED, "%s", r.reason);
    cr_expect(strstr(r.reason, "lies below the claimed 9.6x") != NULL, "%s", r.reason);
    rzb_result_free(&r);
}

Test(verdict, inconclusive_when_ci_straddles_threshold) {
    rzb_result r;
    fill(&r, 9.6);
    judge(&r, 9.6);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    rzb_result_free(&r);
}

/* Tight samples inside runs that disagree with each other: pooling the 1,000 samples would give a
 * narrow interval above 1; the runs alone do not decide. */
Test(verdict, spread_between_runs_is_the_evidence) {
    const double f[] = {1.30, 0.95, 1.25, 0.90, 1.20, 0.92, 1.28, 0.97, 1.22, 0.93};
    rzb_result r;
    fill_runs(&r, f, 10);
    rzb_result_compare(&r, &r.series[0], &r.series[1], 1.0, 0.025, "ratio");
    rzb_result_judge(&r);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(r.cmp.lo < 1.0 && r.cmp.hi > 1.0, "[%g, %g]", r.cmp.lo, r.cmp.hi);
    rzb_result_free(&r);
}

Test(verdict, holm_can_downgrade_supported) {
    rzb_result r;
    fill(&r, 20);
    judge(&r, 9.6);
    cr_assert_eq(r.verdict, RZB_SUPPORTED);
    rzb_result_apply_holm(&r, 0.5);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(strstr(r.reason, "Holm-adjusted one-sided p 0.5") != NULL, "%s", r.reason);
    rzb_result_free(&r);
}

Test(verdict, every_comparison_must_hold) {
    rzb_result r;
    fill(&r, 20);
    rzb_series *f2 = rzb_result_series(&r, "fast 2", "ns", "per call");
    rzb_series *s2 = rzb_result_series(&r, "slow 2", "ns", "per call");
    for (int k = 0; k < 8; k++)
        for (int i = 0; i < 10; i++) {
            rzb_series_push(f2, k, 1.0);
            rzb_series_push(s2, k, 3.0 * (1 + 0.01 * sin(k + i)));
        }
    rzb_result_compare(&r, &r.series[0], &r.series[1], 9.6, 0.001, "first");
    rzb_result_compare(&r, f2, s2, 9.6, 0.001, "second");
    rzb_result_judge(&r);
    cr_expect_eq(r.verdict, RZB_FALSIFIED, "%s", r.reason);
    cr_expect(strstr(r.reason, "second") != NULL, "%s", r.reason);
    cr_expect_eq(r.cmps[0].verdict, RZB_SUPPORTED);
    cr_expect_eq(r.cmps[1].verdict, RZB_FALSIFIED);
    rzb_result_free(&r);
}

Test(runner_rules, too_few_runs) {
    const double f[] = {20, 20.5, 19.8, 20.2};
    rzb_result r;
    fill_runs(&r, f, 4);
    judge(&r, 9.6);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(strstr(r.reason, "too few runs") != NULL, "%s", r.reason);
    cr_expect(strstr(r.reason, "would have been SUPPORTED") != NULL, "%s", r.reason);
    rzb_result_free(&r);
}

/* Runs varying by about 13% around 2.25x: against 1.8x the CI clears the threshold, but the
 * noise could move the verdict; against 1.2x it could not. */
Test(runner_rules, too_noisy_near_the_threshold) {
    const double f[] = {2.0, 2.6, 1.9, 2.5, 2.0, 2.6, 1.95, 2.55, 2.05, 2.5};
    rzb_result r;
    fill_runs(&r, f, 10);
    judge(&r, 1.8);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(strstr(r.reason, "too noisy") != NULL, "%s", r.reason);
    cr_expect(strstr(r.reason, "would have been SUPPORTED") != NULL, "%s", r.reason);
    rzb_result_free(&r);
    fill_runs(&r, f, 10);
    judge(&r, 1.2);
    cr_expect_eq(r.verdict, RZB_SUPPORTED, "%s", r.reason);
    rzb_result_free(&r);
}

Test(runner_rules, other_work_on_the_machine) {
    rzb_result r;
    fill(&r, 20);
    r.foreign_cpus = 0.8;
    judge(&r, 9.6);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(strstr(r.reason, "other work on the machine: 0.80 CPUs") != NULL, "%s", r.reason);
    rzb_result_free(&r);
}

Test(verdict, names) {
    cr_expect_str_eq(rzb_verdict_name(RZB_SUPPORTED), "SUPPORTED");
    cr_expect_str_eq(rzb_verdict_name(RZB_FALSIFIED), "FALSIFIED");
    cr_expect_str_eq(rzb_verdict_name(RZB_INCONCLUSIVE), "INCONCLUSIVE");
    cr_expect_str_eq(rzb_verdict_name(RZB_SKIPPED), "SKIPPED");
}

Test(series, run_median_cv) {
    rzb_series s;
    rzb_series_init(&s, "x", "ns", "per call");
    for (int run = 0; run < 4; run++)
        for (int i = 0; i < 5; i++)
            rzb_series_push(&s, run, run % 2 ? 110 : 90);
    rzb_series_finish(&s);
    /* run medians 90, 110, 90, 110: mean 100, sd 11.547 */
    cr_expect_float_eq(s.run_median_cv, 0.11547005, 1e-6);
    rzb_series_free(&s);
}

Test(series, run_medians_and_the_ratio_from_runs) {
    rzb_result r;
    const double f[] = {2.0, 2.2, 1.9, 2.1, 2.05};
    fill_runs(&r, f, 5);
    double med[8];
    cr_expect_eq(rzb_series_run_medians(&r.series[1], med, 8), 5);
    cr_expect_float_eq(med[2], 1.9, 1e-3);
    rzb_paired p = rzb_series_ratio(&r.series[0], &r.series[1], 1.9, 0.025);
    cr_expect_eq(p.k, 5);
    cr_expect_float_eq(p.ratio, 2.0475, 1e-3);
    cr_expect(p.lo > 1.9 && p.p_above < 0.025, "lo %g p %g", p.lo, p.p_above);
    rzb_result_free(&r);
}

/* One clean falsified comparison falsifies the claim, however noisy the others are. */
Test(runner_rules, noise_elsewhere_does_not_hide_a_falsified_comparison) {
    const double noisy[] = {2.0, 2.6, 1.9, 2.5, 2.0, 2.6, 1.95, 2.55, 2.05, 2.5};
    rzb_result r;
    fill_runs(&r, noisy, 10);
    rzb_series *f2 = rzb_result_series(&r, "fast 2", "ns", "per call");
    rzb_series *s2 = rzb_result_series(&r, "slow 2", "ns", "per call");
    for (int k = 0; k < 10; k++)
        for (int i = 0; i < 10; i++) {
            rzb_series_push(f2, k, 1.0);
            rzb_series_push(s2, k, 1.2 * (1 + 0.01 * sin(k + i)));
        }
    rzb_result_compare(&r, &r.series[0], &r.series[1], 1.8, 0.001, "noisy");
    rzb_result_compare(&r, f2, s2, 1.8, 0.001, "clean");
    rzb_result_judge(&r);
    rzb_result_apply_run_rules(&r);
    cr_expect_eq(r.verdict, RZB_FALSIFIED, "%s", r.reason);
    rzb_result_free(&r);
}
