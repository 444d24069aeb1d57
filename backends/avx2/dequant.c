/* AVX2 dequantization: widen 8 quants at a time to int32, convert, then multiply (and subtract
 * or add the offset) as separate roundings, exactly as the scalar reference does; no FMA. */
#include "backends/avx2/dequant.h"

#include <immintrin.h>

#include "engine/core/le.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"

/* dst[0..8) = d * float(int8 lanes of the low 8 bytes of q) */
static inline void store_i8(float *dst, __m128i q, __m256 d) {
    _mm256_storeu_ps(dst, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
}

/* dst[0..8) = d * float(uint8 lanes of the low 8 bytes of q) - m */
static inline void store_u8_sub(float *dst, __m128i q, __m256 d, __m256 m) {
    __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q));
    _mm256_storeu_ps(dst, _mm256_sub_ps(_mm256_mul_ps(d, f), m));
}

/* 16 int8 lanes of q, scaled by d, to dst[0..16) */
static inline void store_i8x16(float *dst, __m128i q, __m256 d) {
    store_i8(dst, q, d);
    store_i8(dst + 8, _mm_srli_si128(q, 8), d);
}

/* 32 uint8 lanes of q, as d*q - m, to dst[0..32) */
static inline void store_u8x32_sub(float *dst, __m256i q, __m256 d, __m256 m) {
    __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    store_u8_sub(dst, lo, d, m);
    store_u8_sub(dst + 8, _mm_srli_si128(lo, 8), d, m);
    store_u8_sub(dst + 16, hi, d, m);
    store_u8_sub(dst + 24, _mm_srli_si128(hi, 8), d, m);
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

void rz_avx2_q4_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q4_0_BYTES, dst += RZ_QK) {
        const __m256 d = _mm256_set1_ps(rz_load_f16(b));
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + RZ_Q4_0_QS));
        __m128i lo = _mm_sub_epi8(_mm_and_si128(raw, mask), eight);
        __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), mask), eight);
        store_i8x16(dst, lo, d);
        store_i8x16(dst + 16, hi, d);
    }
}

void rz_avx2_q4_1_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f);
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q4_1_BYTES, dst += RZ_QK) {
        const __m256 d = _mm256_set1_ps(rz_load_f16(b));
        const __m256 m = _mm256_set1_ps(rz_load_f16(b + RZ_Q4_1_M));
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + RZ_Q4_1_QS));
        __m128i q[2] = {_mm_and_si128(raw, mask), _mm_and_si128(_mm_srli_epi16(raw, 4), mask)};
        for (int h = 0; h < 2; h++) {
            for (int k = 0; k < 2; k++) {
                __m128i qk = k ? _mm_srli_si128(q[h], 8) : q[h];
                __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(qk));
                _mm256_storeu_ps(dst + 16 * h + 8 * k, _mm256_add_ps(_mm256_mul_ps(f, d), m));
            }
        }
    }
}

/* Byte j of the result is 0x10 when bit j of qh is set, else 0: the fifth bits of q5_0/q5_1. */
static inline __m256i fifth_bits(uint32_t qh) {
    const __m256i spread =
        _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), spread);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit),
                            _mm256_set1_epi8(0x10));
}

/* The 32 five-bit levels of a q5_0/q5_1 block, element j in byte j. */
static inline __m256i levels5(const uint8_t *qh, const uint8_t *qs) {
    const __m128i mask = _mm_set1_epi8(0x0f);
    __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    __m128i lo = _mm_and_si128(raw, mask), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), mask);
    __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    return _mm256_or_si256(q, fifth_bits(rz_le32(qh)));
}

void rz_avx2_q5_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q5_0_BYTES, dst += RZ_QK) {
        const __m256 d = _mm256_set1_ps(rz_load_f16(b));
        __m256i q = _mm256_sub_epi8(levels5(b + RZ_Q5_0_QH, b + RZ_Q5_0_QS), _mm256_set1_epi8(16));
        store_i8x16(dst, _mm256_castsi256_si128(q), d);
        store_i8x16(dst + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

void rz_avx2_q5_1_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q5_1_BYTES, dst += RZ_QK) {
        const __m256 d = _mm256_set1_ps(rz_load_f16(b));
        const __m256 m = _mm256_set1_ps(rz_load_f16(b + RZ_Q5_1_M));
        __m256i q = levels5(b + RZ_Q5_1_QH, b + RZ_Q5_1_QS);
        __m128i half[2] = {_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)};
        for (int k = 0; k < 4; k++) {
            __m128i qk = k & 1 ? _mm_srli_si128(half[k >> 1], 8) : half[k >> 1];
            __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(qk));
            _mm256_storeu_ps(dst + 8 * k, _mm256_add_ps(_mm256_mul_ps(f, d), m));
        }
    }
}

void rz_avx2_q8_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_0_BYTES, dst += RZ_QK) {
        const __m256 d = _mm256_set1_ps(rz_load_f16(b));
        store_i8x16(dst, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_0_QS)), d);
        store_i8x16(dst + 16, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_0_QS + 16)), d);
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
                __m256i sel = _mm256_set1_epi8((char)(1 << (g + h)));
                __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
                __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(hb, sel), sel);
                q[h] = _mm256_or_si256(q[h], _mm256_and_si256(set, bit4));
            }
            store_u8x32_sub(dst + 32 * h, q[h], _mm256_set1_ps(d * sc), _mm256_set1_ps(dmin * m));
        }
    }
}

void rz_avx2_q4_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q4_K_BYTES, dst += RZ_QK_K)
        affine_k(b, b + RZ_Q4_K_QS, NULL, dst);
}

void rz_avx2_q5_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q5_K_BYTES, dst += RZ_QK_K)
        affine_k(b, b + RZ_Q5_K_QS, b + RZ_Q5_K_QH, dst);
}

void rz_avx2_q6_k_to_float(const void *src, float *dst, int64_t n) {
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
                __m128i q0 = _mm256_castsi256_si128(q), q1 = _mm256_extracti128_si256(q, 1);
                store_i8x16(dst + 32 * k, q0, _mm256_set1_ps(d * sc[2 * k]));
                store_i8x16(dst + 32 * k + 16, q1, _mm256_set1_ps(d * sc[2 * k + 1]));
            }
        }
    }
}

void rz_avx2_q8_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q8_K_BYTES, dst += RZ_QK_K) {
        const __m256 d = _mm256_set1_ps(rz_le_f32(b));
        for (int j = 0; j < RZ_QK_K; j += 16)
            store_i8x16(dst + j, _mm_loadu_si128((const __m128i *)(b + RZ_Q8_K_QS + j)), d);
    }
}
