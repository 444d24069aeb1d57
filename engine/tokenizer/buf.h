/* Growable arrays the tokenizer API fills: token ids and bytes.
 * Contract: a zero-initialised value is empty and valid; appends grow geometrically and fail only
 * with RZ_ENOMEM (leaving the contents intact); the caller frees with the matching _free. */
#ifndef RZ_TOKENIZER_BUF_H
#define RZ_TOKENIZER_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    int32_t *ids;
    size_t n, cap;
} rz_tok_ids;

typedef struct {
    char *data; /* NUL-terminated after any successful append */
    size_t len, cap;
} rz_tok_bytes;

/* Grows *p (an array of elements of size elem, capacity *cap) to hold at least `need` elements,
 * doubling from 64; returns -1 (leaving *p intact) when realloc fails, else 0. */
int rz_tok_reserve(void **p, size_t *cap, size_t need, size_t elem);

rz_status rz_tok_ids_push(rz_tok_ids *v, int32_t id, rz_error *err);
void rz_tok_ids_free(rz_tok_ids *v);

rz_status rz_tok_bytes_append(rz_tok_bytes *b, const void *data, size_t len, rz_error *err);
void rz_tok_bytes_free(rz_tok_bytes *b);

#endif
