#include "engine/tokenizer/pretok.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/pretok_table.h"
#include "engine/tokenizer/buf.h"
#include "engine/tokenizer/utf8.h"

/* Unicode White_Space, the set llama.cpp's \s stands for (PCRE2's also has U+180E). */
#define WS_BODY                                                                                    \
    "\\t\\n\\x0B\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"      \
    "\\x{205F}\\x{3000}"

struct rz_tok_pretok {
    size_t n;
    char *source[RZ_TOK_MAX_REGEXES];
    pcre2_code *code[RZ_TOK_MAX_REGEXES];
};

/* Rewrites \s and \S (inside and outside classes) to the White_Space set. */
static char *rewrite(const char *re) {
    size_t cap = strlen(re) * 8 + 256, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    int in_class = 0;
    for (const char *p = re; *p; p++) {
        const char *add = NULL;
        char pair[3] = {0};
        if (p[0] == '\\' && p[1]) {
            p++;
            if (*p == 's')
                add = in_class ? WS_BODY : "[" WS_BODY "]";
            else if (*p == 'S')
                add = "[^" WS_BODY "]";
            else
                pair[0] = '\\', pair[1] = *p, add = pair;
        } else {
            if (*p == '[' && !in_class)
                in_class = 1;
            else if (*p == ']' && in_class)
                in_class = 0;
            pair[0] = *p, add = pair;
        }
        size_t len = strlen(add);
        if (o + len + 1 > cap) {
            char *grown = realloc(out, cap *= 2);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + o, add, len);
        o += len;
    }
    out[o] = 0;
    return out;
}

void rz_tok_pretok_free(rz_tok_pretok *p) {
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->source[i]);
        pcre2_code_free(p->code[i]);
    }
    free(p);
}

rz_status rz_tok_pretok_create(const char *name, rz_tok_pretok **out, rz_tok_pre_info *info,
                               rz_error *err) {
    const rz_tok_regex_set *set = rz_tok_pre_lookup(name, info);
    if (!set)
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "tokenizer.ggml.pre: expected a known pre-tokenizer name, got '%s'", name);
    rz_tok_pretok *p = calloc(1, sizeof *p);
    if (!p) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    for (size_t i = 0; i < RZ_TOK_MAX_REGEXES && set->regex[i]; i++) {
        p->source[i] = rewrite(set->regex[i]);
        p->n = i + 1;
        if (!p->source[i]) {
            rz_tok_pretok_free(p);
            return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
        }
        int code;
        PCRE2_SIZE at;
        p->code[i] =
            pcre2_compile((PCRE2_SPTR)p->source[i], PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK, &code, &at, NULL);
        if (!p->code[i]) {
            PCRE2_UCHAR msg[128];
            pcre2_get_error_message(code, msg, sizeof msg);
            rz_fail(err, RZ_EFORMAT, "pre-tokenizer '%s', regex %zu, offset %zu: %s",
                    name ? name : "", i, (size_t)at, (const char *)msg);
            rz_tok_pretok_free(p);
            return RZ_EFORMAT;
        }
        pcre2_jit_compile(p->code[i], PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    }
    *out = p;
    return RZ_OK;
}

void rz_tok_words_free(rz_tok_words *w) {
    free(w->buf);
    free(w->start);
    free(w->cps);
    free(w->boff);
    free(w->enc);
    free(w->cuts);
    free(w->cuts2);
    pcre2_match_data_free(w->match);
    memset(w, 0, sizeof *w);
}

/* Decodes text into w->cps and re-encodes it into w->enc (w->boff: byte offset of each code
 * point). Surrogates, which PCRE2 cannot take, are written as U+FFFF into the match copy only:
 * both have three bytes and neither is a letter, number, mark, punctuation or space. */
static int decode(rz_tok_words *w, const uint8_t *text, size_t n, size_t *n_cp) {
    if (rz_tok_reserve((void **)&w->cps, &w->cps_cap, n + 1, sizeof *w->cps) ||
        rz_tok_reserve((void **)&w->boff, &w->boff_cap, n + 1, sizeof *w->boff) ||
        rz_tok_reserve((void **)&w->enc, &w->enc_cap, 2 * (4 * n + 4), 1))
        return -1;
    size_t pos = 0, k = 0, o = 0;
    while (pos < n) {
        uint32_t cp = rz_tok_utf8_decode(text, n, &pos);
        w->cps[k] = cp;
        w->boff[k++] = o;
        o += rz_tok_utf8_encode(cp, w->enc + o);
    }
    w->boff[k] = o;
    uint8_t *m = w->enc + w->enc_cap / 2;
    memcpy(m, w->enc, o);
    for (size_t i = 0; i < k; i++)
        if (w->cps[i] >= 0xD800 && w->cps[i] <= 0xDFFF) rz_tok_utf8_encode(0xFFFF, m + w->boff[i]);
    *n_cp = k;
    return 0;
}

