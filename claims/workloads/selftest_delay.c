#include "claims/workloads/selftest_delay.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "harness/stats.h"
#include "harness/timer.h"

void rzb_selftest_spin(uint64_t ns) {
    if (!ns) return;
    uint64_t end = rz_now_ns() + ns;
    while (rz_now_ns() < end) {
    }
}

void rzb_selftest_body(void *ctx, uint64_t calls) {
    rzb_selftest_side *side = ctx;
    side->work(side->work_ctx, calls);
    rzb_selftest_spin((uint64_t)llround(side->delay_ns_per_call * (double)calls));
}

double rzb_selftest_median_ns(rzb_selftest_side *side, const rzb_sampling *plan, int runs) {
    rzb_series s;
    rzb_series_init(&s, "selftest calibration", "ns", "batched");
    for (int run = 0; run < runs; run++)
        rzb_sample_run(plan, rzb_selftest_body, side, run, &s);
    double median = rzb_median(s.values, s.n);
    rzb_series_free(&s);
    return median;
}

rzb_selftest_outcome rzb_selftest_judge(rzb_result *r, double alpha) {
    assert(r->n_series >= 2 && r->n_cmps == 0);
    const rzb_comparison *c =
        rzb_result_compare(r, &r->series[0], &r->series[1], 1.0, alpha, "side B / side A");
    rzb_result_judge(r);
    rzb_selftest_outcome o = {
        .test = r->verdict,
        .ratio = c->ratio,
        .lo = c->lo,
        .hi = c->hi,
        .p_slower = c->p,
        .p_faster = c->p_below,
        .ratio_cv = c->ratio_cv,
        .a_ns = rzb_median(r->series[0].values, r->series[0].n),
        .foreign_cpus = r->foreign_cpus,
        .busy = r->foreign_cpus > (r->foreign_bound > 0 ? r->foreign_bound : RZB_MAX_FOREIGN_CPUS),
    };
    rzb_result_apply_run_rules(r);
    o.verdict = r->verdict;
    return o;
}

void rzb_selftest_rate_ci(int k, int n, double level, double *lo, double *hi) {
    if (n < 1) {
        *lo = *hi = NAN;
        return;
    }
    double tail = (1 - level) / 2;
    *lo = k > 0 ? gsl_cdf_beta_Pinv(tail, k, n - k + 1) : 0;
    *hi = k < n ? gsl_cdf_beta_Pinv(1 - tail, k + 1, n - k) : 1;
}
