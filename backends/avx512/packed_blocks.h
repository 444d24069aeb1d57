/* The 32-element packed blocks (q4_0, q4_1, q5_0, q8_0 x16, backends/pack.h) as the AVX-512 gemm
 * (vec_gemm.c) and the AMX one (backends/x86/amx_gemm_body.h) both read them: a block's bytes, its
 * 16 rows' levels in 512-bit registers, and the scalar reference's float step per block. Static
 * inline helpers of those kernels, not library functions (hence no rz_ prefix, as avx512_exp);
 * the includer builds with the AVX-512 flags. */
#ifndef RZ_BACKENDS_AVX512_PACKED_BLOCKS_H
#define RZ_BACKENDS_AVX512_PACKED_BLOCKS_H

#include <immintrin.h>

#include "backends/pack.h"

static inline size_t avx512_block_bytes(uint32_t type) {
    return type == RZ_TYPE_Q4_0_X16   ? sizeof(rz_block_q4_0x16)
           : type == RZ_TYPE_Q4_1_X16 ? sizeof(rz_block_q4_1x16)
           : type == RZ_TYPE_Q5_0_X16 ? sizeof(rz_block_q5_0x16)
                                      : sizeof(rz_block_q8_0x16);
}

/* Block p's 8 registers of unsigned levels, u[i] pairing with activation quants 4 i..4 i + 3: the
 * nibbles of q4_0 and q4_1 (chunk j the low nibbles of qs[j], chunk j + 4 their high ones), with
 * the fifth bit at bit 4 for q5_0, q8_0's quants plus 128. `type` is a constant after inlining. */
static inline __attribute__((always_inline)) void avx512_block_levels(const uint8_t *p,
                                                                      uint32_t type, __m512i u[8]) {
    if (type == RZ_TYPE_Q8_0_X16) {
        const rz_block_q8_0x16 *b = (const rz_block_q8_0x16 *)p;
        for (int i = 0; i < 8; i++)
            u[i] = _mm512_xor_si512(_mm512_loadu_si512(b->qs[i]), _mm512_set1_epi8((char)0x80));
        return;
    }
    const uint8_t(*qs)[4 * RZ_PACK_ROWS] =
        type == RZ_TYPE_Q4_0_X16   ? ((const rz_block_q4_0x16 *)p)->qs
        : type == RZ_TYPE_Q5_0_X16 ? ((const rz_block_q5_0x16 *)p)->qs
                                   : ((const rz_block_q4_1x16 *)p)->qs;
    const __m512i low = _mm512_set1_epi8(0x0f);
    for (int j = 0; j < 4; j++) {
        const __m512i v = _mm512_loadu_si512(qs[j]);
        u[j] = _mm512_and_si512(v, low);
        u[j + 4] = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
    }
    if (type != RZ_TYPE_Q5_0_X16) return;
    const __m512i h = _mm512_loadu_si512(((const rz_block_q5_0x16 *)p)->qh);
    const __m512i bit4 = _mm512_set1_epi8(0x10);
    for (int i = 0; i < 8; i++) { /* chunk i's fifth bits to bit 4 of each byte */
        const __m512i f = i < 4 ? _mm512_slli_epi32(h, 4 - i) : _mm512_srli_epi32(h, i - 4);
        u[i] = _mm512_or_si512(u[i], _mm512_and_si512(f, bit4));
    }
}

/* The 16 rows' term of block p for one token, as the scalar reference computes it: (d_w * d_x) *
 * (float)isum, plus (m * d_x) * (float)qsum for q4_1 (qsum: the block's activation quant sum). */
static inline __attribute__((always_inline)) __m512 avx512_block_term(const uint8_t *p,
                                                                      uint32_t type, __m512 dw,
                                                                      float dx, __m512i isum,
                                                                      int32_t qsum) {
    const __m512 dy = _mm512_set1_ps(dx);
    __m512 prod = _mm512_mul_ps(_mm512_mul_ps(dw, dy), _mm512_cvtepi32_ps(isum));
    if (type == RZ_TYPE_Q4_1_X16) {
        const __m512 m =
            _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const rz_block_q4_1x16 *)p)->m));
        prod =
            _mm512_add_ps(prod, _mm512_mul_ps(_mm512_mul_ps(m, dy), _mm512_set1_ps((float)qsum)));
    }
    return prod;
}

#endif
