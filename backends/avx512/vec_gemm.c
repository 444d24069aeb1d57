/* AVX-512 gemm of packed q4_0 (backends/pack.h) with q8_0 activations: one 512-bit register holds
 * the same 4-byte chunk of 16 rows, each token's matching 4 activation quants are broadcast to
 * every lane, and VNNI (vpdpbusd) sums the u8 x s8 products into the lane of each row, starting
 * from -8 times the block's quant sum: the exact int32 dot of the scalar reference. Then, per
 * block and as the scalar code does, acc += (d_w * d_x) * (float)isum: the reference's bits.
 * Each block's nibbles are unpacked once for up to 16 tokens. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx512/vec_dot.h"

/* Broadcasts the 4 activation quants at q to every 32-bit lane. */
static inline __m512i quad(const int8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return _mm512_set1_epi32(v);
}

/* NT tokens (a constant after inlining) over 16 packed rows. */
static inline __attribute__((always_inline)) void gemm_q4_0x16(const rz_block_q4_0x16 *p,
                                                               int64_t nb, const uint8_t *xq,
                                                               size_t x_bytes, float *y, size_t ldy,
                                                               const int NT) {
    const size_t tail = rz_vec_dot_q8_0_tail(nb * RZ_QK);
    const int64_t padded = rz_vec_dot_q8_0_padded(nb * RZ_QK);
    const __m512i low = _mm512_set1_epi8(0x0f);
    __m512 acc[RZ_PACK_TOKENS];
    for (int t = 0; t < NT; t++)
        acc[t] = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; k++, p++) {
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p->d));
        __m512i lo[4], hi[4];
        for (int j = 0; j < 4; j++) {
            const __m512i v = _mm512_loadu_si512(p->qs[j]);
            lo[j] = _mm512_and_si512(v, low);
            hi[j] = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
        }
        for (int t = 0; t < NT; t++) {
            const uint8_t *xt = xq + (size_t)t * x_bytes;
            const int8_t *q = ((const rz_block_q8_0 *)xt)[k].qs;
            const float *dx = (const float *)(xt + tail);
            const int32_t *qsum = (const int32_t *)(dx + 2 * padded);
            __m512i i0 = _mm512_set1_epi32(-8 * qsum[k]), i1 = _mm512_setzero_si512();
            for (int j = 0; j < 4; j++) {
                i0 = _mm512_dpbusd_epi32(i0, lo[j], quad(q + 4 * j));
                i1 = _mm512_dpbusd_epi32(i1, hi[j], quad(q + 16 + 4 * j));
            }
            const __m512 s = _mm512_mul_ps(dw, _mm512_set1_ps(dx[k]));
            const __m512 prod = _mm512_mul_ps(s, _mm512_cvtepi32_ps(_mm512_add_epi32(i0, i1)));
            acc[t] = _mm512_add_ps(acc[t], prod);
        }
    }
    for (int t = 0; t < NT; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

#define GEMM_CASE(N)                                                                               \
    case N:                                                                                        \
        gemm_q4_0x16(p, nb, xq, x_bytes, y + g * RZ_PACK_ROWS, ldy, N);                            \
        break;

void rz_avx512_vec_gemm_q4_0x16(const void *w, size_t row_bytes, int nr, const void *xq,
                                size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    const int64_t nb = n / RZ_QK;
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
        const rz_block_q4_0x16 *p =
            (const rz_block_q4_0x16 *)((const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes);
        switch (nt) {
            GEMM_CASE(1)
            GEMM_CASE(2)
            GEMM_CASE(3)
            GEMM_CASE(4)
            GEMM_CASE(5)
            GEMM_CASE(6)
            GEMM_CASE(7)
            GEMM_CASE(8)
            GEMM_CASE(9)
            GEMM_CASE(10)
            GEMM_CASE(11)
            GEMM_CASE(12)
            GEMM_CASE(13)
            GEMM_CASE(14)
            GEMM_CASE(15)
        default:
            gemm_q4_0x16(p, nb, xq, x_bytes, y + g * RZ_PACK_ROWS, ldy, RZ_PACK_TOKENS);
        }
    }
}
