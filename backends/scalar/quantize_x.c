/* Scalar activation quantizers for the dot kernels (the layouts of backends/vec_dot.h): the
 * reference quantizers of engine/types, plus q8_0's f32 scales, f32 sums and int32 sums, and q8_K's
 * group sums. */
#include <string.h>

#include "backends/scalar/vec_dot.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_scalar_quantize_q8_0(const float *x, void *xq, int64_t n) {
    const int64_t nb = n / RZ_QK, padded = rz_vec_dot_q8_0_padded(n);
    const size_t tail = rz_vec_dot_q8_0_tail(n);
    rz_block_q8_0 *q = xq;
    rz_q8_0_from_float(x, q, n);
    memset(q + nb, 0, tail - (size_t)nb * sizeof *q);
    float *d = (float *)((uint8_t *)xq + tail), *s = d + padded;
    int32_t *qsum = (int32_t *)(s + padded);
    for (int64_t i = 0; i < padded; i++) {
        float di = 0.0f;
        int32_t sum = 0;
        if (i < nb) {
            di = rz_f16_to_f32(q[i].d);
            for (int j = 0; j < RZ_QK; j++)
                sum += q[i].qs[j];
        }
        d[i] = di;
        s[i] = di * (float)sum;
        qsum[i] = sum;
    }
}

void rz_scalar_quantize_q8_k(const float *x, void *xq, int64_t n) {
    rz_q8_k_from_float(x, xq, n);
    rz_vec_dot_q8_k_finish(xq, n);
}
