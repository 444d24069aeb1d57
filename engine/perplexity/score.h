/* Scoring one position the way llama.cpp's perplexity tool does, and the running estimate. */
#ifndef RZ_PERPLEXITY_SCORE_H
#define RZ_PERPLEXITY_SCORE_H

#include <stdint.h>

/* log softmax(logits)[tok] with the maximum taken in float and the sum of exponentials in double
 * (llama.cpp's log_softmax); 0 <= tok < n. */
double rz_ppl_log_prob(const float *logits, int n, int32_t tok);

/* log-softmax of the whole row into out[n] (double sums, as above); returns the argmax. */
int rz_ppl_log_softmax(const float *logits, int n, double *out);

/* Sums of -log p and (log p)^2 over the scored tokens. */
typedef struct {
    double nll, nll2;
    int64_t count;
} rz_ppl_acc;

void rz_ppl_acc_add(rz_ppl_acc *a, double log_p);
/* The perplexity: exp(mean NLL). */
double rz_ppl_acc_ppl(const rz_ppl_acc *a);
/* The error, llama.cpp's: ppl * sqrt((E[nll^2] - E[nll]^2) / (count - 1)), 0 for < 2 tokens. */
double rz_ppl_acc_err(const rz_ppl_acc *a);

#endif
