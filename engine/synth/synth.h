/* `rz synth`: a GGUF model with the exact shapes and metadata of a real llama-family model and
 * random weights, for speed work only.
 * Contract: weights are N(0, 0.02)-like (rng.h) and norms are 1.0, a pure function of the seed
 * (same seed, same file, whatever the thread count). Tensors are generated, quantized and
 * streamed to disk one at a time (peak memory: about one tensor). */
#ifndef RZ_SYNTH_SYNTH_H
#define RZ_SYNTH_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/quantize/plan.h"
#include "engine/synth/presets.h"

typedef struct {
    const rz_synth_preset *preset;
    const rz_quant_spec *spec;
    bool pure;
    uint64_t seed;
    int n_threads; /* < 1: every CPU this process may use */
    /* Called after each tensor is written (may be NULL). */
    void (*progress)(void *ctx, size_t done, size_t total, const char *name, uint32_t type);
    void *progress_ctx;
} rz_synth_options;

typedef struct {
    uint64_t n_params, bytes; /* elements and tensor-data bytes written */
    size_t n_tensors;
} rz_synth_stats;

/* Tensor types follow rz_quant_choose for the spec (llama.cpp's per-tensor choices unless pure);
 * the file carries the preset's llama.* keys, a synthetic llama SPM vocabulary of the preset's
 * size (vocab.h), general.name marked synthetic, general.file_type = the spec's LLAMA_FTYPE and
 * rz.synthetic = true. */
rz_status rz_synth_write(const char *path, const rz_synth_options *o, rz_synth_stats *stats,
                         rz_error *err);

#endif
