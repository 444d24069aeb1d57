#include "engine/models/llama_forward.h"

#include <stdlib.h>
#include <string.h>

#include "backends/matvec_threads.h"
#include "engine/models/llama_ops.h"

rz_status rz_llama_state_new(const rz_llama_config *c, int n_ctx, const rz_backend *be,
                             int n_threads, rz_llama_state *s, rz_error *err) {
    memset(s, 0, sizeof *s);
    if (n_ctx < 1) return rz_fail(err, RZ_EINVAL, "context of %d positions: expected >= 1", n_ctx);
    s->be = be ? be : rz_backend_active();
    s->n_ctx = n_ctx;
    const size_t q_dim = (size_t)c->n_heads * c->head_dim;
    const size_t att_dim = (size_t)c->n_heads * c->head_dim_v;
    const size_t k_cache = (size_t)c->n_layers * n_ctx * c->n_kv_heads * c->head_dim;
    const size_t v_cache = (size_t)c->n_layers * n_ctx * c->n_kv_heads * c->head_dim_v;
    s->x = calloc((size_t)c->dim, sizeof(float));
    s->xb = calloc((size_t)c->dim, sizeof(float));
    s->xb2 = calloc((size_t)c->dim, sizeof(float));
    s->q = calloc(q_dim, sizeof(float));
    s->att = calloc(att_dim, sizeof(float));
    s->scores = calloc((size_t)n_ctx, sizeof(float));
    s->hb = calloc((size_t)c->hidden_dim, sizeof(float));
    s->hb2 = calloc((size_t)c->hidden_dim, sizeof(float));
    s->logits = calloc((size_t)c->vocab_size, sizeof(float));
    s->key_cache = calloc(k_cache, sizeof(float));
    s->value_cache = calloc(v_cache, sizeof(float));
    if (!s->x || !s->xb || !s->xb2 || !s->q || !s->att || !s->scores || !s->hb || !s->hb2 ||
        !s->logits || !s->key_cache || !s->value_cache) {
        rz_llama_state_free(s);
        return rz_fail(err, RZ_ENOMEM, "out of memory for a %d-position state (KV cache %zu MiB)",
                       n_ctx, (k_cache + v_cache) * sizeof(float) >> 20);
    }
    if (n_threads > 1) {
        rz_status st = rz_pool_new(n_threads, &s->pool, err);
        if (st) rz_llama_state_free(s);
        return st;
    }
    return RZ_OK;
}

void rz_llama_state_free(rz_llama_state *s) {
    rz_pool_free(s->pool);
    free(s->x);
    free(s->xb);
    free(s->xb2);
    free(s->q);
    free(s->att);
    free(s->scores);
    free(s->hb);
    free(s->hb2);
    free(s->logits);
    free(s->key_cache);
    free(s->value_cache);
    memset(s, 0, sizeof *s);
}

/* One matrix-vector product: x quantized once, rows split across the pool's threads. */
static void matvec(rz_llama_state *s, const rz_llama_matrix *w, const float *x, float *y) {
    rz_matvec_mt(s->be, s->pool, w->type, w->data, x, y, w->rows, w->cols);
}

/* Causal attention of every query head over positions first..pos of this layer's cache; the
 * output of head h lands in s->att[h * head_dim_v]. */
static void attend(const rz_llama_config *c, rz_llama_state *s, const float *k_layer,
                   const float *v_layer, int first, int pos) {
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    const int group = c->n_heads / c->n_kv_heads, n = pos - first + 1;
    for (int h = 0; h < c->n_heads; h++) {
        const float *q = s->q + (size_t)h * c->head_dim;
        const int kvh = h / group;
        for (int t = 0; t < n; t++) {
            const float *k = k_layer + (size_t)(first + t) * kv_dim + (size_t)kvh * c->head_dim;
            s->scores[t] = s->be->dot_f32(q, k, (size_t)c->head_dim) * c->attn_scale;
        }
        rz_softmax(s->scores, n);
        float *out = s->att + (size_t)h * c->head_dim_v;
        memset(out, 0, (size_t)c->head_dim_v * sizeof(float));
        for (int t = 0; t < n; t++) {
            const float *v = v_layer + (size_t)(first + t) * v_dim + (size_t)kvh * c->head_dim_v;
            const float a = s->scores[t];
            for (int i = 0; i < c->head_dim_v; i++)
                out[i] += a * v[i];
        }
    }
}

/* x += attention block of layer l (Q/K/V projections, optional Q/K norms, RoPE, cache write,
 * attention, output projection, optional post-norm). */
