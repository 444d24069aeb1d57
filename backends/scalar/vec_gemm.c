/* Scalar reference gemm kernels of the packed types (backends/pack.h): per (row, token) the
 * arithmetic of the source type's scalar dot (backends/scalar/vec_dot_q.c), read from the packed
 * layout: per block the exact int32 dot (q4_0 less 8 per element, q5_0 16), then
 * sum += (d_w * d_x) * isum, plus (m * d_x) * (sum of the activation quants) for q4_1; q4_K and
 * q6_K as backends/scalar/vec_dot_k.c. */
#include "backends/scalar/vec_dot.h"
#include "engine/types/half.h"

/* The exact dot of row r of a packed 4-bit block's quants (less offset per element) with one
 * block of activation quants. */
static int32_t dot_nibbles(const uint8_t qs[4][4 * RZ_PACK_ROWS], int r, int offset,
                           const rz_block_q8_0 *y) {
    int32_t isum = 0;
    for (int j = 0; j < 4; j++)
        for (int b = 0; b < 4; b++) {
            const uint8_t q = qs[j][4 * r + b];
            isum += ((q & 0xf) - offset) * y->qs[4 * j + b] +
                    ((q >> 4) - offset) * y->qs[16 + 4 * j + b];
        }
    return isum;
}

/* The exact dot of row r of a packed q5_0 block (levels less 16) with one block of activation
 * quants. */
static int32_t dot_q5_0(const rz_block_q5_0x16 *b, int r, const rz_block_q8_0 *y) {
    int32_t isum = 0;
    for (int i = 0; i < 8; i++)
        for (int e = 0; e < 4; e++) {
            const uint8_t q = b->qs[i % 4][4 * r + e];
            const int nibble = i < 4 ? q & 0xf : q >> 4, fifth = b->qh[r] >> (8 * e + i) & 1;
            isum += (nibble + 16 * fifth - 16) * y->qs[4 * i + e];
        }
    return isum;
}

static int32_t dot_bytes(const int8_t qs[8][4 * RZ_PACK_ROWS], int r, const rz_block_q8_0 *y) {
    int32_t isum = 0;
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 4; b++)
            isum += qs[i][4 * r + b] * y->qs[4 * i + b];
    return isum;
}

static int32_t quant_sum(const rz_block_q8_0 *y) {
    int32_t s = 0;
    for (int j = 0; j < RZ_QK; j++)
        s += y->qs[j];
    return s;
}

/* Row r of a group (packed blocks at p, nb of them) with token x. */
static float row_dot(const uint8_t *p, uint32_t type, int r, const rz_block_q8_0 *x, int64_t nb) {
    float sum = 0.0f;
    for (int64_t i = 0; i < nb; i++) {
        const float dy = rz_f16_to_f32(x[i].d);
        if (type == RZ_TYPE_Q4_0_X16) {
            const rz_block_q4_0x16 *b = (const rz_block_q4_0x16 *)p + i;
            sum += rz_f16_to_f32(b->d[r]) * dy * (float)dot_nibbles(b->qs, r, 8, &x[i]);
        } else if (type == RZ_TYPE_Q4_1_X16) {
            const rz_block_q4_1x16 *b = (const rz_block_q4_1x16 *)p + i;
            sum += rz_f16_to_f32(b->d[r]) * dy * (float)dot_nibbles(b->qs, r, 0, &x[i]) +
                   rz_f16_to_f32(b->m[r]) * dy * (float)quant_sum(&x[i]);
        } else if (type == RZ_TYPE_Q5_0_X16) {
            const rz_block_q5_0x16 *b = (const rz_block_q5_0x16 *)p + i;
            sum += rz_f16_to_f32(b->d[r]) * dy * (float)dot_q5_0(b, r, &x[i]);
        } else {
            const rz_block_q8_0x16 *b = (const rz_block_q8_0x16 *)p + i;
            sum += rz_f16_to_f32(b->d[r]) * dy * (float)dot_bytes(b->qs, r, &x[i]);
        }
    }
    return sum;
}

