/* Counter-based random numbers for synthetic weights: every value is a pure function of
 * (seed, tensor, row, column), so output does not depend on threads or order. */
#ifndef RZ_SYNTH_RNG_H
#define RZ_SYNTH_RNG_H

#include <stdint.h>

static inline uint64_t rz_rng_mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The state for a row: a stream start that differs for every (seed, tensor, row). */
static inline uint64_t rz_rng_row_state(uint64_t seed, uint64_t tensor, uint64_t row) {
    return rz_rng_mix(rz_rng_mix(seed ^ rz_rng_mix(tensor)) + row);
}

/* Next value of the row's stream (splitmix64). */
static inline uint64_t rz_rng_next(uint64_t *state) {
    *state += 0x9e3779b97f4a7c15ull;
    uint64_t x = *state;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* An Irwin-Hall approximation (sum of four uniforms, rescaled to unit variance): bell-shaped,
 * mean 0, variance 1, bounded by +-2*sqrt(3). */
static inline float rz_rng_normal(uint64_t *state) {
    uint64_t r = rz_rng_next(state);
    uint32_t sum = (uint32_t)(r & 0xffff) + (uint32_t)((r >> 16) & 0xffff) +
                   (uint32_t)((r >> 32) & 0xffff) + (uint32_t)(r >> 48);
    /* sum / 65536 ~ sum of four U(0,1): mean 2, variance 1/3 */
    return (((float)sum + 2.0f) * (1.0f / 65536.0f) - 2.0f) * 1.7320508f;
}

#endif
