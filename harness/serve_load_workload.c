#include "harness/serve_load_workload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(uint64_t *s) {
    return (double)(splitmix64(s) >> 11) * 0x1p-53;
}

/* Uniform integer in [lo, hi]. */
static int between(uint64_t *s, int lo, int hi) {
    return lo + (int)(uniform(s) * (double)(hi - lo + 1));
}

void rzb_sl_exponentials(uint64_t seed, int n, double *gap) {
    uint64_t s = seed;
    for (int i = 0; i < n; i++)
        gap[i] = -log1p(-uniform(&s));
}

void rzb_sl_arrivals(const rzb_sl_workload *w, double rate, double *at) {
    double t = 0;
    for (int i = 0; i < w->n; i++) {
        t += w->r[i].gap;
        at[i] = t / rate;
    }
}

bool rzb_sl_corpus_open(rzb_sl_corpus *c, const char *model_path, const char *text_path,
                        size_t max_bytes, char *why, size_t cap) {
    memset(c, 0, sizeof *c);
    FILE *f = fopen(text_path, "rb");
    char *text = f ? malloc(max_bytes + 1) : NULL;
    size_t len = text ? fread(text, 1, max_bytes, f) : 0;
    if (f) fclose(f);
    if (!text || !len) {
        snprintf(why, cap, "%s: %s", text_path, f ? "empty or unreadable" : strerror(errno));
        free(text);
        return false;
    }
    rz_error err;
    rz_tok_ids ids = {0};
    rz_status st = rz_tok_vocab_load(model_path, &c->vocab, &err);
    if (!st) st = rz_tok_tokenize(&c->vocab, text, len, 0, &ids, &err);
    free(text);
    if (st) {
        snprintf(why, cap, "tokenizing %s with %s's vocabulary: %s", text_path, model_path,
                 err.msg);
        rz_tok_ids_free(&ids);
        rz_tok_vocab_free(&c->vocab);
        return false;
    }
    c->ids = ids.ids;
    c->n = ids.n;
    return true;
}

void rzb_sl_corpus_close(rzb_sl_corpus *c) {
    free(c->ids);
    rz_tok_vocab_free(&c->vocab);
    memset(c, 0, sizeof *c);
}

/* Trims a UTF-8 sequence cut at either edge: leading continuation bytes, a trailing partial one. */
static void trim_utf8(rz_tok_bytes *b) {
    size_t lead = 0;
    while (lead < b->len && ((unsigned char)b->data[lead] & 0xC0) == 0x80)
        lead++;
    memmove(b->data, b->data + lead, b->len - lead);
    b->len -= lead;
    size_t k = 0;
    while (k < 4 && k < b->len && ((unsigned char)b->data[b->len - 1 - k] & 0xC0) == 0x80)
        k++;
    if (k < b->len) {
        unsigned char c = (unsigned char)b->data[b->len - 1 - k];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (need != k + 1) b->len -= k + 1;
    }
    b->data[b->len] = 0;
}

/* The JSON body of one request; false when memory runs out. */
static bool body(const rzb_sl_spec *spec, const char *prompt, rzb_sl_request *r) {
    cJSON *o = cJSON_CreateObject();
    if (spec->model_field) cJSON_AddStringToObject(o, "model", spec->model_field);
    cJSON_AddStringToObject(o, "prompt", prompt);
    cJSON_AddNumberToObject(o, "max_tokens", r->max_tokens);
    cJSON_AddBoolToObject(o, "stream", 1);
    cJSON_AddNumberToObject(o, "temperature", 0);
    r->body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    r->body_len = r->body ? strlen(r->body) : 0;
    return r->body != NULL;
}

/* One prompt of `len` tokens at a random offset, as text, and its length as the server counts. */
static bool prompt(const rzb_sl_corpus *c, uint64_t *s, int len, rz_tok_bytes *text, int *count,
                   char *why, size_t cap) {
    size_t start = (size_t)(uniform(s) * (double)(c->n - (size_t)len));
    rz_error err;
    rz_tok_ids ids = {0};
    rz_status st = rz_tok_detokenize(&c->vocab, c->ids + start, (size_t)len, 0, text, &err);
    if (!st) trim_utf8(text);
    if (!st) st = rz_tok_tokenize(&c->vocab, text->data, text->len, RZ_TOK_ADD_SPECIAL, &ids, &err);
    *count = (int)ids.n;
    rz_tok_ids_free(&ids);
    if (st) snprintf(why, cap, "cutting a prompt: %s", err.msg);
    return !st;
}

bool rzb_sl_workload_make(const rzb_sl_spec *spec, const rzb_sl_corpus *c, rzb_sl_workload *w,
                          char *why, size_t cap) {
    memset(w, 0, sizeof *w);
    if ((size_t)spec->prompt_max >= c->n) {
        snprintf(why, cap, "the text has %zu tokens, fewer than a prompt of %d", c->n,
                 spec->prompt_max);
        return false;
    }
    w->n = spec->n;
    w->r = calloc((size_t)spec->n, sizeof *w->r);
    double *gap = malloc((size_t)spec->n * sizeof *gap);
    bool ok = w->r && gap;
    if (!ok) snprintf(why, cap, "out of memory");
    if (ok) rzb_sl_exponentials(spec->seed, spec->n, gap);
    uint64_t s = spec->seed ^ 0x5deece66dull;
    for (int i = 0; ok && i < spec->n; i++) {
        rzb_sl_request *r = &w->r[i];
        rz_tok_bytes text = {0};
        r->gap = gap[i];
        r->max_tokens = between(&s, spec->out_min, spec->out_max);
        int len = between(&s, spec->prompt_min, spec->prompt_max);
        ok = prompt(c, &s, len, &text, &r->prompt_tokens, why, cap);
        if (ok && !body(spec, text.data ? text.data : "", r)) {
            snprintf(why, cap, "out of memory");
            ok = false;
        }
        rz_tok_bytes_free(&text);
    }
    free(gap);
    if (!ok) rzb_sl_workload_free(w);
    return ok;
}

void rzb_sl_workload_free(rzb_sl_workload *w) {
    for (int i = 0; w->r && i < w->n; i++)
        free(w->r[i].body);
    free(w->r);
    memset(w, 0, sizeof *w);
}
