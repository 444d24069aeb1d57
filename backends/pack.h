/* Packed weights: rz's own layouts of a quantized matrix for its prompt and decode kernels, built
 * once when a model is loaded and never stored in a file. A packed matrix interleaves its rows
 * RZ_PACK_ROWS at a time so that one SIMD register holds the same 4-byte chunk of 16 rows and
 * each product lands in the lane of its row (no horizontal sums).
 * Contract: a packed type has an id of its own at or above RZ_TYPE_ID_LIMIT (so no file can
 * name it; rz_type_get knows none of them) and the same bytes per row as its source type; a
 * packed matrix has a multiple of RZ_PACK_ROWS rows, groups of RZ_PACK_ROWS rows back to back.
 * Its kernels (rz_vec_kernel.gemm, backends/backend.h) give each (row, token) the bits of the
 * scalar reference dot of the source type. */
#ifndef RZ_BACKENDS_PACK_H
#define RZ_BACKENDS_PACK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/types/blocks.h"
#include "engine/types/types.h"

enum { RZ_PACK_ROWS = 16, RZ_PACK_TOKENS = 16 };

typedef enum {
    RZ_TYPE_Q4_0_X16 = RZ_TYPE_ID_LIMIT, /* q4_0, 16 rows interleaved: rz_block_q4_0x16 */
    RZ_VEC_TYPE_LIMIT                    /* the kernel tables' size */
} rz_pack_type;

/* Block k of 16 rows of q4_0: d[r] is row r's scale (f16); qs[j][4 r + b] is byte 4 j + b of
 * row r's qs, so 64 bytes hold nibble bytes 4 j..4 j + 3 of every row (elements 4 j..4 j + 3 in
 * the low nibbles, 4 j + 16..4 j + 19 in the high ones). */
typedef struct {
    uint16_t d[RZ_PACK_ROWS];
    uint8_t qs[4][4 * RZ_PACK_ROWS];
} rz_block_q4_0x16;
_Static_assert(sizeof(rz_block_q4_0x16) == RZ_PACK_ROWS * sizeof(rz_block_q4_0),
               "a packed q4_0 block holds 16 rows' blocks, byte for byte");

/* The packed type of file type `type`, or -1 when it has none. */
int rz_pack_type_of(uint32_t type);

/* The file type a packed type was made from; any other type is returned as it is. */
uint32_t rz_pack_source(uint32_t type);

/* Packs rows x cols of `type` (row-major, blocks aligned) into dst (rows * row bytes, 64-byte
 * aligned): false, writing nothing, when the type has no packed form, rows is not a multiple of
 * RZ_PACK_ROWS or cols not of the block size. */
bool rz_pack_rows(uint32_t type, const void *src, int64_t rows, int64_t cols, void *dst);

#endif
