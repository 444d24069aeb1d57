/* rz_avx2_softmax (backends/activations.h): 8 scores at a time, tails through masked loads and
 * stores, exp by avx2_exp (backends/avx2/exp.h). The denominator is summed in double. */
#include <immintrin.h>
#include <math.h>

#include "backends/avx2/exp.h"
#include "backends/activations.h"

/* All ones in the lanes below n - i. */
static inline __m256i tail_mask(int n, int i) {
    const int left = n - i;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

void rz_avx2_softmax(float *x, int n, float scale) {
    const __m256 vs = _mm256_set1_ps(scale), lowest = _mm256_set1_ps(-INFINITY);
    __m256 vmax = lowest;
    for (int i = 0; i < n; i += 8) {
        const __m256i m = tail_mask(n, i);
        const __m256 v = _mm256_mul_ps(_mm256_maskload_ps(x + i, m), vs);
        _mm256_maskstore_ps(x + i, m, v);
        vmax = _mm256_max_ps(vmax, _mm256_blendv_ps(lowest, v, _mm256_castsi256_ps(m)));
    }
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    const __m256 max = _mm256_set1_ps(_mm_cvtss_f32(h));
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    for (int i = 0; i < n; i += 8) {
        const __m256i m = tail_mask(n, i);
        const __m256 e = _mm256_and_ps(avx2_exp(_mm256_sub_ps(_mm256_maskload_ps(x + i, m), max)),
                                       _mm256_castsi256_ps(m));
        _mm256_maskstore_ps(x + i, m, e);
        s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    const __m256d s = _mm256_add_pd(s0, s1);
    __m128d d = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    d = _mm_add_sd(d, _mm_unpackhi_pd(d, d));
    const __m256 inv = _mm256_set1_ps((float)(1.0 / _mm_cvtsd_f64(d)));
    for (int i = 0; i < n; i += 8) {
        const __m256i m = tail_mask(n, i);
        _mm256_maskstore_ps(x + i, m, _mm256_mul_ps(_mm256_maskload_ps(x + i, m), inv));
    }
}
