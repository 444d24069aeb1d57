/* AVX-512 activation quantizers for the dot kernels, byte-identical to the scalar ones
 * (backends/scalar/quantize_x.c): the same IEEE divisions and products in the same order, round
 * half away from zero as truncation plus a correction (q8_0), nearest-even conversion (q8_K). The
 * block loops are backends/x86/quantize_x_body.h over the helpers defined here. */
#include <immintrin.h>

#include "backends/avx512/vec_dot.h"
#include "engine/types/blocks.h"

/* roundf(v) for |v| < 2^23: truncate, then step away from zero when the dropped part is >= 1/2. */
static inline __m512 round_away(__m512 v) {
    const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512 r = _mm512_abs_ps(_mm512_sub_ps(v, t));
    const __mmask16 up = _mm512_cmp_ps_mask(r, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 one = _mm512_or_ps(_mm512_set1_ps(1.0f), _mm512_and_ps(v, _mm512_set1_ps(-0.0f)));
    return _mm512_mask_add_ps(t, up, t, one);
}

/* The largest |x[j]| for j < n (n a positive multiple of 16). */
static inline float abs_max(const float *x, int n) {
    __m512 m = _mm512_abs_ps(_mm512_loadu_ps(x));
    for (int j = 16; j < n; j += 16)
        m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(x + j)));
    return _mm512_reduce_max_ps(m);
}

/* The first x[j] (j < n, n a multiple of 16) with |x[j]| == amax, else 0. */
static inline float first_with_abs(const float *x, int n, float amax) {
    for (int j = 0; j < n; j += 16) {
        const __m512 v = _mm512_loadu_ps(x + j);
        const __mmask16 hit =
            _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(amax), _CMP_EQ_OQ);
        if (hit) return x[j + __builtin_ctz(hit)];
    }
    return 0;
}

/* qs[0..32) = round(x * id) clamped to [-127, 127]; returns their sum. */
static inline int32_t q8_0_quants(const float *x, float id, int8_t qs[RZ_QK]) {
    const __m512 lim = _mm512_set1_ps(127.0f), nlim = _mm512_set1_ps(-127.0f);
    __m512i iv[2];
    for (int k = 0; k < 2; k++) {
        const __m512 r = round_away(_mm512_mul_ps(_mm512_loadu_ps(x + 16 * k), _mm512_set1_ps(id)));
        iv[k] = _mm512_cvtps_epi32(_mm512_min_ps(lim, _mm512_max_ps(nlim, r)));
    }
    _mm_storeu_si128((__m128i *)qs, _mm512_cvtepi32_epi8(iv[0]));
    _mm_storeu_si128((__m128i *)(qs + 16), _mm512_cvtepi32_epi8(iv[1]));
    return _mm512_reduce_add_epi32(_mm512_add_epi32(iv[0], iv[1]));
}

/* The 256 quants of a q8_K block (nearest-even iscale * x, clamped to [-128, 127]) and their 16
 * bsums, into block b. */
static inline void q8_k_quants(const float *x, float iscale, rz_block_q8_k *b) {
    const __m512 is = _mm512_set1_ps(iscale);
    for (int j = 0; j < RZ_QK_K; j += 16) {
        __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(is, _mm512_loadu_ps(x + j)));
        v = _mm512_min_epi32(_mm512_set1_epi32(127), _mm512_max_epi32(_mm512_set1_epi32(-128), v));
        _mm_storeu_si128((__m128i *)(b->qs + j), _mm512_cvtepi32_epi8(v));
        b->bsums[j / 16] = (int16_t)_mm512_reduce_add_epi32(v);
    }
}

/* Defines rz_avx512_quantize_q8_0, rz_avx512_quantize_q8_k. */
#define RZ_X86_QUANTIZE(type) rz_avx512_quantize_##type
#include "backends/x86/quantize_x_body.h"
