/* Scalar reference dots of the float weight types with float activations: each weight widened
 * exactly to f32, products summed in index order. */
#include "backends/scalar/vec_dot.h"
#include "engine/core/le.h"
#include "engine/types/half.h"

float rz_scalar_vec_dot_f32(const void *w, const void *xq, int64_t n) {
    const uint8_t *p = w;
    const float *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++)
        sum += rz_le_f32(p + 4 * i) * x[i];
    return sum;
}

float rz_scalar_vec_dot_f16(const void *w, const void *xq, int64_t n) {
    const uint8_t *p = w;
    const float *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++)
        sum += rz_load_f16(p + 2 * i) * x[i];
    return sum;
}

float rz_scalar_vec_dot_bf16(const void *w, const void *xq, int64_t n) {
    const uint8_t *p = w;
    const float *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++)
        sum += rz_bf16_to_f32(rz_le16(p + 2 * i)) * x[i];
    return sum;
}
