/* q4_0: 32 elements as 4-bit levels around zero, one f16 scale (x = d*(q-8)). The quantizer is
 * ggml's quantize_row_q4_0_ref: d = -max/8 for the element of largest magnitude, so that element
 * lands exactly on level 0; byte-identical to gguf-py. */
#include <math.h>

#include "engine/types/block_max.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_q4_0_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q4_0 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d);
        const uint8_t *qs = b->qs;
        for (int j = 0; j < RZ_QK / 2; j++) {
            dst[j] = (float)((qs[j] & 0xf) - 8) * d;
            dst[j + RZ_QK / 2] = (float)((qs[j] >> 4) - 8) * d;
        }
    }
}

/* Level of v = x*id + 8.5 truncated into [0, 15]; the float clamp keeps NaN and inf defined. */
static uint8_t level(float v) {
    return (uint8_t)fminf(15.0f, fmaxf(0.0f, v));
}

void rz_q4_0_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q4_0 *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, src += RZ_QK) {
        const float d = rz_block_signed_max(src, RZ_QK) / -8, id = d != 0 ? 1.0f / d : 0.0f;
        b->d = rz_f32_to_f16(d);
        for (int j = 0; j < RZ_QK / 2; j++)
            b->qs[j] =
                (uint8_t)(level(src[j] * id + 8.5f) | level(src[j + RZ_QK / 2] * id + 8.5f) << 4);
    }
}
