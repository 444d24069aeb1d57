#include "engine/tokenizer/gguf_vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const rz_gguf *g;
    rz_error *err;
    char model[32], pre[64], name[128], arch[64];
} reader;

static rz_status bad(reader *r, const rz_gguf_kv *kv, const char *key, const char *expected) {
    if (!kv)
        return rz_fail(r->err, RZ_EFORMAT, "%s: %s: expected %s, key absent", r->g->source, key,
                       expected);
    return rz_fail(r->err, RZ_EFORMAT, "%s: offset %llu: %s: expected %s, got %s", r->g->source,
                   (unsigned long long)kv->offset, key, expected,
                   rz_gguf_type_name(kv->value.type));
}

/* Copies an optional string value into buf (NUL-terminated); absent leaves buf empty. */
static rz_status get_string(reader *r, const char *key, char *buf, size_t cap, bool required) {
    const rz_gguf_kv *kv = rz_gguf_find(r->g, key);
    buf[0] = 0;
    if (!kv) return required ? bad(r, kv, key, "a string") : RZ_OK;
    if (kv->value.type != RZ_GGUF_STRING) return bad(r, kv, key, "a string");
    snprintf(buf, cap, "%.*s", (int)kv->value.s.len, kv->value.s.data);
    return RZ_OK;
}

static const rz_gguf_value *get_array(reader *r, const char *key, rz_gguf_type a, rz_gguf_type b,
                                      uint64_t min_n, rz_status *st) {
    const rz_gguf_kv *kv = rz_gguf_find(r->g, key);
    *st = RZ_OK;
    if (!kv) return NULL;
    const rz_gguf_value *v = &kv->value;
    if (v->type != RZ_GGUF_ARRAY || (v->arr.elem != a && v->arr.elem != b)) {
        char what[64];
        snprintf(what, sizeof what, "an array of %s", rz_gguf_type_name(a));
        *st = bad(r, kv, key, what);
        return NULL;
    }
    if (v->arr.n < min_n) {
        *st = rz_fail(r->err, RZ_EFORMAT,
                      "%s: offset %llu: %s: expected at least %llu elements, got %llu",
                      r->g->source, (unsigned long long)kv->offset, key, (unsigned long long)min_n,
                      (unsigned long long)v->arr.n);
        return NULL;
    }
    return v;
}

static void get_id(reader *r, const char *key, int64_t *id) {
    uint64_t u;
    if (rz_gguf_get_u64(r->g, key, &u) && u <= INT32_MAX) *id = (int64_t)u;
}

static void get_flag(reader *r, const char *key, int8_t *flag) {
    bool b;
    if (rz_gguf_get_bool(r->g, key, &b)) *flag = b;
}

static rz_status texts_of(const rz_gguf_value *v, rz_tok_text **out, rz_error *err) {
    *out = malloc((v->arr.n ? v->arr.n : 1) * sizeof **out);
    if (!*out) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    for (uint64_t i = 0; i < v->arr.n; i++)
        (*out)[i] = (rz_tok_text){v->arr.items[i].s.data, (uint32_t)v->arr.items[i].s.len};
    return RZ_OK;
}

