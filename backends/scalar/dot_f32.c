/* Scalar reference kernels: plain C in index order, the yardstick for every SIMD kernel. */
#include "backends/backend.h"

static float dot_f32(const float *a, const float *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

const rz_backend rz_backend_scalar = {
    .name = "scalar",
    .isa = RZ_ISA_SCALAR,
    .dot_f32 = dot_f32,
};
