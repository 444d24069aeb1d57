/* The AMX int8 gemms of every packed type (backends/pack.h), written once over tile hooks so that
 * backends/amx/gemm.c runs them on AMX and tests/test_pack.c on a software model of the tiles
 * (tests/support/amx_model.h) where the CPU has none.
 *
 * Per 16-row group and up to 16 tokens, per group of K activation quants: C (tile 0, tokens x
 * rows, int32) = A (the tokens' K activation quants) times B (the group's 16 rows in AMX's 4-byte
 * pairing, which is the packed layout itself) by tdpbssd: the exact int32 dot of the scalar
 * reference. B holds q8_0's quants as they are and the other types' levels unsigned (the nibbles,
 * q5_0's with the fifth bit, as backends/avx512/packed_blocks.h unpacks them for VNNI; q4_K's
 * nibbles, q6_K's six bits), all below 128.
 * - q4_0, q4_1, q5_0, q8_0 (K = 32, tiles 1 and 2): isum = C - offset x the block's quant sum
 *   (offset 8 for q4_0, 16 for q5_0), then acc += (d_w * d_x) * (float)isum, plus
 *   (m * d_x) * (float)(quant sum) for q4_1 (packed_blocks.h's term, shared with VNNI).
 * - q4_K (K = 32 per 32-element group g): isum += sc[g] * C, msum += m[g] * (the group's quant
 *   sum), then acc += (d_x * d_w) * (float)isum - (d_x * dmin) * (float)msum per super-block.
 * - q6_K (K = 16 per 16-element group g, tiles 3 and 4): isum += sc[g] * (C - 32 bsums[g]), then
 *   acc += (d_x * d_w) * (float)isum per super-block.
 * The float steps are the scalar reference's (backends/scalar/vec_gemm.c), in its order: its bits.
 *
 * The tile configurations are constants (one per token count, read-only data): GCC 12 deletes
 * stores to a tile configuration it cannot see ldtilecfg read, and a constant needs no store.
 *
 * Hooks (defined by the includer, #undef'd at the end): AMX_NAME(x) the prefix of the functions
 * defined, AMX_LOADCONFIG(cfg), AMX_ZERO(t), AMX_LOAD(t, base, stride), AMX_DPBSSD(c, a, b),
 * AMX_STORE(t, base, stride), AMX_RELEASE(), and optionally AMX_SCOPE (static, or nothing).
 * Defines AMX_NAME(gemm_q4_0x16), AMX_NAME(gemm_q4_1x16), AMX_NAME(gemm_q5_0x16),
 * AMX_NAME(gemm_q8_0x16), AMX_NAME(gemm_q4_kx16) and AMX_NAME(gemm_q6_kx16) with the gemm
 * contract of backends/vec_dot.h (any nt >= 1). */
#if !defined(AMX_NAME) || !defined(AMX_LOADCONFIG) || !defined(AMX_ZERO) || !defined(AMX_LOAD) ||  \
    !defined(AMX_DPBSSD) || !defined(AMX_STORE) || !defined(AMX_RELEASE)
#error                                                                                             \
    "amx_gemm_body.h needs AMX_NAME, AMX_LOADCONFIG, AMX_ZERO, AMX_LOAD, AMX_DPBSSD, AMX_STORE, AMX_RELEASE"
#endif

#ifndef AMX_SCOPE
#define AMX_SCOPE
#endif

#include <immintrin.h>
#include <stddef.h>

#include "backends/amx/tile_config.h"
#include "backends/avx512/packed_blocks.h"
#include "backends/pack.h"
#include "backends/vec_dot.h"

/* Tile 0: C, m tokens x 16 int32; 1: A, m tokens x 32 bytes; 2: B, 8 x 64 bytes; 3: A, m tokens x
 * 16 bytes; 4: B, 4 x 64 bytes. */
#define AMX_CONFIG(m)                                                                              \
    {                                                                                              \
        .palette = 1, .colsb = {64, 32, 64, 16, 64}, .rows = { m, m, 8, m, 4 }                     \
    }
