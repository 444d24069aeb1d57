/* rz_llama_attend (engine/models/llama_attention.h). */
#include "engine/models/llama_attention.h"

#include <string.h>

/* Query heads h0..h0 + heads - 1 of token t, which share KV head kvh: softmax(q.k * scale) over
 * their positions, then the weighted sums of values; scores holds `heads` rows of n_ctx floats. */
static void attend_heads(const rz_attention_job *j, int t, int kvh, int h0, int heads,
                         float *scores) {
    const rz_llama_config *c = j->c;
    const int kv_dim = c->n_kv_heads * c->head_dim, v_dim = c->n_kv_heads * c->head_dim_v;
    const int pos = j->pos0 + t;
    const int first = j->window > 0 && pos >= j->window ? pos - j->window + 1 : 0;
    const int n = pos - first + 1;
    const size_t hd = (size_t)c->head_dim, hdv = (size_t)c->head_dim_v;
    const float *q = j->q + ((size_t)t * c->n_heads + (size_t)h0) * hd;
    float *out = j->att + ((size_t)t * c->n_heads + (size_t)h0) * hdv;
    const size_t k0 = (size_t)first * kv_dim + (size_t)kvh * hd;
    const size_t v0 = (size_t)first * v_dim + (size_t)kvh * hdv;
    memset(out, 0, (size_t)heads * hdv * sizeof(float));
    if (j->kv_f16) {
        j->be->dot_f16_heads((const uint16_t *)j->k_layer + k0, (size_t)kv_dim, n, q, heads, hd,
                             scores, (size_t)n);
        for (int h = 0; h < heads; h++)
            j->be->softmax(scores + (size_t)h * n, n, c->attn_scale);
        j->be->axpy_f16_heads(scores, (size_t)n, (const uint16_t *)j->v_layer + v0, (size_t)v_dim,
                              n, heads, out, hdv);
        return;
    }
    for (int h = 0; h < heads; h++) {
        for (int i = 0; i < n; i++)
            scores[i] = j->be->dot_f32(q + (size_t)h * hd,
                                       (const float *)j->k_layer + k0 + (size_t)i * kv_dim, hd);
        j->be->softmax(scores, n, c->attn_scale);
        for (int i = 0; i < n; i++)
            j->be->axpy_f32(scores[i], (const float *)j->v_layer + v0 + (size_t)i * v_dim,
                            out + (size_t)h * hdv, hdv);
    }
}

/* A job split into items: item (t, kvh, p) is part p of `parts` of the query heads that share
 * KV head kvh, for token t (item number (t * n_kv_heads + kvh) * parts + p). */
typedef struct {
    const rz_attention_job *j;
    int parts, per_part; /* per_part: heads in each part but maybe the last */
} split;

/* Positions token t attends to, plus a constant for the per-item work that does not grow with
 * them: the cost of each of its items, in those units. */
static long item_cost(const rz_attention_job *j, int t) {
    const int pos = j->pos0 + t;
    const int first = j->window > 0 && pos >= j->window ? pos - j->window + 1 : 0;
    return pos - first + 1 + 16;
}

/* The first item of thread i of n: the items' costs summed in order, thread i starts where the
 * sum reaches i / n of the total (in a causal batch later tokens cost more: an even count of
 * items left the first of 2 threads a quarter of a prompt's first batch). */
static long first_item(const split *s, int i, int n) {
    const long items = (long)s->j->c->n_kv_heads * s->parts; /* per token */
    long total = 0;
    for (int t = 0; t < s->j->n; t++)
        total += items * item_cost(s->j, t);
    const long target = (long)((double)total * i / n);
    long sum = 0;
    for (int t = 0; t < s->j->n; t++) {
        const long c = item_cost(s->j, t);
        if (sum + items * c > target) return t * items + (target - sum + c - 1) / c;
        sum += items * c;
    }
    return (long)s->j->n * items;
}

/* Thread i of n takes items [first_item(i), first_item(i + 1)). */
static void attend_part(void *ctx, int i, int n) {
    const split *s = ctx;
    const rz_attention_job *j = s->j;
    const int group = j->c->n_heads / j->c->n_kv_heads;
    float *scores = j->scores + (size_t)i * (size_t)j->n_ctx * (size_t)group;
    const long end = first_item(s, i + 1, n);
    for (long it = first_item(s, i, n); it < end; it++) {
        const long g = it / s->parts; /* t * n_kv_heads + kvh */
        const int kvh = (int)(g % j->c->n_kv_heads), h = (int)(it % s->parts) * s->per_part;
        const int heads = group - h < s->per_part ? group - h : s->per_part;
        attend_heads(j, (int)(g / j->c->n_kv_heads), kvh, kvh * group + h, heads, scores);
    }
}

/* The heads of a KV group go to one item, each row of the cache widened once for all of them,
 * unless that leaves fewer than 4 items a thread (a decode: one token): then the group is split
 * in as few parts as give that many, a part never empty. */
void rz_llama_attend(rz_pool *pool, const rz_attention_job *job) {
    const int group = job->c->n_heads / job->c->n_kv_heads, threads = rz_pool_size(pool);
    const long groups = (long)job->n * job->c->n_kv_heads;
    int parts = 1;
    while (parts < group && groups * parts < 4L * threads)
        parts++;
    const int per_part = (group + parts - 1) / parts;
    split s = {.j = job, .parts = (group + per_part - 1) / per_part, .per_part = per_part};
    rz_pool_run(pool, attend_part, &s);
}
