/* q8_1: q8_0 plus s, the scale times the sum of the quants, which dot kernels use to fold in an
 * offset (x = d*q; s plays no part in dequantization). The quantizer is ggml's
 * quantize_row_q8_1_ref (d = amax/127, round half away from zero, s = d*sum rounded to f16). */
#include <math.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_q8_1_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_1_BYTES, dst += RZ_QK) {
        const float d = rz_load_f16(b);
        const int8_t *qs = (const int8_t *)(b + RZ_Q8_1_QS);
        for (int j = 0; j < RZ_QK; j++)
            dst[j] = (float)qs[j] * d;
    }
}

void rz_q8_1_from_float(const float *src, void *dst, int64_t n) {
    uint8_t *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_1_BYTES, src += RZ_QK) {
        float amax = 0;
        for (int j = 0; j < RZ_QK; j++)
            amax = fmaxf(amax, fabsf(src[j]));
        const float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
        rz_store_f16(b, d);
        int8_t *qs = (int8_t *)(b + RZ_Q8_1_QS);
        int sum = 0;
        for (int j = 0; j < RZ_QK; j++) {
            qs[j] = (int8_t)fminf(127.0f, fmaxf(-127.0f, roundf(src[j] * id)));
            sum += qs[j];
        }
        rz_store_f16(b + RZ_Q8_1_S, (float)sum * d);
    }
}