static void gemm(uint32_t type, const void *w, size_t row_bytes, int nr, const void *xq,
                 size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
        const uint8_t *p = (const uint8_t *)w + (size_t)g * RZ_PACK_ROWS * row_bytes;
        for (int t = 0; t < nt; t++) {
            const rz_block_q8_0 *x = (const rz_block_q8_0 *)((const uint8_t *)xq + t * x_bytes);
            for (int r = 0; r < RZ_PACK_ROWS; r++)
                y[t * ldy + g * RZ_PACK_ROWS + r] = row_dot(p, type, r, x, n / RZ_QK);
        }
    }
}

/* Row r of a packed q4_K super-block with one q8_K block: the scalar q4_K dot's arithmetic
 * (backends/scalar/vec_dot_k.c). */
static float dot_q4_k(const rz_block_q4_kx16 *b, int r, const rz_block_q8_k *y) {
    int32_t isum = 0, msum = 0;
    for (int g = 0; g < 8; g++) {
        int32_t s = 0;
        for (int c = 0; c < 8; c++)
            for (int e = 0; e < 4; e++) {
                const uint8_t q = b->qs[g / 2][c][4 * r + e];
                s += ((q >> (4 * (g & 1))) & 0xf) * y->qs[32 * g + 4 * c + e];
            }
        isum += b->sc[g][r] * s;
        msum += b->m[g][r] * (y->bsums[2 * g] + y->bsums[2 * g + 1]);
    }
    return y->d * rz_f16_to_f32(b->d[r]) * (float)isum -
           y->d * rz_f16_to_f32(b->dmin[r]) * (float)msum;
}

/* Row r of a packed q6_K super-block with one q8_K block: the scalar q6_K dot's arithmetic. */
static float dot_q6_k(const rz_block_q6_kx16 *b, int r, const rz_block_q8_k *y) {
    int32_t isum = 0;
    for (int g = 0; g < 16; g++) {
        const int G = g / 2, h = G / 4, k = G % 4;
        int32_t s = 0;
        for (int e = 0; e < 16; e++) {
            const int l = 16 * (g % 2) + e, c = l / 4, j = 4 * r + l % 4;
            const int q = ((b->ql[2 * h + k % 2][c][j] >> (4 * (k / 2))) & 0xf) |
                          ((b->qh[h][c][j] >> (2 * k)) & 3) << 4;
            s += q * y->qs[16 * g + e];
        }
        isum += b->sc[g][r] * (s - 32 * y->bsums[g]);
    }
    return y->d * rz_f16_to_f32(b->d[r]) * (float)isum;
}

/* Defines rz_scalar_vec_gemm_q4_kx16 and rz_scalar_vec_gemm_q6_kx16. */
#define GEMM_K(name, dot)                                                                          \
    void rz_scalar_vec_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,        \
                                   size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {      \
        const int64_t nb = n / RZ_QK_K;                                                            \
        for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {                                              \
            const rz_block_##name *p =                                                             \
                (const rz_block_##name *)((const uint8_t *)w +                                     \
                                          (size_t)g * RZ_PACK_ROWS * row_bytes);                   \
            for (int t = 0; t < nt; t++) {                                                         \
                const rz_block_q8_k *x =                                                           \
                    (const rz_block_q8_k *)((const uint8_t *)xq + t * x_bytes);                    \
                for (int r = 0; r < RZ_PACK_ROWS; r++) {                                           \
                    float sum = 0.0f;                                                              \
                    for (int64_t i = 0; i < nb; i++)                                               \
                        sum += dot(&p[i], r, &x[i]);                                               \
                    y[t * ldy + g * RZ_PACK_ROWS + r] = sum;                                       \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }
GEMM_K(q4_kx16, dot_q4_k)
GEMM_K(q6_kx16, dot_q6_k)
#undef GEMM_K

/* Defines rz_scalar_vec_gemm_q4_0x16, rz_scalar_vec_gemm_q4_1x16, rz_scalar_vec_gemm_q5_0x16,
 * rz_scalar_vec_gemm_q8_0x16. */
#define GEMM(name, TYPE)                                                                           \
    void rz_scalar_vec_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,        \
                                   size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {      \
        gemm(TYPE, w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);                                  \
    }
GEMM(q4_0x16, RZ_TYPE_Q4_0_X16)
GEMM(q4_1x16, RZ_TYPE_Q4_1_X16)
GEMM(q5_0x16, RZ_TYPE_Q5_0_X16)
GEMM(q8_0x16, RZ_TYPE_Q8_0_X16)
#undef GEMM
