#include "engine/models/bert_forward.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/matvec_threads.h"
#include "engine/core/lines.h"
#include "engine/types/types.h"

rz_status rz_bert_state_init(const rz_bert_config *c, const rz_backend *be, int n_threads,
                             rz_bert_state *s, rz_error *err) {
    memset(s, 0, sizeof *s);
    s->be = be ? be : rz_backend_active();
    s->n_threads = n_threads < 1 ? 1 : n_threads;
    s->max_tokens = c->max_seq;
    size_t td = (size_t)c->max_seq * (size_t)c->dim;
    s->x = rz_alloc_lines(td * sizeof *s->x);
    s->q = rz_alloc_lines(td * sizeof *s->q);
    s->k = rz_alloc_lines(td * sizeof *s->k);
    s->v = rz_alloc_lines(td * sizeof *s->v);
    s->ctx = rz_alloc_lines(td * sizeof *s->ctx);
    s->proj = rz_alloc_lines(td * sizeof *s->proj);
    s->hidden = rz_alloc_lines((size_t)c->max_seq * (size_t)c->hidden_dim * sizeof *s->hidden);
    s->scores = malloc((size_t)s->n_threads * (size_t)c->max_seq * sizeof *s->scores);
    rz_status st = RZ_OK;
    if (!s->x || !s->q || !s->k || !s->v || !s->ctx || !s->proj || !s->hidden || !s->scores)
        st = rz_fail(err, RZ_ENOMEM, "bert: out of memory for a state of %d tokens", c->max_seq);
    if (!st && s->n_threads > 1) st = rz_pool_new(s->n_threads, &s->pool, err);
    if (st) rz_bert_state_deinit(s);
    return st;
}

void rz_bert_state_deinit(rz_bert_state *s) {
    if (s->pool) rz_pool_free(s->pool);
    free(s->x);
    free(s->q);
    free(s->k);
    free(s->v);
    free(s->ctx);
    free(s->proj);
    free(s->hidden);
    free(s->scores);
    memset(s, 0, sizeof *s);
}

