/* AVX2 activation quantizers for the dot kernels, byte-identical to the scalar ones
 * (backends/scalar/quantize_x.c): the same IEEE divisions and products in the same order, round
 * half away from zero as truncation plus a correction (q8_0), nearest-even conversion (q8_K). The
 * block loops are backends/x86/quantize_x_body.h over the helpers defined here. */
#include <immintrin.h>

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

/* The largest |x[j]| for j < n (n a positive multiple of 8). */
static inline float abs_max(const float *x, int n) {
    __m256 m = abs_ps(_mm256_loadu_ps(x));
    for (int j = 8; j < n; j += 8)
        m = _mm256_max_ps(m, abs_ps(_mm256_loadu_ps(x + j)));
    return hmax(m);
}

/* The first x[j] (j < n, n a multiple of 8) with |x[j]| == amax, else 0. */
static inline float first_with_abs(const float *x, int n, float amax) {
    for (int j = 0; j < n; j += 8) {
        const __m256 v = _mm256_loadu_ps(x + j);
        const int hit =
            _mm256_movemask_ps(_mm256_cmp_ps(abs_ps(v), _mm256_set1_ps(amax), _CMP_EQ_OQ));
        if (hit) return x[j + __builtin_ctz((unsigned)hit)];
    }
    return 0;
}

/* qs[0..32) = round(x * id) clamped to [-127, 127]; returns their sum. */
static inline int32_t q8_0_quants(const float *x, float id, int8_t qs[RZ_QK]) {
    const __m256 lim = _mm256_set1_ps(127.0f), nlim = _mm256_set1_ps(-127.0f);
    __m256i iv[4];
    for (int k = 0; k < 4; k++) {
        const __m256 r = round_away(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), _mm256_set1_ps(id)));
        iv[k] = _mm256_cvtps_epi32(_mm256_min_ps(lim, _mm256_max_ps(nlim, r)));
    }
    _mm256_storeu_si256((__m256i *)qs, pack32(iv));
    return hsum_i32(
        _mm256_add_epi32(_mm256_add_epi32(iv[0], iv[1]), _mm256_add_epi32(iv[2], iv[3])));
}

/* The 256 quants of a q8_K block (nearest-even iscale * x, clamped to [-128, 127]) and their 16
 * bsums, into block b. */
static inline void q8_k_quants(const float *x, float iscale, rz_block_q8_k *b) {
    for (int j = 0; j < RZ_QK_K; j += 32) {
        __m256i iv[4];
        for (int k = 0; k < 4; k++) {
            const __m256 v = _mm256_mul_ps(_mm256_set1_ps(iscale), _mm256_loadu_ps(x + j + 8 * k));
            iv[k] =
                _mm256_min_epi32(_mm256_set1_epi32(127),
                                 _mm256_max_epi32(_mm256_set1_epi32(-128), _mm256_cvtps_epi32(v)));
        }
        _mm256_storeu_si256((__m256i *)(b->qs + j), pack32(iv));
        for (int h = 0; h < 2; h++) {
            b->bsums[j / 16 + h] = (int16_t)hsum_i32(_mm256_add_epi32(iv[2 * h], iv[2 * h + 1]));
        }
    }
}

/* Defines rz_avx2_quantize_q8_0, rz_avx2_quantize_q8_k. */
#define RZ_X86_QUANTIZE(type) rz_avx2_quantize_##type
#include "backends/x86/quantize_x_body.h"
