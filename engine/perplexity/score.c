#include "engine/perplexity/score.h"

#include <math.h>

static float row_max(const float *x, int n) {
    float m = x[0];
    for (int i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

double rz_ppl_log_prob(const float *logits, int n, int32_t tok) {
    const float max = row_max(logits, n);
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += expf(logits[i] - max);
    return (double)(logits[tok] - max) - log(sum);
}

int rz_ppl_log_softmax(const float *logits, int n, double *out) {
    const float max = row_max(logits, n);
    double sum = 0.0;
    int best = 0;
    for (int i = 0; i < n; i++) {
        sum += expf(logits[i] - max);
        if (logits[i] > logits[best]) best = i;
    }
    const double lse = log(sum);
    for (int i = 0; i < n; i++)
        out[i] = (double)(logits[i] - max) - lse;
    return best;
}

void rz_ppl_acc_add(rz_ppl_acc *a, double log_p) {
    a->nll -= log_p;
    a->nll2 += log_p * log_p;
    a->count++;
}

double rz_ppl_acc_ppl(const rz_ppl_acc *a) {
    return a->count ? exp(a->nll / (double)a->count) : NAN;
}

double rz_ppl_acc_err(const rz_ppl_acc *a) {
    if (a->count < 2) return 0.0;
    const double mean = a->nll / (double)a->count;
    const double var = a->nll2 / (double)a->count - mean * mean;
    return var > 0 ? exp(mean) * sqrt(var / (double)(a->count - 1)) : 0.0;
}
