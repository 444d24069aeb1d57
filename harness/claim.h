/* rzb_claim: one falsifiable claim as an executable spec. Each claims/NAME.c defines
 * `const rzb_claim rzb_claim_NAME` with the text fields filled in like the claim table of the
 * README and a run function that measures, compares and sets the verdict. The registry (rzb_claims)
 * is generated from the files in claims/. */
#ifndef RZB_CLAIM_H
#define RZB_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/pin.h"
#include "harness/result.h"

typedef struct {
    int runs;                /* 0: the claim's default */
    int iterations;          /* samples per run; 0: the claim's default */
    int warmup;              /* untimed calls before each run; -1: the claim's default */
    uint64_t batch;          /* calls per batched sample; 0: the claim's default */
    bool progress;           /* print progress to stderr (only when it is a TTY) */
    double max_foreign_cpus; /* the runner's bound on other work (CPUs); 0: RZB_MAX_FOREIGN_CPUS */
    bool smoke;              /* a smoke run (see below) */
} rzb_options;

/* What a claim's run function gets: resolved options, the pinned measuring thread, and paths. */
typedef struct {
    const char *id; /* the claim's id, for progress lines */
    int runs, iterations, warmup;
    uint64_t batch;
    bool progress;
    rzb_pin *pin;
    char rz_bin[4096];      /* the `rz` executable beside rzbench */
    char scripts_dir[4096]; /* scripts/ of the source tree */
    char python[256];       /* interpreter for baseline helpers ($RZB_PYTHON or python3) */
    bool smoke;             /* a smoke run: the smallest workload that runs every line */
} rzb_context;

/* Smoke runs: the claim's own code at its smallest size, for the test suite, not a measurement.
 * Options not given default to RZB_SMOKE_RUNS runs (both orders of an ABBA design) of 1
 * iteration, at most 1 warm-up call, batches of 1; each run function shrinks the rest of its
 * workload where ctx->smoke says so (rzb_sized): models come from the tiny `rz synth` preset
 * (harness/models.h), texts from a short fixture, builds from a small CMake project, llama.cpp
 * comparisons run on one thread (two spin in OpenMP barriers on a loaded machine). Whatever the
 * claim's logic concludes, a smoke result is never SUPPORTED or FALSIFIED: rzb_claim_run makes
 * it INCONCLUSIVE (SKIPPED stays SKIPPED), sets r->smoke, and its reason starts with
 * RZB_SMOKE_REASON, followed by the verdict the logic gave and that verdict's reason. */
enum { RZB_SMOKE_RUNS = 2 };
#define RZB_SMOKE_REASON "smoke run: not a measurement"

/* `real`, or `smoke` in a smoke run: the size of one part of a claim's workload. */
static inline long rzb_sized(const rzb_context *ctx, long real, long smoke) {
    return ctx->smoke ? smoke : real;
}

struct rzb_claim {
    const char *id;
    const char *title;
    const char *statement; /* the claim as published */
    const char *source;
    const char *workload;
    const char *baseline;
    const char *threshold;
    const char *test;
    const char *verdict_rule;
    bool untimed; /* the verdict rests on no timing: the runner's load rule leaves it alone */
    int default_runs, default_iterations, default_warmup;
    uint64_t default_batch;
    void (*run)(const rzb_context *ctx, rzb_result *r);
};

extern const rzb_claim *const rzb_claims[];
extern const size_t rzb_n_claims;

/* The claim with this id (case-insensitive), or NULL. */
const rzb_claim *rzb_claim_find(const char *id);

/* Resolves options against the claim's defaults (or the smoke defaults) and runs it, timing the
 * whole run. */
void rzb_claim_run(const rzb_claim *c, const rzb_options *opt, rzb_pin *pin, rzb_result *r);

/* Prints "ID: message" to stderr when ctx->progress is set. */
void rzb_progress(const rzb_context *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
