/* q4_1: 32 elements as 4-bit levels above a minimum (x = d*q + m, f16 d and m). The quantizer
 * is ggml's quantize_row_q4_1_ref (d = (max-min)/15); byte-identical to gguf-py. */
#include <float.h>
#include <math.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_q4_1_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q4_1 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d), m = rz_f16_to_f32(b->m);
        const uint8_t *qs = b->qs;
        for (int j = 0; j < RZ_QK / 2; j++) {
            dst[j] = (float)(qs[j] & 0xf) * d + m;
            dst[j + RZ_QK / 2] = (float)(qs[j] >> 4) * d + m;
        }
    }
}

/* Level of v = (x-min)*id + 0.5 truncated into [0, 15]; NaN and inf stay defined. */
static uint8_t level(float v) {
    return (uint8_t)fminf(15.0f, fmaxf(0.0f, v));
}

void rz_q4_1_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q4_1 *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, src += RZ_QK) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < RZ_QK; j++) {
            if (src[j] < min) min = src[j];
            if (src[j] > max) max = src[j];
        }
        const float d = (max - min) / 15, id = d != 0 ? 1.0f / d : 0.0f;
        b->d = rz_f32_to_f16(d);
        b->m = rz_f32_to_f16(min);
        for (int j = 0; j < RZ_QK / 2; j++)
            b->qs[j] = (uint8_t)(level((src[j] - min) * id + 0.5f) |
                                 level((src[j + RZ_QK / 2] - min) * id + 0.5f) << 4);
    }
}
