/* The block loops q8_0 and q8_1 share. Both blocks hold an f16 scale d at offset 0 and 32 int8
 * quants at offset qs of a block of `bytes` bytes; q8_1 adds the f16 s = d * sum(quants) at
 * offset s (d before its f16 rounding), q8_0 passes s = 0 for none. Values are q * d; the
 * quantizer is ggml's reference (d = amax/127, round half away from zero, quants clamped to
 * [-127, 127]). Contract: n is a multiple of RZ_QK. */
#ifndef RZ_TYPES_Q8_BLOCK_H
#define RZ_TYPES_Q8_BLOCK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"

static inline void rz_q8_blocks_to_float(const uint8_t *b, size_t bytes, size_t qs, float *dst,
                                         int64_t n) {
    for (int64_t i = 0; i < n / RZ_QK; i++, b += bytes, dst += RZ_QK) {
        const float d = rz_load_f16(b);
        const int8_t *q = (const int8_t *)(b + qs);
        for (int j = 0; j < RZ_QK; j++)
            dst[j] = (float)q[j] * d;
    }
}

static inline void rz_q8_blocks_from_float(const float *src, uint8_t *b, size_t bytes, size_t qs,
                                           size_t s, int64_t n) {
    for (int64_t i = 0; i < n / RZ_QK; i++, b += bytes, src += RZ_QK) {
        float amax = 0;
        for (int j = 0; j < RZ_QK; j++)
            amax = fmaxf(amax, fabsf(src[j]));
        const float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
        rz_store_f16(b, d);
        int8_t *q = (int8_t *)(b + qs);
        int sum = 0;
        for (int j = 0; j < RZ_QK; j++) {
            q[j] = (int8_t)fminf(127.0f, fmaxf(-127.0f, roundf(src[j] * id)));
            sum += q[j];
        }
        if (s) rz_store_f16(b + s, (float)sum * d);
    }
}

#endif
