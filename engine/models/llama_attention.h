/* Causal attention of a batch of query tokens over one layer's KV cache (F16 or F32), split over a
 * pool. */
#ifndef RZ_MODELS_LLAMA_ATTENTION_H
#define RZ_MODELS_LLAMA_ATTENTION_H

#include "backends/backend.h"
#include "engine/core/pool.h"
#include "engine/models/llama_config.h"

typedef struct {
    const rz_llama_config *c;
    const rz_backend *be;
    const float *q;      /* n tokens x n_heads x head_dim (normed and roped) */
    const void *k_layer; /* [n_ctx][n_kv_heads * head_dim], f16 or f32 */
    const void *v_layer; /* [n_ctx][n_kv_heads * head_dim_v], f16 or f32 */
    bool kv_f16;         /* the cache holds f16 (be->dot_f16, be->axpy_f16), else f32 */
    float *att;          /* head h of token t writes att[t][h * head_dim_v] */
    float *scores;       /* scratch: rz_pool_size(pool) x n_ctx x (n_heads / n_kv_heads) floats */
    int n_ctx;
    int n, pos0;
    int window; /* 0: every earlier position */
} rz_attention_job;

/* Token t sits at position pos0 + t and attends to cache positions first..pos0 + t, where first
 * is pos0 + t - window + 1 for a sliding window (window > 0, when positive) and 0 otherwise;
 * those keys and values must already be in the cache. The items (a token's query heads that
 * share a KV head, or part of them when a batch has too few items for the threads) are split
 * over the threads in contiguous runs of about equal cost (positions attended); no head's
 * arithmetic depends on the split, so the output is the same for any thread count. */
void rz_llama_attend(rz_pool *pool, const rz_attention_job *job);

#endif
