/* rzb_baseline: a baseline helper process (Python: PyTorch, llama.cpp) that rzbench starts on an
 * explicit CPU set and samples in the same run as rz.
 * Protocol, one JSON object per line: the helper greets with {"ready": true, ...versions...} (or
 * exits with its error on stderr); each request line gets {"samples_ns": [...]}; "quit" ends it. */
#ifndef RZB_BASELINE_H
#define RZB_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/claim.h"
#include "harness/subprocess.h"

typedef struct {
    rzb_child child;
    bool alive;
    char cpus[64];  /* the CPUs the helper was allowed (read back from the kernel) */
    void *greeting; /* cJSON object of the greeting line */
} rzb_baseline;

/* Starts `python scripts_dir/baselines/SCRIPT args...` on `cpus` (NULL: every CPU), reads the
 * greeting. On failure returns false with the helper's own error text in `why`, or the signal
 * that killed it and its likely cause. */
bool rzb_baseline_start(rzb_baseline *b, const rzb_context *ctx, const char *script,
                        char *const args[], const rzb_cpus *cpus, char *why, size_t cap);

/* The greeting's string field, or "?" when absent. */
const char *rzb_baseline_info(const rzb_baseline *b, const char *field);

/* The greeting's number field, or NaN. */
double rzb_baseline_number(const rzb_baseline *b, const char *field);

/* Sends `request`, appends the returned samples (ns) divided by `per_unit` to `out` under `run`.
 * Expects exactly `count` samples; false on a protocol error (the helper is then stopped). */
bool rzb_baseline_sample(rzb_baseline *b, const char *request, int count, double per_unit, int run,
                         rzb_series *out);

/* Sends "quit" and reaps the helper. Safe to call twice. */
void rzb_baseline_stop(rzb_baseline *b);

#endif
