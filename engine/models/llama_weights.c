#include "engine/models/llama_weights.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "engine/models/llama_pack.h"
#include "engine/types/types.h"

static const rz_gguf_tensor *need_tensor(const rz_gguf *g, const char *name, rz_error *err) {
    const rz_gguf_tensor *t = rz_gguf_find_tensor(g, name);
    if (!t) rz_fail(err, RZ_EFORMAT, "%s: tensor %s is missing", g->source, name);
    return t;
}

/* A [cols, rows] matrix of a type rz can dequantize, cols a whole number of blocks. */
static rz_status bind_matrix(const rz_gguf *g, const char *name, int64_t rows, int64_t cols,
                             rz_llama_matrix *m, rz_error *err) {
    const rz_gguf_tensor *t = need_tensor(g, name, err);
    if (!t) return RZ_EFORMAT;
    if (t->n_dims != 2 || (int64_t)t->dims[0] != cols || (int64_t)t->dims[1] != rows)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: tensor %s: shape [%llu, %llu] (%u dims): expected [%lld, %lld]",
                       g->source, name, (unsigned long long)t->dims[0],
                       (unsigned long long)t->dims[1], t->n_dims, (long long)cols, (long long)rows);
    if (!rz_type_get(t->type) || !rz_backend_to_float(&rz_backend_scalar, t->type))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: tensor %s: type %s is not supported", g->source,
                       name, rz_type_ggml_name(t->type));
    if (!rz_type_row_bytes(t->type, (uint64_t)cols, &m->row_bytes))
        return rz_fail(err, RZ_EFORMAT,
                       "%s: tensor %s: %lld columns are not a whole number of %s blocks", g->source,
                       name, (long long)cols, rz_type_ggml_name(t->type));
    m->type = t->type;
    m->data = t->data;
    m->rows = rows;
    m->cols = cols;
    return RZ_OK;
}

/* Where bind puts the norm vectors' copies: a first walk with base NULL only counts. */
typedef struct {
    float *base;
    size_t used; /* floats */
} vector_copies;

/* An F32 vector of n elements, copied into *to (when it has a base). */
static rz_status bind_vector(const rz_gguf *g, const char *name, int64_t n, const float **v,
                             vector_copies *to, rz_error *err) {
    const rz_gguf_tensor *t = need_tensor(g, name, err);
    if (!t) return RZ_EFORMAT;
    if (t->type != RZ_TYPE_F32)
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: tensor %s: type %s: expected f32", g->source,
                       name, rz_type_ggml_name(t->type));
    if (t->n_elements != (uint64_t)n)
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: %llu elements: expected %lld", g->source,
                       name, (unsigned long long)t->n_elements, (long long)n);
    if ((uintptr_t)t->data % alignof(float))
        return rz_fail(err, RZ_EFORMAT, "%s: tensor %s: data is not 4-byte aligned", g->source,
                       name);
    if (to->base) {
        memcpy(to->base + to->used, t->data, (size_t)n * sizeof *to->base);
        *v = to->base + to->used;
    }
    to->used += (size_t)n;
    return RZ_OK;
}

static rz_status bind_layer(const rz_gguf *g, const rz_llama_config *c, int l, rz_llama_layer *L,
                            vector_copies *at, rz_error *err) {
    char n[96];
    const int64_t dim = c->dim, hid = c->hidden_dim;
    const int64_t q_out = (int64_t)c->n_heads * c->head_dim;
    const int64_t k_out = (int64_t)c->n_kv_heads * c->head_dim;
    const int64_t v_out = (int64_t)c->n_kv_heads * c->head_dim_v;
    const int64_t o_in = (int64_t)c->n_heads * c->head_dim_v;
#define NAME(s) (snprintf(n, sizeof n, "blk.%d." s ".weight", l), n)
    rz_status st = bind_vector(g, NAME("attn_norm"), dim, &L->attn_norm, at, err);
    if (!st) st = bind_vector(g, NAME("ffn_norm"), dim, &L->ffn_norm, at, err);
    if (!st) st = bind_matrix(g, NAME("attn_q"), q_out, dim, &L->wq, err);
    if (!st) st = bind_matrix(g, NAME("attn_k"), k_out, dim, &L->wk, err);
    if (!st) st = bind_matrix(g, NAME("attn_v"), v_out, dim, &L->wv, err);
    if (!st) st = bind_matrix(g, NAME("attn_output"), dim, o_in, &L->wo, err);
    if (!st) st = bind_matrix(g, NAME("ffn_gate"), hid, dim, &L->ffn_gate, err);
    if (!st) st = bind_matrix(g, NAME("ffn_up"), hid, dim, &L->ffn_up, err);
    if (!st) st = bind_matrix(g, NAME("ffn_down"), dim, hid, &L->ffn_down, err);
    if (!st && c->has_qk_norm)
        st = bind_vector(g, NAME("attn_q_norm"), c->head_dim, &L->q_norm, at, err);
    if (!st && c->has_qk_norm)
        st = bind_vector(g, NAME("attn_k_norm"), c->head_dim, &L->k_norm, at, err);
    if (!st && c->has_post_norms)
        st = bind_vector(g, NAME("post_attention_norm"), dim, &L->attn_post, at, err);
    if (!st && c->has_post_norms)
        st = bind_vector(g, NAME("post_ffw_norm"), dim, &L->ffn_post, at, err);
#undef NAME
    return st;
}

/* Binds every tensor the config implies into w (layers allocated), the norm vectors into *at. */
static rz_status bind_all(const rz_gguf *g, const rz_llama_config *c, rz_llama_weights *w,
                          vector_copies *at, rz_error *err) {
    rz_status st = bind_matrix(g, "token_embd.weight", c->vocab_size, c->dim, &w->token_embd, err);
    if (!st) st = bind_vector(g, "output_norm.weight", c->dim, &w->output_norm, at, err);
    if (!st && rz_gguf_find_tensor(g, "output.weight"))
        st = bind_matrix(g, "output.weight", c->vocab_size, c->dim, &w->output, err);
    else if (!st)
        w->output = w->token_embd;
    for (int l = 0; l < c->n_layers && !st; l++)
        st = bind_layer(g, c, l, &w->layers[l], at, err);
    return st;
}

rz_status rz_llama_weights_bind(const rz_gguf *g, const rz_llama_config *c, rz_llama_weights *w,
                                rz_error *err) {
    memset(w, 0, sizeof *w);
    if (rz_gguf_find_tensor(g, "rope_freqs.weight"))
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "%s: tensor rope_freqs.weight (per-frequency RoPE factors) is not supported",
                       g->source);
    w->layers = calloc((size_t)c->n_layers, sizeof *w->layers);
    if (!w->layers)
        return rz_fail(err, RZ_ENOMEM, "%s: out of memory for %d layers", g->source, c->n_layers);
    w->n_layers = c->n_layers;
    vector_copies count = {0};
    rz_status st = bind_all(g, c, w, &count, err);
    vector_copies copies = {.base = st ? NULL : malloc(count.used * sizeof *copies.base)};
    if (!st && !copies.base)
        st =
            rz_fail(err, RZ_ENOMEM, "%s: out of memory for %zu norm floats", g->source, count.used);
    w->vectors = copies.base;
    if (!st) st = bind_all(g, c, w, &copies, err);
    if (st) rz_llama_weights_free(w);
    return st;
}

void rz_llama_weights_free(rz_llama_weights *w) {
    rz_llama_weights_unpack(w);
    free(w->layers);
    free(w->vectors);
    w->layers = NULL;
    w->vectors = NULL;
}
