#include "engine/models/llama_forward.h"

#include <stdlib.h>
#include <string.h>

#include "backends/matvec_threads.h"
#include "backends/vec_dot.h"
#include "engine/core/huge.h"
#include "engine/core/lines.h"
#include "engine/core/pool_pin.h"
#include "engine/formats/map.h"
#include "engine/models/llama_attention.h"
#include "engine/models/llama_ops.h"
#include "engine/types/half.h"

/* Zeroed floats on 64-byte lines: a vector load of a row then never spans two cache lines, and
 * the float tiles take their four-row kernel (backends/avx512/vec_dot_f.c). */
static float *floats(size_t rows, size_t cols) {
    float *p = rz_alloc_lines(rows * cols * sizeof(float));
    if (p) memset(p, 0, rows * cols * sizeof(float));
    return p;
}

rz_status rz_llama_state_init(const rz_llama_config *c, int n_ctx, const rz_backend *be,
                              int n_threads, rz_llama_state *s, rz_error *err) {
    return rz_llama_state_init_batched(c, n_ctx, RZ_LLAMA_BATCH, be, n_threads, s, err);
}

rz_status rz_llama_state_init_batched(const rz_llama_config *c, int n_ctx, int n_batch,
                                      const rz_backend *be, int n_threads, rz_llama_state *s,
                                      rz_error *err) {
    return rz_llama_state_init_kv(c, n_ctx, n_batch, RZ_TYPE_F16, be, n_threads, s, err);
}

static size_t kv_elem_bytes(uint32_t kv_type) {
    return kv_type == RZ_TYPE_F16 ? sizeof(uint16_t) : sizeof(float);
}

size_t rz_llama_kv_bytes(const rz_llama_config *c, int n_ctx, uint32_t kv_type) {
    return (size_t)c->n_layers * n_ctx * c->n_kv_heads * (c->head_dim + c->head_dim_v) *
           kv_elem_bytes(kv_type);
}

rz_status rz_llama_state_init_kv(const rz_llama_config *c, int n_ctx, int n_batch, uint32_t kv_type,
                                 const rz_backend *be, int n_threads, rz_llama_state *s,
                                 rz_error *err) {
    memset(s, 0, sizeof *s);
    if (n_ctx < 1) return rz_fail(err, RZ_EINVAL, "context of %d positions: expected >= 1", n_ctx);
    if (n_batch < 1) return rz_fail(err, RZ_EINVAL, "batch of %d tokens: expected >= 1", n_batch);
    if (kv_type != RZ_TYPE_F16 && kv_type != RZ_TYPE_F32)
        return rz_fail(err, RZ_EINVAL, "KV cache type %s: expected f16 or f32",
                       rz_type_ggml_name(kv_type));
    n_threads = n_threads < 1 ? 1 : n_threads;
    if (n_threads > 1) {
        rz_status st = rz_pool_new(n_threads, &s->pool, err);
        if (st) return st;
        s->pinned = rz_pool_pin(s->pool);
    }
    s->be = be ? be : rz_backend_active();
    s->n_ctx = n_ctx;
    s->n_batch = n_ctx < n_batch ? n_ctx : n_batch;
    const size_t nb = (size_t)s->n_batch;
    const size_t elem = kv_elem_bytes(kv_type);
    const size_t k_cache = (size_t)c->n_layers * n_ctx * c->n_kv_heads * c->head_dim;
    const size_t v_cache = (size_t)c->n_layers * n_ctx * c->n_kv_heads * c->head_dim_v;
    s->kv_type = kv_type;
    s->x = floats(nb, (size_t)c->dim);
    s->xb = floats(nb, (size_t)c->dim);
    s->xb2 = floats(nb, (size_t)c->dim);
    s->q = floats(nb, (size_t)c->n_heads * c->head_dim);
    s->att = floats(nb, (size_t)c->n_heads * c->head_dim_v);
    s->scores = floats((size_t)n_threads, (size_t)n_ctx * (size_t)(c->n_heads / c->n_kv_heads));
    s->hb = floats(nb, (size_t)c->hidden_dim);
    s->hb2 = floats(nb, (size_t)c->hidden_dim);
    s->logits = floats(1, (size_t)c->vocab_size);
    s->kt = floats(nb, (size_t)c->n_kv_heads * c->head_dim);
    s->vt = floats(nb, (size_t)c->n_kv_heads * c->head_dim_v);
    s->key_cache = calloc(k_cache, elem);
    s->value_cache = calloc(v_cache, elem);
    const int64_t wide = (int64_t)(c->hidden_dim > c->dim ? c->hidden_dim : c->dim);
    const int64_t cols =
        wide > (int64_t)c->n_heads * c->head_dim_v ? wide : (int64_t)c->n_heads * c->head_dim_v;
    const size_t xq_bytes = (rz_matmul_scratch_bytes(cols, (int64_t)nb) + 63) / 64 * 64;
    s->xq = nb > 1 ? aligned_alloc(64, xq_bytes) : NULL;
    if (!s->x || !s->xb || !s->xb2 || !s->q || !s->att || !s->scores || !s->hb || !s->hb2 ||
        !s->logits || !s->kt || !s->vt || !s->key_cache || !s->value_cache || (nb > 1 && !s->xq)) {
        rz_llama_state_deinit(s);
        return rz_fail(err, RZ_ENOMEM, "out of memory for a %d-position state (KV cache %zu MiB)",
                       n_ctx, rz_llama_kv_bytes(c, n_ctx, kv_type) >> 20);
    }
    return RZ_OK;
}

