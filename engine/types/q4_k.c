/* q4_K: 256-element super-blocks of eight 32-element groups, each with a 6-bit scale and min
 * (x = d*sc*q - dmin*m, q in 0..15). The quantizer follows llama.cpp's quantize_row_q4_K_ref. */
#include <stddef.h>

#include "engine/types/blocks.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

void rz_q4_k_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q4_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K)
        rz_kq_affine_to_float(b->d, b->dmin, b->scales, b->qs, NULL, dst);
}

void rz_q4_k_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q4_k *b = dst;
    uint8_t L[RZ_QK_K];
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, src += RZ_QK_K) {
        rz_kq_quantize_affine(src, 15, -1.0f, 0.1f, 20, &b->d, &b->dmin, b->scales, L);
        uint8_t *q = b->qs;
        for (int j = 0; j < RZ_QK_K; j += 64, q += 32)
            for (int l = 0; l < 32; l++)
                q[l] = (uint8_t)(L[j + l] | L[j + l + 32] << 4);
    }
}
