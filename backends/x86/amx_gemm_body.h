/* The AMX int8 gemm of the packed q8_0 and q4_0 types (backends/pack.h) with q8_0 activations,
 * written once over tile hooks so that backends/amx/gemm.c runs it on AMX and tests/test_amx.c
 * on a software model of the tiles (tests/support/amx_model.h) where the CPU has none.
 *
 * Per 16-row group, up to 16 tokens at a time, per 32-element block: C (tile 0, tokens x rows,
 * int32) = A (tile 1, each token's 32 activation quants) times B (tile 2, the block's 16 rows in
 * AMX's 4-byte pairing, which is the packed layout itself for q8_0; q4_0's nibbles minus 8,
 * unpacked to a buffer) by tdpbssd: the exact int32 dot of the scalar reference. Then
 * acc += (d_w * d_x) * (float)isum per token with AVX-512, the reference's order and bits.
 *
 * The tile configurations are constants (one per token count, read-only data): GCC 12 deletes
 * stores to a tile configuration it cannot see ldtilecfg read, and a constant needs no store.
 *
 * Hooks (defined by the includer, #undef'd at the end): AMX_NAME(x) the prefix of the functions
 * defined, AMX_LOADCONFIG(cfg), AMX_ZERO(t), AMX_LOAD(t, base, stride), AMX_DPBSSD(c, a, b),
 * AMX_STORE(t, base, stride), AMX_RELEASE(), and optionally AMX_SCOPE (static, or nothing).
 * Defines AMX_NAME(gemm_q8_0x16) and AMX_NAME(gemm_q4_0x16) with the gemm contract of
 * backends/vec_dot.h (any nt >= 1). */
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
#include "backends/pack.h"
#include "backends/vec_dot.h"

/* Tile 0: C, m tokens x 16 int32; tile 1: A, m tokens x 32 bytes; tile 2: B, 8 x 64 bytes. */
#define AMX_CONFIG(m)                                                                              \
    {                                                                                              \
        .palette = 1, .colsb = {64, 32, 64}, .rows = { m, m, 8 }                                   \
    }
static const rz_amx_tile_config AMX_NAME(configs)[RZ_PACK_ROWS] = {
    AMX_CONFIG(1),  AMX_CONFIG(2),  AMX_CONFIG(3),  AMX_CONFIG(4),  AMX_CONFIG(5),  AMX_CONFIG(6),
    AMX_CONFIG(7),  AMX_CONFIG(8),  AMX_CONFIG(9),  AMX_CONFIG(10), AMX_CONFIG(11), AMX_CONFIG(12),
    AMX_CONFIG(13), AMX_CONFIG(14), AMX_CONFIG(15), AMX_CONFIG(16)};
#undef AMX_CONFIG

/* m <= 16 tokens from xq over one group's nb packed blocks at p (q8 says which type). */
static void AMX_NAME(tokens)(const uint8_t *p, bool q8, int64_t nb, const uint8_t *xq,
                             size_t x_bytes, float *y, size_t ldy, int m) {
    const size_t bytes = q8 ? sizeof(rz_block_q8_0x16) : sizeof(rz_block_q4_0x16);
    const size_t tail = rz_vec_dot_q8_0_tail(nb * RZ_QK);
    _Alignas(64) int32_t c[RZ_PACK_ROWS][RZ_PACK_ROWS];
    _Alignas(64) int8_t b[8][4 * RZ_PACK_ROWS];
    __m512 acc[RZ_PACK_ROWS];
    for (int t = 0; t < m; t++)
        acc[t] = _mm512_setzero_ps();
    AMX_LOADCONFIG(&AMX_NAME(configs)[m - 1]);
    for (int64_t k = 0; k < nb; k++, p += bytes) {
        const void *levels = ((const rz_block_q8_0x16 *)p)->qs;
        if (!q8) { /* chunk j: low nibbles of qs[j], chunk j + 4: their high nibbles */
            const rz_block_q4_0x16 *blk = (const rz_block_q4_0x16 *)p;
            const __m512i low = _mm512_set1_epi8(0x0f), eight = _mm512_set1_epi8(8);
            for (int j = 0; j < 4; j++) {
                const __m512i v = _mm512_loadu_si512(blk->qs[j]);
                _mm512_store_si512(b[j], _mm512_sub_epi8(_mm512_and_si512(v, low), eight));
                _mm512_store_si512(
                    b[j + 4],
                    _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(v, 4), low), eight));
            }
            levels = b;
        }
        AMX_ZERO(0);
        AMX_LOAD(1, ((const rz_block_q8_0 *)xq)[k].qs, x_bytes);
        AMX_LOAD(2, levels, 4 * RZ_PACK_ROWS);
        AMX_DPBSSD(0, 1, 2);
        AMX_STORE(0, c, sizeof c[0]);
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        for (int t = 0; t < m; t++) {
            const float *dx = (const float *)(xq + (size_t)t * x_bytes + tail);
            const __m512 isum = _mm512_cvtepi32_ps(_mm512_load_si512(c[t]));
            acc[t] = _mm512_add_ps(acc[t],
                                   _mm512_mul_ps(_mm512_mul_ps(dw, _mm512_set1_ps(dx[k])), isum));
        }
    }
    for (int t = 0; t < m; t++)
        _mm512_storeu_ps(y + (size_t)t * ldy, acc[t]);
}

static void AMX_NAME(gemm)(bool q8, const void *w, size_t row_bytes, int nr, const void *xq,
                           size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++)
        for (int t = 0; t < nt; t += RZ_PACK_ROWS)
            AMX_NAME(tokens)
    ((const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes, q8, n / RZ_QK,
     (const uint8_t *)xq + (size_t)t * x_bytes, x_bytes, y + (size_t)t * ldy + g * RZ_PACK_ROWS,
     ldy, nt - t < RZ_PACK_ROWS ? nt - t : RZ_PACK_ROWS);
    AMX_RELEASE();
}

AMX_SCOPE void AMX_NAME(gemm_q8_0x16)(const void *w, size_t row_bytes, int nr, const void *xq,
                                      size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    AMX_NAME(gemm)(true, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);
}

AMX_SCOPE void AMX_NAME(gemm_q4_0x16)(const void *w, size_t row_bytes, int nr, const void *xq,
                                      size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    AMX_NAME(gemm)(false, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);
}

#undef AMX_SCOPE
#undef AMX_NAME
#undef AMX_LOADCONFIG
#undef AMX_ZERO
#undef AMX_LOAD
#undef AMX_DPBSSD
#undef AMX_STORE
#undef AMX_RELEASE
