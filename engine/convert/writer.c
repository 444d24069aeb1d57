/* Convert back end (see writer.h). */
#include "engine/convert/writer.h"

#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf_stream.h"
#include "engine/types/types.h"

static rz_status copy_vocab(rz_gguf_writer *w, const rz_gguf *v, uint32_t n_vocab, rz_error *err) {
    const rz_gguf_kv *tokens = rz_gguf_find(v, "tokenizer.ggml.tokens");
    if (!tokens || tokens->value.type != RZ_GGUF_ARRAY || tokens->value.arr.n != n_vocab)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: tokenizer.ggml.tokens: expected an array of %u tokens (the model's vocabulary size), got %llu",
            v->source, n_vocab,
            tokens && tokens->value.type == RZ_GGUF_ARRAY ? (unsigned long long)tokens->value.arr.n
                                                          : 0ull);
    rz_status st = RZ_OK;
    for (uint64_t i = 0; i < v->n_kv && !st; i++) {
        rz_gguf_str k = v->kv[i].key;
        if (k.len < 10 || memcmp(k.data, "tokenizer.", 10)) continue;
        char *key = malloc((size_t)k.len + 1);
        if (!key) return rz_fail(err, RZ_ENOMEM, "convert: out of memory");
        memcpy(key, k.data, (size_t)k.len);
        key[k.len] = 0;
        st = rz_gguf_writer_add_kv(w, key, &v->kv[i].value, err);
        free(key);
    }
    return st;
}

static rz_status add_kv(rz_gguf_writer *w, const rz_convert_target *tg, rz_error *err) {
    rz_status st = rz_llama_add_kv(w, &tg->hp, err);
    if (!st) st = rz_gguf_writer_add_str(w, "general.name", tg->name, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "general.file_type", tg->spec->ftype, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "general.quantization_version", 2, err);
    if (!st && tg->vocab) st = copy_vocab(w, tg->vocab, tg->hp.vocab, err);
    if (!st && !tg->vocab) st = rz_gguf_writer_add_str(w, "tokenizer.ggml.model", "no_vocab", err);
    return st;
}

static rz_status write_data(rz_gguf_stream *s, const rz_convert_target *tg,
                            const rz_convert_item *items, const rz_gguf_stream_tensor *list,
                            size_t n, rz_error *err) {
    rz_status st = RZ_OK;
    for (size_t i = 0; i < n && !st; i++) {
        uint64_t bytes = rz_gguf_stream_tensor_bytes(s, i);
        void *buf = malloc(bytes ? (size_t)bytes : 1);
        if (!buf)
            return rz_fail(err, RZ_ENOMEM, "convert: cannot allocate %llu bytes for %s",
                           (unsigned long long)bytes, items[i].t.name);
        st = rz_rows_convert(list[i].type, items[i].t.dims[1], items[i].t.dims[0], items[i].row,
                             items[i].row_ctx, tg->n_threads, buf, err);
        if (!st) st = rz_gguf_stream_put(s, buf, bytes, err);
        free(buf);
    }
    return st;
}

rz_status rz_convert_write(const char *path, const rz_convert_target *tg,
                           const rz_convert_item *items, size_t n, rz_error *err) {
    rz_gguf_stream_tensor *list = calloc(n ? n : 1, sizeof *list);
    if (!list) return rz_fail(err, RZ_ENOMEM, "convert: out of memory");
    rz_quant_plan plan = {tg->spec, false, tg->hp.n_layers, !tg->hp.tied};
    for (size_t i = 0; i < n; i++) {
        const rz_llama_tensor *t = &items[i].t;
        list[i] = (rz_gguf_stream_tensor){t->name, 0, t->n_dims, {t->dims[0], t->dims[1], 1, 1}};
        list[i].type = rz_quant_choose(&plan, t->name, t->n_dims, t->dims, RZ_TYPE_F32);
    }
    rz_gguf_writer *w = NULL;
    rz_gguf_stream *s = NULL;
    rz_status st = rz_gguf_writer_new(&w, err);
    if (!st) st = add_kv(w, tg, err);
    if (!st) st = rz_gguf_stream_begin(path, w, list, n, &s, err);
    rz_gguf_writer_free(w);
    if (!st) st = write_data(s, tg, items, list, n, err);
    if (s && st) rz_gguf_stream_abort(s);
    if (s && !st) st = rz_gguf_stream_end(s, err);
    free(list);
    return st;
}
