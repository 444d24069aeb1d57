/* Change points: steps planted in synthetic series (log-normal noise from a fixed seed) are found
 * where they are, with CIs that cover them; flat series, short series and tiny steps give none. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "harness/changepoint.h"

enum { PER_COMMIT = 5, MAX_COMMITS = 32 };

typedef struct {
    double values[MAX_COMMITS * PER_COMMIT];
    size_t start[MAX_COMMITS + 1];
    size_t n;
} series;

/* n commits of PER_COMMIT values around 100 ns, times (1 + steps[k]) from commit at[k] on, with
 * relative noise `noise`. */
static void make(series *s, size_t n, double noise, const size_t *at, const double *steps,
                 size_t n_steps, unsigned long seed) {
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    s->n = n;
    s->start[0] = 0;
    for (size_t c = 0; c < n; c++) {
        double level = 100;
        for (size_t k = 0; k < n_steps; k++)
            if (c >= at[k]) level *= 1 + steps[k];
        for (size_t j = 0; j < PER_COMMIT; j++)
            s->values[c * PER_COMMIT + j] = level * exp(gsl_ran_gaussian(rng, noise));
        s->start[c + 1] = (c + 1) * PER_COMMIT;
    }
    gsl_rng_free(rng);
}

static size_t detect(const series *s, rzb_changepoint *out) {
    rzb_cp_options opt = RZB_CP_DEFAULTS;
    return rzb_changepoints(s->values, s->start, s->n, &opt, out, MAX_COMMITS);
}

Test(changepoint, step_of_10_percent_at_commit_6_of_10) {
    static series s;
    const size_t at[] = {6};
    const double step[] = {0.10};
    make(&s, 10, 0.01, at, step, 1, 1);
    rzb_changepoint c[MAX_COMMITS];
    cr_assert_eq(detect(&s, c), 1);
    cr_expect_eq(c[0].at, 6);
    cr_expect(c[0].lo <= 0.10 && 0.10 <= c[0].hi, "CI [%g, %g]", c[0].lo, c[0].hi);
    cr_expect(fabs(c[0].step - 0.10) < 0.01, "step %g", c[0].step);
    cr_expect(c[0].t > 0 && c[0].p < 0.01);
}

Test(changepoint, flat_series_finds_nothing) {
    static series s;
    rzb_changepoint c[MAX_COMMITS];
    make(&s, 10, 0.01, NULL, NULL, 0, 1);
    cr_expect_eq(detect(&s, c), 0);
    make(&s, 10, 0, NULL, NULL, 0, 1);
    cr_expect_eq(detect(&s, c), 0, "no noise at all");
}

/* The search controls its family-wise error: flat series call a step in at most alpha of cases. */
Test(changepoint, false_alarms_stay_within_alpha) {
    static series s;
    rzb_changepoint c[MAX_COMMITS];
    size_t alarms = 0, trials = 400;
    for (unsigned long seed = 1; seed <= trials; seed++) {
        make(&s, 10, 0.01, NULL, NULL, 0, seed);
        alarms += detect(&s, c) > 0;
    }
    cr_expect_leq(alarms, (size_t)(0.01 * (double)trials), "%zu of %zu", alarms, trials);
}

Test(changepoint, two_steps_are_both_found) {
    static series s;
    const size_t at[] = {4, 9};
    const double steps[] = {0.10, -0.08};
    make(&s, 13, 0.01, at, steps, 2, 7);
    rzb_changepoint c[MAX_COMMITS];
    cr_assert_eq(detect(&s, c), 2);
    cr_expect_eq(c[0].at, 4);
    cr_expect_eq(c[1].at, 9);
    cr_expect(c[0].lo <= 0.10 && 0.10 <= c[0].hi, "CI [%g, %g]", c[0].lo, c[0].hi);
    cr_expect(c[1].lo <= -0.08 && -0.08 <= c[1].hi, "CI [%g, %g]", c[1].lo, c[1].hi);
}

Test(changepoint, fewer_than_two_commits_per_side_finds_nothing) {
    static series s;
    const size_t at[] = {1, 2};
    const double step[] = {1.0};
    rzb_changepoint c[MAX_COMMITS];
    for (size_t i = 0; i < 2; i++) {
        make(&s, 3, 0.01, &at[i], step, 1, 3);
        cr_expect_eq(detect(&s, c), 0, "3 commits, step at %zu", at[i]);
    }
    make(&s, 2, 0.01, &at[0], step, 1, 3);
    cr_expect_eq(detect(&s, c), 0, "2 commits");
}

Test(changepoint, significant_step_under_one_percent_is_not_called) {
    static series s;
    const size_t at[] = {5};
    const double step[] = {0.005};
    make(&s, 10, 0.0001, at, step, 1, 5);
    rzb_changepoint c[MAX_COMMITS];
    cr_expect_eq(detect(&s, c), 0);
    rzb_cp_options opt = RZB_CP_DEFAULTS;
    opt.min_step = 0.001;
    cr_expect_eq(rzb_changepoints(s.values, s.start, s.n, &opt, c, MAX_COMMITS), 1);
    cr_expect_eq(c[0].at, 5);
}

Test(changepoint, one_value_per_commit) {
    const double v[] = {10, 10.1, 9.9, 10, 12, 12.1, 11.9, 12};
    const size_t start[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    rzb_cp_options opt = RZB_CP_DEFAULTS;
    rzb_changepoint c[4];
    cr_assert_eq(rzb_changepoints(v, start, 8, &opt, c, 4), 1);
    cr_expect_eq(c[0].at, 4);
    cr_expect(fabs(c[0].step - 0.2) < 0.01, "step %g", c[0].step);
}

Test(changepoint, label_text) {
    rzb_changepoint c = {.at = 3, .step = 0.098, .lo = 0.071, .hi = 0.126};
    char buf[48];
    rzb_changepoint_text(&c, buf, sizeof buf);
    cr_expect_str_eq(buf, "+9.8% [+7.1, +12.6]");
    c = (rzb_changepoint){.step = -0.05, .lo = -0.07, .hi = -0.031};
    rzb_changepoint_text(&c, buf, sizeof buf);
    cr_expect_str_eq(buf, "-5.0% [-7.0, -3.1]");
}

/* Exact counts (no noise) are called with that said, not with a t in the trillions; a noisy step
 * gives its Welch t. */
Test(changepoint, exact_counts_say_so) {
    series s;
    static const size_t at[] = {5};
    static const double step[] = {0.146};
    rzb_changepoint c[MAX_COMMITS];
    char text[96];
    make(&s, 9, 0, at, step, 1, 1);
    cr_assert_eq(detect(&s, c), 1);
    rzb_changepoint_evidence(&c[0], text, sizeof text);
    cr_expect_str_eq(text, "no variation on either side: exact counts");
    make(&s, 10, 0.02, at, step, 1, 2);
    cr_assert_eq(detect(&s, c), 1);
    rzb_changepoint_evidence(&c[0], text, sizeof text);
    cr_expect(!strncmp(text, "Welch t ", 8) && strstr(text, "after Bonferroni"), "%s", text);
}
