/* WordPiece as llama.cpp's llm_tokenizer_wpm: words split at whitespace and around punctuation,
 * ASCII symbols and CJK ideographs; each word gets a U+2581 prefix and is covered greedily by the
 * longest tokens; a word that cannot be covered becomes the unknown token. */
#include "engine/tokenizer/encoders.h"
#include "engine/tokenizer/unicode_tables.h"
#include "engine/tokenizer/utf8.h"

static bool is_chinese(uint32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static rz_status encode_word(const rz_tok_vocab *v, const char *w, size_t n, rz_tok_ids *out,
                             rz_error *err) {
    size_t before = out->n;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + v->max_token_len + 1 < n ? i + v->max_token_len + 1 : n;
        int32_t id = RZ_TOK_NULL;
        for (; j > i && id < 0; j--)
            id = rz_tok_find(v, w + i, j - i);
        if (id < 0) {
            out->n = before;
            break;
        }
        rz_status st = rz_tok_ids_push(out, id, err);
        if (st) return st;
        i = j;
    }
    if (out->n == before && v->unk >= 0) return rz_tok_ids_push(out, v->unk, err);
    return RZ_OK;
}

/* Ends the current word (buf holds U+2581 and the word's bytes) and encodes it. */
static rz_status flush(const rz_tok_vocab *v, rz_tok_bytes *word, rz_tok_ids *out, rz_error *err) {
    rz_status st = word->len > 3 ? encode_word(v, word->data, word->len, out, err) : RZ_OK;
    word->len = 3;
    return st;
}

rz_status rz_tok_wpm_encode(const rz_tok_vocab *v, const char *text, size_t n, rz_tok_scratch *s,
                            rz_tok_ids *out, rz_error *err) {
    rz_tok_bytes *word = &s->text;
    word->len = 0;
    rz_status st = rz_tok_bytes_append(word, "\xE2\x96\x81", 3, err);
    for (size_t pos = 0; !st && pos < n;) {
        uint32_t cp = rz_tok_utf8_decode((const uint8_t *)text, n, &pos);
        if (v->strip_accents) cp = rz_tok_unicode_nfd_first(cp);
        if (rz_tok_unicode_is_space(cp)) {
            st = flush(v, word, out, err);
            continue;
        }
        int cls = rz_tok_unicode_class(cp);
        if (cp == 0 || cp == RZ_TOK_REPLACEMENT || cls == RZ_TOK_CLASS_CONTROL) continue;
        if (v->strip_accents && cls == RZ_TOK_CLASS_MARK) continue;
        uint8_t u[4];
        size_t ul = rz_tok_utf8_encode(v->lowercase ? rz_tok_unicode_lower(cp) : cp, u);
        bool alone = cls == RZ_TOK_CLASS_PUNCT || (cp < 0x7F && cls == RZ_TOK_CLASS_SYMBOL) ||
                     is_chinese(cp);
        if (alone) st = flush(v, word, out, err);
        if (!st) st = rz_tok_bytes_append(word, u, ul, err);
        if (!st && alone) st = flush(v, word, out, err);
    }
    return st ? st : flush(v, word, out, err);
}
