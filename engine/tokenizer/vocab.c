#include "engine/tokenizer/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/utf8.h"
#include "engine/tokenizer/vocab_internal.h"

rz_tok_spec rz_tok_spec_init(void) {
    return (rz_tok_spec){
        .bos = RZ_TOK_UNSET,
        .eos = RZ_TOK_UNSET,
        .eot = RZ_TOK_UNSET,
        .eom = RZ_TOK_UNSET,
        .unk = RZ_TOK_UNSET,
        .sep = RZ_TOK_UNSET,
        .pad = RZ_TOK_UNSET,
        .mask = RZ_TOK_UNSET,
        .add_bos = -1,
        .add_eos = -1,
        .add_sep = -1,
        .add_space_prefix = -1,
    };
}

static uint32_t attr_of_type(int32_t type) {
    switch (type) {
    case RZ_TOK_TYPE_NORMAL:
        return RZ_TOK_ATTR_NORMAL;
    case RZ_TOK_TYPE_UNKNOWN:
        return RZ_TOK_ATTR_UNKNOWN;
    case RZ_TOK_TYPE_CONTROL:
        return RZ_TOK_ATTR_CONTROL;
    case RZ_TOK_TYPE_USER_DEFINED:
        return RZ_TOK_ATTR_USER_DEFINED;
    case RZ_TOK_TYPE_UNUSED:
        return RZ_TOK_ATTR_UNUSED;
    case RZ_TOK_TYPE_BYTE:
        return RZ_TOK_ATTR_BYTE;
    default:
        return 0;
    }
}

/* Per-model defaults, as llama.cpp's llama_vocab::impl::load sets them. */
static rz_status set_model(rz_tok_vocab *v, const rz_tok_spec *s, rz_error *err) {
    const char *m = s->model ? s->model : "";
    v->bos = v->eos = v->eot = v->eom = v->unk = v->sep = v->pad = v->mask = RZ_TOK_NULL;
    if (!strcmp(m, "llama")) {
        v->kind = RZ_TOK_SPM;
        v->bos = 1, v->eos = 2, v->unk = 0;
        v->add_space_prefix = v->add_bos = true;
    } else if (!strcmp(m, "bert")) {
        v->kind = RZ_TOK_WPM;
        v->bos = 101, v->unk = 100, v->sep = 102, v->pad = 0, v->mask = 103;
        v->add_bos = v->add_sep = v->clean_spaces = true;
        v->lowercase = v->strip_accents = true;
    } else if (!strcmp(m, "gpt2")) {
        v->kind = RZ_TOK_BPE;
        v->bos = v->eos = 11;
        rz_tok_pre_info info;
        rz_status st = rz_tok_pretok_create(s->pre, &v->pretok, &info, err);
        if (st) return st;
        v->clean_spaces = info.clean_spaces;
        v->ignore_merges = info.ignore_merges;
        v->add_bos = info.add_bos;
        v->add_sep = info.add_sep;
        if (info.no_bos) v->bos = RZ_TOK_NULL;
    } else {
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "tokenizer.ggml.model: expected llama, gpt2 or bert, got '%s'", m);
    }
    snprintf(v->model, sizeof v->model, "%s", m);
    snprintf(v->pre, sizeof v->pre, "%s", s->pre ? s->pre : "");
    if (s->add_space_prefix >= 0) v->add_space_prefix = s->add_space_prefix;
    return RZ_OK;
}

/* PUT_AHEAD: a loop of map puts hashes the key that many puts ahead and prefetches its slot
 * (Gemma 3's 262144 tokens on Zen 4, interleaved processes: the vocabulary built in 37-53 ms
 * without, 28-39 with). */
enum { PUT_AHEAD = 16 };

/* The keys of a loop of puts into map: key(keys, i, &len) is put i's. */
typedef struct {
    const rz_tok_map *map;
    const char *(*key)(const void *keys, uint32_t i, size_t *len);
    const void *keys;
    uint32_t n;
    uint32_t hash[PUT_AHEAD]; /* put j's key's at j % PUT_AHEAD */
} puts_ahead;

/* Put i's key's hash, its slot on its way into the cache. */
static uint32_t hash_ahead(const puts_ahead *a, uint32_t i) {
    size_t len;
    const char *key = a->key(a->keys, i, &len);
    const uint32_t h = rz_tok_map_hash(key, len);
    rz_tok_map_prefetch(a->map, h);
    return h;
}

