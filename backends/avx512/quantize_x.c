/* AVX-512 activation quantizers for the dot kernels, byte-identical to the scalar ones
 * (backends/scalar/quantize_x.c): the same IEEE divisions and products in the same order, round
 * half away from zero as truncation plus a correction (q8_0), nearest-even conversion (q8_K). */
#include <immintrin.h>
#include <string.h>

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

void rz_avx512_quantize_q8_0(const float *x, void *xq, int64_t n) {
    const int64_t nb = n / RZ_QK, padded = rz_vec_dot_q8_0_padded(n);
    uint8_t *q = xq;
    float *d = (float *)(q + rz_vec_dot_q8_0_tail(n)), *s = d + padded;
    for (int64_t i = 0; i < nb; i++, x += RZ_QK) {
        const __m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
        const float di = amax / 127, id = di != 0 ? 1.0f / di : 0.0f;
        const __m512 lim = _mm512_set1_ps(127.0f), nlim = _mm512_set1_ps(-127.0f);
        const __m512 ra = _mm512_min_ps(
            lim, _mm512_max_ps(nlim, round_away(_mm512_mul_ps(a, _mm512_set1_ps(id)))));
        const __m512 rb = _mm512_min_ps(
            lim, _mm512_max_ps(nlim, round_away(_mm512_mul_ps(b, _mm512_set1_ps(id)))));
        const __m512i ia = _mm512_cvtps_epi32(ra), ib = _mm512_cvtps_epi32(rb);
        uint8_t *blk = q + i * RZ_Q8_0_BYTES;
        const uint16_t h = _cvtss_sh(di, _MM_FROUND_TO_NEAREST_INT);
        memcpy(blk, &h, sizeof h);
        _mm_storeu_si128((__m128i *)(blk + RZ_Q8_0_QS), _mm512_cvtepi32_epi8(ia));
        _mm_storeu_si128((__m128i *)(blk + RZ_Q8_0_QS + 16), _mm512_cvtepi32_epi8(ib));
        d[i] = _cvtsh_ss(h);
        s[i] = d[i] * (float)_mm512_reduce_add_epi32(_mm512_add_epi32(ia, ib));
    }
    memset(q + nb * RZ_Q8_0_BYTES, 0, rz_vec_dot_q8_0_tail(n) - (size_t)nb * RZ_Q8_0_BYTES);
    for (int64_t i = nb; i < padded; i++)
        d[i] = s[i] = 0.0f;
}

void rz_avx512_quantize_q8_k(const float *x, void *xq, int64_t n) {
    uint8_t *b = xq;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q8_K_BYTES, x += RZ_QK_K) {
        __m512 m = _mm512_setzero_ps();
        for (int j = 0; j < RZ_QK_K; j += 16)
            m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(x + j)));
        const float amax = _mm512_reduce_max_ps(m);
        memset(b, 0, RZ_Q8_K_BYTES);
        if (amax == 0) continue;
        float max = 0;
        for (int j = 0; j < RZ_QK_K; j += 16) {
            const __m512 v = _mm512_loadu_ps(x + j);
            const __mmask16 hit =
                _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(amax), _CMP_EQ_OQ);
            if (hit) {
                max = x[j + __builtin_ctz(hit)];
                break;
            }
        }
        const float iscale = -127.f / max, d = 1 / iscale;
        const __m512 is = _mm512_set1_ps(iscale);
        int8_t *qs = (int8_t *)(b + RZ_Q8_K_QS);
        for (int j = 0; j < RZ_QK_K; j += 16) {
            __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(is, _mm512_loadu_ps(x + j)));
            v = _mm512_min_epi32(_mm512_set1_epi32(127),
                                 _mm512_max_epi32(_mm512_set1_epi32(-128), v));
            _mm_storeu_si128((__m128i *)(qs + j), _mm512_cvtepi32_epi8(v));
            const int16_t sum = (int16_t)_mm512_reduce_add_epi32(v);
            memcpy(b + RZ_Q8_K_BSUMS + 2 * (j / 16), &sum, sizeof sum);
        }
        memcpy(b, &d, sizeof d);
    }
}
