/* AVX2 dots of the K-quants with q8_K activations, 32 elements per step: maddubs gives int16
 * pair sums (|pair| <= 2*63*128, no saturation), madd with the group scales as int16 gives int32
 * lanes; the mins (q4_K, q5_K) and q6_K's -32 come from the bsums by one madd per super-block.
 * Each super-block's int32 lanes are scaled once in float. q4_K and q5_K are
 * backends/x86/vec_dot_k_body.h over this file's step. */
#include <immintrin.h>

#include "backends/avx2/vec_dot.h"
#include "engine/types/blocks.h"

/* acc plus the int32 lanes of sum over 32 elements of sc_g * u * y: byte g of the scales (in both
 * lanes of sb) spread to every int16 lane by one byte shuffle */
static inline __m256i step(__m256i acc, __m256i u, const int8_t *y, __m256i sb, int g) {
    const __m256i spread = _mm256_set1_epi16((short)(0x8000 | g));
    return _mm256_add_epi32(
        acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_loadu_si256((const __m256i *)y)),
                               _mm256_shuffle_epi8(sb, spread)));
}

/* Defines rz_avx2_vec_dot_q4_k, rz_avx2_vec_tile_q4_k, rz_avx2_vec_dot_q5_k, rz_avx2_vec_tile_q5_k.
 */
#define RZ_X86_DOT(type) rz_avx2_vec_dot_##type
#define RZ_X86_TILE(type) rz_avx2_vec_tile_##type
#include "backends/x86/vec_dot_k_body.h"

/* Per 128 elements: 64 ql bytes A (32) and B (32) and 32 qh bytes Q give the four 32-element
 * steps A&15 | (Q&3)<<4, B&15 | (Q>>2&3)<<4, A>>4 | (Q>>4&3)<<4, B>>4 | (Q>>6&3)<<4. */
float rz_avx2_vec_dot_q6_k(const void *w, const void *xq, int64_t n) {
    const rz_block_q6_k *b = w;
    const rz_block_q8_k *y = xq;
    const __m256i mask = _mm256_set1_epi8(0x0f), two = _mm256_set1_epi8(0x30);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, y++) {
        const __m128i sc = _mm_loadu_si128((const __m128i *)b->scales);
        const __m128i sc16[2] = {_mm_cvtepi8_epi16(sc), _mm_cvtepi8_epi16(_mm_srli_si128(sc, 8))};
        const int8_t *yq = y->qs;
        __m256i isum = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i A = load256(b->ql + 64 * h), B = load256(b->ql + 64 * h + 32);
            const __m256i sh = _mm256_broadcastsi128_si256(sc16[h]);
            const __m256i Q = load256(b->qh + 32 * h);
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(A, mask),
                                _mm256_and_si256(_mm256_slli_epi16(Q, 4), two)),
                _mm256_or_si256(_mm256_and_si256(B, mask),
                                _mm256_and_si256(_mm256_slli_epi16(Q, 2), two)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(A, 4), mask),
                                _mm256_and_si256(Q, two)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(B, 4), mask),
                                _mm256_and_si256(_mm256_srli_epi16(Q, 2), two)),
            };
            for (int k = 0; k < 4; k++) {
                /* int16 scale 2k of this half in the low lane, 2k + 1 in the high lane */
                const __m256i s = _mm256_shuffle_epi8(
                    sh, _mm256_setr_epi8(4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                         4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                         4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3,
                                         4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2,
                                         4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3,
                                         4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3));
                const __m256i p = _mm256_maddubs_epi16(q[k], load256(yq + 128 * h + 32 * k));
                isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, s));
            }
        }
        const __m256i s16 = _mm256_set_m128i(sc16[1], sc16[0]);
        const __m256i corr = _mm256_madd_epi16(load256(y->bsums), s16);
        isum = _mm256_sub_epi32(isum, _mm256_slli_epi32(corr, 5));
        float dd[2];
        scale_pair(&b->d, 1, y, dd);
        acc = _mm256_fmadd_ps(_mm256_broadcast_ss(dd), _mm256_cvtepi32_ps(isum), acc);
    }
    return rz_x86_hsum256(acc);
}
