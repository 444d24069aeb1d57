/* The ISA-independent half of backends/vec_dot.h: table lookups, activation quantization and
 * the row loop. */
#include "backends/vec_dot.h"

#include <assert.h>
#include <string.h>

#include "backends/amx/amx.h"
#include "engine/types/blocks.h"

const rz_vec_kernel *rz_vec_kernel_for(const rz_backend *be, uint32_t type) {
    static const rz_vec_kernel none = {NULL, NULL, -1, NULL, NULL};
    if (type == RZ_TYPE_BF16_X16)
        return be->isa == RZ_ISA_AVX512 && rz_amx_bf16_usable() ? &rz_amx_vec_bf16x16 : &none;
    return type < RZ_VEC_TYPE_LIMIT && (be->vec[type].dot || be->vec[type].gemm) ? &be->vec[type]
                                                                                 : &none;
}

int rz_vec_dot_type(uint32_t type) {
    return rz_vec_kernel_for(&rz_backend_scalar, type)->vdt;
}

size_t rz_vec_dot_x_bytes(int vdt, int64_t n) {
    switch (vdt) {
    case RZ_TYPE_Q8_0:
        return rz_vec_dot_q8_0_tail(n) + 3 * sizeof(float) * (size_t)rz_vec_dot_q8_0_padded(n);
    case RZ_TYPE_Q8_K:
        return (size_t)(n / RZ_QK_K) *
               (sizeof(rz_block_q8_k) + 8 * sizeof(int16_t) + 16 * sizeof(int32_t));
    case RZ_TYPE_BF16:
        return (size_t)n * sizeof(uint16_t);
    default:
        return (size_t)n * sizeof(float);
    }
}

void rz_vec_dot_quantize(const rz_vec_kernel *k, const float *x, void *xq, int64_t n) {
    if (k->quantize)
        k->quantize(x, xq, n);
    else
        memcpy(xq, x, (size_t)n * sizeof *x);
}

/* Software prefetch distance: the hardware prefetchers alone keep too few lines in flight for a
 * compute-heavy stream (measured here: q4_K from DRAM 49% of the triad without, ~80% with);
 * prefetcht1 (into L2) 8 KiB ahead was the best of 1-32 KiB and of the four hints. */
enum { PREFETCH_AHEAD = 8192 };

/* Prefetches [at + PREFETCH_AHEAD, at + PREFETCH_AHEAD + span) of the total bytes at base. */
static void prefetch(const uint8_t *base, size_t at, size_t span, size_t total) {
    const size_t to = at + PREFETCH_AHEAD + span < total ? at + PREFETCH_AHEAD + span : total;
    for (size_t p = at + PREFETCH_AHEAD; p < to; p += 64)
        __builtin_prefetch(base + p, 0, 2);
}

/* rz_vec_dot_rows for a packed type: each group of RZ_PACK_ROWS rows over every token. No
 * prefetch here: a packed matrix is one stream the hardware prefetchers follow (measured: a
 * prefetch of each group 8 KiB ahead took a fifth of decode time), and the K-quant kernels
 * prefetch within their super-blocks. */
static void gemm_rows(const rz_vec_kernel *k, const uint8_t *base, size_t row_bytes,
                      const uint8_t *x, size_t x_bytes, int64_t nt, float *y, size_t ldy,
                      int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; r += RZ_PACK_ROWS)
        k->gemm(base + (size_t)r * row_bytes, row_bytes, RZ_PACK_ROWS, x, x_bytes, (int)nt, y + r,
                ldy, cols);
}

void rz_vec_dot_rows(const rz_vec_kernel *k, const void *w, size_t row_bytes, const void *xq,
                     size_t x_bytes, int64_t nt, float *y, size_t ldy, int64_t r0, int64_t r1,
                     int64_t cols) {
    assert(r0 <= r1 && (k->dot || k->gemm));
    const uint8_t *base = (const uint8_t *)w + (size_t)r0 * row_bytes, *x = xq;
    const size_t total = (size_t)(r1 - r0) * row_bytes;
    if (k->gemm) {
        assert(r0 % RZ_PACK_ROWS == 0 && (r1 - r0) % RZ_PACK_ROWS == 0);
        gemm_rows(k, base, row_bytes, x, x_bytes, nt, y, ldy, r1 - r0, cols);
        return;
    }
    const rz_vec_tile_fn tile = nt > 1 ? k->tile : NULL;
    const int64_t step = tile ? RZ_TILE_ROWS : 1;
    for (int64_t r = 0; r < r1 - r0; r += step) {
        const int64_t nr = r1 - r0 - r < step ? r1 - r0 - r : step;
        const size_t at = (size_t)r * row_bytes;
        prefetch(base, at, (size_t)nr * row_bytes, total);
        for (int64_t t = 0; t < nt; t += tile ? RZ_TILE_TOKENS : 1) {
            if (!tile) {
                y[(size_t)t * ldy + (size_t)r] = k->dot(base + at, x + (size_t)t * x_bytes, cols);
                continue;
            }
            const int64_t n = nt - t < RZ_TILE_TOKENS ? nt - t : RZ_TILE_TOKENS;
            tile(base + at, row_bytes, (int)nr, x + (size_t)t * x_bytes, x_bytes, (int)n,
                 y + (size_t)t * ldy + (size_t)r, ldy, cols);
        }
    }
}
