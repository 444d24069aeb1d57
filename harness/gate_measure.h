/* rzb_gw_measure: one run of a gate workload (harness/gate_workloads.h) in this process.
 * Contract: every function opens the workload for warmup + iterations samples, runs the warmup
 * samples unmeasured, measures the `iterations` samples after them and closes it. Counts are
 * totals over the region, not per unit. */
#ifndef RZB_GATE_MEASURE_H
#define RZB_GATE_MEASURE_H

#include "harness/gate_workloads.h"
#include "harness/instructions.h"

typedef struct {
    const rzb_gw *w;
    rzb_gw_env env;
    rzb_gw_size size;
} rzb_gw_job;

/* Each sample timed alone (monotonic clock), in ns per unit of work. samples:
 * j->size.iterations entries. */
rzb_gw_status rzb_gw_time(const rzb_gw_job *j, double *samples, char *why, size_t cap);

/* One PAPI region around all the measured samples, on the calling thread or, for a workload with a
 * server, on every thread of the server (harness/instructions.h). */
rzb_gw_status rzb_gw_count_papi(const rzb_gw_job *j, const rzb_instr_papi *p, double *count,
                                char *why, size_t cap);

/* For a workload without a server, the region bracketed by callgrind's client requests (the
 * process runs under valgrind with --instr-atstart=no; the caller reads the count from
 * callgrind's output), and *count is left untouched (callgrind's output has it); with one, the
 * server runs under callgrind twice, once with the warmup alone and once with the region too,
 * and the count is the difference of their totals. */
rzb_gw_status rzb_gw_count_callgrind(const rzb_gw_job *j, double *count, char *why, size_t cap);

#endif