/* Code point index of byte offset b, searching forward from *cursor. */
static size_t cp_at(const rz_tok_words *w, size_t *cursor, size_t b) {
    while (w->boff[*cursor] < b)
        (*cursor)++;
    return *cursor;
}

static int add_cut(rz_tok_words *w, size_t *n, size_t cut) {
    if (*n && w->cuts2[*n - 1] == cut) return 0;
    if (rz_tok_reserve((void **)&w->cuts2, &w->cuts2_cap, *n + 1, sizeof *w->cuts2)) return -1;
    w->cuts2[(*n)++] = cut;
    return 0;
}

/* Applies one regex to every chunk [cuts[i], cuts[i+1]); the new boundaries go to cuts2. */
static rz_status apply(const pcre2_code *code, rz_tok_words *w, size_t n_cuts, size_t *n_out,
                       rz_error *err) {
    const uint8_t *m = w->enc + w->enc_cap / 2;
    pcre2_match_data *md = w->match;
    size_t n2 = 0;
    if (add_cut(w, &n2, w->cuts[0])) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    for (size_t c = 0; c + 1 < n_cuts; c++) {
        size_t cs = w->cuts[c], ce = w->cuts[c + 1], cursor = cs;
        const uint8_t *subj = m + w->boff[cs];
        size_t len = w->boff[ce] - w->boff[cs], at = 0;
        uint32_t opts = 0;
        while (at <= len) {
            int rc = pcre2_match(code, subj, len, at, opts | PCRE2_NO_UTF_CHECK, md, NULL);
            if (rc == PCRE2_ERROR_NOMATCH) {
                if (!opts) break;
                opts = 0; /* no non-empty match here: step one character and search again */
                if (at == len) break;
                at += rz_tok_utf8_len(subj[at]);
                continue;
            }
            if (rc < 0) {
                PCRE2_UCHAR msg[128];
                pcre2_get_error_message(rc, msg, sizeof msg);
                return rz_fail(err, RZ_EFORMAT, "pre-tokenizer: text offset %zu: %s",
                               w->boff[cs] + at, (const char *)msg);
            }
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t mb = ov[0], me = ov[1];
            if (add_cut(w, &n2, cp_at(w, &cursor, w->boff[cs] + mb)) ||
                add_cut(w, &n2, cp_at(w, &cursor, w->boff[cs] + me)))
                return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
            at = me;
            opts = mb == me ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
        }
        if (add_cut(w, &n2, ce)) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    }
    *n_out = n2;
    return RZ_OK;
}

static rz_status emit_words(rz_tok_words *w, size_t n_cuts, bool byte_encode, rz_error *err) {
    size_t total = w->boff[w->cuts[n_cuts - 1]] - w->boff[w->cuts[0]];
    if (rz_tok_reserve((void **)&w->buf, &w->buf_cap, 2 * total + 1, 1) ||
        rz_tok_reserve((void **)&w->start, &w->start_cap, n_cuts + 1, sizeof *w->start))
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    size_t o = 0, k = 0;
    for (size_t c = 0; c + 1 < n_cuts; c++) {
        size_t b0 = w->boff[w->cuts[c]], b1 = w->boff[w->cuts[c + 1]];
        if (b0 == b1) continue;
        w->start[k++] = o;
        if (!byte_encode) {
            memcpy(w->buf + o, w->enc + b0, b1 - b0);
            o += b1 - b0;
            continue;
        }
        for (size_t b = b0; b < b1; b++)
            o += rz_tok_utf8_encode(rz_tok_byte_to_cp(w->enc[b]), w->buf + o);
    }
    w->start[k] = o;
    w->n_words = k;
    return RZ_OK;
}

rz_status rz_tok_pretok_split(const rz_tok_pretok *p, const uint8_t *text, size_t n,
                              bool byte_encode, rz_tok_words *w, rz_error *err) {
    size_t n_cp;
    w->n_words = 0;
    if (!w->match && !(w->match = pcre2_match_data_create(16, NULL)))
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    if (decode(w, text, n, &n_cp) ||
        rz_tok_reserve((void **)&w->cuts, &w->cuts_cap, 2, sizeof *w->cuts))
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory for %zu bytes of text", n);
    if (!n_cp) {
        if (rz_tok_reserve((void **)&w->start, &w->start_cap, 1, sizeof *w->start))
            return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
        w->start[0] = 0;
        return RZ_OK;
    }
    w->cuts[0] = 0;
    w->cuts[1] = n_cp;
    size_t n_cuts = 2;
    for (size_t r = 0; r < p->n; r++) {
        rz_status st = apply(p->code[r], w, n_cuts, &n_cuts, err);
        if (st) return st;
        size_t *t = w->cuts, tc = w->cuts_cap;
        w->cuts = w->cuts2, w->cuts_cap = w->cuts2_cap;
        w->cuts2 = t, w->cuts2_cap = tc;
    }
    return emit_words(w, n_cuts, byte_encode, err);
}
