/* Comparing a model's logits at one position with the base record (kld_base.h), and the
 * statistics llama.cpp's --kl-divergence prints. */
#ifndef RZ_PERPLEXITY_KLD_H
#define RZ_PERPLEXITY_KLD_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/perplexity/kld_base.h"

typedef struct {
    double kld, dp, logp_base, logp_q; /* dp = q(next) - p(next) */
    int same_top;                      /* Q's argmax is the base's */
} rz_kld_point;

/* Fills one rz_kld_point: with P the base and Q this model,
 *   kld = sum over the base's top_k tokens t of p_t (log p_t - log q_t)
 *         + p_rest (log p_rest - log q_rest),
 * where p_rest = 1 - sum p_t and q_rest = 1 - sum q_t over the same tokens (Q's own mass outside
 * the base's top_k); by the log-sum inequality this is <= the full KLD and equals it when the
 * base's tail is one token or carries no mass. scratch: n_vocab doubles. */
rz_kld_point rz_kld_token(const rz_kld_base *b, int64_t i, const float *logits, int32_t next,
                          double *scratch);

/* rz_kld_acc keeps every point (sizes grow as needed) so percentiles are exact. */
typedef struct {
    rz_kld_point *p;
    size_t n, cap;
} rz_kld_acc;

rz_status rz_kld_acc_push(rz_kld_acc *a, rz_kld_point p, rz_error *err);
void rz_kld_acc_free(rz_kld_acc *a);

enum { RZ_KLD_N_PCT = 9 };
/* 99.9, 99, 95, 90, 50, 10, 5, 1, 0.1 */
extern const double rz_kld_pct_levels[RZ_KLD_N_PCT];

typedef struct {
    double mean, err, min, max, pct[RZ_KLD_N_PCT];
} rz_kld_dist;

typedef struct {
    size_t n;
    double ppl_q, ppl_q_err, ppl_base, ppl_base_err;
    double ln_ratio, ln_ratio_err; /* mean of ln q(next) deficit: ln(PPL(Q)/PPL(base)) */
    double ppl_ratio, ppl_ratio_err, cor;
    rz_kld_dist kld, dp;
    double dp_rms, dp_rms_err;
    double same_top, same_top_err; /* fractions in [0, 1] */
} rz_kld_summary;

/* Computes means with standard errors, percentiles by linear interpolation between order
 * statistics, and the correlation of per-token ln p under both models. Needs a->n >= 2
 * (RZ_EINVAL otherwise); RZ_ENOMEM when a scratch copy cannot be made. */
rz_status rz_kld_summarize(const rz_kld_acc *a, rz_kld_summary *s, rz_error *err);

#endif
