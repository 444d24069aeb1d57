/* Scalar reference gemm kernels of the packed types (backends/pack.h): per (row, token) the
 * arithmetic of the source type's scalar dot (backends/scalar/vec_dot_q.c), read from the packed
 * layout. */
#include "backends/scalar/vec_dot.h"
#include "engine/types/half.h"

/* The exact dot of row r of packed block p with one block of activation quants. */
static int32_t dot_q4_0x16(const rz_block_q4_0x16 *p, int r, const rz_block_q8_0 *y) {
    int32_t isum = 0;
    for (int j = 0; j < 4; j++)
        for (int b = 0; b < 4; b++) {
            const uint8_t q = p->qs[j][4 * r + b];
            isum += ((q & 0xf) - 8) * y->qs[4 * j + b] + ((q >> 4) - 8) * y->qs[16 + 4 * j + b];
        }
    return isum;
}

void rz_scalar_vec_gemm_q4_0x16(const void *w, size_t row_bytes, int nr, const void *xq,
                                size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {
    const int64_t nb = n / RZ_QK;
    for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {
        const rz_block_q4_0x16 *p =
            (const rz_block_q4_0x16 *)((const uint8_t *)w + g * row_bytes * RZ_PACK_ROWS);
        for (int t = 0; t < nt; t++) {
            const rz_block_q8_0 *x = (const rz_block_q8_0 *)((const uint8_t *)xq + t * x_bytes);
            for (int r = 0; r < RZ_PACK_ROWS; r++) {
                float sum = 0.0f;
                for (int64_t i = 0; i < nb; i++)
                    sum += rz_f16_to_f32(p[i].d[r]) * rz_f16_to_f32(x[i].d) *
                           (float)dot_q4_0x16(&p[i], r, &x[i]);
                y[t * ldy + g * RZ_PACK_ROWS + r] = sum;
            }
        }
    }
}
