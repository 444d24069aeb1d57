/* `rz quantize`: re-encode a GGUF model's tensors with llama-quantize's per-tensor choices.
 * Contract: the output is streamed (peak memory: about one tensor). */
#ifndef RZ_QUANTIZE_QUANTIZE_H
#define RZ_QUANTIZE_QUANTIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/quantize/plan.h"

typedef struct {
    const rz_quant_spec *spec;
    bool pure;
    int n_threads; /* < 1: every CPU this process may use */
    void (*progress)(void *ctx, size_t done, size_t total, const char *name, uint32_t type);
    void *progress_ctx;
} rz_quantize_options;

typedef struct {
    size_t n_tensors, n_converted;
    uint64_t bytes_in, bytes_out; /* tensor data */
    size_t per_type[64];          /* tensors written per ggml type id */
} rz_quantize_stats;

/* Every key/value of the input is copied except general.file_type and
 * general.quantization_version, which are set to the spec's LLAMA_FTYPE and 2; tensors keep their
 * order, names and shapes; each gets rz_quant_choose's type (the layer count is ARCH.block_count,
 * else one more than the highest blk.N; has_output is whether output.weight exists); a tensor
 * whose type does not change is copied byte for byte, any other is decoded with its type's
 * to_float and encoded with the new type's from_float. Fails naming the tensor when its type
 * cannot be decoded. */
rz_status rz_quantize_file(const char *in, const char *out, const rz_quantize_options *o,
                           rz_quantize_stats *stats, rz_error *err);

#endif
