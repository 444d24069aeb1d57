/* Scalar reference dots of the 32-element block types with q8_0 activations: per block an exact
 * int32 sum of weight quant times activation quant (q4_0 and q5_0 subtract their offsets 8 and
 * 16 per element), then sum += (d_w * d_x) * isum; q4_1 and q5_1 add (m * d_x) * sum of the
 * activation quants. */
#include "backends/scalar/vec_dot.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"

static const int8_t *x_quants(const uint8_t *y) {
    return (const int8_t *)(y + RZ_Q8_0_QS);
}

/* The 32 levels of a 4-bit block (low nibbles first) plus 16 where qh sets the element's bit. */
static void levels(const uint8_t *qs, const uint8_t *qh, int lv[RZ_QK]) {
    const uint32_t h =
        qh ? (uint32_t)qh[0] | (uint32_t)qh[1] << 8 | (uint32_t)qh[2] << 16 | (uint32_t)qh[3] << 24
           : 0;
    for (int j = 0; j < RZ_QK / 2; j++) {
        lv[j] = (qs[j] & 0xf) | (int)((h >> j) & 1) << 4;
        lv[j + 16] = (qs[j] >> 4) | (int)((h >> (j + 16)) & 1) << 4;
    }
}

/* q4_0 (qh NULL, offset 8) and q5_0 (offset 16). */
static float dot_sym(const uint8_t *b, size_t bytes, size_t qs, size_t qh, int offset,
                     const uint8_t *y, int64_t n) {
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++, b += bytes, y += RZ_Q8_0_BYTES) {
        levels(b + qs, qh ? b + qh : NULL, lv);
        int32_t isum = 0;
        for (int j = 0; j < RZ_QK; j++)
            isum += (lv[j] - offset) * x_quants(y)[j];
        sum += rz_load_f16(b) * rz_load_f16(y) * (float)isum;
    }
    return sum;
}

/* q4_1 (qh NULL) and q5_1: d @0, m @2. */
static float dot_affine(const uint8_t *b, size_t bytes, size_t qs, size_t qh, const uint8_t *y,
                        int64_t n) {
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++, b += bytes, y += RZ_Q8_0_BYTES) {
        levels(b + qs, qh ? b + qh : NULL, lv);
        int32_t isum = 0, ysum = 0;
        for (int j = 0; j < RZ_QK; j++) {
            isum += lv[j] * x_quants(y)[j];
            ysum += x_quants(y)[j];
        }
        const float dy = rz_load_f16(y);
        sum += rz_load_f16(b) * dy * (float)isum + rz_load_f16(b + 2) * dy * (float)ysum;
    }
    return sum;
}

float rz_scalar_vec_dot_q4_0(const void *w, const void *xq, int64_t n) {
    return dot_sym(w, RZ_Q4_0_BYTES, RZ_Q4_0_QS, 0, 8, xq, n);
}

float rz_scalar_vec_dot_q5_0(const void *w, const void *xq, int64_t n) {
    return dot_sym(w, RZ_Q5_0_BYTES, RZ_Q5_0_QS, RZ_Q5_0_QH, 16, xq, n);
}

float rz_scalar_vec_dot_q4_1(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q4_1_BYTES, RZ_Q4_1_QS, 0, xq, n);
}

float rz_scalar_vec_dot_q5_1(const void *w, const void *xq, int64_t n) {
    return dot_affine(w, RZ_Q5_1_BYTES, RZ_Q5_1_QS, RZ_Q5_1_QH, xq, n);
}

float rz_scalar_vec_dot_q8_0(const void *w, const void *xq, int64_t n) {
    const uint8_t *b = w, *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK; i++, b += RZ_Q8_0_BYTES, y += RZ_Q8_0_BYTES) {
        int32_t isum = 0;
        for (int j = 0; j < RZ_QK; j++)
            isum += x_quants(b)[j] * x_quants(y)[j];
        sum += rz_load_f16(b) * rz_load_f16(y) * (float)isum;
    }
    return sum;
}
