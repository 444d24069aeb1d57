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

static inline __m512i load512(const void *p) {
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
static inline __m256i step(__m256i acc, __m256i u, const int8_t *y, __m256i sb, int g) {
    const __m256i spread = _mm256_set1_epi16((short)(0x8000 | g));
    return _mm256_dpwssd_epi32(acc, _mm256_maddubs_epi16(u, _mm256_loadu_si256((const __m256i *)y)),
                               _mm256_shuffle_epi8(sb, spread));
}

/* Defines rz_avx512_vec_dot_q4_k, rz_avx512_vec_tile_q4_k, rz_avx512_vec_dot_q5_k,
 * rz_avx512_vec_tile_q5_k. */
#define RZ_X86_DOT(type) rz_avx512_vec_dot_##type
#define RZ_X86_TILE(type) rz_avx512_vec_tile_##type
#include "backends/x86/vec_dot_k_body.h"

/* q6_K, a tile of NR rows x NT tokens (constants after inlining). Per 128 elements: the 64 ql
 * bytes AB and the 32 qh bytes Q (in both halves of a register) give two 64-element steps:
 * AB&15 with Q bits 0-1 (first 32) and 2-3 (next 32) as bits 4-5, then AB>>4 with Q bits 4-5 and
 * 6-7. Group g (16 elements) has int8 scale sc[g]. Per super-block and pair the int32 lanes
 * (exact), less 32 * the scaled bsums, times d * d_x into a float accumulator; the result is its
 * sum. Each row's 64 weights of a step are unpacked once for the NT tokens. */
static inline __attribute__((always_inline)) void tile_q6(const uint8_t *w, size_t rb,
                                                          const uint8_t *xq, size_t xb, float *y,
                                                          size_t ldy, int64_t n, const int NR,
                                                          const int NT) {
    const __m512i mask = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(0x30);
    const __m512i shift[2] = {
        _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1),
        _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(6), 1),
    };
    __m512i idx[4];
    for (int v = 0; v < 4; v++)
        idx[v] = groups(4 * v);
    __m512 acc[RZ_TILE_ROWS][RZ_TILE_TOKENS];
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            acc[r][t] = _mm512_setzero_ps();
    for (int64_t i = 0; i < n / RZ_QK_K; i++) {
        const rz_block_q6_k *b[RZ_TILE_ROWS];
        const rz_block_q8_k *yb[RZ_TILE_TOKENS];
        __m256i s16[RZ_TILE_ROWS];
        __m512i isum[RZ_TILE_ROWS][RZ_TILE_TOKENS];
        for (int r = 0; r < NR; r++) {
            b[r] = (const rz_block_q6_k *)(w + r * rb) + i;
            s16[r] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b[r]->scales));
            for (int t = 0; t < NT; t++)
                isum[r][t] = _mm512_setzero_si512();
        }
        for (int t = 0; t < NT; t++)
            yb[t] = (const rz_block_q8_k *)(xq + t * xb) + i;
        for (int h = 0; h < 2; h++) {
            __m512i u[RZ_TILE_ROWS][2], Q[RZ_TILE_ROWS];
            for (int r = 0; r < NR; r++) {
                const __m512i ab = load512(b[r]->ql + 64 * h);
                Q[r] = _mm512_broadcast_i64x4(
                    _mm256_loadu_si256((const __m256i *)(b[r]->qh + 32 * h)));
                u[r][0] = _mm512_and_si512(ab, mask);
                u[r][1] = _mm512_and_si512(_mm512_srli_epi16(ab, 4), mask);
            }
            for (int s = 0; s < 2; s++)
                for (int r = 0; r < NR; r++) {
                    const __m512i hi = _mm512_and_si512(
                        _mm512_slli_epi16(_mm512_srlv_epi16(Q[r], shift[s]), 4), two);
                    const __m512i q = _mm512_or_si512(u[r][s], hi);
                    const __m512i sc = place(s16[r], idx[2 * h + s]);
                    for (int t = 0; t < NT; t++) {
                        const __m512i p =
                            _mm512_maddubs_epi16(q, load512(yb[t]->qs + 128 * h + 64 * s));
                        isum[r][t] = _mm512_dpwssd_epi32(isum[r][t], p, sc);
                    }
                }
        }
        for (int r = 0; r < NR; r++)
            for (int t = 0; t < NT; t++) {
                const __m256i corr =
                    _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)yb[t]->bsums), s16[r]);
                const __m512i v = _mm512_sub_epi32(
                    isum[r][t], _mm512_zextsi256_si512(_mm256_slli_epi32(corr, 5)));
                float dd[2];
                scale_pair(&b[r]->d, 1, yb[t], dd);
                acc[r][t] = _mm512_fmadd_ps(_mm512_broadcastss_ps(_mm_load_ss(dd)),
                                            _mm512_cvtepi32_ps(v), acc[r][t]);
            }
    }
    for (int r = 0; r < NR; r++)
        for (int t = 0; t < NT; t++)
            y[t * ldy + r] = _mm512_reduce_add_ps(acc[r][t]);
}

#define RUN_Q6(r, NR, NT) tile_q6(wb + (r)*rb, rb, xq, xb, y + (r), ldy, n, NR, NT)

void rz_avx512_vec_tile_q6_k(const void *w, size_t rb, int nr, const void *xq, size_t xb, int nt,
                             float *y, size_t ldy, int64_t n) {
    const uint8_t *wb = w;
    RZ_X86_TILE_SHAPES(nr, nt, RUN_Q6)
}

float rz_avx512_vec_dot_q6_k(const void *w, const void *xq, int64_t n) {
    float y;
    tile_q6(w, 0, xq, 0, &y, 1, n, 1, 1);
    return y;
}
