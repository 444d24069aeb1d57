/* rz_cuda_llama_new / _free: the weights uploaded once, the KV cache and activations sized. */
#include <stdlib.h>
#include <string.h>

#include "backends/cuda/cuda_status.h"
#include "backends/cuda/model.h"
#include "engine/types/types.h"

/* A device buffer of n bytes holding src when non-NULL (zeroed otherwise), tracked for free. */
static rz_status alloc(rz_cuda_llama *g, void **d, const void *src, size_t n, rz_error *err) {
    *d = NULL;
    if (g->n_allocs == g->cap_allocs) {
        const int cap = g->cap_allocs ? 2 * g->cap_allocs : 64;
        void **a = realloc(g->allocs, (size_t)cap * sizeof *a);
        if (!a) return rz_fail(err, RZ_ENOMEM, "out of memory for the CUDA allocation list");
        g->allocs = a;
        g->cap_allocs = cap;
    }
    rz_status st = rzc_status(err, rzc_malloc(d, n ? n : 1), "allocating device memory");
    if (st) return st;
    g->allocs[g->n_allocs++] = *d;
    return rzc_status(err, src ? rzc_copy(*d, src, n) : rzc_memset(*d, 0, n ? n : 1),
                      "uploading a weight");
}

static rz_status matrix(rz_cuda_llama *g, rzc_matrix *out, const rz_llama_matrix *m,
                        const char *what, rz_error *err) {
    if (!rzc_type_supported(m->type))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: type %s has no CUDA kernel", what,
                       rz_type_ggml_name(m->type));
    *out = (rzc_matrix){m->type, NULL, m->rows, m->cols};
    void *d;
    rz_status st = alloc(g, &d, m->data, (size_t)(m->row_bytes * (uint64_t)m->rows), err);
    out->d = d;
    return st;
}

static rz_status vec(rz_cuda_llama *g, const float **out, const float *src, int n, rz_error *err) {
    void *d;
    rz_status st = alloc(g, &d, src, (size_t)n * sizeof(float), err);
    *out = d;
    return st;
}

static rz_status buf(rz_cuda_llama *g, float **out, size_t n, rz_error *err) {
    void *d;
    rz_status st = alloc(g, &d, NULL, n * sizeof(float), err);
    *out = d;
    return st;
}

static rz_status check_config(const rz_llama_config *c, int n_ctx, int n_batch, rz_error *err) {
    if (c->arch != RZ_ARCH_LLAMA)
        return rz_fail(err, RZ_EUNSUPPORTED, "CUDA backend: architecture %s, expected llama",
                       rz_llama_arch_name(c->arch));
    if (c->has_qk_norm || c->has_post_norms || c->sliding_window > 0 || c->final_softcap > 0)
        return rz_fail(
            err, RZ_EUNSUPPORTED,
            "CUDA backend: Q/K norms, post-norms, sliding windows and soft-capping are not implemented");
    if (c->head_dim > 256 || c->head_dim_v > 256)
        return rz_fail(err, RZ_EUNSUPPORTED, "CUDA backend: head size %d/%d, at most 256",
                       c->head_dim, c->head_dim_v);
    if (n_ctx < 1 || n_batch < 1)
        return rz_fail(err, RZ_EINVAL, "context %d, batch %d: expected >= 1", n_ctx, n_batch);
    return RZ_OK;
}

static uint64_t bytes_of(const rzc_matrix *m) {
    uint64_t row = 0;
    rz_type_row_bytes(m->type, (uint64_t)m->cols, &row);
    return row * (uint64_t)m->rows;
}

static rz_status upload(rz_cuda_llama *g, const rz_llama_model *m, rz_error *err) {
    const rz_llama_config *c = &m->config;
    const rz_llama_weights *w = &m->weights;
    rz_status st = matrix(g, &g->embd, &w->token_embd, "token_embd.weight", err);
    if (!st && w->output.data == w->token_embd.data) g->output = g->embd;
    if (!st && w->output.data != w->token_embd.data)
        st = matrix(g, &g->output, &w->output, "output.weight", err);
    if (!st) st = vec(g, &g->d_out_norm, w->output_norm, c->dim, err);
    g->weight_bytes = bytes_of(&g->output) + bytes_of(&g->embd) / (uint64_t)g->embd.rows;
    for (int l = 0; !st && l < c->n_layers; l++) {
        const rz_llama_layer *L = &w->layers[l];
        rzc_layer *D = &g->layers[l];
        st = vec(g, &D->d_attn_norm, L->attn_norm, c->dim, err);
        if (!st) st = vec(g, &D->d_ffn_norm, L->ffn_norm, c->dim, err);
        if (!st) st = matrix(g, &D->wq, &L->wq, "attn_q.weight", err);
        if (!st) st = matrix(g, &D->wk, &L->wk, "attn_k.weight", err);
        if (!st) st = matrix(g, &D->wv, &L->wv, "attn_v.weight", err);
        if (!st) st = matrix(g, &D->wo, &L->wo, "attn_output.weight", err);
        if (!st) st = matrix(g, &D->gate, &L->ffn_gate, "ffn_gate.weight", err);
        if (!st) st = matrix(g, &D->up, &L->ffn_up, "ffn_up.weight", err);
        if (!st) st = matrix(g, &D->down, &L->ffn_down, "ffn_down.weight", err);
        if (!st)
            g->weight_bytes += bytes_of(&D->wq) + bytes_of(&D->wk) + bytes_of(&D->wv) +
                               bytes_of(&D->wo) + bytes_of(&D->gate) + bytes_of(&D->up) +
                               bytes_of(&D->down);
    }
    return st;
}

