#include "engine/tokenizer/encoders.h"

static rz_status add_bigram(const rz_tok_vocab *v, rz_tok_merger *m, const char *word, int32_t left,
                            int32_t right, rz_error *err) {
    if (left < 0 || right < 0) return RZ_OK;
    const rz_tok_symbol *l = &m->sym[left], *r = &m->sym[right];
    int32_t rank = rz_tok_map_get_pair(&v->merges, word + l->off, l->n, word + r->off, r->n);
    if (rank < 0) return RZ_OK;
    return rz_tok_merger_push(m, rank, left, right, err);
}

/* A symbol that is not a token is written byte by byte, each byte as a one-byte token text
 * when there is one, and otherwise dropped (llama.cpp does the same). */
static rz_status emit(const rz_tok_vocab *v, const char *s, size_t n, rz_tok_ids *out,
                      rz_error *err) {
    int32_t id = rz_tok_find(v, s, n);
    if (id >= 0) return rz_tok_ids_push(out, id, err);
    for (size_t j = 0; j < n; j++) {
        int32_t b = rz_tok_find(v, s + j, 1);
        if (b < 0) continue;
        rz_status st = rz_tok_ids_push(out, b, err);
        if (st) return st;
    }
    return RZ_OK;
}

static rz_status encode_word(const rz_tok_vocab *v, const char *word, size_t n, rz_tok_merger *m,
                             rz_tok_ids *out, rz_error *err) {
    if (v->ignore_merges) {
        int32_t id = rz_tok_find(v, word, n);
        if (id >= 0) return rz_tok_ids_push(out, id, err);
    }
    rz_status st = rz_tok_merger_reset(m, word, n, err);
    if (st) return st;
    for (int32_t i = 1; i < (int32_t)m->n_sym; i++)
        if ((st = add_bigram(v, m, word, i - 1, i, err))) return st;
    for (int32_t left; (left = rz_tok_merger_step(m)) >= 0;) {
        if ((st = add_bigram(v, m, word, m->sym[left].prev, left, err))) return st;
        if ((st = add_bigram(v, m, word, left, m->sym[left].next, err))) return st;
    }
    for (int32_t i = m->n_sym ? 0 : -1; i >= 0; i = m->sym[i].next)
        if ((st = emit(v, word + m->sym[i].off, m->sym[i].n, out, err))) return st;
    return RZ_OK;
}

rz_status rz_tok_bpe_encode(const rz_tok_vocab *v, const char *text, size_t n, rz_tok_scratch *s,
                            rz_tok_ids *out, rz_error *err) {
    rz_tok_words *w = &s->words;
    rz_status st = rz_tok_pretok_split(v->pretok, (const uint8_t *)text, n, true, w, err);
    for (size_t i = 0; !st && i < w->n_words; i++)
        st = encode_word(v, (const char *)w->buf + w->start[i], w->start[i + 1] - w->start[i],
                         &s->merger, out, err);
    return st;
}
