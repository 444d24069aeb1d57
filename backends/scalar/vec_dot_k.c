/* Scalar reference dots of the K-quants with q8_K activations, per 256-element super-block:
 * q4_K / q5_K: isum = sum over the 8 groups of sc_g * (levels . quants) and msum = sum of m_g *
 * (the group's two bsums), then sum += (d_x * d) * isum - (d_x * dmin) * msum;
 * q6_K: isum = sum over the 16 groups of sc_g * (levels . quants) - 32 * sum of sc_g * bsum_g,
 * then sum += (d_x * d) * isum. All integer parts are exact in int32. */
#include "backends/scalar/vec_dot.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"

/* q4_K (qh NULL) and q5_K, one super-block: levels of group g are the low (g even) or high
 * nibbles of the 32 bytes at qs + 32 * (g / 2), plus 16 where bit g of qh[l] is set. */
static float dot_affine(uint16_t d, uint16_t dmin, const uint8_t scales[12], const uint8_t *qs,
                        const uint8_t *qh, const rz_block_q8_k *y) {
    int32_t isum = 0, msum = 0;
    for (int g = 0; g < 8; g++) {
        uint8_t sc, m;
        rz_kq_scale_min(scales, g, &sc, &m);
        int32_t s = 0;
        for (int l = 0; l < 32; l++) {
            int q = (qs[32 * (g / 2) + l] >> (4 * (g & 1))) & 0xf;
            if (qh) q |= ((qh[l] >> g) & 1) << 4;
            s += q * y->qs[32 * g + l];
        }
        isum += sc * s;
        msum += m * (y->bsums[2 * g] + y->bsums[2 * g + 1]);
    }
    return y->d * rz_f16_to_f32(d) * (float)isum - y->d * rz_f16_to_f32(dmin) * (float)msum;
}

float rz_scalar_vec_dot_q4_k(const void *w, const void *xq, int64_t n) {
    const rz_block_q4_k *b = w;
    const rz_block_q8_k *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK_K; i++)
        sum += dot_affine(b[i].d, b[i].dmin, b[i].scales, b[i].qs, NULL, &y[i]);
    return sum;
}

float rz_scalar_vec_dot_q5_k(const void *w, const void *xq, int64_t n) {
    const rz_block_q5_k *b = w;
    const rz_block_q8_k *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK_K; i++)
        sum += dot_affine(b[i].d, b[i].dmin, b[i].scales, b[i].qs, b[i].qh, &y[i]);
    return sum;
}

/* Element 128*h + 32*k + l takes the low (k < 2) or high nibble of ql[64*h + l + 32*(k&1)] and
 * bits 2k..2k+1 of qh[32*h + l]; group g = element / 16 has scale sc[g]. */
float rz_scalar_vec_dot_q6_k(const void *w, const void *xq, int64_t n) {
    const rz_block_q6_k *b = w;
    const rz_block_q8_k *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK_K; i++) {
        int32_t isum = 0;
        for (int g = 0; g < 16; g++) {
            int32_t s = 0;
            for (int e = 16 * g; e < 16 * g + 16; e++) {
                const int h = e / 128, k = (e % 128) / 32, l = e % 32;
                const int lo = (b[i].ql[64 * h + l + 32 * (k & 1)] >> (4 * (k >> 1))) & 0xf;
                const int q = lo | ((b[i].qh[32 * h + l] >> (2 * k)) & 3) << 4;
                s += q * y[i].qs[e];
            }
            isum += b[i].scales[g] * (s - 32 * y[i].bsums[g]);
        }
        sum += y[i].d * rz_f16_to_f32(b[i].d) * (float)isum;
    }
    return sum;
}