void rz_llama_state_deinit(rz_llama_state *s) {
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
    free(s->kt);
    free(s->vt);
    free(s->key_cache);
    free(s->value_cache);
    free(s->xq);
    memset(s, 0, sizeof *s);
}

/* W's matrix as rz_matmul_shared takes it (the packed copy where there is one and be has a kernel
 * for it: packed bf16 has AMX's alone; the file's rows stay readable), into Y. */
static rz_projection projection(const rz_backend *be, const rz_llama_matrix *w, float *Y) {
    const bool packed = w->packed && rz_vec_kernel_for(be, w->packed_type)->gemm;
    return (rz_projection){.type = packed ? w->packed_type : w->type,
                           .w = packed ? w->packed : w->data,
                           .y = Y,
                           .rows = w->rows};
}

/* Y[t] = W X[t] for n tokens, rows split across the pool's threads. */
static void project(rz_llama_state *s, const rz_llama_matrix *w, const float *X, float *Y, int n) {
    const rz_projection p = projection(s->be, w, Y);
    rz_matmul_shared(s->be, s->pool, X, w->cols, n, &p, 1, s->xq);
}

/* Y_i[t] = W_i X[t] for count matrices that read the same X of cols floats per token (Q, K and
 * V; gate and up): X quantized once, each run's rows split in one pool job. */
static void project_shared(rz_llama_state *s, const float *X, int n,
                           const rz_llama_matrix *const *w, float *const *Y, int count) {
    rz_projection p[3];
    for (int i = 0; i < count; i++)
        p[i] = projection(s->be, w[i], Y[i]);
    rz_matmul_shared(s->be, s->pool, X, w[0]->cols, n, p, count, s->xq);
}

/* out[t] = rmsnorm(x[t]) for n rows of dim floats; out may alias x. */
static void norm_rows(float *out, const float *x, const float *weight, int n, int dim, float eps) {
    for (int t = 0; t < n; t++)
        rz_rmsnorm(out + (size_t)t * dim, x + (size_t)t * dim, weight, dim, eps);
}

/* x[t] += y[t] for n rows of dim floats, after y's optional post-norm. */
static void add_rows(float *x, float *y, const float *post_norm, int n, int dim, float eps) {
    if (post_norm) norm_rows(y, y, post_norm, n, dim, eps);
    for (size_t i = 0; i < (size_t)n * dim; i++)
        x[i] += y[i];
}

/* Per-head Q/K norms (when the model has them) and RoPE of n tokens' q and k. */
static void position_qk(const rz_llama_config *c, const rz_llama_layer *L, bool local, float *q,
                        float *k, int n, int pos0) {
    const float base = local ? c->rope_base_local : c->rope_base;
    const float scale = local ? c->rope_scale_local : c->rope_scale;
    for (int t = 0; t < n; t++) {
        float *qt = q + (size_t)t * c->n_heads * c->head_dim;
        float *kt = k + (size_t)t * c->n_kv_heads * c->head_dim;
        if (c->has_qk_norm) {
            norm_rows(qt, qt, L->q_norm, c->n_heads, c->head_dim, c->norm_eps);
            norm_rows(kt, kt, L->k_norm, c->n_kv_heads, c->head_dim, c->norm_eps);
        }
        rz_rope(qt, c->n_heads, c->head_dim, c->rope_dims, pos0 + t, base, scale, c->rope_mode);
        rz_rope(kt, c->n_kv_heads, c->head_dim, c->rope_dims, pos0 + t, base, scale, c->rope_mode);
    }
}