static const rz_amx_tile_config AMX_NAME(configs)[RZ_PACK_ROWS] = {
    AMX_CONFIG(1),  AMX_CONFIG(2),  AMX_CONFIG(3),  AMX_CONFIG(4),  AMX_CONFIG(5),  AMX_CONFIG(6),
    AMX_CONFIG(7),  AMX_CONFIG(8),  AMX_CONFIG(9),  AMX_CONFIG(10), AMX_CONFIG(11), AMX_CONFIG(12),
    AMX_CONFIG(13), AMX_CONFIG(14), AMX_CONFIG(15), AMX_CONFIG(16)};
#undef AMX_CONFIG

/* C = the m tokens' k activation quants at x (tokens x_bytes apart) times the k / 4 rows of B at
 * b, stored to c (16 int32 a token). */
static inline void AMX_NAME(product)(const void *x, size_t x_bytes, const void *b, int k,
                                     int32_t c[RZ_PACK_ROWS][RZ_PACK_ROWS]) {
    AMX_ZERO(0);
    if (k == 32) {
        AMX_LOAD(1, x, x_bytes);
        AMX_LOAD(2, b, 4 * RZ_PACK_ROWS);
        AMX_DPBSSD(0, 1, 2);
    } else {
        AMX_LOAD(3, x, x_bytes);
        AMX_LOAD(4, b, 4 * RZ_PACK_ROWS);
        AMX_DPBSSD(0, 3, 4);
    }
    AMX_STORE(0, c, sizeof c[0]);
}

