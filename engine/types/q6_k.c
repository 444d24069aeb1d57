/* q6_K: 256-element super-blocks of sixteen 16-element groups with int8 scales and one f16 d
 * (x = d*sc*(q-32), q in 0..63 split into 4 low bits in ql and 2 high bits in qh). The
 * quantizer follows llama.cpp's quantize_row_q6_K_ref. */
#include <math.h>
#include <string.h>

#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kernels.h"
#include "engine/types/kquant.h"

/* Each 128 elements use 64 ql bytes and 32 qh bytes: element 32*k + l (k = 0..3) takes the low
 * (k < 2) or high (k >= 2) nibble of ql[l + 32*(k&1)] and bits 2k..2k+1 of qh[l]. */
void rz_q6_k_to_float(const void *src, float *dst, int64_t n) {
    const rz_block_q6_k *b = src;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++) {
        const float d = rz_f16_to_f32(b->d);
        const int8_t *sc = b->scales;
        const uint8_t *ql = b->ql, *qh = b->qh;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32, sc += 8, dst += 128) {
            for (int k = 0; k < 4; k++) {
                for (int l = 0; l < 32; l++) {
                    const int lo = (ql[l + 32 * (k & 1)] >> (4 * (k >> 1))) & 0xf;
                    const int q = (lo | ((qh[l] >> (2 * k)) & 3) << 4) - 32;
                    dst[32 * k + l] = d * sc[2 * k + l / 16] * q;
                }
            }
        }
    }
}

void rz_q6_k_from_float(const float *src, void *dst, int64_t n) {
    rz_block_q6_k *b = dst;
    int8_t L[RZ_QK_K];
    float scales[16];
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b++, src += RZ_QK_K) {
        float max_scale = 0, max_abs = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = rz_kq_fit_symmetric(16, 32, src + 16 * g, L + 16 * g);
            if (fabsf(scales[g]) > max_abs) {
                max_abs = fabsf(scales[g]);
                max_scale = scales[g];
            }
        }
        memset(b, 0, sizeof *b);
        if (max_abs < 1e-15f) continue;
        const float iscale = -128.f / max_scale;
        b->d = rz_f32_to_f16(1 / iscale);
        for (int g = 0; g < 16; g++) {
            int s = rz_nearest_int(iscale * scales[g]);
            b->scales[g] = (int8_t)(s > 127 ? 127 : s < -128 ? -128 : s);
        }
        const float d = rz_f16_to_f32(b->d);
        for (int g = 0; g < 16; g++) {
            const float dg = d * b->scales[g];
            if (dg == 0) continue;
            for (int l = 0; l < 16; l++) {
                int q = rz_nearest_int(src[16 * g + l] / dg);
                L[16 * g + l] = (int8_t)((q < -32 ? -32 : q > 31 ? 31 : q) + 32);
            }
        }
        uint8_t *ql = b->ql, *qh = b->qh;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32) {
            const int8_t *Lh = L + 128 * h;
            for (int l = 0; l < 32; l++) {
                ql[l] = (uint8_t)((Lh[l] & 0xf) | (Lh[l + 64] & 0xf) << 4);
                ql[l + 32] = (uint8_t)((Lh[l + 32] & 0xf) | (Lh[l + 96] & 0xf) << 4);
                qh[l] = (uint8_t)((Lh[l] >> 4) | (Lh[l + 32] >> 4) << 2 | (Lh[l + 64] >> 4) << 4 |
                                  (Lh[l + 96] >> 4) << 6);
            }
        }
    }
}
