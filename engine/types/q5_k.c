/* q5_K: q4_K with a fifth bit per element in qh (x = d*sc*q - dmin*m, q in 0..31). The
 * quantizer follows llama.cpp's quantize_row_q5_K_ref. */
#include <string.h>

#include "engine/types/blocks.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

void rz_q5_k_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q5_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, dst += RZ_QK_K)
        rz_kq_affine_to_float(b->d, b->dmin, b->scales, b->qs, b->qh, dst);
}

void rz_q5_k_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q5_k *b = dst;
    uint8_t L[RZ_QK_K];
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, src += RZ_QK_K) {
        rz_kq_quantize_affine(src, 31, -0.5f, 0.1f, 15, &b->d, &b->dmin, b->scales, L);
        uint8_t *ql = b->qs, *qh = b->qh;
        memset(qh, 0, sizeof b->qh);
        for (int g = 0; g < 8; g += 2, ql += 32) {
            const uint8_t *lo = L + 32 * g, *hi = L + 32 * (g + 1);
            for (int l = 0; l < 32; l++) {
                ql[l] = (uint8_t)((lo[l] & 0xf) | (hi[l] & 0xf) << 4);
                qh[l] |= (uint8_t)((lo[l] >> 4) << g | (hi[l] >> 4) << (g + 1));
            }
        }
    }
}
