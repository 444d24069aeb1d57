/* The llama forward pass on the device: one enqueue of every kernel for n tokens, replayed as a
 * captured CUDA graph for decoding (n = 1, matvecs) and run directly for prompts (GEMMs). */
#include "backends/cuda/cuda_status.h"
#include "backends/cuda/model.h"

/* Stops at the first failing launch, returning the runtime's message. */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        const char *e_ = (call);                                                                   \
        if (e_) return e_;                                                                         \
    } while (0)

static const char *mm(const rz_cuda_llama *g, const rzc_matrix *w, const float *x, float *y,
                      int n) {
    return n == 1 ? rzc_matvec(g->s, w->type, w->d, x, y, w->rows, w->cols)
                  : rzc_gemm(g->s, w->type, w->d, x, y, w->rows, w->cols, n);
}

/* x += W y for n tokens: fused for one token, a GEMM into xb2 and an add for a prompt. */
static const char *mm_add(const rz_cuda_llama *g, const rzc_matrix *w, const float *y, int n) {
    if (n == 1) return rzc_matvec_add(g->s, w->type, w->d, y, g->d_x, w->rows, w->cols);
    TRY(rzc_gemm(g->s, w->type, w->d, y, g->d_xb2, w->rows, w->cols, n));
    return rzc_add(g->s, g->d_x, g->d_xb2, (int64_t)n * g->c.dim);
}

static const char *attention(const rz_cuda_llama *g, const rzc_layer *L, int l, int n) {
    const rz_llama_config *c = &g->c;
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    float *kc = g->d_kc + (size_t)l * g->n_ctx * kv_dim;
    float *vc = g->d_vc + (size_t)l * g->n_ctx * v_dim;
    const bool neox = c->rope_mode == RZ_ROPE_NEOX;
    TRY(rzc_rmsnorm(g->s, g->d_xb, g->d_x, L->d_attn_norm, c->dim, n, c->norm_eps));
    TRY(mm(g, &L->wq, g->d_xb, g->d_q, n));
    TRY(mm(g, &L->wk, g->d_xb, g->d_k, n));
    TRY(mm(g, &L->wv, g->d_xb, g->d_v, n));
    TRY(rzc_rope(g->s, g->d_q, n, c->n_heads, c->head_dim, c->rope_dims, g->d_pos, c->rope_base,
                 c->rope_scale, neox));
    TRY(rzc_rope(g->s, g->d_k, n, c->n_kv_heads, c->head_dim, c->rope_dims, g->d_pos, c->rope_base,
                 c->rope_scale, neox));
    TRY(rzc_kv_store(g->s, g->d_k, g->d_v, kc, vc, n, kv_dim, v_dim, g->d_pos));
    TRY(rzc_attention(g->s, g->d_q, kc, vc, g->d_att, n, c->n_heads, c->n_kv_heads, c->head_dim,
                      c->head_dim_v, g->d_pos, c->attn_scale));
    return mm_add(g, &L->wo, g->d_att, n);
}

static const char *ffn(const rz_cuda_llama *g, const rzc_layer *L, int n) {
    const rz_llama_config *c = &g->c;
    TRY(rzc_rmsnorm(g->s, g->d_xb, g->d_x, L->d_ffn_norm, c->dim, n, c->norm_eps));
    TRY(mm(g, &L->gate, g->d_xb, g->d_hb, n));
    TRY(mm(g, &L->up, g->d_xb, g->d_hb2, n));
    TRY(rzc_glu(g->s, g->d_hb, g->d_hb2, (int64_t)n * c->hidden_dim, c->ffn_act == RZ_FFN_GEGLU));
    return mm_add(g, &L->down, g->d_hb, n);
}

/* Every kernel of n tokens (g->d_tokens, from position *g->d_pos), the last token's logits
 * copied to g->h_logits. */
