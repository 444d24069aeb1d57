/* The horizontal sum of the 8 float lanes of an __m256, in one fixed order of adds, for the AVX2
 * and AVX-512 kernels (static inline: each file compiles it with its own ISA flags). */
#ifndef RZ_BACKENDS_X86_HSUM_H
#define RZ_BACKENDS_X86_HSUM_H

#include <immintrin.h>

static inline float rz_x86_hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#endif
