/* AVX2 activation quantizers for the dot kernels, byte-identical to the scalar ones
 * (backends/scalar/quantize_x.c): the same IEEE divisions and products in the same order, round
 * half away from zero as truncation plus a correction (q8_0), nearest-even conversion (q8_K). */
#include <immintrin.h>
#include <string.h>

#include "backends/avx2/vec_dot.h"
#include "engine/types/blocks.h"

static inline __m256 abs_ps(__m256 v) {
    return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v);
}

static inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

static inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* roundf(v) for |v| < 2^23: truncate, then step away from zero when the dropped part is >= 1/2. */
static inline __m256 round_away(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 up = _mm256_cmp_ps(abs_ps(_mm256_sub_ps(v, t)), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 one = _mm256_or_ps(_mm256_set1_ps(1.0f), _mm256_and_ps(v, _mm256_set1_ps(-0.0f)));
    return _mm256_add_ps(t, _mm256_and_ps(up, one));
}

/* 32 int32 (in [-128, 127]) as 32 int8 in order. */
static inline __m256i pack32(const __m256i i[4]) {
    const __m256i a = _mm256_packs_epi32(i[0], i[1]), b = _mm256_packs_epi32(i[2], i[3]);
    return _mm256_permutevar8x32_epi32(_mm256_packs_epi16(a, b),
                                       _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void rz_avx2_quantize_q8_0(const float *x, void *xq, int64_t n) {
    const int64_t nb = n / RZ_QK, padded = rz_vec_dot_q8_0_padded(n);
    uint8_t *q = xq;
    float *d = (float *)(q + rz_vec_dot_q8_0_tail(n)), *s = d + padded;
    const __m256 lim = _mm256_set1_ps(127.0f), nlim = _mm256_set1_ps(-127.0f);
    for (int64_t i = 0; i < nb; i++, x += RZ_QK) {
        __m256 v[4], m = _mm256_setzero_ps();
        for (int k = 0; k < 4; k++) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            m = _mm256_max_ps(m, abs_ps(v[k]));
        }
        const float amax = hmax(m), di = amax / 127, id = di != 0 ? 1.0f / di : 0.0f;
        __m256i iv[4];
        for (int k = 0; k < 4; k++) {
            const __m256 r = round_away(_mm256_mul_ps(v[k], _mm256_set1_ps(id)));
            iv[k] = _mm256_cvtps_epi32(_mm256_min_ps(lim, _mm256_max_ps(nlim, r)));
        }
        uint8_t *blk = q + i * RZ_Q8_0_BYTES;
        const uint16_t h = _cvtss_sh(di, _MM_FROUND_TO_NEAREST_INT);
        memcpy(blk, &h, sizeof h);
        _mm256_storeu_si256((__m256i *)(blk + RZ_Q8_0_QS), pack32(iv));
        d[i] = _cvtsh_ss(h);
        const __m256i sum =
            _mm256_add_epi32(_mm256_add_epi32(iv[0], iv[1]), _mm256_add_epi32(iv[2], iv[3]));
        s[i] = d[i] * (float)hsum_i32(sum);
    }
    memset(q + nb * RZ_Q8_0_BYTES, 0, rz_vec_dot_q8_0_tail(n) - (size_t)nb * RZ_Q8_0_BYTES);
    for (int64_t i = nb; i < padded; i++)
        d[i] = s[i] = 0.0f;
}

void rz_avx2_quantize_q8_k(const float *x, void *xq, int64_t n) {
    uint8_t *b = xq;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q8_K_BYTES, x += RZ_QK_K) {
        __m256 m = _mm256_setzero_ps();
        for (int j = 0; j < RZ_QK_K; j += 8)
            m = _mm256_max_ps(m, abs_ps(_mm256_loadu_ps(x + j)));
        const float amax = hmax(m);
        memset(b, 0, RZ_Q8_K_BYTES);
        if (amax == 0) continue;
        float max = 0;
        for (int j = 0; j < RZ_QK_K; j += 8) {
            const __m256 v = _mm256_loadu_ps(x + j);
            const int hit =
                _mm256_movemask_ps(_mm256_cmp_ps(abs_ps(v), _mm256_set1_ps(amax), _CMP_EQ_OQ));
            if (hit) {
                max = x[j + __builtin_ctz((unsigned)hit)];
                break;
            }
        }
        const float iscale = -127.f / max, d = 1 / iscale;
        for (int j = 0; j < RZ_QK_K; j += 32) {
            __m256i iv[4];
            for (int k = 0; k < 4; k++) {
                const __m256 v =
                    _mm256_mul_ps(_mm256_set1_ps(iscale), _mm256_loadu_ps(x + j + 8 * k));
                iv[k] = _mm256_min_epi32(
                    _mm256_set1_epi32(127),
                    _mm256_max_epi32(_mm256_set1_epi32(-128), _mm256_cvtps_epi32(v)));
            }
            _mm256_storeu_si256((__m256i *)(b + RZ_Q8_K_QS + j), pack32(iv));
            for (int h = 0; h < 2; h++) {
                const int16_t sum = (int16_t)hsum_i32(_mm256_add_epi32(iv[2 * h], iv[2 * h + 1]));
                memcpy(b + RZ_Q8_K_BSUMS + 2 * (j / 16 + h), &sum, sizeof sum);
            }
        }
        memcpy(b, &d, sizeof d);
    }
}
