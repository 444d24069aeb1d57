#include "engine/tokenizer/tokenizer.h"

#include <stdlib.h>

#include "engine/tokenizer/encoders.h"

void rz_tok_scratch_free(rz_tok_scratch *s) {
    rz_tok_merger_free(&s->merger);
    rz_tok_words_free(&s->words);
    rz_tok_bytes_free(&s->text);
}

static rz_status encode(const rz_tok_vocab *v, const char *text, const rz_tok_fragment *f,
                        size_t n_frags, rz_tok_scratch *s, rz_tok_ids *out, rz_error *err) {
    bool prev_special = true; /* SentencePiece prefixes a space to the first fragment */
    rz_status st = RZ_OK;
    for (size_t i = 0; !st && i < n_frags; i++) {
        if (f[i].token >= 0) {
            st = rz_tok_ids_push(out, f[i].token, err);
            prev_special = true;
            continue;
        }
        const char *t = text + f[i].off;
        if (v->kind == RZ_TOK_SPM)
            st =
                rz_tok_spm_encode(v, t, f[i].len, v->add_space_prefix && prev_special, s, out, err);
        else if (v->kind == RZ_TOK_BPE)
            st = rz_tok_bpe_encode(v, t, f[i].len, s, out, err);
        else
            st = rz_tok_wpm_encode(v, t, f[i].len, s, out, err);
        prev_special = false;
    }
    return st;
}

rz_status rz_tok_tokenize(const rz_tok_vocab *v, const char *text, size_t len, unsigned flags,
                          rz_tok_ids *out, rz_error *err) {
    bool add = flags & RZ_TOK_ADD_SPECIAL, wpm = v->kind == RZ_TOK_WPM;
    rz_tok_fragment *frags = NULL;
    size_t n_frags = 0;
    rz_tok_scratch s = {0};
    rz_status st = RZ_OK;
    if (add && (wpm || v->add_bos) && v->bos >= 0) st = rz_tok_ids_push(out, v->bos, err);
    if (!st && len)
        st = rz_tok_partition(v, text, len, flags & RZ_TOK_PARSE_SPECIAL, &frags, &n_frags, err);
    if (!st) st = encode(v, text, frags, n_frags, &s, out, err);
    if (!st && add && wpm && v->sep >= 0) st = rz_tok_ids_push(out, v->sep, err);
    if (!st && add && !wpm && v->add_eos) st = rz_tok_ids_push(out, v->eos, err);
    free(frags);
    rz_tok_scratch_free(&s);
    return st;
}
