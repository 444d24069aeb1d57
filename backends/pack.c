/* rz_pack_rows and the packed types' ids (backends/pack.h). */
#include "backends/pack.h"

#include <string.h>

#include "engine/types/kquant.h"

int rz_pack_type_of(uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0:
        return RZ_TYPE_Q4_0_X16;
    case RZ_TYPE_Q4_1:
        return RZ_TYPE_Q4_1_X16;
    case RZ_TYPE_Q5_0:
        return RZ_TYPE_Q5_0_X16;
    case RZ_TYPE_Q8_0:
        return RZ_TYPE_Q8_0_X16;
    case RZ_TYPE_Q4_K:
        return RZ_TYPE_Q4_K_X16;
    case RZ_TYPE_Q6_K:
        return RZ_TYPE_Q6_K_X16;
    case RZ_TYPE_BF16:
        return RZ_TYPE_BF16_X16;
    default:
        return -1;
    }
}

uint32_t rz_pack_source(uint32_t type) {
    switch (type) {
    case RZ_TYPE_Q4_0_X16:
        return RZ_TYPE_Q4_0;
    case RZ_TYPE_Q4_1_X16:
        return RZ_TYPE_Q4_1;
    case RZ_TYPE_Q5_0_X16:
        return RZ_TYPE_Q5_0;
    case RZ_TYPE_Q8_0_X16:
        return RZ_TYPE_Q8_0;
    case RZ_TYPE_Q4_K_X16:
        return RZ_TYPE_Q4_K;
    case RZ_TYPE_Q6_K_X16:
        return RZ_TYPE_Q6_K;
    case RZ_TYPE_BF16_X16:
        return RZ_TYPE_BF16;
    default:
        return type;
    }
}

/* Each qs chunk of the 16 rows' block k (rows nb blocks apart, `bytes` each, quants at qs_at):
 * chunk i of row r to dst_qs[i][4 r]. */
static void pack_quants(const uint8_t *src, size_t bytes, int64_t nb, size_t qs_at, int chunks,
                        uint8_t *dst_qs) {
    for (int r = 0; r < RZ_PACK_ROWS; r++)
        for (int i = 0; i < chunks; i++)
            memcpy(dst_qs + i * 4 * RZ_PACK_ROWS + 4 * r,
                   src + (size_t)r * nb * bytes + qs_at + 4 * i, 4);
}

bool rz_pack_row_bytes(uint32_t type, int64_t cols, size_t *bytes) {
    const uint32_t src = rz_pack_source(type);
    uint64_t b;
    if (src == type || cols <= 0 || !rz_type_row_bytes(src, (uint64_t)cols, &b)) return false;
    if (type == RZ_TYPE_BF16_X16 && cols % 32) return false;
    *bytes = type == RZ_TYPE_Q4_K_X16 ? (size_t)cols / RZ_QK_K * 148 : (size_t)b;
    return true;
}

/* 16 rows' q4_K super-block k (rows nb super-blocks apart) into one packed super-block. */
static void pack_q4_k(const rz_block_q4_k *src, int64_t nb, rz_block_q4_kx16 *dst) {
    for (int r = 0; r < RZ_PACK_ROWS; r++) {
        const rz_block_q4_k *b = src + (size_t)r * nb;
        dst->d[r] = b->d;
        dst->dmin[r] = b->dmin;
        for (int g = 0; g < 8; g++)
            rz_kq_scale_min(b->scales, g, &dst->sc[g][r], &dst->m[g][r]);
        for (int p = 0; p < 4; p++)
            for (int c = 0; c < 8; c++)
                memcpy(&dst->qs[p][c][4 * r], b->qs + 32 * p + 4 * c, 4);
    }
}

/* 16 rows' q6_K super-block k (rows nb super-blocks apart) into one packed super-block. */
static void pack_q6_k(const rz_block_q6_k *src, int64_t nb, rz_block_q6_kx16 *dst) {
    for (int r = 0; r < RZ_PACK_ROWS; r++) {
        const rz_block_q6_k *b = src + (size_t)r * nb;
        dst->d[r] = b->d;
        for (int g = 0; g < 16; g++)
            dst->sc[g][r] = b->scales[g];
        for (int c = 0; c < 8; c++) {
            for (int p = 0; p < 4; p++)
                memcpy(&dst->ql[p][c][4 * r], b->ql + 32 * p + 4 * c, 4);
            for (int h = 0; h < 2; h++)
                memcpy(&dst->qh[h][c][4 * r], b->qh + 32 * h + 4 * c, 4);
        }
    }
}

