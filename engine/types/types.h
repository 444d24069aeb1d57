/* Tensor types: one traits table, indexed by the ggml type id that GGUF files store.
 * Contract: a known entry means the SIZE is known: data is a sequence of blocks of block_size
 * elements stored in block_bytes each, so files holding the type can be parsed and shown. Whether
 * rz can CONVERT the type is separate: to_float and from_float are either both set or both NULL
 * (size-only entries, e.g. q2_K or the IQ types), so callers must check the pointer (or
 * rz_type_convertible) before calling. to_float and from_float take n, a multiple of block_size
 * (the caller checks), and quantized data at its block struct's alignment
 * (engine/types/blocks.h); from_float is the reference quantizer. */
#ifndef RZ_TYPES_TYPES_H
#define RZ_TYPES_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    RZ_TYPE_F32 = 0,
    RZ_TYPE_F16 = 1,
    RZ_TYPE_Q4_0 = 2,
    RZ_TYPE_Q4_1 = 3,
    RZ_TYPE_Q5_0 = 6,
    RZ_TYPE_Q5_1 = 7,
    RZ_TYPE_Q8_0 = 8,
    RZ_TYPE_Q8_1 = 9,
    RZ_TYPE_Q2_K = 10,
    RZ_TYPE_Q3_K = 11,
    RZ_TYPE_Q4_K = 12,
    RZ_TYPE_Q5_K = 13,
    RZ_TYPE_Q6_K = 14,
    RZ_TYPE_Q8_K = 15,
    RZ_TYPE_IQ2_XXS = 16,
    RZ_TYPE_IQ2_XS = 17,
    RZ_TYPE_IQ3_XXS = 18,
    RZ_TYPE_IQ1_S = 19,
    RZ_TYPE_IQ4_NL = 20,
    RZ_TYPE_IQ3_S = 21,
    RZ_TYPE_IQ2_S = 22,
    RZ_TYPE_IQ4_XS = 23,
    RZ_TYPE_I8 = 24,
    RZ_TYPE_I16 = 25,
    RZ_TYPE_I32 = 26,
    RZ_TYPE_I64 = 27,
    RZ_TYPE_F64 = 28,
    RZ_TYPE_IQ1_M = 29,
    RZ_TYPE_BF16 = 30,
    RZ_TYPE_TQ1_0 = 34,
    RZ_TYPE_TQ2_0 = 35,
    RZ_TYPE_MXFP4 = 39,
    RZ_TYPE_ID_LIMIT = 64 /* ids at or above this are unknown */
} rz_type;

typedef struct {
    const char *name; /* as ggml spells it: "f32", "q4_K", ... */
    uint32_t block_size;
    uint32_t block_bytes;
    bool quantized;
    void (*to_float)(const void *src, float *dst, int64_t n);   /* NULL: size only */
    void (*from_float)(const float *src, void *dst, int64_t n); /* NULL: size only */
} rz_type_traits;

/* The traits of a type whose size is known; NULL for ids ggml does not define (or has removed: 4,
 * 5, 31-33, 36-38) and for ids at or above RZ_TYPE_ID_LIMIT. */
const rz_type_traits *rz_type_get(uint32_t type);

/* True when rz can convert the type both ways (to_float and from_float are set). */
bool rz_type_convertible(uint32_t type);

/* The type whose name matches (case-insensitive, e.g. "Q4_K" or "q4_k"), size-only types
 * included; -1 when none. */
int rz_type_from_name(const char *name);

/* Bytes for n elements, for every type whose size is known (overflow-checked); false when n is not
 * a whole number of blocks, the type's size is unknown, or the product overflows. */
bool rz_type_row_bytes(uint32_t type, uint64_t n, uint64_t *bytes);

/* The name of a ggml type id even when its size is unknown (e.g. "q4_2"), or "unknown". */
const char *rz_type_ggml_name(uint32_t type);

#endif
