/* Tensor types: one traits table, indexed by the ggml type id that GGUF files store.
 * Contract: rz_type_get returns NULL for ids rz does not support. For a supported type, data is a
 * sequence of blocks of block_size elements stored in block_bytes each; to_float and from_float
 * take n, a multiple of block_size (the caller checks). from_float is the reference quantizer
 * (NULL where rz cannot produce the type). rz_type_row_bytes is overflow-checked. */
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
    RZ_TYPE_Q8_0 = 8,
    RZ_TYPE_Q4_K = 12,
    RZ_TYPE_Q5_K = 13,
    RZ_TYPE_Q6_K = 14,
    RZ_TYPE_Q8_K = 15,
    RZ_TYPE_BF16 = 30,
    RZ_TYPE_ID_LIMIT = 64 /* ids at or above this are unknown */
} rz_type;

typedef struct {
    const char *name; /* as ggml spells it: "f32", "q4_K", ... */
    uint32_t block_size;
    uint32_t block_bytes;
    bool quantized;
    void (*to_float)(const void *src, float *dst, int64_t n);
    void (*from_float)(const float *src, void *dst, int64_t n);
} rz_type_traits;

const rz_type_traits *rz_type_get(uint32_t type);

/* The type whose name matches (case-insensitive, e.g. "Q4_K" or "q4_k"); -1 when none. */
int rz_type_from_name(const char *name);

/* Bytes for n elements; false when n is not a whole number of blocks, the type is unknown, or the
 * product overflows. */
bool rz_type_row_bytes(uint32_t type, uint64_t n, uint64_t *bytes);

/* The name of a ggml type id even when rz does not support it (e.g. "q5_0"), or "unknown". */
const char *rz_type_ggml_name(uint32_t type);

#endif
