/* AVX2 + FMA kernels: the dot's four 8-lane accumulators hide FMA latency, its tail runs scalar;
 * axpy fuses each element's multiply-add, the tail by fmaf; the f16 pair widens with F16C. */
#include <immintrin.h>
#include <math.h>

#include "backends/backend.h"
#include "backends/avx2/dequant.h"
#include "backends/avx2/vec_dot.h"
#include "backends/activations.h"
#include "engine/types/half.h"
#include "backends/x86/hsum.h"

static float dot_f32(const float *a, const float *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8)
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    float sum = rz_x86_hsum256(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
    for (; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

static void axpy_f32(float a, const float *x, float *y, size_t n) {
    const __m256 va = _mm256_set1_ps(a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i,
                         _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++)
        y[i] = fmaf(a, x[i], y[i]);
}

static float dot_f16(const uint16_t *a, const float *b, size_t n) {
    return rz_avx2_vec_dot_f16(a, b, (int64_t)n);
}

static void axpy_f16(float a, const uint16_t *x, float *y, size_t n) {
    const __m256 va = _mm256_set1_ps(a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 xi = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, xi, _mm256_loadu_ps(y + i)));
    }
    for (; i < n; i++)
        y[i] = fmaf(a, rz_f16_to_f32(x[i]), y[i]);
}

const rz_backend rz_backend_avx2 = {
    .name = "avx2",
    .isa = RZ_ISA_AVX2,
    .dot_f32 = dot_f32,
    .axpy_f32 = axpy_f32,
    .dot_f16 = dot_f16,
    .axpy_f16 = axpy_f16,
    .dot_f16_heads = rz_avx2_dot_f16_heads,
    .axpy_f16_heads = rz_avx2_axpy_f16_heads,
    .softmax = rz_avx2_softmax,
    .silu_mul = rz_avx2_silu_mul,
    .vec = rz_avx2_vec,
    .to_float =
        {
            [RZ_TYPE_F16] = rz_avx2_f16_to_float,
            [RZ_TYPE_BF16] = rz_avx2_bf16_to_float,
            [RZ_TYPE_Q4_0] = rz_avx2_q4_0_to_float,
            [RZ_TYPE_Q4_1] = rz_avx2_q4_1_to_float,
            [RZ_TYPE_Q5_0] = rz_avx2_q5_0_to_float,
            [RZ_TYPE_Q5_1] = rz_avx2_q5_1_to_float,
            [RZ_TYPE_Q8_0] = rz_avx2_q8_0_to_float,
            [RZ_TYPE_Q4_K] = rz_avx2_q4_k_to_float,
            [RZ_TYPE_Q5_K] = rz_avx2_q5_k_to_float,
            [RZ_TYPE_Q6_K] = rz_avx2_q6_k_to_float,
            [RZ_TYPE_Q8_K] = rz_avx2_q8_k_to_float,
        },
};
