/* rz_tok_map: a fixed-capacity open-addressing hash map from byte strings to non-negative ids,
 * used for token text -> id and for BPE merge "left right" -> rank.
 * Contract: keys are not copied (they must outlive the map); the capacity is chosen at init for
 * the number of keys the caller will insert and never grows; lookups never allocate. */
#ifndef RZ_TOKENIZER_MAP_H
#define RZ_TOKENIZER_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    const char *key;
    uint32_t len;
    uint32_t hash;
    int32_t value; /* -1: empty slot */
} rz_tok_map_slot;

typedef struct {
    rz_tok_map_slot *slots;
    size_t mask; /* capacity - 1 (capacity is a power of two) */
    size_t n;
} rz_tok_map;

/* Room for up to max_keys keys at a load factor of at most 1/2. */
rz_status rz_tok_map_init(rz_tok_map *m, size_t max_keys, rz_error *err);
void rz_tok_map_deinit(rz_tok_map *m);

/* key's hash, for rz_tok_map_put_hashed and rz_tok_map_prefetch. */
uint32_t rz_tok_map_hash(const char *key, size_t len);

/* Inserts key -> value (value >= 0) unless key is already present, hash being key's
 * rz_tok_map_hash; returns the value now stored under key (the older one when it was present).
 * The map must have room (see init). */
int32_t rz_tok_map_put_hashed(rz_tok_map *m, const char *key, size_t len, uint32_t hash,
                              int32_t value);

/* Starts fetching the slot where a key of that hash is probed first: a loop of puts into a large
 * map calls it for the key some puts ahead, so that the slots' cache misses overlap. */
void rz_tok_map_prefetch(const rz_tok_map *m, uint32_t hash);

/* The value under key, or -1. */
int32_t rz_tok_map_get(const rz_tok_map *m, const char *key, size_t len);

/* The value under the key a + " " + b, or -1 (no concatenation is built). */
int32_t rz_tok_map_get_pair(const rz_tok_map *m, const char *a, size_t na, const char *b,
                            size_t nb);

#endif
