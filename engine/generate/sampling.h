/* rz_sampler: picks the next token from logits.
 * Contract: deterministic: the same seed and the same logits give the same tokens, on every
 * machine (a xorshift64* generator seeded through splitmix64). Ties go to the lower id. The
 * sampler owns a candidate buffer for n_vocab tokens, allocated once. */
#ifndef RZ_GENERATE_SAMPLING_H
#define RZ_GENERATE_SAMPLING_H

#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    float temperature;
    int top_k;
    float top_p;
    uint64_t seed;
} rz_sampler_params;

typedef struct {
    int32_t id;
    float logit;
} rz_candidate;

typedef struct {
    rz_sampler_params params;
    int n_vocab;
    uint64_t rng;
    rz_candidate *cand; /* [n_vocab] */
    double *prob;       /* [n_vocab] */
} rz_sampler;

/* Validates the params (temperature finite, top_k >= 0, 0 < top_p <= 1, n_vocab >= 1). */
rz_status rz_sampler_init(const rz_sampler_params *p, int n_vocab, rz_sampler *s, rz_error *err);
void rz_sampler_deinit(rz_sampler *s);

/* Greedy when temperature <= 0, else llama.cpp's order: keep the top_k most likely (0: all), then
 * the smallest set whose probability reaches top_p (1: all), then divide by the temperature,
 * softmax, and draw. */
int32_t rz_sampler_sample(rz_sampler *s, const float *logits);

/* The index of the largest logit (the first on ties). */
int32_t rz_argmax(const float *logits, int n);

/* The next number of the sampler's generator, uniform in [0, 1). */
double rz_sampler_uniform(rz_sampler *s);

#endif
