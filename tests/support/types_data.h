/* Test data for the tensor types: weights with the shapes that stress quantizers, and random
 * quantized blocks whose scales are finite. Deterministic for a given seed. */
#ifndef RZ_TESTS_TYPES_DATA_H
#define RZ_TESTS_TYPES_DATA_H

#include <stdint.h>

/* A small xorshift generator: uniform 64-bit values, and uniform floats in [0, 1). */
uint64_t rzt_rand(uint64_t *state);
float rzt_uniform(uint64_t *state);

/* n weights, 32-element groups of changing kind: gaussian, gaussian * 1e-3, zeros, tiny (1e-30),
 * large (1e4), one outlier among small values, all positive, all negative, constant, and groups
 * whose scale grows by 10x from group to group. */
void rzt_fill_weights(float *x, int64_t n, uint64_t seed);

/* n_blocks random blocks of type (bytes of rz_type_get(type)->block_bytes each) with random
 * quants and finite scales (|d| < 2); f16 and bf16 get every bit pattern, NaN included. */
void rzt_fill_blocks(uint32_t type, void *dst, int64_t n_blocks, uint64_t seed);

#endif
