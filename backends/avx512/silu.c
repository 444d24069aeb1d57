/* rz_avx512_silu_mul (backends/activations.h): 16 elements at a time, tails masked; the scalar
 * reference's x / (1 + e^-x) * up with e^-x by avx512_exp (backends/avx512/exp.h). */
#include <immintrin.h>

#include "backends/activations.h"
#include "backends/avx512/exp.h"

void rz_avx512_silu_mul(float *gate, const float *up, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1u);
        const __m512 x = _mm512_maskz_loadu_ps(m, gate + i);
        const __m512 e = avx512_exp(_mm512_sub_ps(_mm512_setzero_ps(), x));
        const __m512 s = _mm512_div_ps(x, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
        _mm512_mask_storeu_ps(gate + i, m, _mm512_mul_ps(s, _mm512_maskz_loadu_ps(m, up + i)));
    }
}