static void attention_block(const rz_llama_model *m, rz_llama_state *s, int l, int pos) {
    const rz_llama_config *c = &m->config;
    const rz_llama_layer *L = &m->weights.layers[l];
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    float *k_layer = s->key_cache + (size_t)l * s->n_ctx * kv_dim;
    float *v_layer = s->value_cache + (size_t)l * s->n_ctx * v_dim;
    float *k = k_layer + (size_t)pos * kv_dim, *v = v_layer + (size_t)pos * v_dim;

    rz_rmsnorm(s->xb, s->x, L->attn_norm, c->dim, c->norm_eps);
    matvec(s, &L->wq, s->xb, s->q);
    matvec(s, &L->wk, s->xb, k);
    matvec(s, &L->wv, s->xb, v);
    if (c->has_qk_norm) {
        for (int h = 0; h < c->n_heads; h++)
            rz_rmsnorm(s->q + (size_t)h * c->head_dim, s->q + (size_t)h * c->head_dim, L->q_norm,
                       c->head_dim, c->norm_eps);
        for (int h = 0; h < c->n_kv_heads; h++)
            rz_rmsnorm(k + (size_t)h * c->head_dim, k + (size_t)h * c->head_dim, L->k_norm,
                       c->head_dim, c->norm_eps);
    }
    const bool local = c->sliding_window > 0 && c->layer_is_local[l];
    const float base = local ? c->rope_base_local : c->rope_base;
    const float scale = local ? c->rope_scale_local : c->rope_scale;
    rz_rope(s->q, c->n_heads, c->head_dim, c->rope_dims, pos, base, scale, c->rope_mode);
    rz_rope(k, c->n_kv_heads, c->head_dim, c->rope_dims, pos, base, scale, c->rope_mode);

    const int first = local && pos >= c->sliding_window ? pos - c->sliding_window + 1 : 0;
    attend(c, s, k_layer, v_layer, first, pos);
    matvec(s, &L->wo, s->att, s->xb2);
    if (c->has_post_norms) rz_rmsnorm(s->xb2, s->xb2, L->attn_post, c->dim, c->norm_eps);
    for (int i = 0; i < c->dim; i++)
        s->x[i] += s->xb2[i];
}

/* x += gated feed-forward block of layer l, with its optional post-norm. */
static void ffn_block(const rz_llama_model *m, rz_llama_state *s, int l) {
    const rz_llama_config *c = &m->config;
    const rz_llama_layer *L = &m->weights.layers[l];
    rz_rmsnorm(s->xb, s->x, L->ffn_norm, c->dim, c->norm_eps);
    matvec(s, &L->ffn_gate, s->xb, s->hb);
    matvec(s, &L->ffn_up, s->xb, s->hb2);
    rz_glu(s->hb, s->hb2, c->hidden_dim, c->ffn_act);
    matvec(s, &L->ffn_down, s->hb, s->xb2);
    if (c->has_post_norms) rz_rmsnorm(s->xb2, s->xb2, L->ffn_post, c->dim, c->norm_eps);
    for (int i = 0; i < c->dim; i++)
        s->x[i] += s->xb2[i];
}

/* Runs token at pos through every layer, leaving the residual stream in s->x. */
static rz_status run_layers(const rz_llama_model *m, rz_llama_state *s, int32_t token, int pos,
                            rz_error *err) {
    const rz_llama_config *c = &m->config;
    const rz_llama_matrix *embd = &m->weights.token_embd;
    if (token < 0 || token >= c->vocab_size)
        return rz_fail(err, RZ_EINVAL, "token %d: expected 0..%d", token, c->vocab_size - 1);
    if (pos < 0 || pos >= s->n_ctx)
        return rz_fail(err, RZ_EINVAL, "position %d: expected 0..%d (the context size)", pos,
                       s->n_ctx - 1);
    const uint8_t *row = (const uint8_t *)embd->data + (uint64_t)token * embd->row_bytes;
    rz_backend_to_float(s->be, embd->type)(row, s->x, c->dim);
    if (c->embed_scale != 1.0f)
        for (int i = 0; i < c->dim; i++)
            s->x[i] *= c->embed_scale;
    for (int l = 0; l < c->n_layers; l++) {
        attention_block(m, s, l, pos);
        ffn_block(m, s, l);
    }
    return RZ_OK;
}

/* Final norm, output projection and soft-capping of s->x into s->logits. */
static void output(const rz_llama_model *m, rz_llama_state *s) {
    const rz_llama_config *c = &m->config;
    rz_rmsnorm(s->x, s->x, m->weights.output_norm, c->dim, c->norm_eps);
    matvec(s, &m->weights.output, s->x, s->logits);
    if (c->final_softcap > 0.0f) rz_softcap(s->logits, c->vocab_size, c->final_softcap);
}

rz_status rz_llama_forward(const rz_llama_model *m, rz_llama_state *s, int32_t token, int pos,
                           rz_error *err) {
    rz_status st = run_layers(m, s, token, pos, err);
    if (!st) output(m, s);
    return st;
}

rz_status rz_llama_forward_prompt(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                  int n, int pos0, rz_error *err) {
    if (n < 1) return rz_fail(err, RZ_EINVAL, "prompt of %d tokens: expected >= 1", n);
    for (int i = 0; i < n; i++) {
        rz_status st = run_layers(m, s, tokens[i], pos0 + i, err);
        if (st) return st;
    }
    output(m, s);
    return RZ_OK;
}
