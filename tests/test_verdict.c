/* The ratio verdict rule and Holm's downgrade, on series with known spread. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "harness/result.h"

/* Two series: fast around 1, slow around `factor`, 400 samples each over 4 runs. */
static void fill(rzb_result *r, double factor) {
    memset(r, 0, sizeof *r);
    rzb_series *f = rzb_result_series(r, "fast", "ns", "per call");
    rzb_series *s = rzb_result_series(r, "slow", "ns", "per call");
    for (int i = 0; i < 400; i++) {
        double jitter = 1.0 + 0.02 * sin(i * 0.7);
        rzb_series_push(f, i / 100, jitter);
        rzb_series_push(s, i / 100, factor * (1.0 + 0.02 * cos(i * 1.3)));
    }
    rzb_series_finish(f);
    rzb_series_finish(s);
}

Test(verdict, supported_when_ci_above_threshold) {
    rzb_result r;
    fill(&r, 20);
    rzb_result_compare(&r, 0, 1, 9.6, 0.001);
    rzb_result_judge_ratio(&r, "speedup");
    cr_expect_eq(r.verdict, RZB_SUPPORTED, "%s", r.reason);
    cr_expect(strstr(r.reason, "speedup 20") != NULL, "%s", r.reason);
    cr_expect(r.cmp.cohen_d > 5);
    rzb_result_free(&r);
}

Test(verdict, falsified_when_ci_below_threshold) {
    rzb_result r;
    fill(&r, 3);
    rzb_result_compare(&r, 0, 1, 9.6, 0.001);
    rzb_result_judge_ratio(&r, "speedup");
    cr_expect_eq(r.verdict, RZB_FALSIFIED, "%s", r.reason);
    cr_expect(strstr(r.reason, "lies below the claimed 9.6x") != NULL, "%s", r.reason);
    rzb_result_free(&r);
}

Test(verdict, inconclusive_when_ci_straddles_threshold) {
    rzb_result r;
    fill(&r, 9.6);
    rzb_result_compare(&r, 0, 1, 9.6, 0.001);
    rzb_result_judge_ratio(&r, "speedup");
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    rzb_result_free(&r);
}

Test(verdict, holm_can_downgrade_supported) {
    rzb_result r;
    fill(&r, 20);
    rzb_result_compare(&r, 0, 1, 9.6, 0.001);
    rzb_result_judge_ratio(&r, "speedup");
    cr_assert_eq(r.verdict, RZB_SUPPORTED);
    rzb_result_apply_holm(&r, 0.5);
    cr_expect_eq(r.verdict, RZB_INCONCLUSIVE, "%s", r.reason);
    cr_expect(strstr(r.reason, "Holm-adjusted p = 0.5") != NULL, "%s", r.reason);
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
