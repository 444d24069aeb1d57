/* avx512_exp: e^x in every lane for the AVX-512 softmax and SiLU (static inline: included by
 * files compiled with AVX-512 flags). e^x = 2^k * p(r) with k = round(x log2 e) and r = x - k ln 2
 * in two steps (Cody-Waite: the product with the short high part of ln 2 is exact), p the Taylor
 * polynomial of degree 7 (truncation under 1e-8 relative on |r| <= ln 2 / 2), 2^k applied by
 * vscalefps: 0 below the float range, infinity above it. Within a few ulp of expf
 * (tests/test_softmax.c, test_silu.c). */
#ifndef RZ_BACKENDS_AVX512_EXP_H
#define RZ_BACKENDS_AVX512_EXP_H

#include <immintrin.h>

static inline __m512 avx512_exp(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(89.0f), _mm512_max_ps(_mm512_set1_ps(-104.0f), x));
    const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
    static const float c[] = {1.0f / 5040, 1.0f / 720, 1.0f / 120, 1.0f / 24,
                              1.0f / 6,    0.5f,       1.0f,       1.0f};
    __m512 p = _mm512_set1_ps(c[0]);
    for (int i = 1; i < 8; i++)
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c[i]));
    return _mm512_scalef_ps(p, k);
}

#endif