/* n rows of `width` floats into the cache at element offset `at`, in the cache's type. */
static void store_kv(const rz_llama_state *s, void *cache, size_t at, const float *rows, int n,
                     int width) {
    const size_t count = (size_t)n * width;
    if (s->kv_type == RZ_TYPE_F32) {
        memcpy((float *)cache + at, rows, count * sizeof(float));
        return;
    }
    uint16_t *h = (uint16_t *)cache + at;
    for (size_t i = 0; i < count; i++)
        h[i] = rz_f32_to_f16(rows[i]);
}

/* x += attention block of layer l for n tokens at pos0.. (Q/K/V projections, Q/K norms, RoPE,
 * K and V into the cache, attention, output projection, post-norm). */
static void attention_block(const rz_llama_model *m, rz_llama_state *s, int l, int n, int pos0) {
    const rz_llama_config *c = &m->config;
    const rz_llama_layer *L = &m->weights.layers[l];
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    const size_t elem = kv_elem_bytes(s->kv_type);
    const void *k_layer = (const char *)s->key_cache + (size_t)l * s->n_ctx * kv_dim * elem;
    const void *v_layer = (const char *)s->value_cache + (size_t)l * s->n_ctx * v_dim * elem;
    const bool local = c->sliding_window > 0 && c->layer_is_local[l];

    norm_rows(s->xb, s->x, L->attn_norm, n, c->dim, c->norm_eps);
    project_shared(s, s->xb, n, (const rz_llama_matrix *const[]){&L->wq, &L->wk, &L->wv},
                   (float *const[]){s->q, s->kt, s->vt}, 3);
    position_qk(c, L, local, s->q, s->kt, n, pos0);
    store_kv(s, s->key_cache, ((size_t)l * s->n_ctx + (size_t)pos0) * kv_dim, s->kt, n, kv_dim);
    store_kv(s, s->value_cache, ((size_t)l * s->n_ctx + (size_t)pos0) * v_dim, s->vt, n, v_dim);
    rz_attention_job job = {.c = c,
                            .be = s->be,
                            .q = s->q,
                            .k_layer = k_layer,
                            .v_layer = v_layer,
                            .kv_f16 = s->kv_type == RZ_TYPE_F16,
                            .att = s->att,
                            .scores = s->scores,
                            .n_ctx = s->n_ctx,
                            .n = n,
                            .pos0 = pos0,
                            .window = local ? c->sliding_window : 0};
    rz_llama_attend(s->pool, &job);
    project(s, &L->wo, s->att, s->xb2, n);
    add_rows(s->x, s->xb2, c->has_post_norms ? L->attn_post : NULL, n, c->dim, c->norm_eps);
}

typedef struct {
    float *gate;
    const float *up;
    long n;
    rz_ffn_act act;
    const rz_backend *be;
} glu_job;

/* This thread's share of the elements of gate = act(gate) * up: SiLU by the backend's kernel,
 * GELU by rz_glu's table. */
static void glu_part(void *ctx, int i, int n) {
    const glu_job *j = ctx;
    const long a = j->n * i / n, b = j->n * (i + 1) / n;
    if (j->act == RZ_FFN_SWIGLU)
        j->be->silu_mul(j->gate + a, j->up + a, (size_t)(b - a));
    else
        rz_glu(j->gate + a, j->up + a, (int)(b - a), j->act);
}

/* x += gated feed-forward block of layer l for n tokens, with its optional post-norm; the
 * element-wise activation is split over the pool too. */
static void ffn_block(const rz_llama_model *m, rz_llama_state *s, int l, int n) {
    const rz_llama_config *c = &m->config;
    const rz_llama_layer *L = &m->weights.layers[l];
    norm_rows(s->xb, s->x, L->ffn_norm, n, c->dim, c->norm_eps);
    project_shared(s, s->xb, n, (const rz_llama_matrix *const[]){&L->ffn_gate, &L->ffn_up},
                   (float *const[]){s->hb, s->hb2}, 2);
    glu_job glu = {s->hb, s->hb2, (long)n * c->hidden_dim, c->ffn_act, s->be};
    rz_pool_run(s->pool, glu_part, &glu);
    project(s, &L->ffn_down, s->hb, s->xb2, n);
    add_rows(s->x, s->xb2, c->has_post_norms ? L->ffn_post : NULL, n, c->dim, c->norm_eps);
}

/* Drops a mapped embedding table's pages from the resident set, unless the output projection
 * reads it unpacked: a lookup of one row maps in the fault-around window or the whole large
 * folio around it (Gemma 3 270M: 29 MiB of its 170 MiB table after 38 tokens), which can reach
 * up to a huge page past either end of the table. */
