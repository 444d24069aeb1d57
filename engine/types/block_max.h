/* The block statistic that ggml's reference quantizers of q4_0 and q5_0 share. */
#ifndef RZ_TYPES_BLOCK_MAX_H
#define RZ_TYPES_BLOCK_MAX_H

#include <math.h>

/* The element of largest magnitude in src[0..n), sign kept (the first on ties; 0 when n is 0). */
static inline float rz_block_signed_max(const float *src, int n) {
    float amax = 0, max = 0;
    for (int j = 0; j < n; j++) {
        if (amax < fabsf(src[j])) {
            amax = fabsf(src[j]);
            max = src[j];
        }
    }
    return max;
}

#endif
