/* Dot kernels for the decode matvec: a row of weights of one type times the activations
 * quantized once to that type's partner ("vec-dot") type, as llama.cpp pairs them: q8_0 blocks
 * for q4_0, q4_1, q5_0, q5_1 and q8_0; q8_K super-blocks (with bsums) for q4_K, q5_K and q6_K;
 * the float activations themselves for f32, f16 and bf16 (bf16 activations for packed bf16 on
 * AMX, backends/amx/amx.h).
 * Contract: a rz_vec_dot_fn(w, xq, n) returns the sum over i < n of w[i] * x[i]; n is a multiple
 * of the weight type's block size, w holds n / block_size blocks (at their struct's alignment,
 * engine/types/blocks.h) and xq the n activations as rz_vec_dot_quantize writes them (4-byte
 * aligned). The scalar kernels
 * (backends/scalar/vec_dot_*.c) define the arithmetic: per block (or 32/16-element group) an exact
 * int32 dot of the quants with the offsets, mins and q6_K's -32 folded in as integers; then the
 * float scales and a float sum in block order. The AVX2 and AVX-512 kernels compute the same
 * integer sums exactly and differ only in the order of the float products and sums
 * (tests/test_matvec.c states the tolerance). */
#ifndef RZ_BACKENDS_VEC_DOT_H
#define RZ_BACKENDS_VEC_DOT_H

#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"
#include "backends/pack.h"
#include "engine/types/blocks.h"

/* rz_vec_dot_fn(w, xq, n): the dot above. Tile kernels (rz_vec_tile_fn), for prompt
 * processing: y[t * ldy + r] = dot(row r, token t) for r < nr and t < nt (nr, nt >= 1;
 * nt <= RZ_TILE_TOKENS; any nr), rows row_bytes apart in w, tokens' activations x_bytes apart in
 * xq. Each (row, token) pair is computed with the operations, in the order, of the ISA's dot
 * kernel for the type, whatever nr and nt: the same bits. Each block of weights is unpacked once
 * for all nt tokens. The signatures and rz_vec_kernel, an ISA's entry for a type, are in
 * backends/backend.h.
 * Gemm kernels (the same signature, packed types only): w at a group of RZ_PACK_ROWS packed rows
 * (backends/pack.h), nr a multiple of RZ_PACK_ROWS, any nt >= 1 (each kernel takes the tokens in
 * runs of its own length), row_bytes the source type's bytes per row; y as above. Each (row, token)
 * gets the bits of the scalar reference dot of the source type, on every ISA, whatever nr and nt.
 */
enum { RZ_TILE_ROWS = 4, RZ_TILE_TOKENS = 4 };

/* be's traits for weight type `type`; an empty entry (no dot, vdt -1) for ids past the table. */
const rz_vec_kernel *rz_vec_kernel_for(const rz_backend *be, uint32_t type);

/* The partner type of weight type `type` (RZ_TYPE_Q8_0, RZ_TYPE_Q8_K or RZ_TYPE_F32), or -1
 * when no ISA has a dot kernel for it: the scalar table's vdt. */
int rz_vec_dot_type(uint32_t type);

/* Activations of partner type q8_0 (n elements, nb = n / 32 blocks): the nb q8_0 blocks, zero
 * bytes up to a multiple of 64, then padded(n) = nb rounded up to 8 f32 scales (each block's f16
 * d, widened exactly), padded(n) f32 sums (d times the sum of the block's quants) and padded(n)
 * int32 sums of the block's quants, all zero past nb, so the SIMD kernels read them 8 at a time.
 * The scalar kernels use the blocks only. */
static inline int64_t rz_vec_dot_q8_0_padded(int64_t n) {
    return (n / RZ_QK + 7) / 8 * 8;
}

/* The byte offset of the f32 scales. */
static inline size_t rz_vec_dot_q8_0_tail(int64_t n) {
    return ((size_t)(n / RZ_QK) * sizeof(rz_block_q8_0) + 63) & ~(size_t)63;
}

/* Activations of partner type q8_K (n elements, nb = n / 256 super-blocks): the nb q8_K blocks,
 * then nb x 8 int16 sums of each 32-element group's quants (bsums[2 g] + bsums[2 g + 1]), for
 * the packed q4_K kernels' mins, then nb x 16 int32 -32 * bsums[j], q6_K's offset, for the packed
 * q6_K kernels. The other kernels use the blocks only. */
static inline int16_t *rz_vec_dot_q8_k_group_sums(void *xq, int64_t n) {
    return (int16_t *)((rz_block_q8_k *)xq + n / RZ_QK_K);
}

static inline int32_t *rz_vec_dot_q8_k_minus32(void *xq, int64_t n) {
    return (int32_t *)(rz_vec_dot_q8_k_group_sums(xq, n) + 8 * (n / RZ_QK_K));
}

/* Writes the group sums and the -32 offsets of the n activations' q8_K blocks at xq; every
 * ISA's q8_K quantizer ends with it. */
static inline void rz_vec_dot_q8_k_finish(void *xq, int64_t n) {
    const rz_block_q8_k *b = xq;
    int16_t *g = rz_vec_dot_q8_k_group_sums(xq, n);
    int32_t *m = rz_vec_dot_q8_k_minus32(xq, n);
    for (int64_t i = 0; i < n / RZ_QK_K; i++) {
        for (int j = 0; j < 8; j++)
            g[8 * i + j] = (int16_t)(b[i].bsums[2 * j] + b[i].bsums[2 * j + 1]);
        for (int j = 0; j < 16; j++)
            m[16 * i + j] = -32 * b[i].bsums[j];
    }
}

/* Bytes that n activations take in partner type vdt (n a multiple of its block size). */
size_t rz_vec_dot_x_bytes(int vdt, int64_t n);

/* Quantizes n activations to k's partner type with k's quantizer (all ISAs write the same
 * bytes: rz_q8_0_from_float plus the scales and sums above, rz_q8_k_from_float; f32 is copied).
 * The caller must have checked that the CPU runs k's ISA. */
void rz_vec_dot_quantize(const rz_vec_kernel *k, const float *x, void *xq, int64_t n);

/* y[t * ldy + (r - r0)] = dot(row r of w, token t of xq) for r0 <= r < r1 and t < nt; rows of
 * `cols` elements row_bytes apart, tokens x_bytes apart (k->dot or k->gemm non-NULL). With several
 * tokens and a tile kernel it walks the rows in tiles of RZ_TILE_ROWS, each over every token;
 * otherwise row by row with the dot kernel (the same bits either way). A packed type's gemm
 * walks groups of RZ_PACK_ROWS rows (r0 and r1 - r0 multiples of it), each over every token.
 * Prefetching 8 KiB ahead. */
void rz_vec_dot_rows(const rz_vec_kernel *k, const void *w, size_t row_bytes, const void *xq,
                     size_t x_bytes, int64_t nt, float *y, size_t ldy, int64_t r0, int64_t r1,
                     int64_t cols);

#endif
