/* AVX-512 dequantization: widen 16 quants at a time to int32, convert, then multiply (and
 * subtract or add the offset) as separate roundings, exactly as the scalar reference does. The
 * block types' loops are backends/x86/dequant_body.h over the 16-lane helpers defined here. */
#include "backends/avx512/dequant.h"

#include <immintrin.h>

#include "engine/core/le.h"
#include "engine/types/half.h"

/* dst[0..16) = float(int8 lanes of q) * d */
static inline void store_i8x16(float *dst, __m128i q, float d) {
    _mm512_storeu_ps(dst,
                     _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)), _mm512_set1_ps(d)));
}

/* dst[0..16) = float(uint8 lanes of q) * d + m */
static inline void store_u8x16_mul_add(float *dst, __m128i q, float d, float m) {
    const __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q));
    _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_mul_ps(f, _mm512_set1_ps(d)), _mm512_set1_ps(m)));
}

/* dst[0..16) = d * float(uint8 lanes of q) - m */
static inline void store_u8x16_mul_sub(float *dst, __m128i q, float d, float m) {
    const __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q));
    _mm512_storeu_ps(dst, _mm512_sub_ps(_mm512_mul_ps(_mm512_set1_ps(d), f), _mm512_set1_ps(m)));
}

/* q plus 16 in byte j where bit j of qh is set: the fifth bits of q5_0 / q5_1. */
static inline __m256i add_fifth_bits(__m256i q, uint32_t qh) {
    return _mm256_mask_add_epi8(q, (__mmask32)qh, q, _mm256_set1_epi8(0x10));
}

/* q plus 16 in byte j where bit g of qh[j] is set: the fifth bits of q5_K group g. */
static inline __m256i add_group_fifth_bits(__m256i q, const uint8_t *qh, int g) {
    const __mmask32 set = _mm256_test_epi8_mask(_mm256_loadu_si256((const __m256i *)qh),
                                                _mm256_set1_epi8((char)(1 << g)));
    return _mm256_mask_add_epi8(q, set, q, _mm256_set1_epi8(0x10));
}

void rz_avx512_f16_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *p = src;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i,
                         _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + 2 * i))));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m256i h = _mm256_maskz_loadu_epi16(m, p + 2 * i);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_cvtph_ps(h));
    }
}

void rz_avx512_bf16_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *p = src;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p + 2 * i)));
        _mm512_storeu_ps(dst + i, _mm512_castsi512_ps(_mm512_slli_epi32(h, 16)));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p + 2 * i));
        _mm512_mask_storeu_ps(dst + i, m, _mm512_castsi512_ps(_mm512_slli_epi32(h, 16)));
    }
}

/* Defines rz_avx512_q4_0_to_float, rz_avx512_q4_1_to_float, rz_avx512_q5_0_to_float,
 * rz_avx512_q5_1_to_float, rz_avx512_q8_0_to_float, rz_avx512_q4_k_to_float,
 * rz_avx512_q5_k_to_float, rz_avx512_q6_k_to_float, rz_avx512_q8_k_to_float. */
#define RZ_X86_TO_FLOAT(type) rz_avx512_##type##_to_float
#include "backends/x86/dequant_body.h"