static void ahead_init(puts_ahead *a, const rz_tok_map *map,
                       const char *(*key)(const void *, uint32_t, size_t *), const void *keys,
                       uint32_t n) {
    *a = (puts_ahead){.map = map, .key = key, .keys = keys, .n = n};
    for (uint32_t j = 0; j < PUT_AHEAD && j < n; j++)
        a->hash[j] = hash_ahead(a, j);
}

/* Put i's key's hash (the puts in order 0, 1, ...), the key PUT_AHEAD puts later hashed. */
static uint32_t ahead_take(puts_ahead *a, uint32_t i) {
    const uint32_t h = a->hash[i % PUT_AHEAD];
    if (i + PUT_AHEAD < a->n) a->hash[i % PUT_AHEAD] = hash_ahead(a, i + PUT_AHEAD);
    return h;
}

static const char *token_key(const void *keys, uint32_t i, size_t *len) {
    const rz_tok_token *t = (const rz_tok_token *)keys + i;
    *len = t->len;
    return t->text;
}

static const char *text_key(const void *keys, uint32_t i, size_t *len) {
    const rz_tok_text *t = (const rz_tok_text *)keys + i;
    *len = t->len;
    return t->text;
}

static rz_status copy_tokens(rz_tok_vocab *v, const rz_tok_spec *s, rz_error *err) {
    size_t bytes = 0;
    for (uint32_t i = 0; i < s->n_tokens; i++)
        bytes += (s->tokens[i].len ? s->tokens[i].len : 24) + 1;
    v->n_tokens = s->n_tokens;
    v->tokens = calloc(s->n_tokens ? s->n_tokens : 1, sizeof *v->tokens);
    v->arena = malloc(bytes ? bytes : 1);
    if (!v->tokens || !v->arena) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    rz_status st = rz_tok_map_init(&v->ids, s->n_tokens, err);
    if (st) return st;
    char *o = v->arena;
    for (uint32_t i = 0; i < s->n_tokens; i++) {
        rz_tok_token *t = &v->tokens[i];
        t->text = o;
        if (s->tokens[i].len) {
            memcpy(o, s->tokens[i].text, s->tokens[i].len);
            t->len = s->tokens[i].len;
        } else {
            t->len = (uint32_t)sprintf(o, "[EMPTY_%u]", i);
        }
        o[t->len] = 0;
        o += t->len + 1;
        t->score = s->scores ? s->scores[i] : 0.0f;
        t->attr = s->types ? attr_of_type(s->types[i]) : RZ_TOK_ATTR_NORMAL;
        if (t->len > v->max_token_len) v->max_token_len = t->len;
        for (const char *p = t->text;
             (p = memmem(p + 1, t->len - (size_t)(p + 1 - t->text), "\xE2\x96\x81", 3));)
            v->joins_space[(uint8_t)p[-1] >> 3] |= (uint8_t)(1u << ((uint8_t)p[-1] & 7));
    }
    puts_ahead a;
    ahead_init(&a, &v->ids, token_key, v->tokens, s->n_tokens);
    for (uint32_t i = 0; i < s->n_tokens; i++) {
        const rz_tok_token *t = &v->tokens[i];
        int32_t had =
            rz_tok_map_put_hashed(&v->ids, t->text, t->len, ahead_take(&a, i), (int32_t)i);
        if (had != (int32_t)i)
            return rz_fail(err, RZ_EFORMAT,
                           "tokenizer.ggml.tokens: token %u ('%.*s') duplicates token %d", i,
                           (int)(t->len > 40 ? 40 : t->len), t->text, had);
    }
    return RZ_OK;
}

/* Merges "left right" split at the first space after the first byte, lower rank kept. */
static rz_status copy_merges(rz_tok_vocab *v, const rz_tok_spec *s, rz_error *err) {
    size_t bytes = 1;
    for (uint32_t i = 0; i < s->n_merges; i++)
        bytes += s->merges[i].len + 1;
    v->merge_arena = malloc(bytes);
    rz_status st = rz_tok_map_init(&v->merges, s->n_merges, err);
    if (st) return st;
    if (!v->merge_arena) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    char *o = v->merge_arena;
    puts_ahead a;
    ahead_init(&a, &v->merges, text_key, s->merges, s->n_merges);
    for (uint32_t i = 0; i < s->n_merges; i++) {
        const rz_tok_text *m = &s->merges[i];
        const uint32_t h = ahead_take(&a, i);
        const char *sp = m->len > 1 ? memchr(m->text + 1, ' ', m->len - 1) : NULL;
        if (!sp) continue;
        memcpy(o, m->text, m->len);
        rz_tok_map_put_hashed(&v->merges, o, m->len, h, (int32_t)i);
        o += m->len;
    }
    return RZ_OK;
}

