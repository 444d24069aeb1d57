#include "engine/tokenizer/trie.h"

#include <stdlib.h>

static size_t slot_of(const rz_tok_trie *t, uint64_t key) {
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 20) & t->mask;
    while (t->keys[i] && t->keys[i] != key)
        i = (i + 1) & t->mask;
    return i;
}

rz_status rz_tok_trie_init(rz_tok_trie *t, size_t total_bytes, rz_error *err) {
    *t = (rz_tok_trie){0};
    size_t cap = 16;
    while (cap < 2 * (total_bytes + 1))
        cap *= 2;
    t->keys = calloc(cap, sizeof *t->keys);
    t->child = malloc(cap * sizeof *t->child);
    t->term = malloc((total_bytes + 1) * sizeof *t->term);
    if (!t->keys || !t->child || !t->term) {
        rz_tok_trie_deinit(t);
        return rz_fail(err, RZ_ENOMEM, "tokenizer: cannot allocate the special-token trie");
    }
    t->mask = cap - 1;
    t->cap_nodes = (uint32_t)(total_bytes + 1);
    t->n_nodes = 1;
    t->term[0] = -1;
    return RZ_OK;
}

void rz_tok_trie_deinit(rz_tok_trie *t) {
    free(t->keys);
    free(t->child);
    free(t->term);
    *t = (rz_tok_trie){0};
}

void rz_tok_trie_add(rz_tok_trie *t, const char *text, size_t len, int32_t id) {
    uint32_t node = 0;
    if (len) t->first[(uint8_t)text[0] >> 3] |= (uint8_t)(1u << ((uint8_t)text[0] & 7));
    for (size_t i = 0; i < len; i++) {
        uint64_t key = ((uint64_t)node << 8 | (uint8_t)text[i]) + 1;
        size_t s = slot_of(t, key);
        if (!t->keys[s]) {
            t->keys[s] = key;
            t->child[s] = t->n_nodes;
            t->term[t->n_nodes++] = -1;
        }
        node = t->child[s];
    }
    if (t->term[node] < 0) t->term[node] = id;
}

void rz_tok_trie_prefixes(const rz_tok_trie *t, const char *s, size_t n,
                          void (*hit)(void *ctx, int32_t id, size_t len), void *ctx) {
    if (!n || !(t->first[(uint8_t)s[0] >> 3] & (1u << ((uint8_t)s[0] & 7)))) return;
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = ((uint64_t)node << 8 | (uint8_t)s[i]) + 1;
        size_t slot = slot_of(t, key);
        if (!t->keys[slot]) return;
        node = t->child[slot];
        if (t->term[node] >= 0) hit(ctx, t->term[node], i + 1);
    }
}
