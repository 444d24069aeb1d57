/* rz_ppl_run: perplexity of a llama-family model over chunks of tokens, llama.cpp's method
 * (chunks.h cuts them, score.h scores them), optionally recording the base model's
 * log-probabilities for a KL-divergence run or comparing against such a record.
 * Contract: the result owns its arrays (rz_ppl_result_free). */
#ifndef RZ_PERPLEXITY_PERPLEXITY_H
#define RZ_PERPLEXITY_PERPLEXITY_H

#include <stdint.h>

#include "engine/core/status.h"
#include "engine/models/llama_forward.h"
#include "engine/perplexity/chunks.h"
#include "engine/perplexity/kld.h"
#include "engine/perplexity/kld_base.h"

typedef struct {
    int chunk, n_chunks; /* chunk is 1-based */
    double ppl, ppl_err; /* running estimate over chunks 1..chunk */
    double chunk_ppl;    /* this chunk alone */
    double seconds;      /* since the start */
} rz_ppl_progress;

typedef struct {
    const rz_llama_model *model;
    rz_llama_state *state;
    rz_ppl_plan plan;
    const int32_t *tokens; /* the tokenized text; chunk c starts at c * n_ctx */
    rz_kld_base *record;   /* non-NULL: sized for the plan, filled from these logits */
    /* With compare set, the plan and the tokens come from the record (job->plan and job->tokens
     * are ignored) and every position's rz_kld_point is pushed into job->kld. */
    const rz_kld_base *compare; /* non-NULL: the base to compare against */
    rz_kld_acc *kld;            /* with compare: receives one point per scored position */
    /* When set, called after each chunk with the running figures. */
    void (*on_chunk)(void *ctx, const rz_ppl_progress *p);
    void *on_chunk_ctx;
} rz_ppl_job;

typedef struct {
    rz_ppl_plan plan;
    double ppl, ppl_err;
    int64_t n_scored;
    double *nll;         /* [n_scored] per position, chunk-major */
    double *chunk_ppl;   /* [n_chunks] each chunk alone */
    double *running;     /* [n_chunks] running estimate after each chunk */
    double seconds;      /* wall time of the whole run */
    int64_t n_evaluated; /* tokens that went through the forward pass */
} rz_ppl_result;

/* Per chunk, positions 0..first-1 go through rz_llama_forward_prompt, then positions
 * first..n_ctx-2 through rz_llama_forward_batch in batches of the state's n_batch, each scored
 * against the next token (position n_ctx-1 is never needed: its logits predict nothing inside
 * the chunk). The logits, hence the figures, are those of one position at a time
 * (rz_llama_forward_batch's contract). The state must hold at least plan.n_ctx positions. */
rz_status rz_ppl_run(const rz_ppl_job *job, rz_ppl_result *out, rz_error *err);
void rz_ppl_result_free(rz_ppl_result *r);

#endif
