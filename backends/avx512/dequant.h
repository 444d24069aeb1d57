/* AVX-512 (F, BW, VL) dequantization kernels for the backend table; each is bit-identical to the
 * scalar reference of its type in engine/types/kernels.h. */
#ifndef RZ_BACKENDS_AVX512_DEQUANT_H
#define RZ_BACKENDS_AVX512_DEQUANT_H

#include <stdint.h>

void rz_avx512_f16_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_bf16_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q4_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q4_1_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q5_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q5_1_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q8_0_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q4_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q5_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q6_k_to_float(const void *src, float *dst, int64_t n);
void rz_avx512_q8_k_to_float(const void *src, float *dst, int64_t n);

#endif
