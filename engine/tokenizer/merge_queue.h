/* The symbol list and bigram priority queue that SentencePiece and BPE merging share.
 * Contract: a bigram is ordered by key (lower first: BPE rank, or minus the SPM score), then by
 * its left symbol's index (lower first), as llama.cpp's comparators order them. A bigram is stale
 * once either symbol's length differs from the lengths it was queued with. */
#ifndef RZ_TOKENIZER_MERGE_QUEUE_H
#define RZ_TOKENIZER_MERGE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    int32_t prev, next; /* neighbours in the list, -1 at the ends */
    uint32_t off, n;    /* span of the text; n == 0 once merged into its left neighbour */
} rz_tok_symbol;

typedef struct {
    double key;
    int32_t left, right;
    uint32_t ln, rn; /* lengths when queued */
} rz_tok_bigram;

typedef struct {
    rz_tok_symbol *sym;
    size_t n_sym, sym_cap;
    rz_tok_bigram *heap;
    size_t n_heap, heap_cap;
} rz_tok_merger;

/* Resets m to one symbol per character of text[0..n) (character = UTF-8 lead byte length,
 * clipped at the end). */
rz_status rz_tok_merger_reset(rz_tok_merger *m, const char *text, size_t n, rz_error *err);

rz_status rz_tok_merger_push(rz_tok_merger *m, double key, int32_t left, int32_t right,
                             rz_error *err);

/* Pops bigrams until a live one is found, merges its right symbol into its left, and returns the
 * left index; -1 when the queue is empty. */
int32_t rz_tok_merger_step(rz_tok_merger *m);

void rz_tok_merger_free(rz_tok_merger *m);

#endif
