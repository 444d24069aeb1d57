/* AVX-512 dequantization: widen 16 quants at a time to int32, convert, then multiply (and
 * subtract or add the offset) as separate roundings, exactly as the scalar reference does. */
#include "backends/avx512/dequant.h"

#include <immintrin.h>

#include "engine/core/le.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"

/* dst[0..16) = d * float(int8 lanes of q) */
static inline void store_i8(float *dst, __m128i q, __m512 d) {
    _mm512_storeu_ps(dst, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)), d));
}

/* dst[0..16) = d * float(uint8 lanes of q) - m */
static inline void store_u8_sub(float *dst, __m128i q, __m512 d, __m512 m) {
    __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q));
    _mm512_storeu_ps(dst, _mm512_sub_ps(_mm512_mul_ps(d, f), m));
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

void rz_avx512_q4_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q4_0_BYTES, dst += RZ_QK) {
        const __m512 d = _mm512_set1_ps(rz_load_f16(b));
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + RZ_Q4_0_QS));
        store_i8(dst, _mm_sub_epi8(_mm_and_si128(raw, mask), eight), d);
        store_i8(dst + 16, _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), mask), eight), d);
    }
}

void rz_avx512_q4_1_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f);
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q4_1_BYTES, dst += RZ_QK) {
        const __m512 d = _mm512_set1_ps(rz_load_f16(b));
        const __m512 m = _mm512_set1_ps(rz_load_f16(b + RZ_Q4_1_M));
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + RZ_Q4_1_QS));
        __m128i q[2] = {_mm_and_si128(raw, mask), _mm_and_si128(_mm_srli_epi16(raw, 4), mask)};
        for (int h = 0; h < 2; h++) {
            __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q[h]));
            _mm512_storeu_ps(dst + 16 * h, _mm512_add_ps(_mm512_mul_ps(f, d), m));
        }
    }
}

/* The 32 five-bit levels of a q5_0/q5_1 block, element j in byte j: bit j of qh adds 0x10. */
static inline __m256i levels5(const uint8_t *qh, const uint8_t *qs) {
    const __m128i mask = _mm_set1_epi8(0x0f);
    __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    __m128i lo = _mm_and_si128(raw, mask), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), mask);
    __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    return _mm256_mask_add_epi8(q, (__mmask32)rz_le32(qh), q, _mm256_set1_epi8(0x10));
}

void rz_avx512_q5_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q5_0_BYTES, dst += RZ_QK) {
        const __m512 d = _mm512_set1_ps(rz_load_f16(b));
        __m256i q = _mm256_sub_epi8(levels5(b + RZ_Q5_0_QH, b + RZ_Q5_0_QS), _mm256_set1_epi8(16));
        store_i8(dst, _mm256_castsi256_si128(q), d);
        store_i8(dst + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

void rz_avx512_q5_1_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q5_1_BYTES, dst += RZ_QK) {
        const __m512 d = _mm512_set1_ps(rz_load_f16(b));
        const __m512 m = _mm512_set1_ps(rz_load_f16(b + RZ_Q5_1_M));
        __m256i q = levels5(b + RZ_Q5_1_QH, b + RZ_Q5_1_QS);
        __m128i half[2] = {_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)};
        for (int h = 0; h < 2; h++) {
            __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(half[h]));
            _mm512_storeu_ps(dst + 16 * h, _mm512_add_ps(_mm512_mul_ps(f, d), m));
        }
    }
}

void rz_avx512_q8_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_0_BYTES, dst += RZ_QK) {
        const __m512 d = _mm512_set1_ps(rz_load_f16(b));
        store_i8(dst, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_0_QS)), d);
        store_i8(dst + 16, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_0_QS + 16)), d);
    }
}

/* The q4_K / q5_K inner loop: 64 elements per 32 bytes of nibbles, groups g and g+1. */
static void affine_k(const uint8_t *b, const uint8_t *ql, const uint8_t *qh, float *dst) {
    const float d = rz_load_f16(b), dmin = rz_load_f16(b + 2);
    const __m256i mask = _mm256_set1_epi8(0x0f), bit4 = _mm256_set1_epi8(0x10);
    for (int g = 0; g < 8; g += 2, ql += 32, dst += 64) {
        __m256i raw = _mm256_loadu_si256((const __m256i *)ql);
        __m256i q[2] = {_mm256_and_si256(raw, mask),
                        _mm256_and_si256(_mm256_srli_epi16(raw, 4), mask)};
        for (int h = 0; h < 2; h++) {
            uint8_t sc, m;
            rz_kq_scale_min(b + 4, g + h, &sc, &m);
            if (qh) {
                __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
                __mmask32 set = _mm256_test_epi8_mask(hb, _mm256_set1_epi8((char)(1 << (g + h))));
                q[h] = _mm256_mask_add_epi8(q[h], set, q[h], bit4);
            }
            const __m512 dv = _mm512_set1_ps(d * sc), mv = _mm512_set1_ps(dmin * m);
            store_u8_sub(dst + 32 * h, _mm256_castsi256_si128(q[h]), dv, mv);
            store_u8_sub(dst + 32 * h + 16, _mm256_extracti128_si256(q[h], 1), dv, mv);
        }
    }
}

void rz_avx512_q4_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q4_K_BYTES, dst += RZ_QK_K)
        affine_k(b, b + RZ_Q4_K_QS, NULL, dst);
}

void rz_avx512_q5_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q5_K_BYTES, dst += RZ_QK_K)
        affine_k(b, b + RZ_Q5_K_QS, b + RZ_Q5_K_QH, dst);
}

void rz_avx512_q6_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    const __m256i mask = _mm256_set1_epi8(0x0f), three = _mm256_set1_epi8(3);
    const __m256i off = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q6_K_BYTES) {
        const float d = rz_load_f16(b + RZ_Q6_K_D);
        const int8_t *sc = (const int8_t *)(b + RZ_Q6_K_SCALES);
        const uint8_t *ql = b, *qh = b + RZ_Q6_K_QH;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32, sc += 8, dst += 128) {
            __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
            for (int k = 0; k < 4; k++) {
                __m256i lb = _mm256_loadu_si256((const __m256i *)(ql + 32 * (k & 1)));
                __m256i lo = _mm256_and_si256(_mm256_srli_epi16(lb, 4 * (k >> 1)), mask);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(hb, 2 * k), three);
                __m256i q = _mm256_sub_epi8(_mm256_or_si256(lo, _mm256_slli_epi16(hi, 4)), off);
                store_i8(dst + 32 * k, _mm256_castsi256_si128(q), _mm512_set1_ps(d * sc[2 * k]));
                store_i8(dst + 32 * k + 16, _mm256_extracti128_si256(q, 1),
                         _mm512_set1_ps(d * sc[2 * k + 1]));
            }
        }
    }
}

void rz_avx512_q8_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q8_K_BYTES, dst += RZ_QK_K) {
        const __m512 d = _mm512_set1_ps(rz_le_f32(b));
        for (int j = 0; j < RZ_QK_K; j += 16)
            store_i8(dst + j, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_K_QS + j)), d);
    }
}
