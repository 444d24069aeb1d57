/* Statistics: values checked against independent computations (Python, by hand). */
#include <criterion/criterion.h>
#include <math.h>

#include "harness/stats.h"

static const double a[] = {1.1, 1.3, 0.9, 1.2, 1.0, 1.15, 1.05};
static const double b[] = {2.0, 2.4, 1.9, 2.2, 2.6, 2.1};

Test(stats, summary_of_known_data) {
    const double x[] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 100};
    rzb_summary s;
    rzb_summarize(x, 10, &s);
    cr_expect_eq(s.n, 10);
    cr_expect_float_eq(s.mean, 14.5, 1e-12);
    cr_expect_float_eq(s.median, 5.5, 1e-12);
    cr_expect_float_eq(s.sd, 30.152390728873666, 1e-9);
    cr_expect_float_eq(s.mad, 3.7065, 1e-9);
    cr_expect_float_eq(s.min, 1, 0);
    cr_expect_float_eq(s.max, 100, 0);
    cr_expect_eq(s.outliers_high, 1, "100 lies beyond q3 + 1.5 IQR");
    cr_expect_eq(s.outliers_low, 0);
    cr_expect(0 < s.ci_lo && s.ci_lo < s.median && s.median < s.ci_hi,
              "log-scale CI around the geometric mean");
    cr_expect_float_eq(x[0], 5, 0, "input left in its order");
}

Test(stats, cohen_d_on_log_times) {
    cr_expect_float_eq(rzb_cohen_d_log(a, 7, b, 6), 5.811822926530646, 1e-9);
}

Test(stats, holm_adjustment) {
    const double p[] = {0.01, 0.04, 0.03, 0.005};
    double adj[4];
    rzb_holm(p, 4, adj);
    /* sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone 0.06 */
    cr_expect_float_eq(adj[3], 0.02, 1e-12);
    cr_expect_float_eq(adj[0], 0.03, 1e-12);
    cr_expect_float_eq(adj[2], 0.06, 1e-12);
    cr_expect_float_eq(adj[1], 0.06, 1e-12);
}

Test(stats, identical_samples_give_no_effect) {
    cr_expect_float_eq(rzb_cohen_d_log(a, 7, a, 7), 0.0, 1e-12);
}

Test(stats, empty_and_tiny_inputs) {
    rzb_summary s;
    rzb_summarize(NULL, 0, &s);
    cr_expect(isnan(s.mean));
    cr_expect(isnan(rzb_cohen_d_log(a, 1, b, 6)));
}

/* Reference: mpmath's regularized incomplete beta for the t distribution with 4 degrees of
 * freedom (t quantile 0.975 = 2.7764451052). */
Test(stats, paired_log_ratio_matches_reference) {
    const double slow[] = {2.0, 2.2, 1.9, 2.1, 2.05}, fast[] = {1, 1, 1, 1, 1};
    rzb_paired t = rzb_paired_log_ratio(slow, fast, 5, 1.9, 0.025);
    cr_expect_eq(t.k, 5);
    cr_expect_float_eq(t.ratio, 2.0475564631507477, 1e-12);
    cr_expect_float_eq(t.lo, 1.9132382733400248, 1e-9);
    cr_expect_float_eq(t.hi, 2.1913044121114025, 1e-9);
    cr_expect_float_eq(t.p_above, 0.0188187757648673, 1e-9);
    cr_expect_float_eq(t.p_below, 0.981181224235133, 1e-9);
    cr_expect_float_eq(t.sd_log, 0.05464431246103524, 1e-12);
}

Test(stats, paired_test_is_at_the_level_of_its_interval) {
    const double slow[] = {2.0, 2.2, 1.9, 2.1, 2.05}, fast[] = {1, 1, 1, 1, 1};
    for (double thr = 1.8; thr < 2.3; thr += 0.01) {
        rzb_paired t = rzb_paired_log_ratio(slow, fast, 5, thr, 0.025);
        cr_expect_eq(t.lo > thr, t.p_above < 0.025, "threshold %g: lo %g, p %g", thr, t.lo,
                     t.p_above);
        cr_expect_eq(t.hi < thr, t.p_below < 0.025, "threshold %g: hi %g, p %g", thr, t.hi,
                     t.p_below);
    }
}

Test(stats, paired_needs_two_runs) {
    const double one[] = {2.0};
    rzb_paired t = rzb_paired_log_ratio(one, one, 1, 1, 0.025);
    cr_expect(isnan(t.lo) && isnan(t.p_above));
}

Test(stats, time_intervals_never_go_below_zero) {
    const double x[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 500};
    rzb_summary s;
    rzb_summarize(x, 10, &s);
    cr_expect(s.ci_lo > 0, "CI [%g, %g]", s.ci_lo, s.ci_hi);
    double g, lo, hi;
    cr_assert(rzb_log_mean_ci(x, 10, 0.95, &g, &lo, &hi));
    cr_expect(lo > 0 && lo < g && g < hi);
}

Test(stats, median_of_odd_even_and_empty) {
    const double odd[] = {9, 1, 5}, even[] = {4, 1, 3, 2};
    cr_expect_float_eq(rzb_median(odd, 3), 5, 0);
    cr_expect_float_eq(rzb_median(even, 4), 2.5, 0);
    cr_expect_float_eq(odd[0], 9, 0, "input left in its order");
    cr_expect(isnan(rzb_median(odd, 0)));
}

Test(stats, p_text_two_digits_and_underflow) {
    char buf[32];
    cr_expect_str_eq(rzb_p_text(0.012345, buf), "0.012");
    cr_expect_str_eq(rzb_p_text(3.1e-7, buf), "3.1e-07");
    cr_expect_str_eq(rzb_p_text(0, buf), "< 1e-300");
    cr_expect_eq(rzb_p_text(0.5, buf), buf, "writes into and returns the caller's buffer");
}