static void set_id(int32_t *id, int64_t given, uint32_t n) {
    if (*id >= 0 && (uint32_t)*id >= n) *id = RZ_TOK_NULL;
    if (given != RZ_TOK_UNSET && given >= 0 && given < n) *id = (int32_t)given;
}

static rz_status set_specials(rz_tok_vocab *v, const rz_tok_spec *s, rz_error *err) {
    uint32_t n = v->n_tokens;
    set_id(&v->bos, s->bos, n);
    set_id(&v->eos, s->eos, n);
    set_id(&v->eot, s->eot, n);
    set_id(&v->eom, s->eom, n);
    set_id(&v->unk, s->unk, n);
    set_id(&v->sep, s->sep, n);
    set_id(&v->pad, s->pad, n);
    set_id(&v->mask, s->mask, n);
    if (s->add_bos >= 0) v->add_bos = s->add_bos;
    if (s->add_eos >= 0) v->add_eos = s->add_eos;
    if (s->add_sep >= 0) v->add_sep = s->add_sep;
    if (v->add_bos && v->bos == RZ_TOK_NULL)
        return rz_fail(
            err, RZ_EFORMAT,
            "tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set");
    if (v->add_eos && v->eos == RZ_TOK_NULL)
        return rz_fail(
            err, RZ_EFORMAT,
            "tokenizer.ggml.add_eos_token is true, but tokenizer.ggml.eos_token_id is not set");
    if (v->add_sep && v->sep == RZ_TOK_NULL)
        return rz_fail(
            err, RZ_EFORMAT,
            "tokenizer.ggml.add_sep_token is true, but tokenizer.ggml.seperator_token_id is not set");
    return RZ_OK;
}

rz_status rz_tok_vocab_build(const rz_tok_spec *spec, rz_tok_vocab *v, rz_error *err) {
    memset(v, 0, sizeof *v);
    rz_status st = set_model(v, spec, err);
    if (!st && !spec->n_tokens)
        st = rz_fail(err, RZ_EFORMAT, "tokenizer.ggml.tokens: expected at least one token");
    if (!st) st = copy_tokens(v, spec, err);
    if (!st && v->kind == RZ_TOK_BPE) st = copy_merges(v, spec, err);
    if (!st) st = set_specials(v, spec, err);
    if (!st) st = rz_tok_vocab_mark_special(v, spec, err);
    if (!st) st = rz_tok_vocab_index_special(v, err);
    if (st) rz_tok_vocab_free(v);
    return st;
}

void rz_tok_vocab_free(rz_tok_vocab *v) {
    free(v->tokens);
    free(v->arena);
    rz_tok_map_deinit(&v->ids);
    rz_tok_map_deinit(&v->merges);
    free(v->merge_arena);
    rz_tok_pretok_free(v->pretok);
    free(v->special);
    free(v->special_rank);
    rz_tok_trie_deinit(&v->special_trie);
    free(v->eog);
    memset(v, 0, sizeof *v);
}

int32_t rz_tok_find(const rz_tok_vocab *v, const char *s, size_t n) {
    return rz_tok_map_get(&v->ids, s, n);
}

bool rz_tok_is_eog(const rz_tok_vocab *v, int32_t id) {
    for (uint32_t i = 0; i < v->n_eog; i++)
        if (v->eog[i] == id) return true;
    return false;
}

int32_t rz_tok_byte_token(const rz_tok_vocab *v, uint8_t b) {
    char buf[8];
    if (v->kind != RZ_TOK_SPM) {
        size_t n = rz_tok_utf8_encode(rz_tok_byte_to_cp(b), (uint8_t *)buf);
        return rz_tok_find(v, buf, n);
    }
    snprintf(buf, sizeof buf, "<0x%02X>", b);
    int32_t id = rz_tok_find(v, buf, 6);
    return id != RZ_TOK_NULL ? id : rz_tok_find(v, (const char *)&b, 1);
}
