/* rz's CUDA backend: a llama-family decoder whose weights live on the GPU, behind a C interface.
 * Contract: supported is the "llama" architecture (either RoPE mode, SwiGLU or GeGLU) with weight
 * types F32, F16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K; anything else fails with RZ_EUNSUPPORTED naming
 * it. A CUDA runtime failure is RZ_EIO with the runtime's message, a failed device allocation
 * RZ_ENOMEM. One caller at a time per rz_cuda_llama. */
#ifndef RZ_BACKENDS_CUDA_CUDA_BACKEND_H
#define RZ_BACKENDS_CUDA_CUDA_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/models/llama_model.h"

/* True when a CUDA device is usable; otherwise false with the reason in why (cap bytes): "built
 * without CUDA (RZ_CUDA=OFF)", "no CUDA device", or the driver's message. */
bool rz_cuda_available(char *why, size_t cap);

typedef struct {
    char name[256];
    int cc_major, cc_minor;
    size_t mem_bytes;
    double nominal_gbps; /* memory bus width x memory clock x 2; 0 when the driver won't say */
    int driver_version;  /* as cudaDriverGetVersion: 1000 * major + 10 * minor */
    int runtime_version;
} rz_cuda_device;

rz_status rz_cuda_device_info(rz_cuda_device *d, rz_error *err);

/* Measured device-to-device copy bandwidth in GB/s over a buffer of `bytes` (read + written),
 * the best of reps copies after one warm-up. */
rz_status rz_cuda_bandwidth(size_t bytes, int reps, double *gbps, rz_error *err);

typedef struct rz_cuda_llama rz_cuda_llama;

/* Uploads every weight of an open model once (the model may be closed afterwards) and sizes a
 * float32 KV cache of n_ctx positions and activations for prompts of up to n_batch tokens; nothing
 * is allocated afterwards. */
rz_status rz_cuda_llama_new(const rz_llama_model *m, int n_ctx, int n_batch, rz_cuda_llama **out,
                            rz_error *err);
void rz_cuda_llama_free(rz_cuda_llama *g);

/* Runs token at pos (positions 0..pos-1 already in the cache); the first call runs the kernels
 * directly and then captures them as a CUDA graph, so each later step is one graph launch. Leaves
 * the last token's logits at rz_cuda_llama_logits. */
rz_status rz_cuda_llama_forward(rz_cuda_llama *g, int32_t token, int pos, rz_error *err);
/* Runs n tokens from pos0 with GEMMs (in chunks of n_batch); leaves the last token's logits at
 * rz_cuda_llama_logits. */
rz_status rz_cuda_llama_forward_prompt(rz_cuda_llama *g, const int32_t *tokens, int n, int pos0,
                                       rz_error *err);

/* The logits of the last forward (host memory, vocab_size floats, owned by g). */
const float *rz_cuda_llama_logits(const rz_cuda_llama *g);

/* Bytes of weights one decode step reads (every matrix, the output projection, one embedding
 * row): the numerator of the bandwidth roofline. */
uint64_t rz_cuda_llama_weight_bytes(const rz_cuda_llama *g);

#endif
