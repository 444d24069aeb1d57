/* q5_K: q4_K with a fifth bit per element in qh (x = d*sc*q - dmin*m, q in 0..31). The
 * quantizer follows llama.cpp's quantize_row_q5_K_ref. */
#include <string.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

void rz_q5_k_to_float(const void *src, float *dst, int64_t n) {
    const uint8_t *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q5_K_BYTES) {
        const float d = rz_load_f16(b), dmin = rz_load_f16(b + RZ_Q5_K_DMIN);
        const uint8_t *ql = b + RZ_Q5_K_QS, *qh = b + RZ_Q5_K_QH;
        for (int g = 0; g < 8; g += 2, ql += 32) {
            uint8_t sc, m;
            rz_kq_scale_min(b + RZ_Q5_K_SCALES, g, &sc, &m);
            const float d1 = d * sc, m1 = dmin * m;
            rz_kq_scale_min(b + RZ_Q5_K_SCALES, g + 1, &sc, &m);
            const float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; l++)
                *dst++ = d1 * ((ql[l] & 0xf) | ((qh[l] >> g) & 1) << 4) - m1;
            for (int l = 0; l < 32; l++)
                *dst++ = d2 * ((ql[l] >> 4) | ((qh[l] >> (g + 1)) & 1) << 4) - m2;
        }
    }
}

void rz_q5_k_from_float(const float *src, void *dst, int64_t n) {
    uint8_t *b = dst, L[RZ_QK_K];
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q5_K_BYTES, src += RZ_QK_K) {
        rz_kq_quantize_affine(src, 31, -0.5f, 0.1f, 15, b, L);
        uint8_t *ql = b + RZ_Q5_K_QS, *qh = b + RZ_Q5_K_QH;
        memset(qh, 0, 32);
        for (int g = 0; g < 8; g += 2, ql += 32) {
            const uint8_t *lo = L + 32 * g, *hi = L + 32 * (g + 1);
            for (int l = 0; l < 32; l++) {
                ql[l] = (uint8_t)((lo[l] & 0xf) | (hi[l] & 0xf) << 4);
                qh[l] |= (uint8_t)((lo[l] >> 4) << g | (hi[l] >> 4) << (g + 1));
            }
        }
    }
}
