/* Special-token partition. llama.cpp searches the text once per special token, longest first;
 * here one trie pass finds every occurrence of every token, and occurrences are then claimed in
 * the same order (token rank, then position), which yields the same fragments. */
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/encoders.h"

typedef struct {
    uint32_t rank, len;
    size_t pos;
    int32_t id;
} occurrence;

typedef struct {
    const rz_tok_vocab *v;
    bool parse_special;
    size_t pos;
    occurrence *occ;
    size_t n, cap;
    bool oom;
} collector;

static void hit(void *ctx, int32_t id, size_t len) {
    collector *c = ctx;
    uint32_t attr = c->v->tokens[id].attr;
    if (!c->parse_special && (attr & (RZ_TOK_ATTR_CONTROL | RZ_TOK_ATTR_UNKNOWN))) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        occurrence *o = realloc(c->occ, cap * sizeof *o);
        if (!o) {
            c->oom = true;
            return;
        }
        c->occ = o;
        c->cap = cap;
    }
    c->occ[c->n++] = (occurrence){c->v->special_rank[id], (uint32_t)len, c->pos, id};
}

static int by_rank_then_pos(const void *a, const void *b) {
    const occurrence *x = a, *y = b;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_pos(const void *a, const void *b) {
    const occurrence *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static bool is_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

enum { RAW = 0, TOKEN = 1, STRIPPED = 2 };

/* Claims occurrences in rank order; returns how many were kept (moved to the front). */
static size_t claim(const rz_tok_vocab *v, const char *text, size_t n, uint8_t *state,
                    occurrence *occ, size_t n_occ) {
    size_t kept = 0;
    for (size_t i = 0; i < n_occ; i++) {
        occurrence o = occ[i];
        bool free_span = true;
        for (size_t b = o.pos; b < o.pos + o.len && free_span; b++)
            free_span = state[b] == RAW;
        if (!free_span) continue;
        memset(state + o.pos, TOKEN, o.len);
        uint32_t attr = v->tokens[o.id].attr;
        if (attr & RZ_TOK_ATTR_LSTRIP)
            for (size_t b = o.pos; b > 0 && state[b - 1] == RAW && is_space(text[b - 1]); b--)
                state[b - 1] = STRIPPED;
        if (attr & RZ_TOK_ATTR_RSTRIP)
            for (size_t b = o.pos + o.len; b < n && state[b] == RAW && is_space(text[b]); b++)
                state[b] = STRIPPED;
        occ[kept++] = o;
    }
    return kept;
}

static rz_status fragments(const uint8_t *state, size_t n, const occurrence *occ, size_t n_occ,
                           rz_tok_fragment **frags, size_t *n_frags, rz_error *err) {
    rz_tok_fragment *f = malloc((2 * n_occ + 1) * sizeof *f);
    if (!f) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    size_t k = 0, next = 0;
    for (size_t b = 0; b < n;) {
        if (next < n_occ && occ[next].pos == b) {
            f[k++] = (rz_tok_fragment){b, occ[next].len, occ[next].id};
            b += occ[next++].len;
        } else if (state[b] == STRIPPED) {
            b++;
        } else {
            size_t e = b;
            while (e < n && state[e] == RAW)
                e++;
            f[k++] = (rz_tok_fragment){b, e - b, RZ_TOK_NULL};
            b = e;
        }
    }
    *frags = f;
    *n_frags = k;
    return RZ_OK;
}

rz_status rz_tok_partition(const rz_tok_vocab *v, const char *text, size_t n, bool parse_special,
                           rz_tok_fragment **frags, size_t *n_frags, rz_error *err) {
    collector c = {.v = v, .parse_special = parse_special};
    for (c.pos = 0; v->n_special && c.pos < n && !c.oom; c.pos++)
        rz_tok_trie_prefixes(&v->special_trie, text + c.pos, n - c.pos, hit, &c);
    if (c.oom) {
        free(c.occ);
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    }
    if (!c.n) {
        *frags = malloc(sizeof **frags);
        if (!*frags) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
        (*frags)[0] = (rz_tok_fragment){0, n, RZ_TOK_NULL};
        *n_frags = n ? 1 : 0;
        return RZ_OK;
    }
    uint8_t *state = calloc(n, 1);
    if (!state) {
        free(c.occ);
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    }
    qsort(c.occ, c.n, sizeof *c.occ, by_rank_then_pos);
    size_t kept = claim(v, text, n, state, c.occ, c.n);
    qsort(c.occ, kept, sizeof *c.occ, by_pos);
    rz_status st = fragments(state, n, c.occ, kept, frags, n_frags, err);
    free(state);
    free(c.occ);
    return st;
}
