/* The inside of rz_cuda_llama, shared by model_new.c (upload, allocation) and model_forward.c
 * (the decode graph and prompt processing). Device pointers are named d_*. */
#ifndef RZ_BACKENDS_CUDA_MODEL_H
#define RZ_BACKENDS_CUDA_MODEL_H

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/device.h"

typedef struct {
    uint32_t type;
    const void *d;
    int64_t rows, cols;
} rzc_matrix;

typedef struct {
    const float *d_attn_norm, *d_ffn_norm;
    rzc_matrix wq, wk, wv, wo, gate, up, down;
} rzc_layer;

struct rz_cuda_llama {
    rz_llama_config c;
    int n_ctx, n_batch;
    uint64_t weight_bytes;
    rzc_stream s;
    rzc_graph *decode; /* captured on the first rz_cuda_llama_forward */
    rzc_matrix embd, output;
    const float *d_out_norm;
    rzc_layer *layers;
    float *d_kc, *d_vc; /* [n_layers][n_ctx][kv_dim or v_dim] */
    float *d_x, *d_xb, *d_xb2, *d_q, *d_k, *d_v, *d_att, *d_hb, *d_hb2; /* n_batch rows each */
    float *d_logits;
    int32_t *d_tokens; /* n_batch */
    int *d_pos;        /* the position of the first token of the batch */
    int32_t *h_io;     /* pinned: token, position (the decode graph copies them in) */
    float *h_logits;   /* pinned, vocab_size */
    void **allocs;     /* every device allocation, freed together */
    int n_allocs, cap_allocs;
};

#endif
