/* The quantized blocks as typed structs, laid out exactly as ggml stores them: each size and
 * field offset is pinned below by _Static_assert. Scales marked f16 are raw IEEE half bits
 * (engine/types/half.h converts them); all fields are little-endian, read natively, so the host
 * must be little-endian.
 * Alignment: a struct's alignment is that of its widest field (2, or 4 for q8_K) and each size is
 * a multiple of it, so a row of blocks is aligned when its first block is. Kernels cast block
 * pointers to these structs, so blocks must sit at their struct's alignment: GGUF tensor data is
 * aligned to general.alignment (a multiple of 8, 32 by default), rows are whole blocks, and
 * buffers come from malloc or are declared with _Alignas. */
#ifndef RZ_TYPES_BLOCKS_H
#define RZ_TYPES_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "engine/types/blocks.h: the block structs read ggml's little-endian fields natively"
#endif

enum {
    RZ_QK = 32,   /* elements per block of q4_0, q4_1, q5_0, q5_1, q8_0, q8_1 */
    RZ_QK_K = 256 /* elements per super-block of the K-quants */
};

/* q4_0: element j is the low nibble of qs[j], element j+16 the high; x = d*(q-8) */
typedef struct {
    uint16_t d; /* f16 */
    uint8_t qs[RZ_QK / 2];
} rz_block_q4_0;

/* q4_1: nibbles as q4_0; x = d*q + m */
typedef struct {
    uint16_t d, m; /* f16 */
    uint8_t qs[RZ_QK / 2];
} rz_block_q4_1;

/* q5_0: qh is a little-endian u32 whose bit j is bit 4 of element j; qs the low nibbles, ordered
 * as q4_0; x = d*(q-16) */
typedef struct {
    uint16_t d; /* f16 */
    uint8_t qh[4];
    uint8_t qs[RZ_QK / 2];
} rz_block_q5_0;

/* q5_1: qh and qs as q5_0; x = d*q + m */
typedef struct {
    uint16_t d, m; /* f16 */
    uint8_t qh[4];
    uint8_t qs[RZ_QK / 2];
} rz_block_q5_1;

/* q8_0: x = d*q */
typedef struct {
    uint16_t d; /* f16 */
    int8_t qs[RZ_QK];
} rz_block_q8_0;

/* q8_1: s is d times the sum of the quants (d before its f16 rounding); x = d*q */
typedef struct {
    uint16_t d, s; /* f16 */
    int8_t qs[RZ_QK];
} rz_block_q8_1;

/* q4_K: scales packs eight 6-bit scales and mins (see rz_kq_scale_min); in qs each 64 elements
 * take 32 bytes, low nibbles first then high nibbles; x = d*sc*q - dmin*m per 32 elements */
typedef struct {
    uint16_t d, dmin; /* f16 */
    uint8_t scales[12];
    uint8_t qs[RZ_QK_K / 2];
} rz_block_q4_k;

/* q5_K: q4_K plus qh holding bit 4 (bit 2k / 2k+1 of qh[l] for the low / high nibble of
 * 64-element group k) */
typedef struct {
    uint16_t d, dmin; /* f16 */
    uint8_t scales[12];
    uint8_t qh[RZ_QK_K / 8];
    uint8_t qs[RZ_QK_K / 2];
} rz_block_q5_k;

/* q6_K: ql the low 4 bits, qh the high 2 bits, int8 scales per 16 elements;
 * x = d*scale*(q-32) */
typedef struct {
    uint8_t ql[RZ_QK_K / 2];
    uint8_t qh[RZ_QK_K / 4];
    int8_t scales[RZ_QK_K / 16];
    uint16_t d; /* f16 */
} rz_block_q6_k;

/* q8_K: bsums are the sums of each 16 quants; x = d*q */
typedef struct {
    float d;
    int8_t qs[RZ_QK_K];
    int16_t bsums[RZ_QK_K / 16];
} rz_block_q8_k;

_Static_assert(sizeof(rz_block_q4_0) == 18 && offsetof(rz_block_q4_0, qs) == 2, "q4_0 layout");
_Static_assert(sizeof(rz_block_q4_1) == 20 && offsetof(rz_block_q4_1, m) == 2 &&
                   offsetof(rz_block_q4_1, qs) == 4,
               "q4_1 layout");
_Static_assert(sizeof(rz_block_q5_0) == 22 && offsetof(rz_block_q5_0, qh) == 2 &&
                   offsetof(rz_block_q5_0, qs) == 6,
               "q5_0 layout");
_Static_assert(sizeof(rz_block_q5_1) == 24 && offsetof(rz_block_q5_1, m) == 2 &&
                   offsetof(rz_block_q5_1, qh) == 4 && offsetof(rz_block_q5_1, qs) == 8,
               "q5_1 layout");
_Static_assert(sizeof(rz_block_q8_0) == 34 && offsetof(rz_block_q8_0, qs) == 2, "q8_0 layout");
_Static_assert(sizeof(rz_block_q8_1) == 36 && offsetof(rz_block_q8_1, s) == 2 &&
                   offsetof(rz_block_q8_1, qs) == 4,
               "q8_1 layout");
_Static_assert(sizeof(rz_block_q4_k) == 144 && offsetof(rz_block_q4_k, dmin) == 2 &&
                   offsetof(rz_block_q4_k, scales) == 4 && offsetof(rz_block_q4_k, qs) == 16,
               "q4_K layout");
_Static_assert(sizeof(rz_block_q5_k) == 176 && offsetof(rz_block_q5_k, dmin) == 2 &&
                   offsetof(rz_block_q5_k, scales) == 4 && offsetof(rz_block_q5_k, qh) == 16 &&
                   offsetof(rz_block_q5_k, qs) == 48,
               "q5_K layout");
_Static_assert(sizeof(rz_block_q6_k) == 210 && offsetof(rz_block_q6_k, qh) == 128 &&
                   offsetof(rz_block_q6_k, scales) == 192 && offsetof(rz_block_q6_k, d) == 208,
               "q6_K layout");
_Static_assert(sizeof(rz_block_q8_k) == 292 && offsetof(rz_block_q8_k, qs) == 4 &&
                   offsetof(rz_block_q8_k, bsums) == 260,
               "q8_K layout");

#endif
