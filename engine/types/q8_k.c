/* q8_K: 256 int8 activations with an f32 scale and the sums of each 16 quants (bsums), the
 * partner of the K-quants in dot products (x = d*q). The quantizer follows llama.cpp's
 * quantize_row_q8_K_ref: d = -max/127 for the element of largest magnitude. */
#include <math.h>
#include <string.h>

#include "engine/types/blocks.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

void rz_q8_k_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q8_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K) {
        for (int j = 0; j < RZ_QK_K; j++)
            dst[j] = b->d * b->qs[j];
    }
}

void rz_q8_k_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q8_k *b = dst;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, src += RZ_QK_K) {
        float amax = 0, max = 0;
        for (int j = 0; j < RZ_QK_K; j++) {
            if (fabsf(src[j]) > amax) {
                amax = fabsf(src[j]);
                max = src[j];
            }
        }
        memset(b, 0, sizeof *b);
        if (amax == 0) continue;
        const float iscale = -127.f / max;
        for (int j = 0; j < RZ_QK_K; j++) {
            int q = rz_nearest_int(iscale * src[j]);
            b->qs[j] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
        }
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int l = 0; l < 16; l++)
                sum += b->qs[16 * g + l];
            b->bsums[g] = (int16_t)sum;
        }
        b->d = 1 / iscale;
    }
}
