#include "engine/tokenizer/buf.h"

#include <stdlib.h>
#include <string.h>

rz_status rz_tok_ids_push(rz_tok_ids *v, int32_t id, rz_error *err) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        int32_t *ids = realloc(v->ids, cap * sizeof *ids);
        if (!ids) return rz_fail(err, RZ_ENOMEM, "tokenizer: cannot grow ids to %zu", cap);
        v->ids = ids;
        v->cap = cap;
    }
    v->ids[v->n++] = id;
    return RZ_OK;
}

void rz_tok_ids_free(rz_tok_ids *v) {
    free(v->ids);
    *v = (rz_tok_ids){0};
}

rz_status rz_tok_bytes_append(rz_tok_bytes *b, const void *data, size_t len, rz_error *err) {
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return rz_fail(err, RZ_ENOMEM, "tokenizer: cannot grow text to %zu bytes", cap);
        b->data = d;
        b->cap = cap;
    }
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
    return RZ_OK;
}

void rz_tok_bytes_free(rz_tok_bytes *b) {
    free(b->data);
    *b = (rz_tok_bytes){0};
}

int rz_tok_reserve(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}
