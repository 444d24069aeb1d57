/* AVX2 gemm of the packed types (backends/pack.h) with q8_0 activations: each 16-row group is
 * worked as two halves of 8 rows, one 256-bit register holding the same 4-byte chunk of 8 rows;
 * each token's matching 4 activation quants are broadcast to every lane and the u8 x s8 products
 * (nibbles, with the fifth bit for q5_0, times quants; for q8_0 |w| times the quants carrying w's
 * sign) summed into the lane of each row by maddubs and madd, starting from -8 (q4_0) or -16
 * (q5_0) times the block's quant sum: the exact
 * int32 dot of the scalar reference. Then, per block and as the scalar code does, acc +=
 * (d_w * d_x) * (float)isum (plus (m * d_x) * (float)(quant sum) for q4_1): the reference's bits.
 * Tokens go 4 at a time (the registers of 4 accumulators and 4 sums). */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"

/* AHEAD: one token prefetches the packed weights that many bytes ahead (as on AVX-512). */
enum { TOKENS = 4, AHEAD = 4096 };

static inline __m256i quad(const int8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return _mm256_set1_epi32(v);
}

static inline size_t block_bytes(uint32_t type) {
    return type == RZ_TYPE_Q4_0_X16   ? sizeof(rz_block_q4_0x16)
           : type == RZ_TYPE_Q4_1_X16 ? sizeof(rz_block_q4_1x16)
           : type == RZ_TYPE_Q5_0_X16 ? sizeof(rz_block_q5_0x16)
                                      : sizeof(rz_block_q8_0x16);
}

/* The int32 dots of NT tokens with half h of packed block p (k its index), added to isum. */
static inline __attribute__((always_inline)) void block_dots(const uint8_t *p, uint32_t type, int h,
                                                             int64_t k, const uint8_t *xq,
                                                             size_t x_bytes, __m256i isum[TOKENS],
                                                             const int NT) {
    const __m256i ones = _mm256_set1_epi16(1);
    if (type == RZ_TYPE_Q8_0_X16) {
        for (int i = 0; i < 8; i++) {
            const __m256i w = _mm256_loadu_si256(
                (const __m256i *)(((const rz_block_q8_0x16 *)p)->qs[i] + 32 * h));
            const __m256i a = _mm256_abs_epi8(w);
            for (int t = 0; t < NT; t++) {
                const int8_t *q = ((const rz_block_q8_0 *)(xq + (size_t)t * x_bytes))[k].qs;
                const __m256i pairs = _mm256_maddubs_epi16(a, _mm256_sign_epi8(quad(q + 4 * i), w));
                isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(pairs, ones));
            }
        }
        return;
    }
    const uint8_t(*qs)[4 * RZ_PACK_ROWS] =
        type == RZ_TYPE_Q4_0_X16   ? ((const rz_block_q4_0x16 *)p)->qs
        : type == RZ_TYPE_Q5_0_X16 ? ((const rz_block_q5_0x16 *)p)->qs
                                   : ((const rz_block_q4_1x16 *)p)->qs;
    const __m256i low = _mm256_set1_epi8(0x0f), bit4 = _mm256_set1_epi8(0x10);
    const __m256i fifth =
        type == RZ_TYPE_Q5_0_X16
            ? _mm256_loadu_si256((const __m256i *)(((const rz_block_q5_0x16 *)p)->qh + 8 * h))
            : _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(qs[j] + 32 * h));
        __m256i lo = _mm256_and_si256(v, low);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
        if (type == RZ_TYPE_Q5_0_X16) { /* chunks j and j + 4: fifth bits to bit 4 of each byte */
            lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi32(fifth, 4 - j), bit4));
            hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_srli_epi32(fifth, j), bit4));
        }
        for (int t = 0; t < NT; t++) {
            const int8_t *q = ((const rz_block_q8_0 *)(xq + (size_t)t * x_bytes))[k].qs;
            const __m256i pairs = _mm256_add_epi16(_mm256_maddubs_epi16(lo, quad(q + 4 * j)),
                                                   _mm256_maddubs_epi16(hi, quad(q + 16 + 4 * j)));
            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(pairs, ones));
        }
    }
}

/* NT tokens over halves h0..h0 + H - 1 of a group's packed rows (NT, H constants after inlining;
 * one token takes both halves in one pass over the weights, so a decode reads them once). */
