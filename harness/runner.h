/* rzb_runner: warm-up, then timed samples, keeping every raw sample.
 * Contract: rzb_sample_run calls body(ctx, 1) `warmup` times untimed, then takes `iterations`
 * samples; each sample times one body(ctx, batch) call and records nanoseconds per call
 * (elapsed / batch). With batch = 1 a sample is one call, timer cost included; with batch = K the
 * timer cost is spread over K calls. */
#ifndef RZB_RUNNER_H
#define RZB_RUNNER_H

#include <stdint.h>

#include "harness/series.h"

typedef void (*rzb_body_fn)(void *ctx, uint64_t calls);

typedef struct {
    int warmup;
    int iterations;
    uint64_t batch;
} rzb_sampling;

/* Appends `iterations` samples (ns per call) to `out`, tagged with run index `run`. */
void rzb_sample_run(const rzb_sampling *s, rzb_body_fn body, void *ctx, int run, rzb_series *out);

#endif