/* m <= 16 tokens from xq over one group's nb 32-element blocks at p. */
static void AMX_NAME(tokens_32)(const uint8_t *p, uint32_t type, int64_t nb, const uint8_t *xq,
                                size_t x_bytes, float *y, size_t ldy, int m) {
    const size_t bytes = avx512_block_bytes(type);
    const int offset = type == RZ_TYPE_Q4_0_X16 ? 8 : type == RZ_TYPE_Q5_0_X16 ? 16 : 0;
    const size_t tail = rz_vec_dot_q8_0_tail(nb * RZ_QK);
    const int64_t padded = rz_vec_dot_q8_0_padded(nb * RZ_QK);
    _Alignas(64) int32_t c[RZ_PACK_ROWS][RZ_PACK_ROWS];
    _Alignas(64) int8_t b[8][4 * RZ_PACK_ROWS];
    __m512 acc[RZ_PACK_ROWS];
    for (int t = 0; t < m; t++)
        acc[t] = _mm512_setzero_ps();
    AMX_LOADCONFIG(&AMX_NAME(configs)[m - 1]);
    for (int64_t k = 0; k < nb; k++, p += bytes) {
        const void *levels = ((const rz_block_q8_0x16 *)p)->qs; /* signed, as they are */
        if (type != RZ_TYPE_Q8_0_X16) {
            __m512i u[8];
            avx512_block_levels(p, type, u);
            for (int i = 0; i < 8; i++)
                _mm512_store_si512(b[i], u[i]);
            levels = b;
        }
        AMX_NAME(product)(((const rz_block_q8_0 *)xq)[k].qs, x_bytes, levels, 32, c);
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        for (int t = 0; t < m; t++) {
            const float *dx = (const float *)(xq + (size_t)t * x_bytes + tail);
            const int32_t qsum = ((const int32_t *)(dx + 2 * padded))[k];
            const __m512i isum =
                _mm512_sub_epi32(_mm512_load_si512(c[t]), _mm512_set1_epi32(offset * qsum));
            acc[t] = _mm512_add_ps(acc[t], avx512_block_term(p, type, dw, dx[k], isum, qsum));
        }
    }
    for (int t = 0; t < m; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

/* Row scales of 16 bytes at s widened to int32 (signed for q6_K, unsigned for q4_K). */
static inline __m512i AMX_NAME(scales)(const void *s, bool is_signed) {
    const __m128i v = _mm_loadu_si128((const __m128i *)s);
    return is_signed ? _mm512_cvtepi8_epi32(v) : _mm512_cvtepu8_epi32(v);
}

/* m <= 16 tokens from xq over one group's nb super-blocks of q4_K (q6 false) or q6_K at p. */
static void AMX_NAME(tokens_k)(const uint8_t *p, bool q6, int64_t nb, const uint8_t *xq,
                               size_t x_bytes, float *y, size_t ldy, int m) {
    const size_t bytes = q6 ? sizeof(rz_block_q6_kx16) : sizeof(rz_block_q4_kx16);
    _Alignas(64) int32_t c[RZ_PACK_ROWS][RZ_PACK_ROWS], isum[RZ_PACK_ROWS][RZ_PACK_ROWS],
        msum[RZ_PACK_ROWS][RZ_PACK_ROWS];
    _Alignas(64) int8_t b[8][4 * RZ_PACK_ROWS];
    __m512 acc[RZ_PACK_ROWS];
    for (int t = 0; t < m; t++)
        acc[t] = _mm512_setzero_ps();
    const __m512i low = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(0x03);
    AMX_LOADCONFIG(&AMX_NAME(configs)[m - 1]);
    for (int64_t i = 0; i < nb; i++, p += bytes) {
        for (int t = 0; t < m; t++) {
            _mm512_store_si512(isum[t], _mm512_setzero_si512());
            _mm512_store_si512(msum[t], _mm512_setzero_si512());
        }
        const rz_block_q8_k *x = (const rz_block_q8_k *)xq + i;
        for (int g = 0; !q6 && g < 8; g++) {
            const rz_block_q4_kx16 *w = (const rz_block_q4_kx16 *)p;
            for (int k = 0; k < 8; k++) {
                const __m512i v = _mm512_loadu_si512(w->qs[g / 2][k]);
                _mm512_store_si512(b[k],
                                   _mm512_and_si512(g % 2 ? _mm512_srli_epi16(v, 4) : v, low));
            }
            AMX_NAME(product)(x->qs + 32 * g, x_bytes, b, 32, c);
            const __m512i sc = AMX_NAME(scales)(w->sc[g], false);
            const __m512i mn = AMX_NAME(scales)(w->m[g], false);
            for (int t = 0; t < m; t++) {
                const rz_block_q8_k *xt = (const rz_block_q8_k *)((const uint8_t *)x + t * x_bytes);
                const int32_t gsum = xt->bsums[2 * g] + xt->bsums[2 * g + 1];
                _mm512_store_si512(
                    isum[t], _mm512_add_epi32(_mm512_load_si512(isum[t]),
                                              _mm512_mullo_epi32(sc, _mm512_load_si512(c[t]))));
                _mm512_store_si512(
                    msum[t], _mm512_add_epi32(_mm512_load_si512(msum[t]),
                                              _mm512_mullo_epi32(mn, _mm512_set1_epi32(gsum))));
            }
        }
        for (int g = 0; q6 && g < 16; g++) { /* 32-element group G = g / 2 = 4 h + k */
            const rz_block_q6_kx16 *w = (const rz_block_q6_kx16 *)p;
            const int G = g / 2, h = G / 4, k = G % 4;
            for (int r = 0; r < 4; r++) {
                const int c4 = 4 * (g % 2) + r;
                const __m512i l = _mm512_loadu_si512(w->ql[2 * h + k % 2][c4]);
                const __m512i hi = _mm512_loadu_si512(w->qh[h][c4]);
                const __m512i lo4 = _mm512_and_si512(k / 2 ? _mm512_srli_epi16(l, 4) : l, low);
                const __m512i hi2 = _mm512_and_si512(_mm512_srli_epi16(hi, 2 * k), two);
                _mm512_store_si512(b[r], _mm512_or_si512(lo4, _mm512_slli_epi16(hi2, 4)));
            }
            AMX_NAME(product)(x->qs + 16 * g, x_bytes, b, 16, c);
            const __m512i sc = AMX_NAME(scales)(w->sc[g], true);
            for (int t = 0; t < m; t++) {
                const rz_block_q8_k *xt = (const rz_block_q8_k *)((const uint8_t *)x + t * x_bytes);
                const __m512i s =
                    _mm512_sub_epi32(_mm512_load_si512(c[t]), _mm512_set1_epi32(32 * xt->bsums[g]));
                _mm512_store_si512(isum[t], _mm512_add_epi32(_mm512_load_si512(isum[t]),
                                                             _mm512_mullo_epi32(sc, s)));
            }
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        const __m512 dmin = q6 ? dw
                               : _mm512_cvtph_ps(_mm256_loadu_si256(
                                     (const __m256i *)((const rz_block_q4_kx16 *)p)->dmin));
        for (int t = 0; t < m; t++) {
            const rz_block_q8_k *xt = (const rz_block_q8_k *)((const uint8_t *)x + t * x_bytes);
            const __m512 dy = _mm512_set1_ps(xt->d);
            __m512 dot = _mm512_mul_ps(_mm512_mul_ps(dy, dw),
                                       _mm512_cvtepi32_ps(_mm512_load_si512(isum[t])));
            if (!q6)
                dot = _mm512_sub_ps(dot,
                                    _mm512_mul_ps(_mm512_mul_ps(dy, dmin),
                                                  _mm512_cvtepi32_ps(_mm512_load_si512(msum[t]))));
            acc[t] = _mm512_add_ps(acc[t], dot);
        }
    }
    for (int t = 0; t < m; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

/* Every 16-row group over the tokens 16 at a time: the 32-element types (type) or, for q4_K and
 * q6_K, the super-block ones. */
static void AMX_NAME(gemm)(uint32_t type, const void *w, size_t row_bytes, int nr, const void *xq,
                           size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    const bool q6 = type == RZ_TYPE_Q6_K_X16, k_quant = q6 || type == RZ_TYPE_Q4_K_X16;
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++)
        for (int t = 0; t < nt; t += RZ_PACK_ROWS) {
            const uint8_t *p = (const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes;
            const uint8_t *x = (const uint8_t *)xq + (size_t)t * x_bytes;
            float *out = y + (size_t)t * ldy + g * RZ_PACK_ROWS;
            const int m = nt - t < RZ_PACK_ROWS ? nt - t : RZ_PACK_ROWS;
            if (k_quant) {
                AMX_NAME(tokens_k)(p, q6, n / RZ_QK_K, x, x_bytes, out, ldy, m);
            } else {
                AMX_NAME(tokens_32)(p, type, n / RZ_QK, x, x_bytes, out, ldy, m);
            }
        }
    AMX_RELEASE();
}

/* Defines AMX_NAME(gemm_<name>) for packed type `type`. */
#define AMX_GEMM(name, type)                                                                       \
    AMX_SCOPE void AMX_NAME(gemm_##name)(const void *w, size_t row_bytes, int nr, const void *xq,  \
                                         size_t x_bytes, int nt, float *y, size_t ldy,             \
                                         int64_t n) {                                              \
        AMX_NAME(gemm)(type, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);                        \
    }
AMX_GEMM(q4_0x16, RZ_TYPE_Q4_0_X16)
AMX_GEMM(q4_1x16, RZ_TYPE_Q4_1_X16)
AMX_GEMM(q5_0x16, RZ_TYPE_Q5_0_X16)
AMX_GEMM(q8_0x16, RZ_TYPE_Q8_0_X16)
AMX_GEMM(q4_kx16, RZ_TYPE_Q4_K_X16)
AMX_GEMM(q6_kx16, RZ_TYPE_Q6_K_X16)
#undef AMX_GEMM

#undef AMX_SCOPE
#undef AMX_NAME
#undef AMX_LOADCONFIG
#undef AMX_ZERO
#undef AMX_LOAD
#undef AMX_DPBSSD
#undef AMX_STORE
#undef AMX_RELEASE
