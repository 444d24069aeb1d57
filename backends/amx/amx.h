/* rz_amx: Intel AMX tiles: int8 for prompt gemms of the packed types (q4_0, q4_1, q5_0, q8_0,
 * q4_K, q6_K), bf16 for BF16 weights.
 * Contract: rz_amx_usable() is true when CPUID has AMX-TILE and AMX-INT8, the OS saves the tile
 * state (XCR0) and granted this process the tile data (arch_prctl), and RZ_AMX is not "0";
 * rz_amx_bf16_usable() when it is and CPUID has AMX-BF16 too; both are decided once. The AVX-512
 * backend's packed gemm slots are rz_amx_gemm_*: int8 tiles for two or more tokens where usable,
 * else (and for one token, a decode) the VNNI kernels; both give the scalar reference's bits.
 * BF16 weights are packed (rz_block_bf16x16) only where rz_amx_bf16_usable(): then every
 * projection of them, a decode's too, runs rz_amx_vec_bf16x16's gemm on activations rounded to bf16
 * by rz_amx_quantize_bf16 (as ggml rounds them for its bf16 dot), so its bits are tdpbf16ps's,
 * not the scalar reference's, but the same for every batching and thread count. Elsewhere BF16
 * weights stay unpacked and dot f32 activations. */
#ifndef RZ_BACKENDS_AMX_AMX_H
#define RZ_BACKENDS_AMX_AMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

bool rz_amx_usable(void);
bool rz_amx_bf16_usable(void);

/* One line for reports: whether prompts use AMX tiles here, and if not, why. */
const char *rz_amx_status(void);

/* rz_amx_status() for a backend whose table has the AMX slots (AVX-512's), NULL for the others. */
const char *rz_amx_status_of(const rz_backend *be);

/* The gemm contract of backends/vec_dot.h. */
void rz_amx_gemm_q4_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);
void rz_amx_gemm_q4_1x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);
void rz_amx_gemm_q5_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);
void rz_amx_gemm_q8_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);
void rz_amx_gemm_q4_kx16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);
void rz_amx_gemm_q6_kx16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                         int nt, float *y, size_t ldy, int64_t n);

/* The traits of packed bf16 on the tiles: the gemm of backends/x86/amx_bf16_gemm_body.h, bf16
 * activations by rz_amx_quantize_bf16. rz_vec_kernel_for gives it for the AVX-512 table where
 * rz_amx_bf16_usable(), and no table holds it. */
extern const rz_vec_kernel rz_amx_vec_bf16x16;

/* The n floats at x as bf16 (engine/types/half.h's rz_f32_to_bf16) at xq; any n. */
void rz_amx_quantize_bf16(const float *x, void *xq, int64_t n);

#endif
