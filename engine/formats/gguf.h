/* GGUF reader (versions 2 and 3), zero copy over an mmap'd file or a caller's buffer.
 * Contract: rz_gguf_open/rz_gguf_parse validate the whole header before returning: every count,
 * string length, array length, dims product, tensor offset and size is checked for overflow and
 * against the file size; n_dims <= 4; known value and tensor types only; general.alignment a
 * power of two; tensor data aligned, inside the file, not overlapping; names unique. A failure
 * message names the source, the byte offset and what was expected. Strings point into the file
 * and are not NUL-terminated (use len). Values of fixed-size array elements are read through the
 * accessors (the bytes may be unaligned). */
#ifndef RZ_FORMATS_GGUF_H
#define RZ_FORMATS_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

enum { RZ_GGUF_MAX_DIMS = 4, RZ_GGUF_DEFAULT_ALIGNMENT = 32 };

typedef enum {
    RZ_GGUF_UINT8 = 0,
    RZ_GGUF_INT8 = 1,
    RZ_GGUF_UINT16 = 2,
    RZ_GGUF_INT16 = 3,
    RZ_GGUF_UINT32 = 4,
    RZ_GGUF_INT32 = 5,
    RZ_GGUF_FLOAT32 = 6,
    RZ_GGUF_BOOL = 7,
    RZ_GGUF_STRING = 8,
    RZ_GGUF_ARRAY = 9,
    RZ_GGUF_UINT64 = 10,
    RZ_GGUF_INT64 = 11,
    RZ_GGUF_FLOAT64 = 12,
    RZ_GGUF_TYPE_COUNT
} rz_gguf_type;

typedef struct {
    const char *data; /* into the file; not NUL-terminated */
    uint64_t len;
} rz_gguf_str;

typedef struct rz_gguf_value rz_gguf_value;

struct rz_gguf_value {
    rz_gguf_type type;
    union {
        uint64_t u;    /* UINT8..UINT64 */
        int64_t i;     /* INT8..INT64 */
        double f;      /* FLOAT32, FLOAT64 */
        bool b;        /* BOOL */
        rz_gguf_str s; /* STRING */
        struct {
            rz_gguf_type elem;    /* element type */
            uint64_t n;           /* element count */
            const uint8_t *raw;   /* fixed-size elements: n * size bytes in the file */
            rz_gguf_value *items; /* STRING or ARRAY elements: n parsed values (owned) */
        } arr;
    };
};

typedef struct {
    rz_gguf_str key;
    rz_gguf_value value;
    uint64_t offset; /* file offset of the key */
} rz_gguf_kv;

typedef struct {
    rz_gguf_str name;
    uint32_t n_dims;
    uint64_t dims[RZ_GGUF_MAX_DIMS]; /* dims[0] is the contiguous (row) dimension; unused = 1 */
    uint32_t type;                   /* ggml type id (see engine/types/types.h) */
    uint64_t offset;                 /* relative to the start of the data section */
    uint64_t n_elements;
    uint64_t size;       /* bytes */
    const uint8_t *data; /* into the file */
} rz_gguf_tensor;

typedef struct {
    const char *source; /* path or caller's name, for messages */
    const uint8_t *base;
    size_t size;
    uint32_t version;
    uint64_t n_kv, n_tensors;
    uint64_t alignment;
    uint64_t data_offset; /* file offset of the data section */
    rz_gguf_kv *kv;
    rz_gguf_tensor *tensors;
    bool mapped; /* base is an mmap this struct owns */
} rz_gguf;

/* Maps and parses a file. */
rz_status rz_gguf_open(const char *path, rz_gguf *g, rz_error *err);

/* Parses buf[0..len) (not copied: it must outlive g). */
rz_status rz_gguf_parse(const uint8_t *buf, size_t len, const char *source, rz_gguf *g,
                        rz_error *err);

void rz_gguf_close(rz_gguf *g);

/* Lookups; NULL when absent. key is NUL-terminated. */
const rz_gguf_kv *rz_gguf_find(const rz_gguf *g, const char *key);
const rz_gguf_tensor *rz_gguf_find_tensor(const rz_gguf *g, const char *name);

/* Typed scalar getters: true and *out set when key exists and holds a compatible type
 * (any integer type for u64/i64 within range, FLOAT32/FLOAT64 for f64). */
bool rz_gguf_get_u64(const rz_gguf *g, const char *key, uint64_t *out);
bool rz_gguf_get_i64(const rz_gguf *g, const char *key, int64_t *out);
bool rz_gguf_get_f64(const rz_gguf *g, const char *key, double *out);
bool rz_gguf_get_bool(const rz_gguf *g, const char *key, bool *out);
bool rz_gguf_get_str(const rz_gguf *g, const char *key, rz_gguf_str *out);

/* Array element accessors (i < v->arr.n, v->type == RZ_GGUF_ARRAY, element type as named). */
uint64_t rz_gguf_arr_u64(const rz_gguf_value *v, uint64_t i); /* any unsigned/signed int elem */
int64_t rz_gguf_arr_i64(const rz_gguf_value *v, uint64_t i);
double rz_gguf_arr_f64(const rz_gguf_value *v, uint64_t i); /* FLOAT32 or FLOAT64 elem */

/* Size in bytes of a fixed-size value type; 0 for STRING and ARRAY. */
size_t rz_gguf_type_size(rz_gguf_type t);
const char *rz_gguf_type_name(rz_gguf_type t);

/* true when s equals the NUL-terminated text. */
bool rz_gguf_str_eq(rz_gguf_str s, const char *text);

#endif
