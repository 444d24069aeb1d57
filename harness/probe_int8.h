/* rzb_probe_int8: the int8 dot-product throughput this machine reaches, the peak that quantized
 * kernels (8-bit activations times 4- to 8-bit weights, int32 sums) are held against; measured
 * with a microkernel per ISA like rzb_probe_fma, never derived from a clock.
 * Contract: the ISA is picked by CPUID at run time (rz_cpu_supports): a sampler or probe for an ISA
 * the CPU lacks returns false, so no kernel runs an instruction the CPU does not have. Sampling,
 * pools and calibration are harness/probe_fma.h's. */
#ifndef RZB_PROBE_INT8_H
#define RZB_PROBE_INT8_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/probe_fma.h"

/* The int8 sampler of `isa` on `pool` (see rzb_peak_sampler). */
bool rzb_int8_sampler(rzb_peak_sampler *s, rz_isa isa, rz_pool *pool, double min_seconds);

/* rzb_probe_peak with the int8 sampler. */
bool rzb_probe_int8(rz_isa isa, int n_threads, int reps, double min_seconds, rzb_peak *out);

/* The instruction sequence the int8 kernel of `isa` times, for reports. */
const char *rzb_int8_method(rz_isa isa);

/* The kernels, one per ISA file: `iters` rounds of every chain's acc += dot(a, b) over the
 * chain's byte lanes (every lane a times b); chain i's int32 lanes start at i (distinct chains,
 * which the compiler cannot merge); *sink gets the sum of every int32 lane of every chain
 * (exact while no lane wraps). Return the operations performed. The kernel keeps many
 * independent int32 accumulator chains in registers, each round adding the dot products of
 * unsigned bytes a and signed bytes b, with the instruction sequence a quantized kernel of that
 * ISA needs: AVX-512 VNNI vpdpbusd (64 byte lanes per instruction; rz's AVX-512 backend requires
 * VNNI), AVX2 vpmaddubsw + vpmaddwd (by ones) + vpaddd (32 byte lanes per triple), scalar one
 * integer multiply and add per lane. Every multiply-add of a byte lane counts 2 operations, as a
 * GEMM's 2 * M * N * K does. */
uint64_t rzb_int8_kernel_scalar(uint64_t iters, uint8_t a, int8_t b, int64_t *sink);
uint64_t rzb_int8_kernel_avx2(uint64_t iters, uint8_t a, int8_t b, int64_t *sink);
uint64_t rzb_int8_kernel_avx512(uint64_t iters, uint8_t a, int8_t b, int64_t *sink);

#endif
