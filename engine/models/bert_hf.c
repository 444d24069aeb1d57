/* rz_bert_model_open_hf: a sentence-transformers / Hugging Face BERT folder (see bert_model.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/core/file.h"
#include "engine/formats/safetensors.h"
#include "engine/models/bert_model.h"
#include "engine/tokenizer/wordpiece_vocab.h"

typedef struct {
    char path[4096];
    char *text;
    size_t len;
} json_file;

/* Reads dir/name; *found false (and RZ_OK) when it does not exist and optional. */
static rz_status read_file(const char *dir, const char *name, bool optional, json_file *f,
                           bool *found, rz_error *err) {
    snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
    struct stat sb;
    *found = !stat(f->path, &sb);
    if (!*found && optional) return RZ_OK;
    if (!*found)
        return rz_fail(err, RZ_EIO, "%s: expected the file (%s)", f->path, strerror(errno));
    return rz_file_read_all(f->path, (unsigned char **)&f->text, &f->len, err);
}

/* The tokenizer's normalisation: tokenizer_config.json's do_lower_case (default true) and
 * strip_accents (default: as do_lower_case), or'ed with sentence_bert_config's do_lower_case. */
static rz_status normalisation(const char *dir, bool sbert_lower, bool *lower, bool *strip,
                               rz_error *err) {
    json_file f = {0};
    bool found;
    rz_status st = read_file(dir, "tokenizer_config.json", true, &f, &found, err);
    *lower = *strip = true;
    if (st || !found) return st;
    cJSON *o = cJSON_ParseWithLength(f.text, f.len);
    free(f.text);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return rz_fail(err, RZ_EFORMAT, "%s: expected a JSON object", f.path);
    }
    const cJSON *lc = cJSON_GetObjectItemCaseSensitive(o, "do_lower_case");
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(o, "strip_accents");
    *lower = !cJSON_IsFalse(lc);
    *strip = cJSON_IsBool(sa) ? cJSON_IsTrue(sa) : *lower;
    *lower = *lower || sbert_lower;
    cJSON_Delete(o);
    return RZ_OK;
}

static rz_status read_config(const char *dir, rz_bert_config *c, bool *sbert_lower, rz_error *err) {
    json_file f = {0};
    bool found;
    rz_status st = read_file(dir, "config.json", false, &f, &found, err);
    if (!st) st = rz_bert_config_parse(f.text, f.len, f.path, c, err);
    free(f.text);
    f = (json_file){0};
    if (!st) st = read_file(dir, "sentence_bert_config.json", true, &f, &found, err);
    if (!st && found) st = rz_bert_config_parse_sbert(f.text, f.len, f.path, c, err);
    if (!st && found) {
        cJSON *o = cJSON_ParseWithLength(f.text, f.len);
        *sbert_lower = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "do_lower_case"));
        cJSON_Delete(o);
    }
    free(f.text);
    f = (json_file){0};
    if (!st) st = read_file(dir, "1_Pooling/config.json", true, &f, &found, err);
    if (!st && found) st = rz_bert_config_parse_pooling(f.text, f.len, f.path, c, err);
    free(f.text);
    return st;
}

/* vocab.txt, else tokenizer.json. */
static rz_status read_vocab(const char *dir, bool sbert_lower, rz_tok_vocab *v, rz_error *err) {
    bool lower, strip, found_txt = false, found_json = false;
    rz_status st = normalisation(dir, sbert_lower, &lower, &strip, err);
    json_file f = {0};
    if (!st) st = read_file(dir, "vocab.txt", true, &f, &found_txt, err);
    if (!st && !found_txt) st = read_file(dir, "tokenizer.json", true, &f, &found_json, err);
    if (!st && found_txt)
        st = rz_tok_vocab_from_vocab_txt(f.text, f.len, f.path, lower, strip, v, err);
    else if (!st && found_json)
        st = rz_tok_vocab_from_tokenizer_json(f.text, f.len, f.path, lower, strip, v, err);
    else if (!st)
        st = rz_fail(err, RZ_EIO, "%s: expected vocab.txt or tokenizer.json, found neither", dir);
    free(f.text);
    return st;
}

/* rz_bert_fetch_fn over model.safetensors; HF names may carry a "bert." prefix. */
static rz_status fetch(void *ctx, const char *hf_name, const char *gguf_name, int rows, int cols,
                       float *dst, rz_error *err) {
    (void)gguf_name;
    const rz_st_file *f = ctx;
    char prefixed[160];
    snprintf(prefixed, sizeof prefixed, "bert.%s", hf_name);
    const rz_st_tensor *t = rz_st_find(f, hf_name);
    if (!t) t = rz_st_find(f, prefixed);
    if (!t)
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: expected it, not found", f->source,
                       hf_name);
    bool vector = rows == 1;
    char shape[48];
    snprintf(shape, sizeof shape, vector ? "[%d]" : "[%d, %d]", vector ? cols : rows, cols);
    if (t->n_dims != (vector ? 1u : 2u) || t->shape[0] != (uint64_t)(vector ? cols : rows) ||
        (!vector && t->shape[1] != (uint64_t)cols))
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: expected shape %s from config.json",
                       f->source, t->name, shape);
    return rz_st_to_float(t, 0, t->n_elements, dst, err);
}

rz_status rz_bert_model_open_hf(const char *dir, rz_bert_model *m, rz_error *err) {
    memset(m, 0, sizeof *m);
    bool sbert_lower = false;
    char path[4096];
    rz_st_file f = {0};
    rz_status st = read_config(dir, &m->config, &sbert_lower, err);
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (!st) st = rz_st_open(path, &f, err);
    if (!st) st = rz_bert_weights_load(&m->config, fetch, &f, &m->weights, err);
    rz_st_close(&f);
    if (!st) st = read_vocab(dir, sbert_lower, &m->vocab, err);
    if (!st && m->vocab.n_tokens > (uint32_t)m->config.vocab_size)
        st = rz_fail(err, RZ_EFORMAT,
                     "%s: %u tokens in the vocabulary; expected at most vocab_size (%d)", dir,
                     m->vocab.n_tokens, m->config.vocab_size);
    if (st) rz_bert_model_close(m);
    return st;
}
