/* AVX2 dequantization: widen 8 quants at a time to int32, convert, then multiply (and subtract
 * or add the offset) as separate roundings, exactly as the scalar reference does; no FMA. The
 * block types' loops are backends/x86/dequant_body.h over the 8-lane helpers defined here. */
#include "backends/avx2/dequant.h"

#include <immintrin.h>

#include "engine/core/le.h"
#include "engine/types/half.h"

/* The 8 int8 lanes of q from byte 8 * half on, as floats. */
static inline __m256 i8_half(__m128i q, int half) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(half ? _mm_srli_si128(q, 8) : q));
}

/* The 8 uint8 lanes of q from byte 8 * half on, as floats. */
static inline __m256 u8_half(__m128i q, int half) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(half ? _mm_srli_si128(q, 8) : q));
}

/* dst[0..16) = float(int8 lanes of q) * d */
static inline void store_i8x16(float *dst, __m128i q, float d) {
    for (int h = 0; h < 2; h++)
        _mm256_storeu_ps(dst + 8 * h, _mm256_mul_ps(i8_half(q, h), _mm256_set1_ps(d)));
}

/* dst[0..16) = float(uint8 lanes of q) * d + m */
static inline void store_u8x16_mul_add(float *dst, __m128i q, float d, float m) {
    for (int h = 0; h < 2; h++)
        _mm256_storeu_ps(dst + 8 * h, _mm256_add_ps(_mm256_mul_ps(u8_half(q, h), _mm256_set1_ps(d)),
                                                    _mm256_set1_ps(m)));
}

/* dst[0..16) = d * float(uint8 lanes of q) - m */
static inline void store_u8x16_mul_sub(float *dst, __m128i q, float d, float m) {
    for (int h = 0; h < 2; h++)
        _mm256_storeu_ps(dst + 8 * h, _mm256_sub_ps(_mm256_mul_ps(_mm256_set1_ps(d), u8_half(q, h)),
                                                    _mm256_set1_ps(m)));
}

/* q plus 16 in byte j where bit j of qh is set: the fifth bits of q5_0 / q5_1. */
static inline __m256i add_fifth_bits(__m256i q, uint32_t qh) {
    const __m256i spread =
        _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), spread);
    return _mm256_or_si256(q, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit),
                                               _mm256_set1_epi8(0x10)));
}

/* q plus 16 in byte j where bit g of qh[j] is set: the fifth bits of q5_K group g. */
static inline __m256i add_group_fifth_bits(__m256i q, const uint8_t *qh, int g) {
    const __m256i sel = _mm256_set1_epi8((char)(1 << g));
    const __m256i set =
        _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_loadu_si256((const __m256i *)qh), sel), sel);
    return _mm256_or_si256(q, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
}

void rz_avx2_f16_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *p = src;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 2 * i))));
    for (; i < n; i++)
        dst[i] = rz_load_f16(p + 2 * i);
}

void rz_avx2_bf16_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *p = src;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p + 2 * i)));
        _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(_mm256_slli_epi32(h, 16)));
    }
    for (; i < n; i++)
        dst[i] = rz_bf16_to_f32(rz_le16(p + 2 * i));
}

/* Defines rz_avx2_q4_0_to_float, rz_avx2_q4_1_to_float, rz_avx2_q5_0_to_float,
 * rz_avx2_q5_1_to_float, rz_avx2_q8_0_to_float, rz_avx2_q4_k_to_float, rz_avx2_q5_k_to_float,
 * rz_avx2_q6_k_to_float, rz_avx2_q8_k_to_float. */
#define RZ_X86_TO_FLOAT(type) rz_avx2_##type##_to_float
#include "backends/x86/dequant_body.h"
