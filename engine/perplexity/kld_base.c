#include "engine/perplexity/kld_base.h"

#include <stdlib.h>
#include <string.h>

#include "engine/perplexity/score.h"

int64_t rz_kld_base_positions(const rz_kld_base *b) {
    return (int64_t)b->n_chunks * (b->n_ctx - 1 - b->first);
}

rz_status rz_kld_base_init(int n_ctx, int n_vocab, int n_chunks, int top_k, rz_kld_base *b,
                           rz_error *err) {
    memset(b, 0, sizeof *b);
    if (n_ctx < 4 || n_ctx % 2 || n_vocab < 1 || n_chunks < 1 || top_k < 1 || top_k > n_vocab)
        return rz_fail(err, RZ_EINVAL,
                       "KLD base of context %d, vocabulary %d, %d chunks, top %d: out of range",
                       n_ctx, n_vocab, n_chunks, top_k);
    *b = (rz_kld_base){.n_ctx = n_ctx,
                       .n_vocab = n_vocab,
                       .n_chunks = n_chunks,
                       .first = n_ctx / 2,
                       .top_k = top_k};
    const size_t n = (size_t)rz_kld_base_positions(b);
    b->tokens = malloc((size_t)n_chunks * n_ctx * sizeof *b->tokens);
    b->target = malloc(n * sizeof *b->target);
    b->top_id = malloc(n * top_k * sizeof *b->top_id);
    b->top_logp = malloc(n * top_k * sizeof *b->top_logp);
    b->scratch = malloc((size_t)n_vocab * sizeof *b->scratch);
    if (!b->tokens || !b->target || !b->top_id || !b->top_logp || !b->scratch) {
        rz_kld_base_deinit(b);
        return rz_fail(err, RZ_ENOMEM, "out of memory for a KLD base of %zu positions", n);
    }
    return RZ_OK;
}

void rz_kld_base_deinit(rz_kld_base *b) {
    free(b->tokens);
    free(b->target);
    free(b->top_id);
    free(b->top_logp);
    free(b->scratch);
    memset(b, 0, sizeof *b);
}

/* Inserts (id, lp) into the descending top list of length *n (capacity k). */
static void top_insert(int32_t *ids, float *lps, int *n, int k, int32_t id, float lp) {
    if (*n == k && lp <= lps[k - 1]) return;
    int j = *n < k ? (*n)++ : k - 1;
    while (j > 0 && lps[j - 1] < lp) {
        ids[j] = ids[j - 1];
        lps[j] = lps[j - 1];
        j--;
    }
    ids[j] = id;
    lps[j] = lp;
}

void rz_kld_base_record(rz_kld_base *b, int64_t i, const float *logits, int32_t next) {
    rz_ppl_log_softmax(logits, b->n_vocab, b->scratch);
    int32_t *ids = b->top_id + i * b->top_k;
    float *lps = b->top_logp + i * b->top_k;
    int n = 0;
    for (int v = 0; v < b->n_vocab; v++)
        top_insert(ids, lps, &n, b->top_k, v, (float)b->scratch[v]);
    b->target[i] = (float)b->scratch[next];
}

rz_ppl_plan rz_kld_base_plan(const rz_kld_base *b) {
    return (rz_ppl_plan){.n_ctx = b->n_ctx, .n_chunks = b->n_chunks, .first = b->first};
}
