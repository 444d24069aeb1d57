/* q5_0: 32 elements as 5-bit levels around zero, one f16 scale (x = d*(q-16)); the fifth bits sit
 * together in qh. The quantizer is ggml's quantize_row_q5_0_ref: d = -max/16 for the element of
 * largest magnitude, so that element lands exactly on level 0; byte-identical to gguf-py. */
#include <math.h>

#include "engine/core/le.h"
#include "engine/types/block_max.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"

void rz_q5_0_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q5_0 *b = src;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, dst += RZ_QK) {
        const float d = rz_f16_to_f32(b->d);
        const uint32_t qh = rz_le32(b->qh);
        const uint8_t *qs = b->qs;
        for (int j = 0; j < RZ_QK / 2; j++) {
            const int lo = (qs[j] & 0xf) | (int)((qh >> j) & 1) << 4;
            const int hi = (qs[j] >> 4) | (int)((qh >> (j + RZ_QK / 2)) & 1) << 4;
            dst[j] = (float)(lo - 16) * d;
            dst[j + RZ_QK / 2] = (float)(hi - 16) * d;
        }
    }
}

/* Level of v = x*id + 16.5 truncated into [0, 31]; the float clamp keeps NaN and inf defined. */
static uint8_t level(float v) {
    return (uint8_t)fminf(31.0f, fmaxf(0.0f, v));
}

void rz_q5_0_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q5_0 *b = dst;
    for (int64_t i = 0; i < n / RZ_QK; i++, b++, src += RZ_QK) {
        const float d = rz_block_signed_max(src, RZ_QK) / -16, id = d != 0 ? 1.0f / d : 0.0f;
        b->d = rz_f32_to_f16(d);
        uint32_t qh = 0;
        for (int j = 0; j < RZ_QK / 2; j++) {
            const uint8_t lo = level(src[j] * id + 16.5f);
            const uint8_t hi = level(src[j + RZ_QK / 2] * id + 16.5f);
            b->qs[j] = (uint8_t)((lo & 0xf) | (hi & 0xf) << 4);
            qh |= (uint32_t)(lo >> 4) << j | (uint32_t)(hi >> 4) << (j + RZ_QK / 2);
        }
        for (int k = 0; k < 4; k++)
            b->qh[k] = (uint8_t)(qh >> 8 * k);
    }
}
