#include "claims/workloads/layer_pair.h"

#include <stdlib.h>
#include <string.h>

#include "backends/matvec_threads.h"
#include "engine/core/lines.h"

float *rzb_random_floats(size_t n, uint64_t seed) {
    float *f = rz_alloc_lines(n * sizeof *f);
    for (size_t i = 0; f && i < n; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        f[i] = (float)((double)(seed >> 11) / 9007199254740992.0 - 0.5) * 0.1f;
    }
    return f;
}

bool rzb_layer_pair_make(rzb_layer_pair *p, uint32_t type, int copies, int shrink) {
    const rz_type_traits *t = rz_type_get(type);
    const int dim = shrink > 0 ? RZB_PAIR_DIM / shrink : 0, hidden = RZB_PAIR_HIDDEN / shrink;
    uint64_t row;
    memset(p, 0, sizeof *p);
    if (!t || !t->from_float || copies < 1 || dim < 1 || !rz_type_row_bytes(type, dim, &row))
        return false;
    const size_t n = (size_t)(dim + hidden) * dim;
    *p = (rzb_layer_pair){type, NULL, dim * row, (dim + hidden) * row, copies, dim, hidden};
    float *f = rzb_random_floats(n, 0x9E3779B97F4A7C15u);
    p->data = f ? rz_alloc_lines(p->pair_bytes * (size_t)copies) : NULL;
    if (p->data) {
        t->from_float(f, p->data, (int64_t)n);
        for (int c = 1; c < copies; c++)
            memcpy(p->data + (size_t)c * p->pair_bytes, p->data, p->pair_bytes);
    }
    free(f);
    return p->data != NULL;
}

void rzb_layer_pair_product(const rzb_layer_pair *p, rz_pool *pool, int c, const float *x, float *y,
                            int n_tokens) {
    const rz_backend *be = rz_backend_active();
    const uint8_t *attn = p->data + (size_t)c * p->pair_bytes, *ffn = attn + p->attn_bytes;
    if (n_tokens == 1) {
        rz_matvec_mt(be, pool, p->type, attn, x, y, p->dim, p->dim);
        rz_matvec_mt(be, pool, p->type, ffn, x, y, p->hidden, p->dim);
    } else {
        rz_matmul_mt(be, pool, p->type, attn, x, y, p->dim, p->dim, n_tokens, NULL);
        rz_matmul_mt(be, pool, p->type, ffn, x, y, p->hidden, p->dim, n_tokens, NULL);
    }
}

void rzb_layer_pair_free(rzb_layer_pair *p) {
    free(p->data);
    memset(p, 0, sizeof *p);
}
