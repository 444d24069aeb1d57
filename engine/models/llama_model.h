/* rz_llama_model: an open GGUF file with its config and bound weights, the read-only half of a
 * llama-family decoder (the mutable half is rz_llama_state in llama_forward.h).
 * Contract: a model is read-only after opening: several states may share it. */
#ifndef RZ_MODELS_LLAMA_MODEL_H
#define RZ_MODELS_LLAMA_MODEL_H

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/models/llama_config.h"
#include "engine/models/llama_weights.h"

typedef struct {
    rz_gguf gguf;
    rz_llama_config config;
    rz_llama_weights weights;
} rz_llama_model;

/* Maps the file, reads the config, binds the weights and packs those the CPU kernels read packed
 * (engine/models/llama_pack.h), with the file read into the page cache ahead of packing on a
 * thread of its own (engine/formats/prefetch.h), then drops the mapping's tensor pages from the
 * resident set (they stay readable); on failure nothing stays open. */
rz_status rz_llama_model_open(const char *path, rz_llama_model *m, rz_error *err);
/* Takes ownership of an already parsed g (also on failure). */
rz_status rz_llama_model_from_gguf(rz_gguf *g, rz_llama_model *m, rz_error *err);
void rz_llama_model_close(rz_llama_model *m);

#endif
