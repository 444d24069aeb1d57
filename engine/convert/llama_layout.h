/* The llama architecture as llama.cpp reads it from GGUF: hyper-parameter keys and the tensor
 * list with ggml names and shapes. Shared by `rz convert` and `rz synth`. */
#ifndef RZ_CONVERT_LLAMA_LAYOUT_H
#define RZ_CONVERT_LLAMA_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf_write.h"

typedef struct {
    uint32_t dim, n_layers, n_heads, n_kv_heads, ffn, vocab, ctx;
    float rope_theta, rms_eps;
    bool tied; /* no output.weight: the output projection is token_embd */
} rz_llama_hparams;

typedef enum {
    RZ_LLAMA_TOKEN_EMBD,
    RZ_LLAMA_ATTN_NORM,
    RZ_LLAMA_ATTN_Q,
    RZ_LLAMA_ATTN_K,
    RZ_LLAMA_ATTN_V,
    RZ_LLAMA_ATTN_OUTPUT,
    RZ_LLAMA_FFN_NORM,
    RZ_LLAMA_FFN_GATE,
    RZ_LLAMA_FFN_DOWN,
    RZ_LLAMA_FFN_UP,
    RZ_LLAMA_OUTPUT_NORM,
    RZ_LLAMA_OUTPUT,
} rz_llama_role;

typedef struct {
    char name[48];
    rz_llama_role role;
    int layer; /* -1 outside the blocks */
    uint32_t n_dims;
    /* dims[0] is the input (contiguous) dimension, as ggml stores a PyTorch (out, in) matrix. */
    uint64_t dims[2];
} rz_llama_tensor;

/* Rejects zero sizes, heads that do not divide dim, and kv heads that do not divide heads. */
rz_status rz_llama_check(const rz_llama_hparams *hp, const char *source, rz_error *err);

/* Adds general.architecture = "llama" and every llama.* key llama.cpp uses (context_length,
 * embedding_length, block_count, feed_forward_length, rope.dimension_count = dim / heads,
 * attention.head_count, attention.head_count_kv, attention.layer_norm_rms_epsilon,
 * rope.freq_base, vocab_size). */
rz_status rz_llama_add_kv(rz_gguf_writer *w, const rz_llama_hparams *hp, rz_error *err);

/* Lists, in file order, token_embd, then per layer attn_norm, attn_q, attn_k, attn_v, attn_output,
 * ffn_norm, ffn_gate, ffn_down, ffn_up, then output_norm and (unless tied) output. A malloc'd
 * list (*n entries); the caller frees it. */
rz_status rz_llama_tensors(const rz_llama_hparams *hp, rz_llama_tensor **out, size_t *n,
                           rz_error *err);

#endif
