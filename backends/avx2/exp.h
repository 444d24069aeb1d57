/* avx2_exp: e^x in every lane for the AVX2 softmax and SiLU (static inline: included by files
 * compiled with AVX2 flags). As avx512_exp (backends/avx512/exp.h: 2^k * p(r), Cody-Waite,
 * Taylor degree 7), with 2^k built in the exponent bits as 2^(k - 1) * 2, so that k = 128 still
 * rounds to the largest floats or to infinity; x is first raised to -86 so that 2^(k - 1) stays
 * normal, which turns e^x below that into about 4.4e-38 instead of less or 0. */
#ifndef RZ_BACKENDS_AVX2_EXP_H
#define RZ_BACKENDS_AVX2_EXP_H

#include <immintrin.h>

static inline __m256 avx2_exp(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), _mm256_max_ps(_mm256_set1_ps(-86.0f), x));
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    static const float c[] = {1.0f / 5040, 1.0f / 720, 1.0f / 120, 1.0f / 24,
                              1.0f / 6,    0.5f,       1.0f,       1.0f};
    __m256 p = _mm256_set1_ps(c[0]);
    for (int i = 1; i < 8; i++)
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(c[i]));
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(126)), 23);
    return _mm256_mul_ps(_mm256_mul_ps(p, _mm256_castsi256_ps(bits)), _mm256_set1_ps(2.0f));
}

#endif
