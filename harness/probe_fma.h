/* rzb_probe_fma: the floating-point throughput this machine reaches, measured with a microkernel
 * per ISA, never derived from a clock (a VM may report 2.1 GHz while the core runs near 4 GHz). */
#ifndef RZB_PROBE_FMA_H
#define RZB_PROBE_FMA_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/backend.h"
#include "engine/core/pool.h"

enum { RZB_PEAK_MAX_THREADS = 256 };

/* One thread's share of a sample: `iters` rounds of the ISA's kernel, a value computed from its
 * registers into *sink (so nothing is optimised away); returns the operations performed. */
typedef uint64_t (*rzb_peak_part)(rz_isa isa, uint64_t iters, double *sink);

/* The sampler is what the compute probes share (harness/probe_int8.h uses it too): a sampler runs
 * one ISA's kernel on every thread of a borrowed pool for a number of rounds calibrated on the
 * calling thread (each sample at least min_seconds long), so that a claim can time the peak in
 * every run, on the threads of its own workload, between its kernel's samples. */
typedef struct {
    rz_isa isa;
    rzb_peak_part part;
    rz_pool *pool; /* borrowed; NULL: the calling thread alone */
    int threads;
    uint64_t iters; /* rounds per thread and sample */
    uint64_t ops;   /* operations of the last sample, all threads together */
    double seconds; /* length of the last sample */
    double sinks[RZB_PEAK_MAX_THREADS];
} rzb_peak_sampler;

/* A sampler init: returns false when the CPU cannot run the ISA or the pool has more than
 * RZB_PEAK_MAX_THREADS threads. */
typedef bool (*rzb_sampler_maker)(rzb_peak_sampler *s, rz_isa isa, rz_pool *pool,
                                  double min_seconds);

/* A sampler of `part` for `isa` on `pool` (NULL: the calling thread), calibrated: the rounds
 * double from 4096 until one share on the calling thread lasts min_seconds. What each probe's
 * sampler calls with its own part. */
bool rzb_peak_sampler_init(rzb_peak_sampler *s, rzb_peak_part part, rz_isa isa, rz_pool *pool,
                           double min_seconds);

/* The FMA sampler of `isa` on `pool`. */
bool rzb_fma_sampler(rzb_peak_sampler *s, rz_isa isa, rz_pool *pool, double min_seconds);

/* Times one sample on every thread; returns billions of operations per second (GFLOP/s for the
 * FMA kernels, GOP/s for the int8 ones). */
double rzb_peak_sample(rzb_peak_sampler *s);

typedef struct {
    rz_isa isa;
    int threads, placed; /* threads asked for; threads that got a CPU of their own */
    int reps;
    double best_gops, median_gops; /* GFLOP/s or GOP/s, as the sampler counts */
    double seconds;                /* length of the best sample */
} rzb_peak;

/* Makes a pool of n_threads (rzb_pool_pin: one CPU each), times `reps` samples and keeps the best
 * and the median rate; false when the CPU cannot run the ISA, n_threads < 1 or reps < 1. */
bool rzb_probe_peak(rzb_sampler_maker make, rz_isa isa, int n_threads, int reps, double min_seconds,
                    rzb_peak *out);

/* rzb_probe_peak with the FMA sampler. */
bool rzb_probe_fma(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_peak *out);

/* The kernels, one per ISA file: `iters` rounds of every chain's acc = acc * a + b; the sum of
 * the chains goes to *sink. Return the FLOPs performed. The kernel keeps many independent
 * multiply-add chains in registers (no memory traffic), so it runs at the FMA units' throughput.
 * One FMA is 2 FLOPs per lane. The scalar kernel is compiled for the baseline ISA the scalar
 * backend uses: one float lane per instruction, a separate multiply and add (2 FLOPs per
 * pair). */
uint64_t rzb_fma_kernel_scalar(uint64_t iters, float a, float b, float *sink);
uint64_t rzb_fma_kernel_avx2(uint64_t iters, float a, float b, float *sink);
uint64_t rzb_fma_kernel_avx512(uint64_t iters, float a, float b, float *sink);

#endif
