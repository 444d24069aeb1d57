/* rzb_coverage_run: the whole ctest suite of this source tree once, in a Debug build with
 * --coverage, then gcovr's JSON report of it (files[]: file, lines[], functions[] with their
 * execution counts). Claims T1 (which public functions the suite calls) and T2 (line coverage)
 * both read it. */
#ifndef RZB_COVERAGE_RUN_H
#define RZB_COVERAGE_RUN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/claim.h"

typedef struct {
    bool ok;
    char why[1024];    /* when !ok: what failed (build, gcovr) */
    int tests_rc;      /* ctest's exit status */
    char failed[2048]; /* the tests that failed, comma-separated; "" when none */
    cJSON *report;     /* gcovr --json */
} rzb_coverage;

/* The first call in a process builds and runs, later calls return the same result. A smoke
 * context runs the smoke tree of rzb_build_source instead (a few seconds). */
const rzb_coverage *rzb_coverage_run(const rzb_context *ctx);

/* Covered and total code lines of the files under a folder of the report (e.g. "engine/"; "" for
 * all). */
void rzb_coverage_lines(const rzb_coverage *c, const char *folder, double *covered, double *total);

/* The calls the suite made to a function, summed over the report's files; -1 when no file defines
 * it. */
long long rzb_coverage_calls(const rzb_coverage *c, const char *function);

#endif
