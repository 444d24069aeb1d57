/* Streaming GGUF v3 output: the header (key/values and every tensor's name, shape and type) is
 * written first, then each tensor's data as it is produced, so a large model never has to be held
 * in memory. The key/value section is serialized by rz_gguf_writer (so both writers agree byte for
 * byte); this module adds the tensor infos and the data.
 * Contract: the alignment is the writer's general.alignment, else 32. */
#ifndef RZ_FORMATS_GGUF_STREAM_H
#define RZ_FORMATS_GGUF_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/formats/gguf_write.h"

typedef struct {
    const char *name;
    uint32_t type; /* ggml type id */
    uint32_t n_dims;
    uint64_t dims[RZ_GGUF_MAX_DIMS]; /* dims[0] contiguous */
} rz_gguf_stream_tensor;

typedef struct rz_gguf_stream rz_gguf_stream;

/* Validates the tensor list (unique names, 1..4 dims, a supported type, dims[0] a whole number of
 * blocks, sizes without overflow) and creates a temporary file beside path. kv holds the
 * key/values and no tensors; it is serialized now and not kept. */
rz_status rz_gguf_stream_begin(const char *path, const rz_gguf_writer *kv,
                               const rz_gguf_stream_tensor *tensors, size_t n_tensors,
                               rz_gguf_stream **out, rz_error *err);

/* Bytes of data tensor i takes (as begin computed them). */
uint64_t rz_gguf_stream_tensor_bytes(const rz_gguf_stream *s, size_t i);

/* Takes the next tensor's data in list order and exactly its size. */
rz_status rz_gguf_stream_put(rz_gguf_stream *s, const void *data, uint64_t size, rz_error *err);

/* Checks every tensor was written, fsyncs, renames the file into place and frees the stream (also
 * on failure, removing the temporary file). */
rz_status rz_gguf_stream_end(rz_gguf_stream *s, rz_error *err);

/* Removes the temporary file and frees. */
void rz_gguf_stream_abort(rz_gguf_stream *s);

#endif
