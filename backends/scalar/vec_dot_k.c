/* Scalar reference dots of the K-quants with q8_K activations, per 256-element super-block:
 * q4_K / q5_K: isum = sum over the 8 groups of sc_g * (levels . quants) and msum = sum of m_g *
 * (the group's two bsums), then sum += (d_x * d) * isum - (d_x * dmin) * msum;
 * q6_K: isum = sum over the 16 groups of sc_g * (levels . quants) - 32 * sum of sc_g * bsum_g,
 * then sum += (d_x * d) * isum. All integer parts are exact in int32. */
#include "backends/scalar/vec_dot.h"
#include "engine/core/le.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"
#include "engine/types/kquant.h"

static int32_t bsum(const uint8_t *y, int g) {
    return (int16_t)rz_le16(y + RZ_Q8_K_BSUMS + 2 * g);
}

/* q4_K (qh NULL) and q5_K: levels of group g are the low (g even) or high nibbles of the 32
 * bytes at qs + 32 * (g / 2), plus 16 where bit g of qh[l] is set. */
static float dot_affine(const uint8_t *b, size_t bytes, size_t qs, size_t qh, const uint8_t *y,
                        int64_t n) {
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += bytes, y += RZ_Q8_K_BYTES) {
        const int8_t *yq = (const int8_t *)(y + RZ_Q8_K_QS);
        int32_t isum = 0, msum = 0;
        for (int g = 0; g < 8; g++) {
            uint8_t sc, m;
            rz_kq_scale_min(b + RZ_Q4_K_SCALES, g, &sc, &m);
            int32_t s = 0;
            for (int l = 0; l < 32; l++) {
                int q = (b[qs + 32 * (g / 2) + l] >> (4 * (g & 1))) & 0xf;
                if (qh) q |= ((b[qh + l] >> g) & 1) << 4;
                s += q * yq[32 * g + l];
            }
            isum += sc * s;
            msum += m * (bsum(y, 2 * g) + bsum(y, 2 * g + 1));
        }
        const float dy = rz_le_f32(y);
        sum += dy * rz_load_f16(b) * (float)isum - dy * rz_load_f16(b + 2) * (float)msum;
    }
    return sum;
}

float rz_scalar_vec_dot_q4_k(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q4_K_BYTES, RZ_Q4_K_QS, 0, xq, n);
}

float rz_scalar_vec_dot_q5_k(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q5_K_BYTES, RZ_Q5_K_QS, RZ_Q5_K_QH, xq, n);
}

/* Element 128*h + 32*k + l takes the low (k < 2) or high nibble of ql[64*h + l + 32*(k&1)] and
 * bits 2k..2k+1 of qh[32*h + l]; group g = element / 16 has scale sc[g]. */
float rz_scalar_vec_dot_q6_k(const void *w, const void *xq, int64_t n) {
    const uint8_t *b = w, *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK_K; i++, b += RZ_Q6_K_BYTES, y += RZ_Q8_K_BYTES) {
        const int8_t *yq = (const int8_t *)(y + RZ_Q8_K_QS);
        const int8_t *sc = (const int8_t *)(b + RZ_Q6_K_SCALES);
        int32_t isum = 0;
        for (int g = 0; g < 16; g++) {
            int32_t s = 0;
            for (int e = 16 * g; e < 16 * g + 16; e++) {
                const int h = e / 128, k = (e % 128) / 32, l = e % 32;
                const int lo = (b[64 * h + l + 32 * (k & 1)] >> (4 * (k >> 1))) & 0xf;
                const int q = lo | ((b[RZ_Q6_K_QH + 32 * h + l] >> (2 * k)) & 3) << 4;
                s += q * yq[e];
            }
            isum += sc[g] * (s - 32 * bsum(y, g));
        }
        sum += rz_le_f32(y) * rz_load_f16(b + RZ_Q6_K_D) * (float)isum;
    }
    return sum;
}
