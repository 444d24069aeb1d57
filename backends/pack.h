/* Packed weights: rz's own layouts of a quantized matrix for its prompt and decode kernels, built
 * once when a model is loaded and never stored in a file. A packed matrix interleaves its rows
 * RZ_PACK_ROWS at a time so that one SIMD register holds the same 4-byte chunk of 16 rows and
 * each product lands in the lane of its row (no horizontal sums).
 * Contract: a packed type has an id of its own at or above RZ_TYPE_ID_LIMIT (so no file can
 * name it; rz_type_get knows none of them) and rz_pack_row_bytes bytes per row; a packed matrix
 * has a multiple of RZ_PACK_ROWS rows, groups of RZ_PACK_ROWS rows back to back.
 * Its kernels (rz_vec_kernel.gemm, backends/backend.h) give each (row, token) the bits of the
 * scalar reference dot of the source type, except bf16's: only AMX has a kernel for it, and that
 * kernel dots bf16 activations (backends/amx/amx.h). */
#ifndef RZ_BACKENDS_PACK_H
#define RZ_BACKENDS_PACK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/types/blocks.h"
#include "engine/types/types.h"

enum { RZ_PACK_ROWS = 16 };

typedef enum {
    RZ_TYPE_Q4_0_X16 = RZ_TYPE_ID_LIMIT, /* q4_0, 16 rows interleaved: rz_block_q4_0x16 */
    RZ_TYPE_Q4_1_X16,                    /* q4_1: rz_block_q4_1x16 */
    RZ_TYPE_Q5_0_X16,                    /* q5_0: rz_block_q5_0x16 */
    RZ_TYPE_Q8_0_X16,                    /* q8_0: rz_block_q8_0x16 */
    RZ_TYPE_Q4_K_X16,                    /* q4_K: rz_block_q4_kx16 */
    RZ_TYPE_Q6_K_X16,                    /* q6_K: rz_block_q6_kx16 */
    RZ_TYPE_BF16_X16,                    /* bf16: rz_block_bf16x16 */
    RZ_VEC_TYPE_LIMIT                    /* the kernel tables' size */
} rz_pack_type;

/* Block k of 16 rows: d[r] (and m[r]) are row r's scale (and min), f16; each qs[i] holds 4 bytes
 * of every row, qs[i][4 r + b] for row r, pairing with activation quants 4 i..4 i + 3. For the
 * 4-bit types qs[j] (j < 4) is nibble bytes 4 j..4 j + 3 of each row: elements 4 j..4 j + 3 in
 * the low nibbles, 4 j + 16..4 j + 19 in the high ones. For q8_0 qs[i] is quants 4 i..4 i + 3. */
typedef struct {
    uint16_t d[RZ_PACK_ROWS];
    uint8_t qs[4][4 * RZ_PACK_ROWS];
} rz_block_q4_0x16;
typedef struct {
    uint16_t d[RZ_PACK_ROWS], m[RZ_PACK_ROWS];
    uint8_t qs[4][4 * RZ_PACK_ROWS];
} rz_block_q4_1x16;
typedef struct {
    uint16_t d[RZ_PACK_ROWS];
    int8_t qs[8][4 * RZ_PACK_ROWS];
} rz_block_q8_0x16;
/* q5_0: d and qs as q4_0; qh[r] holds row r's 32 fifth bits rearranged so that bit 8 b + i is
 * that of element 4 i + b, which chunk i holds in byte b (chunk i < 4: the low nibbles of qs[i],
 * i >= 4: the high nibbles of qs[i - 4]): chunk i's fifth bits are (qh >> i) & 0x01010101. */
typedef struct {
    uint16_t d[RZ_PACK_ROWS];
    uint32_t qh[RZ_PACK_ROWS];
    uint8_t qs[4][4 * RZ_PACK_ROWS];
} rz_block_q5_0x16;
/* Super-block k of 16 rows of q4_K: d[r], dmin[r] (f16) and the 6-bit scale sc[g][r] and min
 * m[g][r] of group g (32 elements) of row r, unpacked to bytes; qs[p][c][4 r + b] is byte
 * 32 p + 4 c + b of row r's qs: element 4 c + b of group 2 p in the low nibble, of group 2 p + 1
 * in the high one. 148 bytes per row and super-block against the file's 144. */
