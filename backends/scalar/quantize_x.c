/* Scalar activation quantizers for the dot kernels (the layouts of backends/vec_dot.h): the
 * reference quantizers of engine/types, plus q8_0's f32 scales and sums. */
#include <string.h>

#include "backends/scalar/vec_dot.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_scalar_quantize_q8_0(const float *x, void *xq, int64_t n) {
    const int64_t nb = n / RZ_QK, padded = rz_vec_dot_q8_0_padded(n);
    uint8_t *q = xq;
    rz_q8_0_from_float(x, q, n);
    memset(q + nb * RZ_Q8_0_BYTES, 0, rz_vec_dot_q8_0_tail(n) - (size_t)nb * RZ_Q8_0_BYTES);
    float *d = (float *)(q + rz_vec_dot_q8_0_tail(n)), *s = d + padded;
    for (int64_t i = 0; i < padded; i++) {
        float di = 0.0f;
        int32_t sum = 0;
        if (i < nb) {
            const uint8_t *b = q + i * RZ_Q8_0_BYTES;
            di = rz_load_f16(b);
            for (int j = 0; j < RZ_QK; j++)
                sum += (int8_t)b[RZ_Q8_0_QS + j];
        }
        d[i] = di;
        s[i] = di * (float)sum;
    }
}

void rz_scalar_quantize_q8_k(const float *x, void *xq, int64_t n) {
    rz_q8_k_from_float(x, xq, n);
}