static rz_status state(rz_cuda_llama *g, rz_error *err) {
    const rz_llama_config *c = &g->c;
    const size_t nb = (size_t)g->n_batch, kv_dim = (size_t)c->n_kv_heads * c->head_dim;
    const size_t v_dim = (size_t)c->n_kv_heads * c->head_dim_v;
    const size_t cache = (size_t)c->n_layers * g->n_ctx;
    rz_status st = buf(g, &g->d_kc, cache * kv_dim, err);
    if (!st) st = buf(g, &g->d_vc, cache * v_dim, err);
    if (!st) st = buf(g, &g->d_x, nb * c->dim, err);
    if (!st) st = buf(g, &g->d_xb, nb * c->dim, err);
    if (!st) st = buf(g, &g->d_xb2, nb * c->dim, err);
    if (!st) st = buf(g, &g->d_q, nb * c->n_heads * c->head_dim, err);
    if (!st) st = buf(g, &g->d_k, nb * kv_dim, err);
    if (!st) st = buf(g, &g->d_v, nb * v_dim, err);
    if (!st) st = buf(g, &g->d_att, nb * c->n_heads * c->head_dim_v, err);
    if (!st) st = buf(g, &g->d_hb, nb * c->hidden_dim, err);
    if (!st) st = buf(g, &g->d_hb2, nb * c->hidden_dim, err);
    if (!st) st = buf(g, &g->d_logits, (size_t)c->vocab_size, err);
    void *d = NULL;
    if (!st) st = alloc(g, &d, NULL, nb * sizeof(int32_t), err);
    g->d_tokens = d;
    if (!st) st = alloc(g, &d, NULL, sizeof(int), err);
    g->d_pos = d;
    if (!st) st = rzc_status(err, rzc_host_alloc(&d, 2 * sizeof(int32_t)), "pinned memory");
    if (!st) g->h_io = d;
    if (!st)
        st = rzc_status(err, rzc_host_alloc(&d, (size_t)c->vocab_size * sizeof(float)),
                        "pinned memory");
    if (!st) g->h_logits = d;
    if (!st) st = rzc_status(err, rzc_stream_new(&g->s), "creating a stream");
    return st;
}

rz_status rz_cuda_llama_new(const rz_llama_model *m, int n_ctx, int n_batch, rz_cuda_llama **out,
                            rz_error *err) {
    *out = NULL;
    rz_status st = rzc_need_device(err);
    if (!st) st = check_config(&m->config, n_ctx, n_batch, err);
    if (st) return st;
    rz_cuda_llama *g = calloc(1, sizeof *g);
    if (g) g->layers = calloc((size_t)m->config.n_layers, sizeof *g->layers);
    if (!g || !g->layers) {
        free(g);
        return rz_fail(err, RZ_ENOMEM, "out of memory for the CUDA model");
    }
    g->c = m->config;
    g->n_ctx = n_ctx;
    g->n_batch = n_batch;
    st = upload(g, m, err);
    if (!st) st = state(g, err);
    if (st) {
        rz_cuda_llama_free(g);
        return st;
    }
    *out = g;
    return RZ_OK;
}

void rz_cuda_llama_free(rz_cuda_llama *g) {
    if (!g) return;
    rzc_graph_free(g->decode);
    rzc_stream_free(g->s);
    for (int i = 0; i < g->n_allocs; i++)
        rzc_free(g->allocs[i]);
    rzc_host_free(g->h_io);
    rzc_host_free(g->h_logits);
    free(g->allocs);
    free(g->layers);
    free(g);
}

const float *rz_cuda_llama_logits(const rz_cuda_llama *g) {
    return g->h_logits;
}

uint64_t rz_cuda_llama_weight_bytes(const rz_cuda_llama *g) {
    return g->weight_bytes;
}
