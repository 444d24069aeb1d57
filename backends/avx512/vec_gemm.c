/* AVX-512 gemm of the packed types (backends/pack.h) with q8_0 activations: one 512-bit register
 * holds the same 4-byte chunk of 16 rows as unsigned levels (the nibbles of q4_0 and q4_1, with
 * the fifth bit for q5_0; q8_0's quants plus 128), each token's matching 4 activation quants are
 * broadcast to every lane, and VNNI (vpdpbusd) sums the u8 x s8 products into the lane of each
 * row, starting from minus the offset (8 for q4_0, 16 for q5_0, 128 for q8_0) times the block's
 * quant sum: the exact int32 dot of the scalar reference. Then, per block and as the scalar code
 * does, acc += (d_w * d_x) * (float)isum (plus (m * d_x) * (float)(quant sum) for q4_1): the
 * reference's bits. Each block's weights are unpacked once for up to 16 tokens. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx512/packed_blocks.h"
#include "backends/avx512/vec_dot.h"
#include "backends/x86/tile_shapes.h"

/* Broadcasts the 4 activation quants at q to every 32-bit lane. */
static inline __m512i quad(const int8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return _mm512_set1_epi32(v);
}

/* AHEAD: one token prefetches the packed weights that many bytes ahead (decode on Zen 4, packed
 * weights on huge pages: 1 KiB 76 t/s, 4 KiB 80, 16 KiB 75 for Q4_0). */
enum { AHEAD = 4096, TOKENS = 16 }; /* TOKENS: per call of gemm */

/* NT tokens (a constant after inlining) over 16 packed rows. */
static inline __attribute__((always_inline)) void gemm(const uint8_t *p, uint32_t type, int64_t nb,
                                                       const uint8_t *xq, size_t x_bytes, float *y,
                                                       size_t ldy, const int NT) {
    const size_t tail = rz_vec_dot_q8_0_tail(nb * RZ_QK), bytes = avx512_block_bytes(type);
    const int64_t padded = rz_vec_dot_q8_0_padded(nb * RZ_QK);
    const int offset = type == RZ_TYPE_Q4_0_X16   ? 8
                       : type == RZ_TYPE_Q5_0_X16 ? 16
                       : type == RZ_TYPE_Q8_0_X16 ? 128
                                                  : 0;
    __m512 acc[TOKENS];
    for (int t = 0; t < NT; t++)
        acc[t] = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, p += bytes) {
        if (NT == 1) /* a decode streams the weights once: fetch ahead */
            for (size_t l = 0; l < bytes; l += 64)
                _mm_prefetch((const char *)p + AHEAD + l, _MM_HINT_T0);
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        __m512i u[8];
        avx512_block_levels(p, type, u);
        for (int t = 0; t < NT; t++) {
            const uint8_t *xt = xq + (size_t)t * x_bytes;
            const int8_t *q = ((const rz_block_q8_0 *)xt)[k].qs;
            const float *dx = (const float *)(xt + tail);
            const int32_t qsum = ((const int32_t *)(dx + 2 * padded))[k];
            __m512i i0 = _mm512_set1_epi32(-offset * qsum), i1 = _mm512_setzero_si512();
            for (int j = 0; j < 4; j++) {
                i0 = _mm512_dpbusd_epi32(i0, u[j], quad(q + 4 * j));
                i1 = _mm512_dpbusd_epi32(i1, u[j + 4], quad(q + 16 + 4 * j));
            }
            acc[t] = _mm512_add_ps(
                acc[t], avx512_block_term(p, type, dw, dx[k], _mm512_add_epi32(i0, i1), qsum));
        }
    }
    for (int t = 0; t < NT; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

static inline __attribute__((always_inline)) void groups(uint32_t type, const void *w,
                                                         size_t row_bytes, int nr, const void *xq,
                                                         size_t x_bytes, int nt, float *y,
                                                         size_t ldy, int64_t n) {
    const int64_t nb = n / RZ_QK;
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
        const uint8_t *p = (const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes;
        for (int t = 0; t < nt; t += TOKENS) {
            const uint8_t *x = (const uint8_t *)xq + (size_t)t * x_bytes;
            float *out = y + (size_t)t * ldy + g * RZ_PACK_ROWS;
#define RUN_GEMM(N) gemm(p, type, nb, x, x_bytes, out, ldy, N)
            RZ_X86_BY_16_TOKENS(nt - t, RUN_GEMM)
#undef RUN_GEMM
        }
    }
}

/* Defines rz_avx512_vec_gemm_q4_0x16, rz_avx512_vec_gemm_q4_1x16, rz_avx512_vec_gemm_q5_0x16,
 * rz_avx512_vec_gemm_q8_0x16. */
#define GEMM(name, TYPE)                                                                           \
    void rz_avx512_vec_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,        \
                                   size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {      \
        groups(TYPE, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);                                \
    }
GEMM(q4_0x16, RZ_TYPE_Q4_0_X16)
GEMM(q4_1x16, RZ_TYPE_Q4_1_X16)
GEMM(q5_0x16, RZ_TYPE_Q5_0_X16)
GEMM(q8_0x16, RZ_TYPE_Q8_0_X16)
#undef GEMM
#undef GEMM_CASE
