/* rz_bert_model_from_gguf: a BERT GGUF as llama.cpp's convert_hf_to_gguf.py writes it. */
#include <stdio.h>
#include <string.h>

#include "backends/backend.h"
#include "engine/models/bert_model.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/types/types.h"

/* rz_bert_fetch_fn over a GGUF: dims[0] is the contiguous one (cols), dims[1] the rows. */
static rz_status fetch(void *ctx, const char *hf_name, const char *gguf_name, int rows, int cols,
                       float *dst, rz_error *err) {
    (void)hf_name;
    const rz_gguf *g = ctx;
    const rz_gguf_tensor *t = rz_gguf_find_tensor(g, gguf_name);
    if (!t)
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: expected it, not found", g->source,
                       gguf_name);
    if (t->dims[0] != (uint64_t)cols || t->dims[1] != (uint64_t)rows || t->n_dims > 2)
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: expected dims {%d, %d} from bert.*",
                       g->source, gguf_name, cols, rows);
    rz_to_float_fn to_float = rz_backend_to_float(rz_backend_active(), t->type);
    const rz_type_traits *tr = rz_type_get(t->type);
    if (!to_float || !tr || cols % (int)tr->block_size)
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: tensor %s: type %u cannot be converted to F32",
                       g->source, gguf_name, t->type);
    to_float(t->data, dst, (int64_t)rows * cols);
    return RZ_OK;
}

rz_status rz_bert_model_from_gguf(const rz_gguf *g, rz_bert_model *m, rz_error *err) {
    memset(m, 0, sizeof *m);
    rz_status st = rz_bert_config_read_gguf(g, &m->config, err);
    const rz_gguf_tensor *types = rz_gguf_find_tensor(g, "token_types.weight");
    if (!st && types) m->config.n_types = (int)types->dims[1];
    if (!st) st = rz_bert_weights_load(&m->config, fetch, (void *)g, &m->weights, err);
    if (!st) st = rz_tok_vocab_from_gguf(g, &m->vocab, err);
    if (!st && m->vocab.kind != RZ_TOK_WPM)
        st =
            rz_fail(err, RZ_EUNSUPPORTED, "%s: tokenizer.ggml.model: expected \"bert\"", g->source);
    if (st) rz_bert_model_close(m);
    return st;
}
