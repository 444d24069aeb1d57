/* The softmax kernels of the backend tables (rz_backend.softmax, backends/backend.h, where the
 * contract is): the scalar reference (scalar/softmax.c) and the AVX2 and AVX-512 ones
 * (avx2/softmax.c, avx512/softmax.c), each with its own exp. */
#ifndef RZ_BACKENDS_SOFTMAX_H
#define RZ_BACKENDS_SOFTMAX_H

void rz_scalar_softmax(float *x, int n, float scale);
void rz_avx2_softmax(float *x, int n, float scale);
void rz_avx512_softmax(float *x, int n, float scale);

#endif
