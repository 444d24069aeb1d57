/* Scalar reference dots of the 32-element block types with q8_0 activations: per block an exact
 * int32 sum of weight quant times activation quant (q4_0 and q5_0 subtract their offsets 8 and
 * 16 per element), then sum += (d_w * d_x) * isum; q4_1 and q5_1 add (m * d_x) * sum of the
 * activation quants. */
#include "backends/scalar/vec_dot.h"
#include "engine/core/le.h"
#include "engine/types/blocks.h"
#include "engine/types/half.h"

/* The 32 levels of a 4-bit block (low nibbles first) plus 16 where qh sets the element's bit. */
static void levels(const uint8_t qs[RZ_QK / 2], const uint8_t *qh, int lv[RZ_QK]) {
    const uint32_t h = qh ? rz_le32(qh) : 0;
    for (int j = 0; j < RZ_QK / 2; j++) {
        lv[j] = (qs[j] & 0xf) | (int)((h >> j) & 1) << 4;
        lv[j + 16] = (qs[j] >> 4) | (int)((h >> (j + 16)) & 1) << 4;
    }
}

/* The exact dot of 32 weight levels less offset with one block's activation quants. */
static int32_t dot_levels(const int lv[RZ_QK], int offset, const rz_block_q8_0 *y) {
    int32_t isum = 0;
    for (int j = 0; j < RZ_QK; j++)
        isum += (lv[j] - offset) * y->qs[j];
    return isum;
}

/* The sum of one block's activation quants. */
static int32_t quant_sum(const rz_block_q8_0 *y) {
    int32_t s = 0;
    for (int j = 0; j < RZ_QK; j++)
        s += y->qs[j];
    return s;
}

float rz_scalar_vec_dot_q4_0(const void *w, const void *xq, int64_t n) {
    const rz_block_q4_0 *b = w;
    const rz_block_q8_0 *y = xq;
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++) {
        levels(b[i].qs, NULL, lv);
        sum += rz_f16_to_f32(b[i].d) * rz_f16_to_f32(y[i].d) * (float)dot_levels(lv, 8, &y[i]);
    }
    return sum;
}

float rz_scalar_vec_dot_q5_0(const void *w, const void *xq, int64_t n) {
    const rz_block_q5_0 *b = w;
    const rz_block_q8_0 *y = xq;
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++) {
        levels(b[i].qs, b[i].qh, lv);
        sum += rz_f16_to_f32(b[i].d) * rz_f16_to_f32(y[i].d) * (float)dot_levels(lv, 16, &y[i]);
    }
    return sum;
}

float rz_scalar_vec_dot_q4_1(const void *w, const void *xq, int64_t n) {
    const rz_block_q4_1 *b = w;
    const rz_block_q8_0 *y = xq;
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++) {
        levels(b[i].qs, NULL, lv);
        const float dy = rz_f16_to_f32(y[i].d);
        sum += rz_f16_to_f32(b[i].d) * dy * (float)dot_levels(lv, 0, &y[i]) +
               rz_f16_to_f32(b[i].m) * dy * (float)quant_sum(&y[i]);
    }
    return sum;
}

float rz_scalar_vec_dot_q5_1(const void *w, const void *xq, int64_t n) {
    const rz_block_q5_1 *b = w;
    const rz_block_q8_0 *y = xq;
    float sum = 0.0f;
    int lv[RZ_QK];
    for (int64_t i = 0; i < n / RZ_QK; i++) {
        levels(b[i].qs, b[i].qh, lv);
        const float dy = rz_f16_to_f32(y[i].d);
        sum += rz_f16_to_f32(b[i].d) * dy * (float)dot_levels(lv, 0, &y[i]) +
               rz_f16_to_f32(b[i].m) * dy * (float)quant_sum(&y[i]);
    }
    return sum;
}

float rz_scalar_vec_dot_q8_0(const void *w, const void *xq, int64_t n) {
    const rz_block_q8_0 *b = w, *y = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / RZ_QK; i++) {
        int32_t isum = 0;
        for (int j = 0; j < RZ_QK; j++)
            isum += b[i].qs[j] * y[i].qs[j];
        sum += rz_f16_to_f32(b[i].d) * rz_f16_to_f32(y[i].d) * (float)isum;
    }
    return sum;
}
