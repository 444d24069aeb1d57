/* The part of the K-quant dots with q8_K activations that AVX2 and AVX-512 share: the q4_K and
 * q5_K kernels whole, and for each file's own q6_K the helpers scale_pair and load256. Included
 * once by backends/avx2/vec_dot_k.c and once by backends/avx512/vec_dot_k.c, each compiled with
 * its own ISA flags, after the file has defined its ISA's step(acc, u, y, sb, g) (acc plus the
 * int32 lanes of sum over 32 elements of sc_g * u * y, sc_g being byte g of sb's lanes) and
 * RZ_X86_DOT(type) naming its public functions (rz_avx2_vec_dot_q4_k, ...). */
#include <string.h>

#include "backends/x86/hsum.h"
#include "engine/types/blocks.h"

/* out[0..count) = d_x * the count (1 or 2) f16 at p (d, dmin); the caller broadcasts them from
 * memory. */
static inline void scale_pair(const uint8_t *p, int count, const uint8_t *y, float out[2]) {
    uint16_t h[2] = {0, 0};
    memcpy(h, p, 2 * (size_t)count);
    const __m128 d = _mm_cvtph_ps(_mm_cvtsi32_si128((int)(h[0] | (uint32_t)h[1] << 16)));
    _mm_storel_pi((__m64 *)out, _mm_mul_ps(d, _mm_broadcast_ss((const float *)y)));
}

static inline __m256i load256(const uint8_t *p) {
    return _mm256_loadu_si256((const __m256i *)p);
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

/* q4_K (qh 0) and q5_K: step 2k / 2k+1 takes the low / high nibbles of qs[32k..32k+32), plus 16
 * where bit 2k / 2k+1 of qh[l] is set; the mins come in as sum over groups of m_g * bsums. */
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
    return rz_x86_hsum256(acc) - rz_x86_hsum256(accm);
}

float RZ_X86_DOT(q4_k)(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q4_K_BYTES, RZ_Q4_K_QS, 0, xq, n);
}

float RZ_X86_DOT(q5_k)(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q5_K_BYTES, RZ_Q5_K_QS, RZ_Q5_K_QH, xq, n);
}
