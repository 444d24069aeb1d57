/* Scalar reference kernels: plain C in index order, the yardstick for every SIMD kernel. */
#include "backends/backend.h"
#include "backends/scalar/vec_dot.h"
#include "backends/activations.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

static float dot_f32(const float *a, const float *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

static void axpy_f32(float a, const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

static float dot_f16(const uint16_t *a, const float *b, size_t n) {
    return rz_scalar_vec_dot_f16(a, b, (int64_t)n);
}

static void axpy_f16(float a, const uint16_t *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] += a * rz_f16_to_f32(x[i]);
}

static void dot_f16_heads(const uint16_t *a, size_t stride, int rows, const float *q, int heads,
                          size_t n, float *out, size_t ld) {
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < rows; i++)
            out[(size_t)h * ld + (size_t)i] = dot_f16(a + (size_t)i * stride, q + (size_t)h * n, n);
}

static void axpy_f16_heads(const float *a, size_t ld, const uint16_t *x, size_t stride, int rows,
                           int heads, float *y, size_t n) {
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < rows; i++)
            axpy_f16(a[(size_t)h * ld + (size_t)i], x + (size_t)i * stride, y + (size_t)h * n, n);
}

const rz_backend rz_backend_scalar = {
    .name = "scalar",
    .isa = RZ_ISA_SCALAR,
    .dot_f32 = dot_f32,
    .axpy_f32 = axpy_f32,
    .dot_f16 = dot_f16,
    .axpy_f16 = axpy_f16,
    .dot_f16_heads = dot_f16_heads,
    .axpy_f16_heads = axpy_f16_heads,
    .softmax = rz_scalar_softmax,
    .silu_mul = rz_scalar_silu_mul,
    .vec = rz_scalar_vec,
    .to_float =
        {
            [RZ_TYPE_F32] = rz_f32_to_float,
            [RZ_TYPE_F16] = rz_f16_to_float,
            [RZ_TYPE_BF16] = rz_bf16_to_float,
            [RZ_TYPE_Q4_0] = rz_q4_0_to_float,
            [RZ_TYPE_Q4_1] = rz_q4_1_to_float,
            [RZ_TYPE_Q5_0] = rz_q5_0_to_float,
            [RZ_TYPE_Q5_1] = rz_q5_1_to_float,
            [RZ_TYPE_Q8_0] = rz_q8_0_to_float,
            [RZ_TYPE_Q8_1] = rz_q8_1_to_float,
            [RZ_TYPE_Q4_K] = rz_q4_k_to_float,
            [RZ_TYPE_Q5_K] = rz_q5_k_to_float,
            [RZ_TYPE_Q6_K] = rz_q6_k_to_float,
            [RZ_TYPE_Q8_K] = rz_q8_k_to_float,
        },
};