/* A q5_0 block's fifth bits (bit j: element j) in rz_block_q5_0x16's order. */
static uint32_t fifth_bits(uint32_t qh) {
    uint32_t out = 0;
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 4; b++)
            out |= (qh >> (4 * i + b) & 1u) << (8 * b + i);
    return out;
}

/* 16 rows' block k of a 32-element type into one packed block. */
static void pack_block(uint32_t type, const uint8_t *b, size_t bytes, int64_t nb, uint8_t *out) {
    uint16_t *d = (uint16_t *)out;
    for (int r = 0; r < RZ_PACK_ROWS; r++)
        memcpy(&d[r], b + (size_t)r * nb * bytes, sizeof *d);
    if (type == RZ_TYPE_Q4_1) {
        for (int r = 0; r < RZ_PACK_ROWS; r++)
            memcpy(&d[RZ_PACK_ROWS + r], b + (size_t)r * nb * bytes + offsetof(rz_block_q4_1, m),
                   sizeof *d);
        pack_quants(b, bytes, nb, offsetof(rz_block_q4_1, qs), 4,
                    out + offsetof(rz_block_q4_1x16, qs));
    } else if (type == RZ_TYPE_Q5_0) {
        rz_block_q5_0x16 *p = (rz_block_q5_0x16 *)out;
        for (int r = 0; r < RZ_PACK_ROWS; r++) {
            uint32_t qh;
            memcpy(&qh, b + (size_t)r * nb * bytes + offsetof(rz_block_q5_0, qh), sizeof qh);
            p->qh[r] = fifth_bits(qh);
        }
        pack_quants(b, bytes, nb, offsetof(rz_block_q5_0, qs), 4,
                    out + offsetof(rz_block_q5_0x16, qs));
    } else if (type == RZ_TYPE_Q4_0) {
        pack_quants(b, bytes, nb, offsetof(rz_block_q4_0, qs), 4,
                    out + offsetof(rz_block_q4_0x16, qs));
    } else {
        pack_quants(b, bytes, nb, offsetof(rz_block_q8_0, qs), 8,
                    out + offsetof(rz_block_q8_0x16, qs));
    }
}

/* 16 rows' elements 32 k..32 k + 31 of bf16 (rows cols elements apart, src at element 32 k of the
 * first) into one packed block. */
static void pack_bf16(const uint16_t *src, int64_t cols, rz_block_bf16x16 *dst) {
    for (int r = 0; r < RZ_PACK_ROWS; r++)
        for (int i = 0; i < 16; i++)
            memcpy(&dst->pairs[i][2 * r], src + (size_t)r * (size_t)cols + 2 * i, 4);
}

bool rz_pack_rows(uint32_t type, const void *src, int64_t rows, int64_t cols, void *dst) {
    const int packed = rz_pack_type_of(type);
    size_t row_bytes;
    if (packed < 0 || rows % RZ_PACK_ROWS || !rz_pack_row_bytes((uint32_t)packed, cols, &row_bytes))
        return false;
    const rz_type_traits *t = rz_type_get(type);
    const int64_t nb = type == RZ_TYPE_BF16 ? cols / 32 : cols / t->block_size;
    const uint8_t *s = src;
    for (int64_t g = 0; g < rows / RZ_PACK_ROWS; g++)
        for (int64_t k = 0; k < nb; k++) {
            uint8_t *out = (uint8_t *)dst + (size_t)g * RZ_PACK_ROWS * row_bytes +
                           (size_t)k * RZ_PACK_ROWS * (row_bytes / (size_t)nb);
            if (type == RZ_TYPE_BF16) {
                pack_bf16((const uint16_t *)s + ((size_t)g * RZ_PACK_ROWS * cols + 32 * k), cols,
                          (rz_block_bf16x16 *)out);
                continue;
            }
            const uint8_t *b = s + ((size_t)g * RZ_PACK_ROWS * nb + (size_t)k) * t->block_bytes;
            if (type == RZ_TYPE_Q4_K)
                pack_q4_k((const rz_block_q4_k *)b, nb, (rz_block_q4_kx16 *)out);
            else if (type == RZ_TYPE_Q6_K)
                pack_q6_k((const rz_block_q6_k *)b, nb, (rz_block_q6_kx16 *)out);
            else
                pack_block(type, b, t->block_bytes, nb, out);
        }
    return true;
}
