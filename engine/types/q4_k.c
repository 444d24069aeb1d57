/* q4_K: 256-element super-blocks of eight 32-element groups, each with a 6-bit scale and min
 * (x = d*sc*q - dmin*m, q in 0..15). The quantizer follows llama.cpp's quantize_row_q4_K_ref. */
#include <stddef.h>

#include "engine/types/blocks.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

void rz_q4_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q4_K_BYTES, dst += RZ_QK_K)
        rz_kq_affine_to_float(b, b + RZ_Q4_K_QS, NULL, dst);
}

void rz_q4_k_from_float(const float *src, void *dst, int64_t n) {
    uint8_t *b = dst, L[RZ_QK_K];
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q4_K_BYTES, src += RZ_QK_K) {
        rz_kq_quantize_affine(src, 15, -1.0f, 0.1f, 20, b, L);
        uint8_t *q = b + RZ_Q4_K_QS;
        for (int j = 0; j < RZ_QK_K; j += 64, q += 32)
            for (int l = 0; l < 32; l++)
                q[l] = (uint8_t)(L[j + l] | L[j + l + 32] << 4);
    }
}
