#include "engine/tokenizer/wordpiece_vocab.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const specials[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
enum { N_SPECIALS = sizeof specials / sizeof *specials };

static int special_index(const char *s, size_t n) {
    for (int i = 0; i < N_SPECIALS; i++)
        if (strlen(specials[i]) == n && !memcmp(specials[i], s, n)) return i;
    return -1;
}

typedef struct {
    rz_tok_text *tokens;
    int32_t *types;
    char *arena;
    uint32_t n;
    int64_t ids[N_SPECIALS];
} wp_lines;

static void lines_free(wp_lines *l) {
    free(l->tokens);
    free(l->types);
    free(l->arena);
}

/* Splits text into tokens, rewriting each as convert_hf_to_gguf.py does. */
static rz_status split(const char *text, size_t len, const char *source, wp_lines *l,
                       rz_error *err) {
    size_t n_lines = 1;
    for (size_t i = 0; i < len; i++)
        n_lines += text[i] == '\n';
    l->tokens = malloc(n_lines * sizeof *l->tokens);
    l->types = malloc(n_lines * sizeof *l->types);
    l->arena = malloc(len + 3 * n_lines + 1);
    if (!l->tokens || !l->types || !l->arena)
        return rz_fail(err, RZ_ENOMEM, "%s: out of memory", source);
    char *o = l->arena;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        const char *t = text + at;
        if (n && t[n - 1] == '\r') n--;
        int sp = special_index(t, n);
        l->tokens[l->n].text = o;
        l->types[l->n] = sp >= 0 ? RZ_TOK_TYPE_CONTROL : RZ_TOK_TYPE_NORMAL;
        if (sp >= 0) {
            l->ids[sp] = l->n;
        } else if (n >= 2 && t[0] == '#' && t[1] == '#') {
            t += 2, n -= 2;
        } else {
            memcpy(o, "\xE2\x96\x81", 3);
            o += 3;
        }
        memcpy(o, t, n);
        o += n;
        l->tokens[l->n].len = (uint32_t)(o - l->tokens[l->n].text);
        l->n++;
        at = end + 1;
    }
    for (int i = 1; i <= 3; i++)
        if (l->ids[i] == RZ_TOK_UNSET)
            return rz_fail(err, RZ_EFORMAT, "%s: expected a line %s, found none", source,
                           specials[i]);
    return RZ_OK;
}

rz_status rz_tok_vocab_from_vocab_txt(const char *text, size_t len, const char *source,
                                      bool lowercase, bool strip_accents, rz_tok_vocab *v,
                                      rz_error *err) {
    wp_lines l = {0};
    for (int i = 0; i < N_SPECIALS; i++)
        l.ids[i] = RZ_TOK_UNSET;
    rz_status st = split(text, len, source, &l, err);
    if (!st) {
        rz_tok_spec s = rz_tok_spec_init();
        s.model = "bert";
        s.arch = "bert";
        s.n_tokens = l.n;
        s.tokens = l.tokens;
        s.types = l.types;
        s.pad = l.ids[0], s.unk = l.ids[1], s.bos = l.ids[2], s.sep = l.ids[3], s.mask = l.ids[4];
        st = rz_tok_vocab_build(&s, v, err);
        if (st) {
            rz_error inner = *err;
            rz_fail(err, st, "%s: %s", source, inner.msg);
        }
    }
    if (!st) {
        v->lowercase = lowercase;
        v->strip_accents = strip_accents;
    }
    lines_free(&l);
    return st;
}

/* The vocab.txt text of model.vocab: token i on line i. */
static rz_status vocab_lines(const cJSON *vocab, const char *source, char **out, size_t *len,
                             rz_error *err) {
    int n = cJSON_GetArraySize(vocab);
    const char **by_id = calloc(n ? (size_t)n : 1, sizeof *by_id);
    size_t bytes = 1;
    rz_status st = by_id ? RZ_OK : rz_fail(err, RZ_ENOMEM, "%s: out of memory", source);
    for (const cJSON *t = vocab->child; !st && t; t = t->next) {
        double id = cJSON_IsNumber(t) ? t->valuedouble : -1;
        if (id < 0 || id >= n || id != (int)id || by_id[(int)id] || strchr(t->string, '\n'))
            st = rz_fail(err, RZ_EFORMAT,
                         "%s: model.vocab[\"%.40s\"]: expected a unique id below %d", source,
                         t->string, n);
        else
            by_id[(int)id] = t->string, bytes += strlen(t->string) + 1;
    }
    *out = st ? NULL : malloc(bytes);
    if (!st && !*out) st = rz_fail(err, RZ_ENOMEM, "%s: out of memory", source);
    size_t at = 0;
    for (int i = 0; !st && i < n; i++)
        at += (size_t)sprintf(*out + at, "%s\n", by_id[i]);
    *len = at;
    free(by_id);
    return st;
}

rz_status rz_tok_vocab_from_tokenizer_json(const char *text, size_t len, const char *source,
                                           bool lowercase, bool strip_accents, rz_tok_vocab *v,
                                           rz_error *err) {
    cJSON *root = cJSON_ParseWithLength(text, len);
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(model, "type");
    const cJSON *vocab = cJSON_GetObjectItemCaseSensitive(model, "vocab");
    char *lines = NULL;
    size_t n = 0;
    rz_status st = RZ_OK;
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "WordPiece") || !cJSON_IsObject(vocab))
        st = rz_fail(err, RZ_EUNSUPPORTED,
                     "%s: model: expected {\"type\": \"WordPiece\", \"vocab\": {...}}", source);
    if (!st) st = vocab_lines(vocab, source, &lines, &n, err);
    if (!st) st = rz_tok_vocab_from_vocab_txt(lines, n, source, lowercase, strip_accents, v, err);
    free(lines);
    cJSON_Delete(root);
    return st;
}
