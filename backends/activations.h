/* The softmax and SiLU kernels of the backend tables (rz_backend.softmax and silu_mul,
 * backends/backend.h, where the contracts are): the scalar references (scalar/softmax.c,
 * scalar/silu.c) with expf, the AVX2 and AVX-512 ones (avx2/, avx512/) with their own exp
 * (avx2/exp.h, avx512/exp.h). */
#ifndef RZ_BACKENDS_ACTIVATIONS_H
#define RZ_BACKENDS_ACTIVATIONS_H

#include <stddef.h>

void rz_scalar_softmax(float *x, int n, float scale);
void rz_avx2_softmax(float *x, int n, float scale);
void rz_avx512_softmax(float *x, int n, float scale);

void rz_scalar_silu_mul(float *gate, const float *up, size_t n);
void rz_avx2_silu_mul(float *gate, const float *up, size_t n);
void rz_avx512_silu_mul(float *gate, const float *up, size_t n);

#endif
