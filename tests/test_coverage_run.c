/* rzb_coverage_run on the smoke tree of rzb_build_source (claims/workloads/smoke_build), whose
 * coverage is known: its suite calls rz_smoke_add once (the failing test returns before any
 * call) and neither rz_smoke_sub nor rz_smoke_mul; two of engine/arith.c's six code lines run;
 * one test fails on purpose and must be named. The result is computed once per process. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness/coverage_run.h"

static const rzb_coverage *smoke_coverage(void) {
    const rzb_context ctx = {.id = "test", .smoke = true};
    const rzb_coverage *c = rzb_coverage_run(&ctx);
    cr_assert(c->ok, "%s", c->why);
    return c;
}

Test(coverage_run, counts_calls_per_function, .timeout = 120) {
    const rzb_coverage *c = smoke_coverage();
    cr_expect_eq(rzb_coverage_calls(c, "rz_smoke_add"), 1);
    cr_expect_eq(rzb_coverage_calls(c, "rz_smoke_sub"), 0);
    cr_expect_eq(rzb_coverage_calls(c, "rz_smoke_mul"), 0);
    cr_expect_eq(rzb_coverage_calls(c, "rz_not_defined_anywhere"), -1);
    cr_expect_eq(rzb_coverage_calls(c, "main"), -1, "tests/ is outside the report");
}

Test(coverage_run, counts_lines_per_folder, .timeout = 120) {
    const rzb_coverage *c = smoke_coverage();
    double covered, total;
    rzb_coverage_lines(c, "engine/", &covered, &total);
    cr_expect_eq(total, 6);
    cr_expect_eq(covered, 2);
    rzb_coverage_lines(c, "", &covered, &total);
    cr_expect_eq(total, 6, "the top-level main.c and tests/ are outside the filter");
    rzb_coverage_lines(c, "harness/", &covered, &total);
    cr_expect_eq(total, 0);
    cr_expect_eq(covered, 0);
}

Test(coverage_run, names_the_tests_that_failed, .timeout = 120) {
    const rzb_coverage *c = smoke_coverage();
    cr_expect_neq(c->tests_rc, 0);
    cr_expect_str_eq(c->failed, "smoke_fails");
    const rzb_context ctx = {.id = "again", .smoke = true};
    cr_expect_eq(rzb_coverage_run(&ctx), c, "the second call returns the first result");
}
