/* The common back end of `rz convert`: llama metadata, a vocabulary (copied or none), and the
 * tensors, each produced row by row by its source and encoded in the chosen type.
 * Contract: the output is streamed. */
#ifndef RZ_CONVERT_WRITER_H
#define RZ_CONVERT_WRITER_H

#include <stddef.h>

#include "engine/convert/llama_layout.h"
#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/quantize/plan.h"
#include "engine/quantize/rows.h"

typedef struct {
    rz_llama_tensor t;
    rz_rows_source row; /* produces row r (t.dims[0] floats) of the tensor */
    void *row_ctx;
} rz_convert_item;

typedef struct {
    rz_llama_hparams hp;
    const char *name; /* general.name */
    const rz_quant_spec *spec;
    const rz_gguf *vocab; /* NULL: no tokenizer */
    int n_threads;
} rz_convert_target;

/* Adds rz_llama_add_kv's keys, general.name, general.file_type (the spec's LLAMA_FTYPE) and
 * general.quantization_version = 2; with vocab, copies every tokenizer.* key of that GGUF after
 * checking tokenizer.ggml.tokens has hp->vocab entries; without, writes tokenizer.ggml.model =
 * "no_vocab" (llama.cpp then loads the model with vocab type NONE: token ids in, logits out, no
 * text). Tensor types follow rz_quant_choose with source type F32. */
rz_status rz_convert_write(const char *path, const rz_convert_target *target,
                           const rz_convert_item *items, size_t n, rz_error *err);

#endif
