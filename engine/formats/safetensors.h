/* safetensors reader, zero copy over an mmap'd file or a caller's buffer.
 * Layout: u64 little-endian header length N, N bytes of UTF-8 JSON (an object, possibly padded
 * with trailing spaces), then the data section. Each JSON member other than "__metadata__" is a
 * tensor {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]} with offsets relative to
 * the start of the data section; "__metadata__" is a string-to-string map.
 * Contract: rz_st_open/rz_st_parse validate everything before returning: N against the file size
 * and RZ_ST_MAX_HEADER; the header is UTF-8 JSON starting with '{'; dtypes are ones the format
 * defines; shapes and offsets are integers below 2^53; n_elements * dtype bits is computed with
 * overflow checks, is a whole number of bytes and equals end - begin; tensor names are unique;
 * the tensors, sorted by offset, tile the data section exactly (no overlap, no gap, no trailing
 * bytes), as the reference implementation requires. A failure message names the source, the byte
 * offset (of the field, or of the tensor's key in the header) and what was expected. Tensors keep
 * the header's order. Tensor data is not necessarily aligned. */
#ifndef RZ_FORMATS_SAFETENSORS_H
#define RZ_FORMATS_SAFETENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

enum {
    RZ_ST_MAX_DIMS = 8,
    RZ_ST_MAX_HEADER = 100000000, /* bytes, as the reference implementation caps it */
};

typedef enum {
    RZ_ST_BOOL,
    RZ_ST_F4,
    RZ_ST_F6_E2M3,
    RZ_ST_F6_E3M2,
    RZ_ST_U8,
    RZ_ST_I8,
    RZ_ST_F8_E5M2,
    RZ_ST_F8_E4M3,
    RZ_ST_F8_E8M0,
    RZ_ST_I16,
    RZ_ST_U16,
    RZ_ST_F16,
    RZ_ST_BF16,
    RZ_ST_I32,
    RZ_ST_U32,
    RZ_ST_F32,
    RZ_ST_C64,
    RZ_ST_F64,
    RZ_ST_I64,
    RZ_ST_U64,
    RZ_ST_DTYPE_COUNT
} rz_st_dtype;

typedef struct {
    char *name; /* NUL-terminated, owned */
    rz_st_dtype dtype;
    uint32_t n_dims;
    uint64_t shape[RZ_ST_MAX_DIMS]; /* row-major: shape[n_dims - 1] is contiguous */
    uint64_t n_elements;            /* 1 for a scalar (n_dims 0) */
    uint64_t begin, end;            /* data_offsets, relative to the data section */
    const uint8_t *data;            /* into the file: end - begin bytes */
} rz_st_tensor;

typedef struct {
    char *key, *value; /* NUL-terminated, owned */
} rz_st_meta;

typedef struct {
    const char *source; /* path or caller's name, for messages (not owned) */
    const uint8_t *base;
    size_t size;
    uint64_t header_len;  /* N */
    uint64_t data_offset; /* 8 + N */
    size_t n_tensors, n_meta;
    rz_st_tensor *tensors;
    rz_st_meta *meta;
    bool mapped; /* base is an mmap this struct owns */
} rz_st_file;

/* Maps and parses a file. path must outlive f (it is f->source). */
rz_status rz_st_open(const char *path, rz_st_file *f, rz_error *err);

/* Parses buf[0..len) (not copied: it must outlive f). */
rz_status rz_st_parse(const uint8_t *buf, size_t len, const char *source, rz_st_file *f,
                      rz_error *err);

/* Frees what f owns and unmaps the file; f is zeroed. Safe on a zeroed or failed f. */
void rz_st_close(rz_st_file *f);

/* Lookups; NULL when absent. */
const rz_st_tensor *rz_st_find(const rz_st_file *f, const char *name);
const char *rz_st_meta_get(const rz_st_file *f, const char *key);

/* The dtype's name as the format spells it ("F32", "F8_E4M3", ...), and its width in bits. */
const char *rz_st_dtype_name(rz_st_dtype d);
unsigned rz_st_dtype_bits(rz_st_dtype d);

/* The dtype named by the n bytes at name; -1 when the format defines none. */
int rz_st_dtype_from_name(const char *name, size_t n);

/* true for the dtypes rz_st_to_float converts: F64, F32, F16, BF16, F8_E4M3, F8_E5M2. */
bool rz_st_is_float(rz_st_dtype d);

/* Converts elements [first, first + n) of t to float32 (first + n <= t->n_elements). Fails with
 * RZ_EUNSUPPORTED naming the tensor when its dtype is not one rz_st_is_float accepts. */
rz_status rz_st_to_float(const rz_st_tensor *t, uint64_t first, uint64_t n, float *dst,
                         rz_error *err);

#endif
