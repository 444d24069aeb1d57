#include "engine/tokenizer/map.h"

#include <stdlib.h>
#include <string.h>

enum { FNV_BASIS = 2166136261u, FNV_PRIME = 16777619u };

static uint32_t fnv(uint32_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * FNV_PRIME;
    return h;
}

static uint32_t finish(uint32_t h) {
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h;
}

rz_status rz_tok_map_init(rz_tok_map *m, size_t max_keys, rz_error *err) {
    size_t cap = 16;
    while (cap < 2 * max_keys)
        cap *= 2;
    m->slots = malloc(cap * sizeof *m->slots);
    if (!m->slots)
        return rz_fail(err, RZ_ENOMEM, "tokenizer: cannot allocate a map of %zu slots", cap);
    for (size_t i = 0; i < cap; i++)
        m->slots[i].value = -1;
    m->mask = cap - 1;
    m->n = 0;
    return RZ_OK;
}

void rz_tok_map_deinit(rz_tok_map *m) {
    free(m->slots);
    m->slots = NULL;
    m->mask = m->n = 0;
}

uint32_t rz_tok_map_hash(const char *key, size_t len) {
    return finish(fnv(FNV_BASIS, key, len));
}

int32_t rz_tok_map_put_hashed(rz_tok_map *m, const char *key, size_t len, uint32_t h,
                              int32_t value) {
    for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
        rz_tok_map_slot *s = &m->slots[i];
        if (s->value < 0) {
            *s = (rz_tok_map_slot){key, (uint32_t)len, h, value};
            m->n++;
            return value;
        }
        if (s->hash == h && s->len == len && !memcmp(s->key, key, len)) return s->value;
    }
}

void rz_tok_map_prefetch(const rz_tok_map *m, uint32_t hash) {
    __builtin_prefetch(&m->slots[hash & m->mask], 1);
}

int32_t rz_tok_map_get(const rz_tok_map *m, const char *key, size_t len) {
    uint32_t h = rz_tok_map_hash(key, len);
    for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
        const rz_tok_map_slot *s = &m->slots[i];
        if (s->value < 0) return -1;
        if (s->hash == h && s->len == len && !memcmp(s->key, key, len)) return s->value;
    }
}

int32_t rz_tok_map_get_pair(const rz_tok_map *m, const char *a, size_t na, const char *b,
                            size_t nb) {
    uint32_t h = finish(fnv(fnv(fnv(FNV_BASIS, a, na), " ", 1), b, nb));
    size_t len = na + 1 + nb;
    for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
        const rz_tok_map_slot *s = &m->slots[i];
        if (s->value < 0) return -1;
        if (s->hash == h && s->len == len && !memcmp(s->key, a, na) && s->key[na] == ' ' &&
            !memcmp(s->key + na + 1, b, nb))
            return s->value;
    }
}
