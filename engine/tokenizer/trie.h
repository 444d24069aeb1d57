/* rz_tok_trie: a byte trie over the special tokens' texts, so that every occurrence of every
 * special token in a text is found in one pass (llama.cpp searches once per token).
 * Contract: built once from (text, id) pairs, read-only afterwards; ids must be >= 0. */
#ifndef RZ_TOKENIZER_TRIE_H
#define RZ_TOKENIZER_TRIE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    uint64_t *keys;  /* (node << 8 | byte) + 1; 0 = empty slot */
    uint32_t *child; /* node reached from keys[i] */
    size_t mask;
    int32_t *term; /* per node: the token id whose text ends here, or -1 */
    uint32_t n_nodes, cap_nodes;
    uint8_t first[32]; /* bitmap of the bytes that start some text */
} rz_tok_trie;

/* total_bytes bounds the number of nodes (the sum of the texts' lengths). */
rz_status rz_tok_trie_init(rz_tok_trie *t, size_t total_bytes, rz_error *err);
void rz_tok_trie_deinit(rz_tok_trie *t);

/* Adds text -> id; a text added twice keeps the first id. */
void rz_tok_trie_add(rz_tok_trie *t, const char *text, size_t len, int32_t id);

/* Calls hit(ctx, id, length) for every text that is a prefix of s[0..n), shortest first. */
void rz_tok_trie_prefixes(const rz_tok_trie *t, const char *s, size_t n,
                          void (*hit)(void *ctx, int32_t id, size_t len), void *ctx);

#endif
