/* rz_kld_base: what a KL-divergence run keeps of the base model, per scored position: the
 * log-probability of the actual next token and the top_k most likely tokens with their
 * log-probabilities (exact, float32), plus the chunk tokens that were evaluated.
 * Contract: a KLD computed from this record
 * is exact over the top_k tokens and lumps the rest of the vocabulary into one bin, so it is a
 * lower bound of the full KLD that differs from it only by how Q redistributes the base's tail
 * mass among tokens outside the top_k (see kld.h). */
#ifndef RZ_PERPLEXITY_KLD_BASE_H
#define RZ_PERPLEXITY_KLD_BASE_H

#include <stdint.h>

#include "engine/core/status.h"
#include "engine/perplexity/chunks.h"

enum { RZ_KLD_TOP_K = 128 };

typedef struct {
    int n_ctx, n_vocab, n_chunks, first, top_k;
    int32_t *tokens; /* [n_chunks][n_ctx], BOS already in place */
    float *target;   /* [n_positions] log p(actual next token) */
    int32_t *top_id; /* [n_positions][top_k], most likely first */
    float *top_logp; /* [n_positions][top_k] */
    double *scratch; /* [n_vocab] */
} rz_kld_base;

int64_t rz_kld_base_positions(const rz_kld_base *b);

/* Sizes the arrays for a plan. top_k in 1..n_vocab. */
rz_status rz_kld_base_init(int n_ctx, int n_vocab, int n_chunks, int top_k, rz_kld_base *b,
                           rz_error *err);
void rz_kld_base_deinit(rz_kld_base *b);

/* Stores position i (0 <= i < n_positions, chunk-major) from one row of logits. */
void rz_kld_base_record(rz_kld_base *b, int64_t i, const float *logits, int32_t next);

/* The plan a base was recorded with (its own tokens, BOS already placed). */
rz_ppl_plan rz_kld_base_plan(const rz_kld_base *b);

#endif
