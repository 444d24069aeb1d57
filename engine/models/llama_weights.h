/* rz_llama_weights: pointers to a llama-family model's matrices inside an open GGUF (zero copy)
 * and copies of its norm vectors. Contract: the matrices borrow the GGUF's memory, so the GGUF
 * must stay open while they are used; the norm vectors, read every token, are owned copies, so
 * that nothing of a file mapping but the matrices' pages is touched after load. */
#ifndef RZ_MODELS_LLAMA_WEIGHTS_H
#define RZ_MODELS_LLAMA_WEIGHTS_H

#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/models/llama_config.h"

/* A row-major matrix: rows of cols elements of a ggml type, each row_bytes long, in the GGUF;
 * packed, when not NULL, is a copy of it in the packed type packed_type inside the weights'
 * packed_arena (engine/models/llama_pack.h), which the CPU kernels read instead where their
 * backend has a kernel for packed_type. */
typedef struct {
    uint32_t type;
    const void *data;
    int64_t rows, cols;
    uint64_t row_bytes;
    uint32_t packed_type;
    void *packed;
} rz_llama_matrix;

typedef struct {
    const float *attn_norm;   /* [dim] */
    const float *q_norm;      /* [head_dim], has_qk_norm only */
    const float *k_norm;      /* [head_dim], has_qk_norm only */
    const float *attn_post;   /* [dim], has_post_norms only */
    const float *ffn_norm;    /* [dim] */
    const float *ffn_post;    /* [dim], has_post_norms only */
    rz_llama_matrix wq;       /* [n_heads * head_dim] x dim */
    rz_llama_matrix wk;       /* [n_kv_heads * head_dim] x dim */
    rz_llama_matrix wv;       /* [n_kv_heads * head_dim_v] x dim */
    rz_llama_matrix wo;       /* dim x [n_heads * head_dim_v] */
    rz_llama_matrix ffn_gate; /* hidden_dim x dim */
    rz_llama_matrix ffn_up;   /* hidden_dim x dim */
    rz_llama_matrix ffn_down; /* dim x hidden_dim */
} rz_llama_layer;

typedef struct {
    rz_llama_matrix token_embd; /* vocab_size x dim */
    rz_llama_matrix output;     /* vocab_size x dim; token_embd when tied */
    const float *output_norm;   /* [dim] */
    rz_llama_layer *layers;     /* n_layers, owned */
    float *vectors;             /* every norm vector's copy, owned */
    int n_layers;
    void *packed_arena; /* every matrix's packed copy, owned; NULL when none is packed */
} rz_llama_weights;

/* Checks every tensor the config implies: present, 2-D matrices of shape [cols, rows] as GGUF
 * stores them (cols contiguous, a whole number of the type's blocks, a type rz can dequantize),
 * norm vectors F32 of the expected length. A failure names the tensor, its type or shape, and
 * what was expected. output.weight is optional: without it the output projection is
 * token_embd.weight (tied embeddings). */
rz_status rz_llama_weights_bind(const rz_gguf *g, const rz_llama_config *c, rz_llama_weights *w,
                                rz_error *err);
/* Frees the layers and the packed copies (the arena). */
void rz_llama_weights_free(rz_llama_weights *w);

#endif
