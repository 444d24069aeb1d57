/* A software model of AMX's tiles (palette 1: 8 tiles of up to 16 rows x 64 bytes), enough to
 * run backends/x86/amx_gemm_body.h and amx_bf16_gemm_body.h on a CPU without AMX: ldtilecfg,
 * tilezero, tileloadd, tdpbssd, tdpbf16ps, tilestored, tilerelease, one thread at a time. It
 * checks what the hardware would refuse (an unconfigured tile, a palette other than 1, a shape
 * over the limits, operands whose shapes do not chain) and counts each refusal instead of
 * faulting. tdpbf16ps follows the pseudo-code of Intel's SDM (amx_model_bf16_dot); no AMX
 * hardware has checked its bits against this model.
 * amx_model_gemm_<packed type> are the bodies' kernels on this model (built with the AVX-512
 * flags: call them only where the CPU has AVX-512). */
#ifndef RZ_TESTS_SUPPORT_AMX_MODEL_H
#define RZ_TESTS_SUPPORT_AMX_MODEL_H

#include <stddef.h>
#include <stdint.h>

void amx_model_loadconfig(const void *config);
void amx_model_zero(int t);
void amx_model_load(int t, const void *base, size_t stride);
void amx_model_dpbssd(int c, int a, int b);
void amx_model_dpbf16ps(int c, int a, int b);
void amx_model_store(int t, void *base, size_t stride);
void amx_model_release(void);

/* Refusals since the last call, and the first one's reason (""); then both are reset. */
int amx_model_refusals(char *why, size_t cap);

void amx_model_gemm_q4_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_q4_1x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_q5_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_q8_0x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_q4_kx16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_q6_kx16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);
void amx_model_gemm_bf16x16(const void *w, size_t row_bytes, int nr, const void *xq, size_t x_bytes,
                            int nt, float *y, size_t ldy, int64_t n);

/* One element of tdpbf16ps as the SDM writes it: c plus the dot of the 2 k bf16 at a and b, the
 * even elements and the odd ones summed apart from zero (each step one fused multiply-add,
 * nearest even, denormal inputs read as zero, denormal results flushed), then their sum added
 * to c. */
float amx_model_bf16_dot(float c, const uint16_t *a, const uint16_t *b, int k);

#endif
