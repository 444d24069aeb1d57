/* The A1 workload: a TinyLlama-1.1B-shape pair of weights, 2048 x 2048 (attention) then
 * 5632 x 2048 (FFN), random values quantized to one type, through the engine's threaded
 * products (backends/matvec_threads.h). */
#ifndef RZB_WORKLOAD_LAYER_PAIR_H
#define RZB_WORKLOAD_LAYER_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/pool.h"

enum { RZB_PAIR_DIM = 2048, RZB_PAIR_HIDDEN = 5632 };

typedef struct {
    uint32_t type;
    uint8_t *data;
    size_t attn_bytes, pair_bytes; /* one copy: the attention matrix, both matrices */
    int copies;
    int dim, hidden; /* RZB_PAIR_DIM and RZB_PAIR_HIDDEN divided by the shrink */
} rzb_layer_pair;

/* Holds `copies` identical copies back to back, so decode-shape products can walk a working set
 * larger than the caches; both sizes are divided by `shrink` (1: the real shape; a smoke run's 8
 * gives 256 and 704); false when the type cannot be quantized at that size or memory runs out
 * (nothing stays allocated). */
bool rzb_layer_pair_make(rzb_layer_pair *p, uint32_t type, int copies, int shrink);

/* Runs both products on copy c (c < copies): Y = X W^T for n_tokens > 1 (X n_tokens x dim), else
 * y = W x; y holds n_tokens x hidden floats. */
void rzb_layer_pair_product(const rzb_layer_pair *p, rz_pool *pool, int c, const float *x, float *y,
                            int n_tokens);

void rzb_layer_pair_free(rzb_layer_pair *p);

/* n floats uniform in [-0.05, 0.05) from a fixed xorshift seed, on 64-byte lines (as the
 * weights of rzb_layer_pair_make are); NULL when out of memory. */
float *rzb_random_floats(size_t n, uint64_t seed);

#endif
