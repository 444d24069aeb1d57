/* The llama-family forward pass: one token at a time against a float32 KV cache.
 * Contract: rz_llama_state_new sizes every buffer for the model's config and a context of n_ctx
 * positions (1 <= n_ctx); nothing is allocated afterwards. rz_llama_forward runs token at
 * position pos (0 <= pos < n_ctx; positions 0..pos-1 must already be in the cache) and leaves
 * the vocab_size logits in s->logits. rz_llama_forward_prompt runs n tokens at positions
 * pos0..pos0+n-1 and leaves the logits of the last one. Matrix-vector products go through the
 * state's backend (rz_backend_matvec), split across n_threads threads by rows. A state belongs
 * to one caller at a time; several states may share one model. */
#ifndef RZ_MODELS_LLAMA_FORWARD_H
#define RZ_MODELS_LLAMA_FORWARD_H

#include <stdint.h>

#include "backends/backend.h"
#include "engine/core/pool.h"
#include "engine/core/status.h"
#include "engine/models/llama_model.h"

typedef struct {
    const rz_backend *be;
    rz_pool *pool; /* NULL: one thread */
    int n_ctx;
    float *x;           /* residual stream [dim] */
    float *xb;          /* normed input of a block [dim] */
    float *xb2;         /* block output [dim] */
    float *q;           /* [n_heads * head_dim] */
    float *att;         /* attention output [n_heads * head_dim_v] */
    float *scores;      /* one head's scores [n_ctx] */
    float *hb;          /* FFN gate [hidden_dim] */
    float *hb2;         /* FFN up [hidden_dim] */
    float *logits;      /* [vocab_size] */
    float *key_cache;   /* [n_layers][n_ctx][n_kv_heads * head_dim] */
    float *value_cache; /* [n_layers][n_ctx][n_kv_heads * head_dim_v] */
} rz_llama_state;

/* be NULL: the active backend. n_threads < 1 is taken as 1. */
rz_status rz_llama_state_new(const rz_llama_config *c, int n_ctx, const rz_backend *be,
                             int n_threads, rz_llama_state *s, rz_error *err);
void rz_llama_state_free(rz_llama_state *s);

rz_status rz_llama_forward(const rz_llama_model *m, rz_llama_state *s, int32_t token, int pos,
                           rz_error *err);

rz_status rz_llama_forward_prompt(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                  int n, int pos0, rz_error *err);

#endif
