/* Text to scored chunks, as llama.cpp's perplexity tool cuts them. */
#ifndef RZ_PERPLEXITY_CHUNKS_H
#define RZ_PERPLEXITY_CHUNKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/tokenizer/tokenizer.h"

typedef struct {
    int n_ctx, n_chunks, first;
    bool add_bos;
    int32_t bos;
} rz_ppl_plan;

/* Drops one trailing '\n' (llama.cpp's -f does), then tokenizes the whole text with the
 * vocabulary's BOS/EOS (RZ_TOK_ADD_SPECIAL; control tokens written in the text stay text),
 * appending to out. */
rz_status rz_ppl_tokenize(const rz_tok_vocab *v, const char *text, size_t len, rz_tok_ids *out,
                          rz_error *err);

/* Needs at least 2 * n_ctx tokens (llama.cpp's rule) and n_ctx >= 4 even; cuts non-overlapping
 * chunks of n_ctx tokens (at most max_chunks when > 0) and scores positions
 * first = n_ctx / 2 .. n_ctx - 2 of each (the logits at j predict token j + 1). */
rz_status rz_ppl_plan_make(size_t n_tokens, int n_ctx, int max_chunks, const rz_tok_vocab *v,
                           rz_ppl_plan *p, rz_error *err);

/* Scored positions per chunk: n_ctx - 1 - first. */
int rz_ppl_scored(const rz_ppl_plan *p);

/* Copies chunk c and, when the vocabulary adds BOS, puts BOS first. */
void rz_ppl_chunk(const rz_ppl_plan *p, const int32_t *tokens, int c, int32_t *out);

#endif
