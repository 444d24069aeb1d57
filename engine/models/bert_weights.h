/* rz_bert_weights: a BERT encoder's tensors as float32 arrays in one allocation, whatever their
 * type in the file (F32, F16, BF16; any type the backend dequantizes, for GGUF).
 * Contract: matrices are stored as the files store them: out_features rows of in_features. */
#ifndef RZ_MODELS_BERT_WEIGHTS_H
#define RZ_MODELS_BERT_WEIGHTS_H

#include "engine/core/status.h"
#include "engine/models/bert_config.h"

typedef struct {
    float *q, *q_bias, *k, *k_bias, *v, *v_bias; /* [dim][dim], [dim] */
    float *attn_out, *attn_out_bias;             /* [dim][dim], [dim] */
    float *attn_norm, *attn_norm_bias;           /* [dim]: after attention + residual */
    float *ffn_up, *ffn_up_bias;                 /* [hidden_dim][dim], [hidden_dim] */
    float *ffn_down, *ffn_down_bias;             /* [dim][hidden_dim], [dim] */
    float *out_norm, *out_norm_bias;             /* [dim]: after the FFN + residual */
} rz_bert_layer;

typedef struct {
    float *token_embd;                 /* [vocab_size][dim] */
    float *position_embd;              /* [max_positions][dim] */
    float *type_embd;                  /* [n_types][dim] */
    float *embd_norm, *embd_norm_bias; /* [dim] */
    rz_bert_layer *layers;             /* [n_layers] */
    float *arena;
} rz_bert_weights;

typedef rz_status (*rz_bert_fetch_fn)(void *ctx, const char *hf_name, const char *gguf_name,
                                      int rows, int cols, float *dst, rz_error *err);

/* Asks `fetch` for every tensor by its Hugging Face name (without the optional "bert." prefix) and
 * its GGUF name, with the shape the config implies (rows x cols, cols contiguous; rows 1 for a
 * vector); fetch converts it into dst or fails naming the tensor. */
rz_status rz_bert_weights_load(const rz_bert_config *c, rz_bert_fetch_fn fetch, void *ctx,
                               rz_bert_weights *w, rz_error *err);
void rz_bert_weights_free(rz_bert_weights *w);

#endif
