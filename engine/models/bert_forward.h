/* The BERT encoder's forward pass over one sequence, then pooling and L2 normalisation: a
 * sentence embedding as sentence-transformers computes it (all-MiniLM-L6-v2: token + position +
 * type-0 embeddings, LayerNorm; per layer bidirectional attention, residual, LayerNorm, exact-erf
 * GELU FFN, residual, LayerNorm; mean over every token, [CLS] and [SEP] included).
 * Contract: weight products go through the state's backend (rz_matmul_mt, F32 weights), attention
 * is split by heads over n_threads threads. A state belongs to one caller at a time; any number of
 * states may share one model. */
#ifndef RZ_MODELS_BERT_FORWARD_H
#define RZ_MODELS_BERT_FORWARD_H

#include <stdint.h>

#include "backends/backend.h"
#include "engine/core/pool.h"
#include "engine/core/status.h"
#include "engine/models/bert_model.h"

typedef struct {
    const rz_backend *be;
    rz_pool *pool; /* NULL: one thread */
    int n_threads, max_tokens;
    float *x; /* hidden states [max_tokens][dim] */
    float *q, *k, *v;
    float *ctx;    /* attention output [max_tokens][dim] */
    float *proj;   /* a block's output before the residual [max_tokens][dim] */
    float *hidden; /* FFN [max_tokens][hidden_dim] */
    float *scores; /* per thread [n_threads][max_tokens] */
} rz_bert_state;

/* Sizes every buffer for sequences of up to the model's max_seq tokens. be NULL: the active
 * backend. n_threads < 1 is taken as 1. */
rz_status rz_bert_state_init(const rz_bert_config *c, const rz_backend *be, int n_threads,
                             rz_bert_state *s, rz_error *err);
void rz_bert_state_deinit(rz_bert_state *s);

/* Takes 1 <= n <= max_seq token ids (each < vocab_size, else RZ_EINVAL) and writes dim floats of
 * unit length to out (all zero if the pooled vector is zero). */
rz_status rz_bert_encode(const rz_bert_model *m, rz_bert_state *s, const int32_t *tokens, int n,
                         float *out, rz_error *err);

/* Tokenizes text as the model's tokenizer does ([CLS] text [SEP], control tokens written in the
 * text parsed), truncates to max_seq tokens (the last kept one becomes [SEP]) and encodes it;
 * *n_tokens (when non-NULL) gets the count encoded. An empty text is [CLS] [SEP]. */
rz_status rz_bert_embed(const rz_bert_model *m, rz_bert_state *s, const char *text, size_t len,
                        float *out, int *n_tokens, rz_error *err);

#endif
