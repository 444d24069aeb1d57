/* rz_generate: text in, text out.
 * Contract: the state's cache is overwritten from position 0. */
#ifndef RZ_GENERATE_GENERATE_H
#define RZ_GENERATE_GENERATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/generate/sampling.h"
#include "engine/models/llama_forward.h"
#include "engine/tokenizer/vocab.h"

typedef void (*rz_piece_fn)(void *ctx, const char *piece, size_t len);
typedef void (*rz_token_fn)(void *ctx, int32_t id, const float *logits, int n_vocab);

typedef struct {
    int n_prompt;    /* prompt tokens */
    int n_generated; /* tokens sampled and emitted (an end-of-generation token is not counted) */
    int n_decoded;   /* forward passes of generated tokens (those timed by decode_s) */
    bool stopped;    /* an end-of-generation token ended the run */
    bool cancelled;  /* the cancel flag ended the run */
    double prompt_s; /* prompt processing */
    double first_s;  /* from the start of prompt processing to the first sampled token */
    double decode_s; /* forward passes of the generated tokens */
} rz_generate_stats;

typedef struct {
    const rz_llama_model *model;
    rz_llama_state *state;
    const rz_tok_vocab *vocab;
    rz_sampler *sampler;
    rz_piece_fn on_piece;
    /* Optional: sees each emitted token's id and the raw logits it was sampled from (n_vocab of
     * them, before any temperature or truncation) just before its piece goes to on_piece. */
    rz_token_fn on_token;
    void *ctx; /* of both callbacks */
    /* Optional: read before the prompt, then before every sampled token: once it is true the run
     * ends with RZ_OK and stats.cancelled (the tokens emitted so far stay counted). */
    const atomic_bool *cancel;
} rz_generator;

/* Tokenizes the prompt (BOS as the vocabulary asks, special tokens written in the text parsed),
 * runs it through the model, then samples up to n_predict tokens, handing each one's text to
 * on_piece as soon as it is known, and stops early at an end-of-generation token (EOS, EOT, ...),
 * which is not emitted. The prompt plus n_predict must fit in the state's context (else RZ_EINVAL
 * before any work). stats, when non-NULL, receives the token counts and the wall-clock seconds of
 * prompt processing, of decoding, and to the first generated token. */
rz_status rz_generate(const rz_generator *g, const char *prompt, int n_predict,
                      rz_generate_stats *stats, rz_error *err);

#endif