rz_status rz_tok_vocab_from_gguf(const rz_gguf *g, rz_tok_vocab *v, rz_error *err) {
    reader r = {.g = g, .err = err};
    rz_tok_spec s = rz_tok_spec_init();
    rz_status st = get_string(&r, "tokenizer.ggml.model", r.model, sizeof r.model, true);
    if (!st) st = get_string(&r, "tokenizer.ggml.pre", r.pre, sizeof r.pre, false);
    if (!st) st = get_string(&r, "general.name", r.name, sizeof r.name, false);
    if (!st) st = get_string(&r, "general.architecture", r.arch, sizeof r.arch, false);
    if (st) return st;
    const rz_gguf_value *tokens =
        get_array(&r, "tokenizer.ggml.tokens", RZ_GGUF_STRING, RZ_GGUF_STRING, 1, &st);
    if (st) return st;
    if (!tokens) return bad(&r, NULL, "tokenizer.ggml.tokens", "an array of string");
    if (tokens->arr.n > INT32_MAX)
        return rz_fail(err, RZ_EFORMAT, "%s: tokenizer.ggml.tokens: expected at most %d tokens",
                       g->source, INT32_MAX);
    uint32_t n = (uint32_t)tokens->arr.n;
    const rz_gguf_value *scores =
        get_array(&r, "tokenizer.ggml.scores", RZ_GGUF_FLOAT32, RZ_GGUF_INT32, n, &st);
    const rz_gguf_value *types =
        st ? NULL
           : get_array(&r, "tokenizer.ggml.token_type", RZ_GGUF_INT32, RZ_GGUF_INT32, n, &st);
    const rz_gguf_value *merges =
        st ? NULL : get_array(&r, "tokenizer.ggml.merges", RZ_GGUF_STRING, RZ_GGUF_STRING, 0, &st);
    if (st) return st;
    if (!merges && !strcmp(r.model, "gpt2"))
        return bad(&r, NULL, "tokenizer.ggml.merges", "an array of string (gpt2 model)");

    rz_tok_text *texts = NULL, *merge_texts = NULL;
    float *sc = scores ? malloc(n * sizeof *sc) : NULL;
    int32_t *ty = types ? malloc(n * sizeof *ty) : NULL;
    st = texts_of(tokens, &texts, err);
    if (!st && merges) st = texts_of(merges, &merge_texts, err);
    if (!st && ((scores && !sc) || (types && !ty)))
        st = rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    for (uint32_t i = 0; !st && i < n; i++) {
        if (sc)
            sc[i] = scores->arr.elem == RZ_GGUF_FLOAT32 ? (float)rz_gguf_arr_f64(scores, i)
                                                        : (float)rz_gguf_arr_i64(scores, i);
        if (ty) ty[i] = (int32_t)rz_gguf_arr_i64(types, i);
    }
    if (!st) {
        s.model = r.model;
        s.pre = r.pre[0] ? r.pre : NULL;
        s.name = r.name;
        s.arch = r.arch;
        s.n_tokens = n;
        s.tokens = texts;
        s.scores = sc;
        s.types = ty;
        s.n_merges = merges ? (uint32_t)merges->arr.n : 0;
        s.merges = merge_texts;
        get_id(&r, "tokenizer.ggml.bos_token_id", &s.bos);
        get_id(&r, "tokenizer.ggml.eos_token_id", &s.eos);
        get_id(&r, "tokenizer.ggml.eot_token_id", &s.eot);
        get_id(&r, "tokenizer.ggml.eom_token_id", &s.eom);
        get_id(&r, "tokenizer.ggml.unknown_token_id", &s.unk);
        get_id(&r, "tokenizer.ggml.seperator_token_id", &s.sep);
        get_id(&r, "tokenizer.ggml.padding_token_id", &s.pad);
        get_id(&r, "tokenizer.ggml.mask_token_id", &s.mask);
        get_flag(&r, "tokenizer.ggml.add_bos_token", &s.add_bos);
        get_flag(&r, "tokenizer.ggml.add_eos_token", &s.add_eos);
        get_flag(&r, "tokenizer.ggml.add_sep_token", &s.add_sep);
        get_flag(&r, "tokenizer.ggml.add_space_prefix", &s.add_space_prefix);
        st = rz_tok_vocab_build(&s, v, err);
        if (st && err && strncmp(err->msg, g->source, strlen(g->source))) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s: %s", g->source, err->msg);
            memcpy(err->msg, msg, sizeof msg);
        }
    }
    free(texts);
    free(merge_texts);
    free(sc);
    free(ty);
    return st;
}

rz_status rz_tok_vocab_load(const char *path, rz_tok_vocab *v, rz_error *err) {
    rz_gguf g;
    rz_status st = rz_gguf_open(path, &g, err);
    if (st) return st;
    st = rz_tok_vocab_from_gguf(&g, v, err);
    rz_gguf_close(&g);
    return st;
}
