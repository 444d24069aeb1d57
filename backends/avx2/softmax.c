/* rz_avx2_softmax (backends/softmax.h): 8 scores at a time, tails through masked loads and
 * stores. exp(x) for x <= 0 as the AVX-512 kernel computes it (2^k * p(r), Cody-Waite, Taylor
 * degree 7), with 2^k built in the exponent bits: x is first raised to -87 so that k stays in
 * the normal range, which turns the exp of a score more than 87 below the maximum into about
 * 1.6e-38 instead of 0. The denominator is summed in double. */
#include <immintrin.h>
#include <math.h>

#include "backends/softmax.h"

static inline __m256 exp_nonpositive(__m256 x) {
    x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
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
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

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
        const __m256 e =
            _mm256_and_ps(exp_nonpositive(_mm256_sub_ps(_mm256_maskload_ps(x + i, m), max)),
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
