#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

/* Appends s[0..n) with every U+2581 written as a space. */
static rz_status unescape(const char *s, size_t n, rz_tok_bytes *out, rz_error *err) {
    rz_status st = RZ_OK;
    for (size_t i = 0; !st && i < n;) {
        if (n - i >= 3 && !memcmp(s + i, "\xE2\x96\x81", 3)) {
            st = rz_tok_bytes_append(out, " ", 1, err);
            i += 3;
            continue;
        }
        size_t j = i;
        while (j < n && !(n - j >= 3 && !memcmp(s + j, "\xE2\x96\x81", 3)))
            j++;
        st = rz_tok_bytes_append(out, s + i, j - i, err);
        i = j;
    }
    return st;
}

/* GPT-2 alphabet back to bytes; a character outside it is written as llama.cpp writes it. */
static rz_status decode_bytes(const char *s, size_t n, rz_tok_bytes *out, rz_error *err) {
    rz_status st = RZ_OK;
    for (size_t i = 0; !st && i < n;) {
        uint32_t cp = rz_tok_utf8_decode((const uint8_t *)s, n, &i);
        int b = rz_tok_cp_to_byte(cp);
        if (b >= 0) {
            uint8_t c = (uint8_t)b;
            st = rz_tok_bytes_append(out, &c, 1, err);
            continue;
        }
        uint8_t u[4];
        size_t ul = rz_tok_utf8_encode(cp, u);
        char hex[16];
        st = rz_tok_bytes_append(out, "[UNK_BYTE_0x", 12, err);
        for (size_t k = 0; !st && k < ul; k++) {
            snprintf(hex, sizeof hex, "%02x", u[k]);
            st = rz_tok_bytes_append(out, hex, 2, err);
        }
        if (!st) st = rz_tok_bytes_append(out, s, n, err);
        if (!st) st = rz_tok_bytes_append(out, "]", 1, err);
    }
    return st;
}

static rz_status piece_into(const rz_tok_vocab *v, int32_t id, bool special, rz_tok_bytes *out,
                            rz_error *err) {
    const rz_tok_token *t = &v->tokens[id];
    uint32_t attr = t->attr;
    if (attr & (RZ_TOK_ATTR_UNKNOWN | RZ_TOK_ATTR_CONTROL | RZ_TOK_ATTR_USER_DEFINED)) {
        if (!special && (attr & (RZ_TOK_ATTR_UNKNOWN | RZ_TOK_ATTR_CONTROL))) return RZ_OK;
        return rz_tok_bytes_append(out, t->text, t->len, err);
    }
    if (attr & RZ_TOK_ATTR_NORMAL)
        return v->kind == RZ_TOK_BPE ? decode_bytes(t->text, t->len, out, err)
                                     : unescape(t->text, t->len, out, err);
    if ((attr & RZ_TOK_ATTR_BYTE) && t->len >= 5) {
        char hex[3] = {t->text[3], t->text[4], 0};
        uint8_t b = (uint8_t)strtol(hex, NULL, 16);
        return rz_tok_bytes_append(out, &b, 1, err);
    }
    return RZ_OK;
}

rz_status rz_tok_piece(const rz_tok_vocab *v, int32_t id, bool special, int lstrip,
                       rz_tok_bytes *out, rz_error *err) {
    if (id < 0 || (uint32_t)id >= v->n_tokens)
        return rz_fail(err, RZ_EINVAL, "token id %d: expected 0..%u", id, v->n_tokens - 1);
    size_t start = out->len;
    rz_status st = piece_into(v, id, special, out, err);
    if (st) return st;
    size_t k = 0;
    while (k < (size_t)lstrip && start + k < out->len && out->data[start + k] == ' ')
        k++;
    if (k) {
        memmove(out->data + start, out->data + start + k, out->len - start - k + 1);
        out->len -= k;
    }
    return RZ_OK;
}

/* llama.cpp's clean-up: " ?", " !", " .", " ," lose the space; " ' " loses both; " 's", " 'm",
 * " 're", " 've" lose the space. */
static void clean_spaces(char *t, size_t *len) {
    size_t n = *len, o = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        char x = t[i];
        if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) o--;
        t[o++] = x;
    }
    n = o, o = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        char x = t[i];
        if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
            o--;
            t[++i] = 0;
        }
        t[o++] = x;
    }
    n = o, o = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        char x = t[i];
        if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
            char x1 = t[i + 1];
            if (x1 == 's' || x1 == 'm')
                o--;
            else if (i + 2 < n &&
                     ((x1 == 'r' && t[i + 2] == 'e') || (x1 == 'v' && t[i + 2] == 'e')))
                o--;
        }
        t[o++] = x;
    }
    *len = o;
}

rz_status rz_tok_detokenize(const rz_tok_vocab *v, const int32_t *ids, size_t n, unsigned flags,
                            rz_tok_bytes *out, rz_error *err) {
    bool remove_space = v->add_space_prefix;
    if ((flags & RZ_TOK_REMOVE_SPECIAL) && v->add_bos && n && ids[0] == v->bos) {
        remove_space = false;
        ids++, n--;
    }
    if ((flags & RZ_TOK_REMOVE_SPECIAL) && v->add_eos && n && ids[n - 1] == v->eos) n--;
    size_t start = out->len;
    rz_status st = rz_tok_bytes_append(out, "", 0, err);
    for (size_t i = 0; !st && i < n; i++) {
        st = rz_tok_piece(v, ids[i], flags & RZ_TOK_UNPARSE_SPECIAL, remove_space, out, err);
        remove_space = false;
    }
    if (st || !v->clean_spaces || (flags & RZ_TOK_KEEP_SPACES)) return st;
    size_t len = out->len - start;
    clean_spaces(out->data + start, &len);
    out->len = start + len;
    out->data[out->len] = 0;
    return RZ_OK;
}