static const char *enqueue(const rz_cuda_llama *g, int n) {
    const rz_llama_config *c = &g->c;
    TRY(rzc_get_rows(g->s, g->embd.type, g->embd.d, g->d_tokens, g->d_x, c->dim, n,
                     c->embed_scale));
    for (int l = 0; l < c->n_layers; l++) {
        TRY(attention(g, &g->layers[l], l, n));
        TRY(ffn(g, &g->layers[l], n));
    }
    TRY(rzc_rmsnorm(g->s, g->d_xb, g->d_x + (size_t)(n - 1) * c->dim, g->d_out_norm, c->dim, 1,
                    c->norm_eps));
    TRY(rzc_matvec(g->s, g->output.type, g->output.d, g->d_xb, g->d_logits, g->output.rows,
                   g->output.cols));
    return rzc_copy_async(g->s, g->h_logits, g->d_logits, (size_t)c->vocab_size * sizeof(float));
}

/* One decode step: the token and position copied in from the pinned g->h_io, then every kernel. */
static const char *decode_step(const rz_cuda_llama *g) {
    TRY(rzc_copy_async(g->s, g->d_tokens, &g->h_io[0], sizeof(int32_t)));
    TRY(rzc_copy_async(g->s, g->d_pos, &g->h_io[1], sizeof(int32_t)));
    return enqueue(g, 1);
}

/* The decode step captured as a graph (not run). */
static const char *capture(rz_cuda_llama *g) {
    TRY(rzc_capture_begin(g->s));
    const char *e = decode_step(g);
    rzc_graph *graph = NULL;
    const char *end = rzc_capture_end(g->s, &graph);
    if (e || end) {
        rzc_graph_free(graph);
        return e ? e : end;
    }
    g->decode = graph;
    return NULL;
}

static rz_status check(const rz_cuda_llama *g, const int32_t *tokens, int n, int pos0,
                       rz_error *err) {
    if (n < 1) return rz_fail(err, RZ_EINVAL, "prompt of %d tokens: expected >= 1", n);
    if (pos0 < 0 || pos0 + n > g->n_ctx)
        return rz_fail(err, RZ_EINVAL, "positions %d..%d: expected 0..%d (the context size)", pos0,
                       pos0 + n - 1, g->n_ctx - 1);
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= g->c.vocab_size)
            return rz_fail(err, RZ_EINVAL, "token %d: expected 0..%d", tokens[i],
                           g->c.vocab_size - 1);
    return RZ_OK;
}

/* The first step runs eagerly (every kernel is loaded before any capture), then is captured;
 * later steps replay the graph. */
rz_status rz_cuda_llama_forward(rz_cuda_llama *g, int32_t token, int pos, rz_error *err) {
    rz_status st = check(g, &token, 1, pos, err);
    if (st) return st;
    g->h_io[0] = token;
    g->h_io[1] = pos;
    const char *e = g->decode ? rzc_graph_launch(g->decode, g->s) : decode_step(g);
    if (!e) e = rzc_sync(g->s);
    if (g->decode || e) return rzc_status(err, e, "decoding");
    return rzc_status(err, capture(g), "capturing the decode graph");
}

rz_status rz_cuda_llama_forward_prompt(rz_cuda_llama *g, const int32_t *tokens, int n, int pos0,
                                       rz_error *err) {
    rz_status st = check(g, tokens, n, pos0, err);
    for (int i = 0; !st && i < n; i += g->n_batch) {
        const int m = n - i < g->n_batch ? n - i : g->n_batch;
        g->h_io[1] = pos0 + i;
        const char *e = rzc_copy_async(g->s, g->d_tokens, tokens + i, (size_t)m * sizeof(int32_t));
        if (!e) e = rzc_copy_async(g->s, g->d_pos, &g->h_io[1], sizeof(int32_t));
        if (!e) e = enqueue(g, m);
        if (!e) e = rzc_sync(g->s);
        st = rzc_status(err, e, "running the prompt");
    }
    return st;
}
