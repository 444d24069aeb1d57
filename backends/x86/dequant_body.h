/* The block dequantizers (q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q5_K, q6_K, q8_K) that AVX2 and
 * AVX-512 share. Included once by backends/avx2/dequant.c and once by backends/avx512/dequant.c,
 * each compiled with its own ISA flags, after the file has defined its ISA's store_i8x16,
 * store_u8x16_mul_add, store_u8x16_mul_sub, add_fifth_bits and add_group_fifth_bits, and
 * RZ_X86_TO_FLOAT(type) naming its public functions (rz_avx2_q4_0_to_float, ...). Every value is
 * one multiply and at most one add or subtract, in the scalar reference's order, so the results
 * are bit-identical to it. */
#if !defined(RZ_X86_TO_FLOAT)
#error "dequant_body.h: define RZ_X86_TO_FLOAT(type) before including it"
#endif
#include "engine/core/le.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"

void RZ_X86_TO_FLOAT(q4_0)(const void *src, float *dst, int64_t n) {
    const rz_block_q4_0 *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d);
        const __m128i raw = _mm_loadu_si128((const __m128i *)b->qs);
        store_i8x16(dst, _mm_sub_epi8(_mm_and_si128(raw, mask), eight), d);
        store_i8x16(dst + 16, _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), mask), eight), d);
    }
}

void RZ_X86_TO_FLOAT(q4_1)(const void *src, float *dst, int64_t n) {
    const rz_block_q4_1 *b = src;
    const __m128i mask = _mm_set1_epi8(0x0f);
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d), m = rz_f16_to_f32(b->m);
        const __m128i raw = _mm_loadu_si128((const __m128i *)b->qs);
        store_u8x16_mul_add(dst, _mm_and_si128(raw, mask), d, m);
        store_u8x16_mul_add(dst + 16, _mm_and_si128(_mm_srli_epi16(raw, 4), mask), d, m);
    }
}

/* The 32 five-bit levels of a q5_0/q5_1 block, element j in byte j. */
static inline __m256i levels5(const uint8_t *qh, const uint8_t *qs) {
    const __m128i mask = _mm_set1_epi8(0x0f);
    const __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    const __m128i lo = _mm_and_si128(raw, mask), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), mask);
    return add_fifth_bits(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), rz_le32(qh));
}

void RZ_X86_TO_FLOAT(q5_0)(const void *src, float *dst, int64_t n) {
    const rz_block_q5_0 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d);
        __m256i q = _mm256_sub_epi8(levels5(b->qh, b->qs), _mm256_set1_epi8(16));
        store_i8x16(dst, _mm256_castsi256_si128(q), d);
        store_i8x16(dst + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

void RZ_X86_TO_FLOAT(q5_1)(const void *src, float *dst, int64_t n) {
    const rz_block_q5_1 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d), m = rz_f16_to_f32(b->m);
        const __m256i q = levels5(b->qh, b->qs);
        store_u8x16_mul_add(dst, _mm256_castsi256_si128(q), d, m);
        store_u8x16_mul_add(dst + 16, _mm256_extracti128_si256(q, 1), d, m);
    }
}

void RZ_X86_TO_FLOAT(q8_0)(const void *src, float *dst, int64_t n) {
    const rz_block_q8_0 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d);
        store_i8x16(dst, _mm_loadu_si128((const __m128i *)b->qs), d);
        store_i8x16(dst + 16, _mm_loadu_si128((const __m128i *)(b->qs + 16)), d);
    }
}

/* One q4_K / q5_K super-block (qh NULL for q4_K): 64 elements per 32 bytes of nibbles, groups g
 * and g+1, each d*sc*q - dmin*m. */
static void affine_k(uint16_t d16, uint16_t dmin16, const uint8_t scales[12], const uint8_t *ql,
                     const uint8_t *qh, float *dst) {
    const float d = rz_f16_to_f32(d16), dmin = rz_f16_to_f32(dmin16);
    const __m256i mask = _mm256_set1_epi8(0x0f);
    for (int g = 0; g < 8; g += 2, ql += 32, dst += 64) {
        const __m256i raw = _mm256_loadu_si256((const __m256i *)ql);
        __m256i q[2] = {_mm256_and_si256(raw, mask),
                        _mm256_and_si256(_mm256_srli_epi16(raw, 4), mask)};
        for (int h = 0; h < 2; h++) {
            uint8_t sc, m;
            rz_kq_scale_min(scales, g + h, &sc, &m);
            if (qh) q[h] = add_group_fifth_bits(q[h], qh, g + h);
            const float dv = d * sc, mv = dmin * m;
            store_u8x16_mul_sub(dst + 32 * h, _mm256_castsi256_si128(q[h]), dv, mv);
            store_u8x16_mul_sub(dst + 32 * h + 16, _mm256_extracti128_si256(q[h], 1), dv, mv);
        }
    }
}

void RZ_X86_TO_FLOAT(q4_k)(const void *src, float *dst, int64_t n) {
    const rz_block_q4_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K)
        affine_k(b->d, b->dmin, b->scales, b->qs, NULL, dst);
}

void RZ_X86_TO_FLOAT(q5_k)(const void *src, float *dst, int64_t n) {
    const rz_block_q5_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K)
        affine_k(b->d, b->dmin, b->scales, b->qs, b->qh, dst);
}

void RZ_X86_TO_FLOAT(q6_k)(const void *src, float *dst, int64_t n) {
    const rz_block_q6_k *b = src;
    const __m256i mask = _mm256_set1_epi8(0x0f), three = _mm256_set1_epi8(3);
    const __m256i off = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++) {
        const float d = rz_f16_to_f32(b->d);
        const int8_t *sc = b->scales;
        const uint8_t *ql = b->ql, *qh = b->qh;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32, sc += 8, dst += 128) {
            const __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
            for (int k = 0; k < 4; k++) {
                __m256i lb = _mm256_loadu_si256((const __m256i *)(ql + 32 * (k & 1)));
                __m256i lo = _mm256_and_si256(_mm256_srli_epi16(lb, 4 * (k >> 1)), mask);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(hb, 2 * k), three);
                __m256i q = _mm256_sub_epi8(_mm256_or_si256(lo, _mm256_slli_epi16(hi, 4)), off);
                store_i8x16(dst + 32 * k, _mm256_castsi256_si128(q), d * sc[2 * k]);
                store_i8x16(dst + 32 * k + 16, _mm256_extracti128_si256(q, 1), d * sc[2 * k + 1]);
            }
        }
    }
}

void RZ_X86_TO_FLOAT(q8_k)(const void *src, float *dst, int64_t n) {
    const rz_block_q8_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K) {
        for (int j = 0; j < RZ_QK_K; j += 16)
            store_i8x16(dst + j, _mm_loadu_si128((const __m128i *)(b->qs + j)), b->d);
    }
}

#undef RZ_X86_TO_FLOAT
