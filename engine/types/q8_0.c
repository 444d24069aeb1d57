/* q8_0: 32 elements as int8 with one f16 scale (x = d*q). The quantizer is ggml's
 * quantize_row_q8_0_ref (d = amax/127, round half away from zero); byte-identical to gguf-py. */
#include <math.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_q8_0_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_0_BYTES, dst += RZ_QK) {
        const float d = rz_load_f16(b);
        const int8_t *qs = (const int8_t *)(b + RZ_Q8_0_QS);
        for (int j = 0; j < RZ_QK; j++)
            dst[j] = (float)qs[j] * d;
    }
}

void rz_q8_0_from_float(const float *src, void *dst, int64_t n) {
    uint8_t *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_0_BYTES, src += RZ_QK) {
        float amax = 0;
        for (int j = 0; j < RZ_QK; j++)
            amax = fmaxf(amax, fabsf(src[j]));
        const float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
        rz_store_f16(b, d);
        int8_t *qs = (int8_t *)(b + RZ_Q8_0_QS);
        for (int j = 0; j < RZ_QK; j++)
            qs[j] = (int8_t)fminf(127.0f, fmaxf(-127.0f, roundf(src[j] * id)));
    }
}
