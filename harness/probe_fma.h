/* rzb_probe_fma: the floating-point throughput this machine reaches, measured with a microkernel
 * per ISA, never derived from a clock (a VM may report 2.1 GHz while the core runs near 4 GHz).
 * Contract: the kernel keeps many independent multiply-add chains in registers (no memory
 * traffic), so it runs at the FMA units' throughput. One FMA is 2 FLOPs per lane. The scalar
 * kernel is compiled for the baseline ISA the scalar backend uses: one float lane per
 * instruction, a separate multiply and add (2 FLOPs per pair). rzb_probe_fma calibrates the
 * repetition count on the calling thread, then times `reps` repetitions on n_threads threads
 * (rzb_pool_pin: one CPU each), each at least min_seconds long, and keeps the best and the median
 * GFLOP/s over all threads together. False when the CPU cannot run the ISA or n_threads < 1. */
#ifndef RZB_PROBE_FMA_H
#define RZB_PROBE_FMA_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/backend.h"

typedef struct {
    rz_isa isa;
    int threads, placed; /* threads asked for; threads that got a CPU of their own */
    int reps;
    double best_gflops, median_gflops;
    double seconds; /* length of one repetition */
} rzb_fma_peak;

bool rzb_probe_fma(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_fma_peak *out);

/* The kernels, one per ISA file: `iters` rounds of every chain's acc = acc * a + b; the sum of
 * the chains goes to *sink (so nothing is optimised away). Return the FLOPs performed. */
uint64_t rzb_fma_kernel_scalar(uint64_t iters, float a, float b, float *sink);
uint64_t rzb_fma_kernel_avx2(uint64_t iters, float a, float b, float *sink);
uint64_t rzb_fma_kernel_avx512(uint64_t iters, float a, float b, float *sink);

#endif
