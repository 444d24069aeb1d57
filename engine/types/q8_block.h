/* The per-block arithmetic q8_0 and q8_1 share: 32 int8 quants with an f16 scale d, values
 * q * d. The quantizer is ggml's reference (d = amax/127, round half away from zero, quants
 * clamped to [-127, 127]). */
#ifndef RZ_TYPES_Q8_BLOCK_H
#define RZ_TYPES_Q8_BLOCK_H

#include <math.h>
#include <stdint.h>

#include "engine/types/blocks.h"

/* dst[0..32) = qs[j] * d. */
static inline void rz_q8_quants_to_float(float d, const int8_t qs[RZ_QK], float *dst) {
    for (int j = 0; j < RZ_QK; j++)
        dst[j] = (float)qs[j] * d;
}

/* Quantizes src[0..32) into qs; returns d (before its f16 rounding) and the sum of the quants in
 * *sum. */
static inline float rz_q8_quants_from_float(const float *src, int8_t qs[RZ_QK], int *sum) {
    float amax = 0;
    for (int j = 0; j < RZ_QK; j++)
        amax = fmaxf(amax, fabsf(src[j]));
    const float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
    *sum = 0;
    for (int j = 0; j < RZ_QK; j++) {
        qs[j] = (int8_t)fminf(127.0f, fmaxf(-127.0f, roundf(src[j] * id)));
        *sum += qs[j];
    }
    return d;
}

#endif