typedef struct {
    uint16_t d[RZ_PACK_ROWS], dmin[RZ_PACK_ROWS];
    uint8_t sc[8][RZ_PACK_ROWS], m[8][RZ_PACK_ROWS];
    uint8_t qs[4][8][4 * RZ_PACK_ROWS];
} rz_block_q4_kx16;
_Static_assert(sizeof(rz_block_q4_kx16) == RZ_PACK_ROWS * 148, "q4_K packed: 148 bytes a row");

/* Super-block k of 16 rows of q6_K: d[r] (f16), the int8 scale sc[g][r] of group g (16
 * elements) of row r; ql[p][c][4 r + b] is byte 32 p + 4 c + b of row r's ql and qh[h][c][4 r + b]
 * byte 32 h + 4 c + b of its qh, so 32-element group G = 4 h + k (h < 2, k < 4) has the low 4 bits
 * of its element 4 c + b in nibble k / 2 of ql[2 h + k % 2][c] and the high 2 in bits 2 k, 2 k + 1
 * of qh[h][c]. The file's 210 bytes a row and super-block. */
typedef struct {
    uint16_t d[RZ_PACK_ROWS];
    int8_t sc[16][RZ_PACK_ROWS];
    uint8_t ql[4][8][4 * RZ_PACK_ROWS];
    uint8_t qh[2][8][4 * RZ_PACK_ROWS];
} rz_block_q6_kx16;
_Static_assert(sizeof(rz_block_q6_kx16) == RZ_PACK_ROWS * sizeof(rz_block_q6_k), "q6_K packed");
_Static_assert(sizeof(rz_block_q4_0x16) == RZ_PACK_ROWS * sizeof(rz_block_q4_0) &&
                   sizeof(rz_block_q4_1x16) == RZ_PACK_ROWS * sizeof(rz_block_q4_1) &&
                   sizeof(rz_block_q5_0x16) == RZ_PACK_ROWS * sizeof(rz_block_q5_0) &&
                   sizeof(rz_block_q8_0x16) == RZ_PACK_ROWS * sizeof(rz_block_q8_0),
               "a packed block holds 16 rows' blocks, byte for byte");

/* Block k (elements 32 k..32 k + 31) of 16 rows of bf16 in AMX's pairing, the B operand of
 * tdpbf16ps as it is: pairs[i][2 r + e] is element 32 k + 2 i + e of row r. A packed row has the
 * file's bytes, and a whole number of blocks. */
typedef struct {
    uint16_t pairs[16][2 * RZ_PACK_ROWS];
} rz_block_bf16x16;
_Static_assert(sizeof(rz_block_bf16x16) == RZ_PACK_ROWS * 32 * sizeof(uint16_t),
               "bf16 packed: 16 rows of 32 elements");

/* The packed type of file type `type`, or -1 when it has none. */
int rz_pack_type_of(uint32_t type);

/* The file type a packed type was made from; any other type is returned as it is. */
uint32_t rz_pack_source(uint32_t type);

/* Bytes of one row of cols elements in packed type `type` (the source type's, except q4_K's 148
 * per 256); false when cols is no whole number of blocks or `type` is no packed type. */
bool rz_pack_row_bytes(uint32_t type, int64_t cols, size_t *bytes);

/* Packs rows x cols of `type` (row-major, blocks aligned) into dst (rows times the packed row
 * bytes, 64-byte aligned): false, writing nothing, when the type has no packed form, rows is not
 * a multiple of RZ_PACK_ROWS or cols not of the block size. */
bool rz_pack_rows(uint32_t type, const void *src, int64_t rows, int64_t cols, void *dst);

#endif
