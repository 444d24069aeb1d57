/* AVX-512 dots of the K-quants with q8_K activations: vpmaddubsw gives int16 pair sums
 * (|pair| <= 2*63*128, no saturation) and VNNI's vpdpwssd multiplies them by the group scales
 * (int16 lanes placed by a shuffle) and accumulates int32 lanes; q4_K / q5_K take 32 elements per
 * 256-bit step, q6_K 64 per 512-bit step (each measured the faster here). The mins (q4_K, q5_K)
 * and q6_K's -32 come from the bsums by one madd per super-block. Each super-block's int32 lanes
 * are scaled once in float. */
#include <immintrin.h>
#include <string.h>

#include "backends/avx512/vec_dot.h"
#include "engine/types/blocks.h"

/* out[0..count) = d_x * the count (1 or 2) f16 at p (d, dmin); the caller broadcasts them from
 * memory. */
static inline void scale_pair(const uint8_t *p, int count, const uint8_t *y, float out[2]) {
    uint16_t h[2] = {0, 0};
    memcpy(h, p, 2 * (size_t)count);
    const __m128 d = _mm_cvtph_ps(_mm_cvtsi32_si128((int)(h[0] | (uint32_t)h[1] << 16)));
    _mm_storel_pi((__m64 *)out, _mm_mul_ps(d, _mm_broadcast_ss((const float *)y)));
}

static inline __m512i load(const uint8_t *p) {
    return _mm512_loadu_si512(p);
}

/* The 8 scales then 8 mins of the 12-byte q4_K / q5_K table at s, as rz_kq_scale_min reads
 * them, computed in a vector register from a 16-byte load (the 4 bytes after the table belong
 * to the block): sc[0..4) = s[0..4] & 63, sc[4..8) = (s[8..12] & 15) | (s[0..4] >> 6) << 4,
 * m[0..4) = s[4..8] & 63, m[4..8) = (s[8..12] >> 4) | (s[4..8] >> 6) << 4. */
static inline __m128i unpack_scales(const uint8_t *s) {
    const __m128i v = _mm_loadu_si128((const __m128i *)s);
    const __m128i a =
        _mm_shuffle_epi8(v, _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11));
    const __m128i b =
        _mm_shuffle_epi8(v, _mm_setr_epi8(-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7));
    const __m128i t = _mm_blend_epi32(a, _mm_srli_epi16(a, 4), 0x8);
    const __m128i low =
        _mm_and_si128(t, _mm_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f));
    return _mm_or_si128(low, _mm_and_si128(_mm_srli_epi16(b, 2), _mm_set1_epi8(0x30)));
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

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline __m256i load256(const uint8_t *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

/* acc plus the int32 lanes of sum over 32 elements of sc_g * u * s: byte g of the scales (in both
 * lanes of sb) spread to every int16 lane by one byte shuffle; VNNI multiplies and accumulates */
static inline __m256i step(__m256i acc, __m256i u, const uint8_t *y, __m256i sb, int g) {
    const __m256i spread = _mm256_set1_epi16((short)(0x8000 | g));
    return _mm256_dpwssd_epi32(acc, _mm256_maddubs_epi16(u, load256(y)),
                               _mm256_shuffle_epi8(sb, spread));
}

/* q4_K (qh 0) and q5_K: step 2k / 2k+1 takes the low / high nibbles of
 * qs[32k..32k+32), plus 16 where bit 2k / 2k+1 of qh[l] is set. */
static float dot_affine(const uint8_t *b, size_t bytes, size_t qs, size_t qh, const uint8_t *y,
                        int64_t n) {
    const __m256i mask = _mm256_set1_epi8(0x0f), bit = _mm256_set1_epi8(0x10);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += bytes, y += RZ_Q8_K_BYTES) {
        const __m128i sm = unpack_scales(b + RZ_Q4_K_SCALES);
        const __m256i sb = _mm256_broadcastsi128_si256(sm);
        const uint8_t *yq = y + RZ_Q8_K_QS;
        __m256i hb = qh ? load256(b + qh) : _mm256_setzero_si256();
        __m256i isum = _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {
            const __m256i q = load256(b + qs + 32 * k);
            __m256i lo = _mm256_and_si256(q, mask);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
            if (qh) { /* hb holds qh >> 2k: bit 0 goes to the low nibbles, bit 1 to the high */
                lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(hb, 4), bit));
                hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(hb, 3), bit));
                hb = _mm256_srli_epi16(hb, 2);
            }
            isum = step(isum, lo, yq + 64 * k, sb, 2 * k);
            isum = step(isum, hi, yq + 64 * k + 32, sb, 2 * k + 1);
        }
        const __m256i mdup = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(
            sm, _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15)));
        const __m256i msum = _mm256_madd_epi16(load256(y + RZ_Q8_K_BSUMS), mdup);
        float dd[2];
        scale_pair(b, 2, y, dd);
        acc = _mm256_fmadd_ps(_mm256_broadcast_ss(dd), _mm256_cvtepi32_ps(isum), acc);
        accm = _mm256_fmadd_ps(_mm256_broadcast_ss(dd + 1), _mm256_cvtepi32_ps(msum), accm);
    }
    return hsum(acc) - hsum(accm);
}

float rz_avx512_vec_dot_q4_k(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q4_K_BYTES, RZ_Q4_K_QS, 0, xq, n);
}

float rz_avx512_vec_dot_q5_k(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q5_K_BYTES, RZ_Q5_K_QS, RZ_Q5_K_QH, xq, n);
}

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
            const __m512i ab = load(b + 64 * h);
            const __m512i Q = _mm512_broadcast_i64x4(
                _mm256_loadu_si256((const __m256i *)(b + RZ_Q6_K_QH + 32 * h)));
            const __m512i u[2] = {_mm512_and_si512(ab, mask),
                                  _mm512_and_si512(_mm512_srli_epi16(ab, 4), mask)};
            for (int s = 0; s < 2; s++) {
                const __m512i hi =
                    _mm512_and_si512(_mm512_slli_epi16(_mm512_srlv_epi16(Q, shift[s]), 4), two);
                const __m512i p =
                    _mm512_maddubs_epi16(_mm512_or_si512(u[s], hi), load(yq + 128 * h + 64 * s));
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
