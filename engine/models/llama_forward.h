/* The llama-family forward pass over an F16 (default, as llama.cpp's) or F32 KV cache, a batch
 * of tokens at a time.
 * Contract: weight products go through the state's backend (one token: rz_matvec_mt; several:
 * rz_matmul_mt, which reads each weight byte once per batch), attention through
 * rz_llama_attend; both split over n_threads threads. The logits of a token do not depend on
 * how its prompt was batched nor on the thread count: they are bit-identical. A state belongs to
 * one caller at a time; several states may share one model. */
#ifndef RZ_MODELS_LLAMA_FORWARD_H
#define RZ_MODELS_LLAMA_FORWARD_H

#include <stdint.h>

#include "backends/backend.h"
#include "engine/core/pool.h"
#include "engine/core/status.h"
#include "engine/models/llama_model.h"

/* Tokens per batch of a prompt: each weight matrix is read once per batch (TinyLlama-shape
 * prompts of 512 tokens on Zen 4, AVX-512, 128 against 64: Q8_0 +9%, Q6_K +7%, SmolLM2 +5%;
 * 256 gave little more). */
enum { RZ_LLAMA_BATCH = 128 };

typedef struct {
    const rz_backend *be;
    rz_pool *pool; /* NULL: one thread; else its workers pinned to cores (rz_pool_pin) */
    int pinned;    /* workers hwloc bound */
    int n_ctx, n_batch;
    float *x;          /* residual stream [n_batch][dim] */
    float *xb;         /* normed input of a block [n_batch][dim] */
    float *xb2;        /* block output [n_batch][dim] */
    float *q;          /* [n_batch][n_heads * head_dim] */
    float *att;        /* attention output [n_batch][n_heads * head_dim_v] */
    float *scores;     /* per thread [n_threads][n_ctx] */
    float *hb;         /* FFN gate [n_batch][hidden_dim] */
    float *hb2;        /* FFN up [n_batch][hidden_dim] */
    float *logits;     /* [vocab_size] */
    float *kt;         /* a batch's keys before they enter the cache [n_batch][kv_dim] */
    float *vt;         /* its values [n_batch][n_kv_heads * head_dim_v] */
    void *xq;          /* rz_matmul_mt's scratch: a batch of the widest projection input */
    uint32_t kv_type;  /* RZ_TYPE_F16 or RZ_TYPE_F32: the cache's element type */
    void *key_cache;   /* [n_layers][n_ctx][n_kv_heads * head_dim] of kv_type */
    void *value_cache; /* [n_layers][n_ctx][n_kv_heads * head_dim_v] of kv_type */
} rz_llama_state;

/* rz_llama_state_init sizes every buffer for the model's config, a context of n_ctx positions
 * (1 <= n_ctx) and batches of n_batch = min(n_ctx, RZ_LLAMA_BATCH) tokens
 * (rz_llama_state_init_batched: min(n_ctx, n_batch), n_batch >= 1), with an F16 KV cache
 * (rz_llama_state_init_kv: kv_type RZ_TYPE_F16 or RZ_TYPE_F32); nothing is allocated
 * afterwards. be NULL: the active backend. n_threads < 1 is taken as 1. */
rz_status rz_llama_state_init(const rz_llama_config *c, int n_ctx, const rz_backend *be,
                              int n_threads, rz_llama_state *s, rz_error *err);
rz_status rz_llama_state_init_batched(const rz_llama_config *c, int n_ctx, int n_batch,
                                      const rz_backend *be, int n_threads, rz_llama_state *s,
                                      rz_error *err);
rz_status rz_llama_state_init_kv(const rz_llama_config *c, int n_ctx, int n_batch, uint32_t kv_type,
                                 const rz_backend *be, int n_threads, rz_llama_state *s,
                                 rz_error *err);
/* Bytes of the KV cache of a state of n_ctx positions (what rz_llama_state_init_kv allocates). */
size_t rz_llama_kv_bytes(const rz_llama_config *c, int n_ctx, uint32_t kv_type);
void rz_llama_state_deinit(rz_llama_state *s);

/* A batch of one token. */
rz_status rz_llama_forward(const rz_llama_model *m, rz_llama_state *s, int32_t token, int pos,
                           rz_error *err);

/* Runs n tokens (1 <= n <= n_batch) at positions pos0..pos0+n-1 (pos0 + n <= n_ctx; positions
 * 0..pos0-1 must already be in the cache); with logits NULL it leaves the last token's vocab_size
 * logits in s->logits, otherwise it writes every token's logits to logits[t * vocab_size]. */
rz_status rz_llama_forward_batch(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                 int n, int pos0, float *logits, rz_error *err);

/* Runs any number of tokens in batches and leaves the last one's logits. */
rz_status rz_llama_forward_prompt(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                  int n, int pos0, rz_error *err);

#endif
