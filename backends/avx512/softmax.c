/* rz_avx512_softmax (backends/activations.h): 16 scores at a time, tails masked, exp by
 * avx512_exp (backends/avx512/exp.h). The denominator is summed in double, 8 lanes per half of
 * each vector. */
#include <immintrin.h>
#include <math.h>

#include "backends/avx512/exp.h"
#include "backends/activations.h"

static inline __mmask16 tail_mask(int n, int i) {
    return n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1u);
}

void rz_avx512_softmax(float *x, int n, float scale) {
    const __m512 vs = _mm512_set1_ps(scale);
    __m512 vmax = _mm512_set1_ps(-INFINITY);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask(n, i);
        const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), vs);
        _mm512_mask_storeu_ps(x + i, m, v);
        vmax = _mm512_mask_max_ps(vmax, m, vmax, v);
    }
    const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
    for (int i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask(n, i);
        const __m512 e =
            _mm512_maskz_mov_ps(m, avx512_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), max)));
        _mm512_mask_storeu_ps(x + i, m, e);
        s0 = _mm512_add_pd(s0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        s1 = _mm512_add_pd(
            s1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    const __m512 inv = _mm512_set1_ps((float)(1.0 / _mm512_reduce_add_pd(_mm512_add_pd(s0, s1))));
    for (int i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask(n, i);
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inv));
    }
}
