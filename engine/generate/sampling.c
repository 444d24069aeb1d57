#include "engine/generate/sampling.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

rz_status rz_sampler_init(const rz_sampler_params *p, int n_vocab, rz_sampler *s, rz_error *err) {
    memset(s, 0, sizeof *s);
    if (!isfinite(p->temperature))
        return rz_fail(err, RZ_EINVAL, "temperature %g: expected a finite number", p->temperature);
    if (p->top_k < 0) return rz_fail(err, RZ_EINVAL, "top-k %d: expected >= 0", p->top_k);
    if (!(p->top_p > 0.0f && p->top_p <= 1.0f))
        return rz_fail(err, RZ_EINVAL, "top-p %g: expected 0 < p <= 1", p->top_p);
    if (n_vocab < 1) return rz_fail(err, RZ_EINVAL, "vocabulary of %d tokens", n_vocab);
    s->params = *p;
    s->n_vocab = n_vocab;
    uint64_t seed = p->seed;
    s->rng = splitmix64(&seed) | 1;
    s->cand = malloc((size_t)n_vocab * sizeof *s->cand);
    s->prob = malloc((size_t)n_vocab * sizeof *s->prob);
    if (!s->cand || !s->prob) {
        rz_sampler_deinit(s);
        return rz_fail(err, RZ_ENOMEM, "out of memory for %d sampling candidates", n_vocab);
    }
    return RZ_OK;
}

void rz_sampler_deinit(rz_sampler *s) {
    free(s->cand);
    free(s->prob);
    memset(s, 0, sizeof *s);
}

double rz_sampler_uniform(rz_sampler *s) {
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (double)((s->rng * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-53;
}

int32_t rz_argmax(const float *logits, int n) {
    int32_t best = 0;
    for (int i = 1; i < n; i++)
        if (logits[i] > logits[best]) best = i;
    return best;
}

/* a ranks before b: larger logit, then lower id. */
static bool before(rz_candidate a, rz_candidate b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

static int cmp_candidates(const void *pa, const void *pb) {
    const rz_candidate *a = pa, *b = pb;
    return before(*a, *b) ? -1 : before(*b, *a) ? 1 : 0;
}

/* Restores the heap below node i: every parent ranks after its children (the root is the
 * weakest of the k kept). */
static void sift_down(rz_candidate *h, int k, int i) {
    for (;;) {
        int worst = i, l = 2 * i + 1, r = l + 1;
        if (l < k && before(h[worst], h[l])) worst = l;
        if (r < k && before(h[worst], h[r])) worst = r;
        if (worst == i) return;
        rz_candidate t = h[i];
        h[i] = h[worst];
        h[worst] = t;
        i = worst;
    }
}

/* The k best candidates, best first, in s->cand[0..k). */
static int top_k(rz_sampler *s, const float *logits, int k) {
    rz_candidate *c = s->cand;
    for (int i = 0; i < k; i++)
        c[i] = (rz_candidate){i, logits[i]};
    for (int i = k / 2 - 1; i >= 0; i--)
        sift_down(c, k, i);
    for (int i = k; i < s->n_vocab; i++) {
        rz_candidate x = {i, logits[i]};
        if (before(x, c[0])) {
            c[0] = x;
            sift_down(c, k, 0);
        }
    }
    qsort(c, (size_t)k, sizeof *c, cmp_candidates);
    return k;
}

/* How many of the n sorted candidates make up probability top_p (at temperature 1). */
static int top_p(rz_sampler *s, int n) {
    if (s->params.top_p >= 1.0f) return n;
    double sum = 0.0, cum = 0.0;
    for (int i = 0; i < n; i++)
        sum += s->prob[i] = exp((double)s->cand[i].logit - s->cand[0].logit);
    for (int i = 0; i < n; i++) {
        cum += s->prob[i];
        if (cum >= s->params.top_p * sum) return i + 1;
    }
    return n;
}

int32_t rz_sampler_sample(rz_sampler *s, const float *logits) {
    const rz_sampler_params *p = &s->params;
    if (p->temperature <= 0.0f || p->top_k == 1) return rz_argmax(logits, s->n_vocab);
    int k = p->top_k > 0 && p->top_k < s->n_vocab ? p->top_k : s->n_vocab;
    int n = top_p(s, top_k(s, logits, k));
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += s->prob[i] =
            exp(((double)s->cand[i].logit - s->cand[0].logit) / (double)p->temperature);
    double r = rz_sampler_uniform(s) * sum;
    for (int i = 0; i < n; i++) {
        r -= s->prob[i];
        if (r < 0.0) return s->cand[i].id;
    }
    return s->cand[n - 1].id;
}
