#include "server/logprobs.h"

#include <math.h>

/* Inserts (id, logit) into the sorted top list of *n entries (at most cap) if it belongs there. */
static void insert(rz_srv_logprob *top, int *n, int cap, int32_t id, float logit) {
    if (*n == cap && (cap == 0 || logit <= top[cap - 1].logprob)) return;
    int i = *n < cap ? (*n)++ : cap - 1;
    for (; i > 0 && top[i - 1].logprob < logit; i--)
        top[i] = top[i - 1];
    top[i] = (rz_srv_logprob){id, logit};
}

void rz_srv_logprobs(const float *logits, int n_vocab, int32_t id, int n_top,
                     rz_srv_logprob_entry *e) {
    *e = (rz_srv_logprob_entry){.token.id = id};
    double max = logits[0], sum = 0;
    for (int i = 1; i < n_vocab; i++)
        if (logits[i] > max) max = logits[i];
    for (int i = 0; i < n_vocab; i++)
        sum += exp(logits[i] - max);
    double lse = max + log(sum);
    int cap = n_top < RZ_SRV_MAX_TOP_LOGPROBS ? n_top : RZ_SRV_MAX_TOP_LOGPROBS;
    for (int i = 0; i < n_vocab; i++)
        insert(e->top, &e->n_top, cap, i, logits[i]);
    for (int i = 0; i < e->n_top; i++)
        e->top[i].logprob = (float)(e->top[i].logprob - lse);
    e->token.logprob = (float)(logits[id] - lse);
}