static void release_embeddings(const rz_llama_model *m) {
    const rz_llama_matrix *e = &m->weights.token_embd, *out = &m->weights.output;
    if (!m->gguf.mapped || (out->data == e->data && !out->packed)) return;
    const uint8_t *lo = m->gguf.base + m->gguf.data_offset, *hi = m->gguf.base + m->gguf.size;
    const uint8_t *from = e->data, *to = from + (size_t)e->rows * e->row_bytes;
    from = from - lo > RZ_HUGE_PAGE ? from - RZ_HUGE_PAGE : lo;
    to = hi - to > RZ_HUGE_PAGE ? to + RZ_HUGE_PAGE : hi;
    rz_map_release(from, (size_t)(to - from));
}

/* Checks the batch and loads its token embeddings into s->x. */
static rz_status embed(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens, int n,
                       int pos0, rz_error *err) {
    const rz_llama_config *c = &m->config;
    const rz_llama_matrix *embd = &m->weights.token_embd;
    if (n < 1 || n > s->n_batch)
        return rz_fail(err, RZ_EINVAL, "batch of %d tokens: expected 1..%d", n, s->n_batch);
    if (n == 1 && (pos0 < 0 || pos0 >= s->n_ctx))
        return rz_fail(err, RZ_EINVAL, "position %d: expected 0..%d (the context size)", pos0,
                       s->n_ctx - 1);
    if (pos0 < 0 || pos0 > s->n_ctx - n)
        return rz_fail(err, RZ_EINVAL, "positions %d..%d: expected 0..%d (the context size)", pos0,
                       pos0 + n - 1, s->n_ctx - 1);
    for (int t = 0; t < n; t++) {
        if (tokens[t] < 0 || tokens[t] >= c->vocab_size)
            return rz_fail(err, RZ_EINVAL, "token %d: expected 0..%d", tokens[t],
                           c->vocab_size - 1);
        const uint8_t *row = (const uint8_t *)embd->data + (uint64_t)tokens[t] * embd->row_bytes;
        float *x = s->x + (size_t)t * c->dim;
        rz_backend_to_float(s->be, embd->type)(row, x, c->dim);
        if (c->embed_scale != 1.0f)
            for (int i = 0; i < c->dim; i++)
                x[i] *= c->embed_scale;
    }
    release_embeddings(m);
    return RZ_OK;
}

/* Final norm, output projection and soft-capping of n rows of s->x into logits. */
static void output(const rz_llama_model *m, rz_llama_state *s, const float *x, int n,
                   float *logits) {
    const rz_llama_config *c = &m->config;
    norm_rows(s->xb, x, m->weights.output_norm, n, c->dim, c->norm_eps);
    project(s, &m->weights.output, s->xb, logits, n);
    if (c->final_softcap > 0.0f) rz_softcap(logits, n * c->vocab_size, c->final_softcap);
}

/* Runs n tokens at pos0.. through every layer, leaving their residual streams in s->x. */
static rz_status run_layers(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                            int n, int pos0, rz_error *err) {
    rz_status st = embed(m, s, tokens, n, pos0, err);
    for (int l = 0; !st && l < m->config.n_layers; l++) {
        attention_block(m, s, l, n, pos0);
        ffn_block(m, s, l, n);
    }
    return st;
}

/* The last token's logits of a batch of n into s->logits. */
static void output_last(const rz_llama_model *m, rz_llama_state *s, int n) {
    output(m, s, s->x + (size_t)(n - 1) * m->config.dim, 1, s->logits);
}

rz_status rz_llama_forward_batch(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                 int n, int pos0, float *logits, rz_error *err) {
    rz_status st = run_layers(m, s, tokens, n, pos0, err);
    if (st) return st;
    if (logits)
        output(m, s, s->x, n, logits);
    else
        output_last(m, s, n);
    return RZ_OK;
}

rz_status rz_llama_forward(const rz_llama_model *m, rz_llama_state *s, int32_t token, int pos,
                           rz_error *err) {
    return rz_llama_forward_batch(m, s, &token, 1, pos, NULL, err);
}

rz_status rz_llama_forward_prompt(const rz_llama_model *m, rz_llama_state *s, const int32_t *tokens,
                                  int n, int pos0, rz_error *err) {
    if (n < 1) return rz_fail(err, RZ_EINVAL, "prompt of %d tokens: expected >= 1", n);
    int b = 0;
    for (int i = 0; i < n; i += b) {
        b = n - i < s->n_batch ? n - i : s->n_batch;
        rz_status st = run_layers(m, s, tokens + i, b, pos0 + i, err);
        if (st) return st;
    }
    output_last(m, s, b);
    return RZ_OK;
}
