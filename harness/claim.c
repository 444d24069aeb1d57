#include "harness/claim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build_info.h"
#include "engine/core/file.h"
#include "harness/load.h"
#include "harness/timer.h"

const rzb_claim *rzb_claim_find(const char *id) {
    for (size_t i = 0; i < rzb_n_claims; i++)
        if (!strcasecmp(rzb_claims[i]->id, id)) return rzb_claims[i];
    return NULL;
}

/* The options a run resolves to: the given ones, else the claim's defaults, or in a smoke run
 * the smoke defaults (harness/claim.h). */
static void resolve(const rzb_claim *c, const rzb_options *opt, rzb_context *ctx) {
    const bool s = opt->smoke;
    const int warmup = c->default_warmup < 1 ? c->default_warmup : 1;
    ctx->runs = opt->runs > 0 ? opt->runs : s ? RZB_SMOKE_RUNS : c->default_runs;
    ctx->iterations = opt->iterations > 0 ? opt->iterations : s ? 1 : c->default_iterations;
    ctx->warmup = opt->warmup >= 0 ? opt->warmup : s ? warmup : c->default_warmup;
    ctx->batch = opt->batch > 0 ? opt->batch : s ? 1 : c->default_batch;
    ctx->smoke = s;
}

/* A smoke result: never SUPPORTED or FALSIFIED; the logic's verdict goes into the reason. */
static void smoke_verdict(rzb_result *r) {
    char was[sizeof r->reason];
    snprintf(was, sizeof was, "%s", r->reason);
    const rzb_verdict logic = r->verdict;
    r->smoke = true;
    rzb_result_note(r, "smoke run: the claim's own code at its smallest size, not a measurement");
    rzb_result_verdict(r, logic == RZB_SKIPPED ? RZB_SKIPPED : RZB_INCONCLUSIVE,
                       RZB_SMOKE_REASON "; its logic gave %s: %s", rzb_verdict_name(logic), was);
}

void rzb_claim_run(const rzb_claim *c, const rzb_options *opt, rzb_pin *pin, rzb_result *r) {
    rzb_context ctx = {.id = c->id, .progress = opt->progress, .pin = pin};
    resolve(c, opt, &ctx);
    char dir[4096];
    snprintf(ctx.rz_bin, sizeof ctx.rz_bin, "%s/rz", rz_file_self_dir(dir, sizeof dir) ? dir : ".");
    const char *scripts = getenv("RZB_SCRIPTS_DIR");
    if (scripts)
        snprintf(ctx.scripts_dir, sizeof ctx.scripts_dir, "%s", scripts);
    else
        snprintf(ctx.scripts_dir, sizeof ctx.scripts_dir, "%s/scripts", RZ_SOURCE_DIR);
    const char *py = getenv("RZB_PYTHON");
    snprintf(ctx.python, sizeof ctx.python, "%s", py && *py ? py : "python3");

    memset(r, 0, sizeof *r);
    r->claim = c;
    r->verdict = RZB_INCONCLUSIVE;
    r->foreign_bound = opt->max_foreign_cpus > 0 ? opt->max_foreign_cpus : RZB_MAX_FOREIGN_CPUS;
    rzb_load load;
    rzb_load_mark(&load);
    c->run(&ctx, r);
    double steal;
    r->foreign_cpus = rzb_load_foreign_cpus(&load, &steal);
    r->wall_s = (double)(rz_now_ns() - load.wall_ns) / 1e9;
    for (int i = 0; i < r->n_series; i++)
        rzb_series_finish(&r->series[i]);
    rzb_result_note(
        r,
        "load: %.2f CPUs busy outside rzbench and its children during the run, %.2f CPUs stolen by the hypervisor (runner's bound for a timing verdict: %.2f)",
        r->foreign_cpus, steal, r->foreign_bound);
    rzb_result_apply_run_rules(r);
    if (ctx.smoke) smoke_verdict(r);
}

void rzb_progress(const rzb_context *ctx, const char *fmt, ...) {
    if (!ctx->progress) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\r\033[K%s: ", ctx->id);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}