static void layer_norm(float *x, const float *w, const float *b, int n, float eps) {
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += x[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    double inv = 1.0 / sqrt(var / n + eps);
    for (int i = 0; i < n; i++)
        x[i] = (float)((x[i] - mean) * inv) * w[i] + b[i];
}

/* Y = X W^T + bias for n tokens. */
static void linear(const rz_bert_state *s, const float *w, const float *bias, const float *x,
                   float *y, int rows, int cols, int n) {
    rz_matmul_mt(s->be, s->pool, RZ_TYPE_F32, w, x, y, rows, cols, n,
                 NULL); /* floats: no scratch */
    for (int t = 0; t < n; t++)
        for (int r = 0; r < rows; r++)
            y[(size_t)t * rows + r] += bias[r];
}

typedef struct {
    const rz_bert_state *s;
    int n, dim, n_heads;
} attention_job;

/* Softmax(q k^T / sqrt(head_dim)) v for head h, every query token against every token. */
static void attend_head(const rz_bert_state *s, int n, int dim, int hd, int h, float *scores) {
    float scale = 1.0f / sqrtf((float)hd);
    for (int t = 0; t < n; t++) {
        const float *q = s->q + (size_t)t * dim + h * hd;
        float max = -INFINITY, sum = 0;
        for (int j = 0; j < n; j++) {
            scores[j] = s->be->dot_f32(q, s->k + (size_t)j * dim + h * hd, (size_t)hd) * scale;
            max = scores[j] > max ? scores[j] : max;
        }
        for (int j = 0; j < n; j++)
            sum += scores[j] = expf(scores[j] - max);
        float *o = s->ctx + (size_t)t * dim + h * hd;
        memset(o, 0, (size_t)hd * sizeof *o);
        for (int j = 0; j < n; j++)
            s->be->axpy_f32(scores[j] / sum, s->v + (size_t)j * dim + h * hd, o, (size_t)hd);
    }
}

static void attention_part(void *ctx, int i, int n_parts) {
    const attention_job *a = ctx;
    float *scores = a->s->scores + (size_t)i * a->s->max_tokens;
    for (int h = i; h < a->n_heads; h += n_parts)
        attend_head(a->s, a->n, a->dim, a->dim / a->n_heads, h, scores);
}

static void add_norm(float *x, const float *y, const float *w, const float *b, int n, int dim,
                     float eps) {
    for (size_t i = 0; i < (size_t)n * dim; i++)
        x[i] += y[i];
    for (int t = 0; t < n; t++)
        layer_norm(x + (size_t)t * dim, w, b, dim, eps);
}

static float gelu(float x) {
    return 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
}

static void block(const rz_bert_config *c, const rz_bert_layer *l, rz_bert_state *s, int n) {
    int d = c->dim, hd = c->hidden_dim;
    linear(s, l->q, l->q_bias, s->x, s->q, d, d, n);
    linear(s, l->k, l->k_bias, s->x, s->k, d, d, n);
    linear(s, l->v, l->v_bias, s->x, s->v, d, d, n);
    attention_job job = {s, n, d, c->n_heads};
    if (s->pool)
        rz_pool_run(s->pool, attention_part, &job);
    else
        attention_part(&job, 0, 1);
    linear(s, l->attn_out, l->attn_out_bias, s->ctx, s->proj, d, d, n);
    add_norm(s->x, s->proj, l->attn_norm, l->attn_norm_bias, n, d, c->norm_eps);
    linear(s, l->ffn_up, l->ffn_up_bias, s->x, s->hidden, hd, d, n);
    for (size_t i = 0; i < (size_t)n * hd; i++)
        s->hidden[i] = gelu(s->hidden[i]);
    linear(s, l->ffn_down, l->ffn_down_bias, s->hidden, s->proj, d, hd, n);
    add_norm(s->x, s->proj, l->out_norm, l->out_norm_bias, n, d, c->norm_eps);
}

static void embed_tokens(const rz_bert_model *m, rz_bert_state *s, const int32_t *tokens, int n) {
    const rz_bert_config *c = &m->config;
    const rz_bert_weights *w = &m->weights;
    size_t d = (size_t)c->dim;
    for (int t = 0; t < n; t++) {
        float *x = s->x + t * d;
        const float *tok = w->token_embd + tokens[t] * d, *pos = w->position_embd + t * d;
        for (size_t i = 0; i < d; i++)
            x[i] = tok[i] + pos[i] + w->type_embd[i];
        layer_norm(x, w->embd_norm, w->embd_norm_bias, c->dim, c->norm_eps);
    }
}

/* Pools the n hidden states into out and scales it to unit length. */
static void pool(const rz_bert_config *c, const rz_bert_state *s, int n, float *out) {
    int d = c->dim, count = c->pooling == RZ_BERT_POOL_CLS ? 1 : n;
    double norm = 0;
    for (int i = 0; i < d; i++) {
        double sum = 0;
        for (int t = 0; t < count; t++)
            sum += s->x[(size_t)t * d + i];
        out[i] = (float)(sum / count);
        norm += (double)out[i] * out[i];
    }
    double scale = 1.0 / fmax(sqrt(norm), 1e-12);
    for (int i = 0; i < d; i++)
        out[i] = (float)(out[i] * scale);
}

rz_status rz_bert_encode(const rz_bert_model *m, rz_bert_state *s, const int32_t *tokens, int n,
                         float *out, rz_error *err) {
    const rz_bert_config *c = &m->config;
    if (n < 1 || n > s->max_tokens || n > c->max_positions)
        return rz_fail(err, RZ_EINVAL, "bert: %d tokens: expected 1 to %d", n, s->max_tokens);
    for (int t = 0; t < n; t++)
        if (tokens[t] < 0 || tokens[t] >= c->vocab_size)
            return rz_fail(err, RZ_EINVAL, "bert: token %d at %d: expected an id below %d",
                           tokens[t], t, c->vocab_size);
    embed_tokens(m, s, tokens, n);
    for (int l = 0; l < c->n_layers; l++)
        block(c, &m->weights.layers[l], s, n);
    pool(c, s, n, out);
    return RZ_OK;
}
