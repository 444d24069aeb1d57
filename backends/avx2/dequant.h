/* AVX2 (+F16C) dequantization kernels for the backend table; each is bit-identical to the
 * scalar reference of its type in engine/types/kernels.h. */
#ifndef RZ_BACKENDS_AVX2_DEQUANT_H
#define RZ_BACKENDS_AVX2_DEQUANT_H

#include <stdint.h>

void rz_avx2_f16_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_bf16_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q4_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q4_1_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q5_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q5_1_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q8_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q4_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q5_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q6_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx2_q8_k_to_float(const void *src, float *dst, int64_t n);

#endif
