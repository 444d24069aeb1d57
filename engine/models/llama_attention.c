/* rz_llama_attend (engine/models/llama_attention.h). */
#include "engine/models/llama_attention.h"

#include <string.h>

#include "engine/models/llama_ops.h"

/* Head h of token t: softmax(q.k * scale) over its positions, then the weighted sum of values. */
static void attend_one(const rz_attention_job *j, int t, int h, float *scores) {
    const rz_llama_config *c = j->c;
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    const int kvh = h / (c->n_heads / c->n_kv_heads), pos = j->pos0 + t;
    const int first = j->window > 0 && pos >= j->window ? pos - j->window + 1 : 0;
    const int n = pos - first + 1;
    const float *q = j->q + ((size_t)t * c->n_heads + (size_t)h) * c->head_dim;
    const size_t hd = (size_t)c->head_dim, hdv = (size_t)c->head_dim_v;
    const size_t k0 = (size_t)first * kv_dim + (size_t)kvh * hd;
    const size_t v0 = (size_t)first * v_dim + (size_t)kvh * hdv;
    if (j->kv_f16)
        j->be->dot_f16_rows((const uint16_t *)j->k_layer + k0, (size_t)kv_dim, n, q, hd, scores);
    for (int i = 0; i < n; i++) {
        const float dot =
            j->kv_f16 ? scores[i]
                      : j->be->dot_f32(q, (const float *)j->k_layer + k0 + (size_t)i * kv_dim, hd);
        scores[i] = dot * c->attn_scale;
    }
    rz_softmax(scores, n);
    float *out = j->att + ((size_t)t * c->n_heads + (size_t)h) * c->head_dim_v;
    memset(out, 0, hdv * sizeof(float));
    if (j->kv_f16) {
        j->be->axpy_f16_rows(scores, (const uint16_t *)j->v_layer + v0, (size_t)v_dim, n, out, hdv);
        return;
    }
    for (int i = 0; i < n; i++)
        j->be->axpy_f32(scores[i], (const float *)j->v_layer + v0 + (size_t)i * v_dim, out, hdv);
}

/* Positions token t attends to, plus a constant for the per-item work that does not grow with
 * them: the cost of each of its items (t, h), in those units. */
static long item_cost(const rz_attention_job *j, int t) {
    const int pos = j->pos0 + t;
    const int first = j->window > 0 && pos >= j->window ? pos - j->window + 1 : 0;
    return pos - first + 1 + 16;
}

/* The first item of thread i of n: the items' costs summed in order, thread i starts where the
 * sum reaches i / n of the total (in a causal batch later tokens cost more: an even count of
 * items left the first of 2 threads a quarter of a prompt's first batch). */
static long first_item(const rz_attention_job *j, int i, int n) {
    const long heads = j->c->n_heads;
    long total = 0;
    for (int t = 0; t < j->n; t++)
        total += heads * item_cost(j, t);
    const long target = (long)((double)total * i / n);
    long sum = 0;
    for (int t = 0; t < j->n; t++) {
        const long c = item_cost(j, t);
        if (sum + heads * c > target) return t * heads + (target - sum + c - 1) / c;
        sum += heads * c;
    }
    return (long)j->n * heads;
}

/* Thread i of n takes items [first_item(i), first_item(i + 1)), item = t * n_heads + h. */
static void attend_part(void *ctx, int i, int n) {
    const rz_attention_job *j = ctx;
    float *scores = j->scores + (size_t)i * j->n_ctx;
    const long end = first_item(j, i + 1, n);
    for (long it = first_item(j, i, n); it < end; it++)
        attend_one(j, (int)(it / j->c->n_heads), (int)(it % j->c->n_heads), scores);
}

void rz_llama_attend(rz_pool *pool, const rz_attention_job *job) {
    rz_pool_run(pool, attend_part, (void *)job);
}
