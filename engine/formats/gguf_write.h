/* GGUF v3 writer: collect key/value pairs and tensors, then write the file in one go.
 * Contract: every add_* deep-copies its key, name and value (tensor data is NOT copied: it must
 * stay valid until the write) and rejects duplicates, unknown types, bad shapes and data sizes
 * that do not match the type, so a written file always parses with rz_gguf_parse. The alignment
 * is general.alignment when added (a uint32 power of two), else 32. Files without tensors end right
 * after the header (no padding), as ggml writes them. */
#ifndef RZ_FORMATS_GGUF_WRITE_H
#define RZ_FORMATS_GGUF_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf.h"

typedef struct rz_gguf_writer rz_gguf_writer;

rz_status rz_gguf_writer_new(rz_gguf_writer **out, rz_error *err);
void rz_gguf_writer_free(rz_gguf_writer *w);

/* Any value, as the reader returns it: fixed-size array elements in arr.raw (little-endian),
 * STRING and ARRAY elements in arr.items. Values parsed from a file can be passed unchanged. */
rz_status rz_gguf_writer_add_kv(rz_gguf_writer *w, const char *key, const rz_gguf_value *v,
                                rz_error *err);

rz_status rz_gguf_writer_add_u32(rz_gguf_writer *w, const char *key, uint32_t v, rz_error *err);
rz_status rz_gguf_writer_add_str(rz_gguf_writer *w, const char *key, const char *s, rz_error *err);
rz_status rz_gguf_writer_add_str_array(rz_gguf_writer *w, const char *key, const char *const *items,
                                       uint64_t n, rz_error *err);
/* n fixed-size elements of type elem, given as little-endian bytes. */
rz_status rz_gguf_writer_add_array(rz_gguf_writer *w, const char *key, rz_gguf_type elem,
                                   const void *le_data, uint64_t n, rz_error *err);

/* dims[0] is the contiguous dimension; size must equal the bytes the type needs for the dims. */
rz_status rz_gguf_writer_add_tensor(rz_gguf_writer *w, const char *name, uint32_t type,
                                    uint32_t n_dims, const uint64_t *dims, const void *data,
                                    uint64_t size, rz_error *err);

/* The checks add_tensor makes of a tensor's shape and type (1 to RZ_GGUF_MAX_DIMS dims, a
 * supported type, an element count within int64, dims[0] a whole number of blocks), for writers
 * that take tensors otherwise (gguf_stream.h); *size gets the bytes of its data. Error messages
 * start with who. */
rz_status rz_gguf_tensor_data_size(const char *who, const char *name, uint32_t type,
                                   uint32_t n_dims, const uint64_t *dims, uint64_t *size,
                                   rz_error *err);

/* Writes a temporary file beside path and renames it, so path is either the old file or the whole
 * new one. */
rz_status rz_gguf_writer_write(const rz_gguf_writer *w, const char *path, rz_error *err);

/* The file image in a malloc'd buffer (the caller frees *buf). */
rz_status rz_gguf_writer_to_memory(const rz_gguf_writer *w, uint8_t **buf, size_t *len,
                                   rz_error *err);

#endif
