/* AVX-512 kernels: the dot's four 16-lane accumulators, axpy's fused multiply-adds; tails are
 * masked loads and stores, so no scalar loop. */
#include <immintrin.h>

#include "backends/backend.h"
#include "backends/avx512/dequant.h"
#include "backends/avx512/vec_dot.h"
#include "backends/activations.h"

static float dot_f32(const float *a, const float *b, size_t n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
        acc2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), acc2);
        acc3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), acc3);
    }
    for (; i + 16 <= n; i += 16)
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        acc1 =
            _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), acc1);
    }
    return _mm512_reduce_add_ps(
        _mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3)));
}

static void axpy_f32(float a, const float *x, float *y, size_t n) {
    const __m512 va = _mm512_set1_ps(a);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i,
                         _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(
            y + i, m,
            _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i)));
    }
}

static float dot_f16(const uint16_t *a, const float *b, size_t n) {
    return rz_avx512_vec_dot_f16(a, b, (int64_t)n);
}

static void axpy_f16(float a, const uint16_t *x, float *y, size_t n) {
    const __m512 va = _mm512_set1_ps(a);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1u);
        const __m512 xi = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, x + i));
        _mm512_mask_storeu_ps(y + i, m, _mm512_fmadd_ps(va, xi, _mm512_maskz_loadu_ps(m, y + i)));
    }
}

const rz_backend rz_backend_avx512 = {
    .name = "avx512",
    .isa = RZ_ISA_AVX512,
    .dot_f32 = dot_f32,
    .axpy_f32 = axpy_f32,
    .dot_f16 = dot_f16,
    .axpy_f16 = axpy_f16,
    .dot_f16_heads = rz_avx512_dot_f16_heads,
    .axpy_f16_heads = rz_avx512_axpy_f16_heads,
    .softmax = rz_avx512_softmax,
    .silu_mul = rz_avx512_silu_mul,
    .vec = rz_avx512_vec,
    .to_float =
        {
            [RZ_TYPE_F16] = rz_avx512_f16_to_float,
            [RZ_TYPE_BF16] = rz_avx512_bf16_to_float,
            [RZ_TYPE_Q4_0] = rz_avx512_q4_0_to_float,
            [RZ_TYPE_Q4_1] = rz_avx512_q4_1_to_float,
            [RZ_TYPE_Q5_0] = rz_avx512_q5_0_to_float,
            [RZ_TYPE_Q5_1] = rz_avx512_q5_1_to_float,
            [RZ_TYPE_Q8_0] = rz_avx512_q8_0_to_float,
            [RZ_TYPE_Q4_K] = rz_avx512_q4_k_to_float,
            [RZ_TYPE_Q5_K] = rz_avx512_q5_k_to_float,
            [RZ_TYPE_Q6_K] = rz_avx512_q6_k_to_float,
            [RZ_TYPE_Q8_K] = rz_avx512_q8_k_to_float,
        },
};
