#include <string.h>

#include "engine/tokenizer/encoders.h"

static const char escaped_space[] = "\xE2\x96\x81";

static rz_status escape(rz_tok_bytes *b, const char *text, size_t n, bool prefix_space,
                        rz_error *err) {
    b->len = 0;
    rz_status st = prefix_space ? rz_tok_bytes_append(b, escaped_space, 3, err) : RZ_OK;
    for (size_t i = 0; !st && i < n;) {
        const char *sp = memchr(text + i, ' ', n - i);
        size_t run = sp ? (size_t)(sp - (text + i)) : n - i;
        st = rz_tok_bytes_append(b, text + i, run, err);
        if (!st && sp) st = rz_tok_bytes_append(b, escaped_space, 3, err);
        i += run + (sp != NULL);
    }
    return st ? st : rz_tok_bytes_append(b, "", 0, err);
}

static rz_status try_bigram(const rz_tok_vocab *v, rz_tok_merger *m, const char *text, int32_t left,
                            int32_t right, rz_error *err) {
    if (left < 0 || right < 0) return RZ_OK;
    const rz_tok_symbol *l = &m->sym[left], *r = &m->sym[right];
    int32_t id = rz_tok_find(v, text + l->off, l->n + r->n);
    if (id < 0) return RZ_OK;
    return rz_tok_merger_push(m, -(double)v->tokens[id].score, left, right, err);
}

static rz_status emit(const rz_tok_vocab *v, const char *s, size_t n, rz_tok_ids *out,
                      rz_error *err) {
    int32_t id = rz_tok_find(v, s, n);
    if (id >= 0) return rz_tok_ids_push(out, id, err);
    for (size_t j = 0; j < n; j++) {
        int32_t b = rz_tok_byte_token(v, (uint8_t)s[j]);
        if (b < 0) b = v->unk;
        if (b < 0) continue;
        rz_status st = rz_tok_ids_push(out, b, err);
        if (st) return st;
    }
    return RZ_OK;
}

static rz_status encode_segment(const rz_tok_vocab *v, const char *t, size_t n, rz_tok_merger *m,
                                rz_tok_ids *out, rz_error *err) {
    rz_status st = rz_tok_merger_reset(m, t, n, err);
    if (st) return st;
    for (int32_t i = 1; i < (int32_t)m->n_sym; i++)
        if ((st = try_bigram(v, m, t, i - 1, i, err))) return st;
    for (int32_t left; (left = rz_tok_merger_step(m)) >= 0;) {
        if ((st = try_bigram(v, m, t, m->sym[left].prev, left, err))) return st;
        if ((st = try_bigram(v, m, t, left, m->sym[left].next, err))) return st;
    }
    for (int32_t i = m->n_sym ? 0 : -1; i >= 0; i = m->sym[i].next)
        if ((st = emit(v, t + m->sym[i].off, m->sym[i].n, out, err))) return st;
    return RZ_OK;
}

/* No merge can cross the boundary before a U+2581 whose preceding byte no token has before a
 * U+2581 (every merged symbol is a token), so the text is merged segment by segment: the same
 * result as one queue over the whole text, without its cost. */
static size_t next_cut(const rz_tok_vocab *v, const char *t, size_t from, size_t n) {
    for (size_t p = from + 1; p + 3 <= n; p++) {
        const char *q = memchr(t + p, '\xE2', n - p);
        if (!q) break;
        p = (size_t)(q - t);
        uint8_t prev = (uint8_t)t[p - 1];
        if (p + 3 <= n && !memcmp(q, escaped_space, 3) &&
            !(v->joins_space[prev >> 3] & (1u << (prev & 7))))
            return p;
    }
    return n;
}

rz_status rz_tok_spm_encode(const rz_tok_vocab *v, const char *text, size_t n, bool prefix_space,
                            rz_tok_scratch *s, rz_tok_ids *out, rz_error *err) {
    rz_status st = escape(&s->text, text, n, prefix_space, err);
    const char *t = s->text.data;
    for (size_t at = 0, len = s->text.len; !st && at < len;) {
        size_t cut = next_cut(v, t, at, len);
        st = encode_segment(v, t + at, cut - at, &s->merger, out, err);
        at = cut;
    }
    return st;
}
