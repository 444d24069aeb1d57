/* rz_avx2_silu_mul (backends/activations.h): 8 elements at a time, tails through masked loads
 * and stores; the scalar reference's x / (1 + e^-x) * up with e^-x by avx2_exp
 * (backends/avx2/exp.h). */
#include <immintrin.h>

#include "backends/activations.h"
#include "backends/avx2/exp.h"

void rz_avx2_silu_mul(float *gate, const float *up, size_t n) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (size_t i = 0; i < n; i += 8) {
        const int left = n - i >= 8 ? 8 : (int)(n - i);
        const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), lane);
        const __m256 x = _mm256_maskload_ps(gate + i, m);
        const __m256 e = avx2_exp(_mm256_sub_ps(_mm256_setzero_ps(), x));
        const __m256 s = _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
        _mm256_maskstore_ps(gate + i, m, _mm256_mul_ps(s, _mm256_maskload_ps(up + i, m)));
    }
}