static inline __attribute__((always_inline)) void gemm_halves(const uint8_t *p, uint32_t type,
                                                              const int h0, const int H, int64_t nb,
                                                              const uint8_t *xq, size_t x_bytes,
                                                              float *y, size_t ldy, const int NT) {
    const size_t tail = rz_vec_dot_q8_0_tail(nb * RZ_QK), bytes = block_bytes(type);
    const int64_t padded = rz_vec_dot_q8_0_padded(nb * RZ_QK);
    const int offset = type == RZ_TYPE_Q4_0_X16 ? 8 : type == RZ_TYPE_Q5_0_X16 ? 16 : 0;
    __m256 acc[2][TOKENS];
    for (int h = 0; h < H; h++)
        for (int t = 0; t < NT; t++)
            acc[h][t] = _mm256_setzero_ps();
    for (int64_t k = 0; k < nb; k++, p += bytes)
        for (int h = 0; h < H; h++) {
            if (NT == 1 && h == 0) /* a decode streams the weights once: fetch ahead */
                for (size_t l = 0; l < bytes; l += 64)
                    _mm_prefetch((const char *)p + AHEAD + l, _MM_HINT_T0);
            __m256i isum[TOKENS];
            for (int t = 0; t < NT; t++) {
                const float *dx = (const float *)(xq + (size_t)t * x_bytes + tail);
                isum[t] = _mm256_set1_epi32(-offset * ((const int32_t *)(dx + 2 * padded))[k]);
            }
            block_dots(p, type, h0 + h, k, xq, x_bytes, isum, NT);
            const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p + h0 + h));
            for (int t = 0; t < NT; t++) {
                const float *dx = (const float *)(xq + (size_t)t * x_bytes + tail);
                const __m256 dy = _mm256_set1_ps(dx[k]);
                __m256 prod = _mm256_mul_ps(_mm256_mul_ps(dw, dy), _mm256_cvtepi32_ps(isum[t]));
                if (type == RZ_TYPE_Q4_1_X16) {
                    const float qsum = (float)((const int32_t *)(dx + 2 * padded))[k];
                    const __m256 m = _mm256_cvtph_ps(_mm_loadu_si128(
                        (const __m128i *)((const rz_block_q4_1x16 *)p)->m + h0 + h));
                    prod = _mm256_add_ps(prod,
                                         _mm256_mul_ps(_mm256_mul_ps(m, dy), _mm256_set1_ps(qsum)));
                }
                acc[h][t] = _mm256_add_ps(acc[h][t], prod);
            }
        }
    for (int h = 0; h < H; h++)
        for (int t = 0; t < NT; t++)
            _mm256_storeu_ps(y + (size_t)t * ldy + 8 * h, acc[h][t]);
}

static inline __attribute__((always_inline)) void groups(uint32_t type, const void *w,
                                                         size_t row_bytes, int nr, const void *xq,
                                                         size_t x_bytes, int nt, float *y,
                                                         size_t ldy, int64_t n) {
    const int64_t nb = n / RZ_QK;
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
        const uint8_t *p = (const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes;
        if (nt == 1) {
            gemm_halves(p, type, 0, 2, nb, xq, x_bytes, y + g * RZ_PACK_ROWS, ldy, 1);
            continue;
        }
        for (int h = 0; h < 2; h++)
            for (int t = 0; t < nt; t += TOKENS) {
                const uint8_t *x = (const uint8_t *)xq + (size_t)t * x_bytes;
                float *out = y + (size_t)t * ldy + g * RZ_PACK_ROWS + 8 * h;
                switch (nt - t < TOKENS ? nt - t : TOKENS) {
                case 1:
                    gemm_halves(p, type, h, 1, nb, x, x_bytes, out, ldy, 1);
                    break;
                case 2:
                    gemm_halves(p, type, h, 1, nb, x, x_bytes, out, ldy, 2);
                    break;
                case 3:
                    gemm_halves(p, type, h, 1, nb, x, x_bytes, out, ldy, 3);
                    break;
                default:
                    gemm_halves(p, type, h, 1, nb, x, x_bytes, out, ldy, TOKENS);
                }
            }
    }
}

/* Defines rz_avx2_vec_gemm_q4_0x16, rz_avx2_vec_gemm_q4_1x16, rz_avx2_vec_gemm_q5_0x16,
 * rz_avx2_vec_gemm_q8_0x16. */
#define GEMM(name, TYPE)                                                                           \
    void rz_avx2_vec_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,          \
                                 size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {        \
        groups(TYPE, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);                                \
    }
GEMM(q4_0x16, RZ_TYPE_Q4_0_X16)
GEMM(q4_1x16, RZ_TYPE_Q4_1_X16)
GEMM(q5_0x16, RZ_TYPE_Q5_0_X16)
GEMM(q8_0x16, RZ_TYPE_Q8_0_X16)
#undef GEMM
