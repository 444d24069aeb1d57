/* AVX-512 dots of the K-quants with q8_K activations: vpmaddubsw gives int16 pair sums
 * (|pair| <= 2*63*128, no saturation) and VNNI's vpdpwssd multiplies them by the group scales
 * (int16 lanes placed by a shuffle) and accumulates int32 lanes; q4_K / q5_K take 32 elements per
 * 256-bit step, q6_K 64 per 512-bit step (each measured the faster here). The mins (q4_K, q5_K)
 * and q6_K's -32 come from the bsums by one madd per super-block. Each super-block's int32 lanes
 * are scaled once in float. q4_K and q5_K are backends/x86/vec_dot_k_body.h over this file's
 * step. */
#include <immintrin.h>

#include "backends/avx512/vec_dot.h"
#include "engine/types/blocks.h"

static inline __m512i load512(const uint8_t *p) {
    return _mm512_loadu_si512(p);
}

/* int16 lane l of the result is lane idx(l) of the 16 int16 in s16 (vpermw): the scale of the
 * group that int16 lane l of a maddubs result covers */
static inline __m512i place(__m256i s16, __m512i idx) {
    return _mm512_permutexvar_epi16(idx, _mm512_castsi256_si512(s16));
}

/* Index vector: int16 lane l gets group first + l / 8 (8 pair sums cover a 16-element group). */
static inline __m512i groups(int first) {
    return _mm512_add_epi16(
        _mm512_set1_epi16((short)first),
        _mm512_srli_epi16(_mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
                                           17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                                           1, 0),
                          3));
}

/* acc plus the int32 lanes of sum over 32 elements of sc_g * u * s: byte g of the scales (in both
 * lanes of sb) spread to every int16 lane by one byte shuffle; VNNI multiplies and accumulates */
static inline __m256i step(__m256i acc, __m256i u, const uint8_t *y, __m256i sb, int g) {
    const __m256i spread = _mm256_set1_epi16((short)(0x8000 | g));
    return _mm256_dpwssd_epi32(acc, _mm256_maddubs_epi16(u, _mm256_loadu_si256((const __m256i *)y)),
                               _mm256_shuffle_epi8(sb, spread));
}

#define RZ_X86_DOT(type) rz_avx512_vec_dot_##type
#define RZ_X86_TILE(type) rz_avx512_vec_tile_##type
#include "backends/x86/vec_dot_k_body.h"

/* Per 128 elements: the 64 ql bytes AB and the 32 qh bytes Q (in both halves of a register)
 * give two 64-element steps: AB&15 with Q bits 0-1 (first 32) and 2-3 (next 32) as bits 4-5,
 * then AB>>4 with Q bits 4-5 and 6-7. Group g (16 elements) has int8 scale sc[g]. */
float rz_avx512_vec_dot_q6_k(const void *w, const void *xq, int64_t n) {
    const uint8_t *b = w, *y = xq;
    const __m512i mask = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(0x30);
    const __m512i shift[2] = {
        _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1),
        _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(6), 1),
    };
    __m512i idx[4];
    for (int v = 0; v < 4; v++)
        idx[v] = groups(4 * v);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q6_K_BYTES, y += RZ_Q8_K_BYTES) {
        const __m128i sc8 = _mm_loadu_si128((const __m128i *)(b + RZ_Q6_K_SCALES));
        const __m256i s16 = _mm256_cvtepi8_epi16(sc8);
        const uint8_t *yq = y + RZ_Q8_K_QS;
        __m512i isum = _mm512_setzero_si512();
        for (int h = 0; h < 2; h++) {
            const __m512i ab = load512(b + 64 * h);
            const __m512i Q = _mm512_broadcast_i64x4(
                _mm256_loadu_si256((const __m256i *)(b + RZ_Q6_K_QH + 32 * h)));
            const __m512i u[2] = {_mm512_and_si512(ab, mask),
                                  _mm512_and_si512(_mm512_srli_epi16(ab, 4), mask)};
            for (int s = 0; s < 2; s++) {
                const __m512i hi =
                    _mm512_and_si512(_mm512_slli_epi16(_mm512_srlv_epi16(Q, shift[s]), 4), two);
                const __m512i p =
                    _mm512_maddubs_epi16(_mm512_or_si512(u[s], hi), load512(yq + 128 * h + 64 * s));
                isum = _mm512_dpwssd_epi32(isum, p, place(s16, idx[2 * h + s]));
            }
        }
        const __m256i corr =
            _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(y + RZ_Q8_K_BSUMS)), s16);
        isum = _mm512_sub_epi32(isum, _mm512_zextsi256_si512(_mm256_slli_epi32(corr, 5)));
        float dd[2];
        scale_pair(b + RZ_Q6_K_D, 1, y, dd);
        acc =
            _mm512_fmadd_ps(_mm512_broadcastss_ps(_mm_load_ss(dd)), _mm512_cvtepi32_ps(isum), acc);
    }
    return _mm512_reduce_add_ps(acc);
}
