/* The avx2 dot kernels of backends/vec_dot.h, one per weight type, and their table
 * (avx2/vec_dot.c). vec_dot_q.c: q4_0..q8_0 with q8_0 activations; vec_dot_k.c: q4_K, q5_K,
 * q6_K with q8_K activations; vec_dot_f.c: f32, f16, bf16 with float activations;
 * attention_f16.c: the attention kernels over an F16 cache; quantize_x.c: the activation
 * quantizers, byte-identical on every ISA. */
#ifndef RZ_BACKENDS_AVX2_VEC_DOT_H
#define RZ_BACKENDS_AVX2_VEC_DOT_H

#include "backends/vec_dot.h"

extern const rz_vec_kernel rz_avx2_vec[RZ_VEC_TYPE_LIMIT];

/* The backend's attention kernels over an F16 cache (attention_f16.c). */
void rz_avx2_dot_f16_heads(const uint16_t *a, size_t stride, int rows, const float *q, int heads,
                           size_t n, float *out, size_t ld);
void rz_avx2_axpy_f16_heads(const float *a, size_t ld, const uint16_t *x, size_t stride, int rows,
                            int heads, float *y, size_t n);

float rz_avx2_vec_dot_f32(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_f16(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_bf16(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q4_0(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q4_1(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q5_0(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q5_1(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q8_0(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q4_k(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q5_k(const void *w, const void *xq, int64_t n);
float rz_avx2_vec_dot_q6_k(const void *w, const void *xq, int64_t n);

void rz_avx2_vec_tile_q4_0(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q4_1(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q5_0(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q5_1(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q8_0(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q4_k(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_tile_q5_k(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                           int nt, float *y, size_t ldy, int64_t n);

/* The gemms of the packed types (backends/pack.h), vec_gemm.c (q4_K, q6_K: vec_gemm_k.c). */
void rz_avx2_vec_gemm_q4_0x16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_gemm_q4_1x16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_gemm_q5_0x16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_gemm_q8_0x16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_gemm_q4_kx16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);
void rz_avx2_vec_gemm_q6_kx16(const void *w, size_t row_bytes, int nr, const void *xq,
                              size_t x_bytes, int nt, float *y, size_t ldy, int64_t n);

/* The activation layouts of backends/vec_dot.h for n elements. */
void rz_avx2_quantize_q8_0(const float *x, void *xq, int64_t n);
void rz_avx2_quantize_q8_k(const float *x, void *xq, int64_t n);

#endif
