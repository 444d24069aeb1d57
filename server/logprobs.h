/* rz_srv_logprobs: the log-probabilities OpenAI's API reports for each generated token: the
 * log-softmax of the raw logits the token was sampled from (before temperature, top-k or top-p,
 * as llama.cpp's server reports them), and the n most likely tokens of that distribution.
 * Contract: computed in double from the float logits; top alternatives sorted by logprob, most
 * likely first, ties to the lower id. */
#ifndef RZ_SERVER_LOGPROBS_H
#define RZ_SERVER_LOGPROBS_H

#include <stddef.h>
#include <stdint.h>

enum { RZ_SRV_MAX_TOP_LOGPROBS = 20 };

typedef struct {
    int32_t id;
    float logprob;
} rz_srv_logprob;

typedef struct {
    rz_srv_logprob token;
    size_t offset; /* of the token's text in the generated text, in bytes */
    int n_top;
    rz_srv_logprob top[RZ_SRV_MAX_TOP_LOGPROBS];
} rz_srv_logprob_entry;

/* The entry of token id drawn from logits[0..n_vocab), with its n_top (at most
 * RZ_SRV_MAX_TOP_LOGPROBS) most likely alternatives; offset is left 0. */
void rz_srv_logprobs(const float *logits, int n_vocab, int32_t id, int n_top,
                     rz_srv_logprob_entry *e);

#endif
