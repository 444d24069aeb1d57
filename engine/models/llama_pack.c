/* rz_llama_weights_pack and _unpack (engine/models/llama_pack.h). */
#include "engine/models/llama_pack.h"

#include <stdlib.h>

#include "backends/pack.h"
#include "engine/core/huge.h"
#include "engine/formats/map.h"

enum { MATRICES_PER_LAYER = 7 };

/* The matrices of layer l, or the output matrix for l == n_layers. */
static int matrices(rz_llama_weights *w, int l, rz_llama_matrix *out[MATRICES_PER_LAYER]) {
    if (l == w->n_layers) {
        out[0] = &w->output;
        return 1;
    }
    rz_llama_layer *L = &w->layers[l];
    rz_llama_matrix *all[MATRICES_PER_LAYER] = {&L->wq,       &L->wk,     &L->wv,      &L->wo,
                                                &L->ffn_gate, &L->ffn_up, &L->ffn_down};
    for (int i = 0; i < MATRICES_PER_LAYER; i++)
        out[i] = all[i];
    return MATRICES_PER_LAYER;
}

static rz_status pack_matrix(rz_llama_matrix *m, const rz_gguf *g, rz_error *err) {
    const int type = rz_pack_type_of(m->type);
    size_t row = 0;
    if (type < 0 || m->rows % RZ_PACK_ROWS || !rz_pack_row_bytes((uint32_t)type, m->cols, &row))
        return RZ_OK;
    const size_t bytes = (size_t)m->rows * row;
    m->packed = rz_huge_alloc(bytes);
    if (!m->packed)
        return rz_fail(err, RZ_ENOMEM, "%s: out of memory for %zu MiB of packed weights", g->source,
                       bytes >> 20);
    rz_pack_rows(m->type, m->data, m->rows, m->cols, m->packed);
    m->packed_type = (uint32_t)type;
    if (g->mapped) rz_map_release(m->data, (size_t)m->rows * m->row_bytes);
    return RZ_OK;
}

rz_status rz_llama_weights_pack(rz_llama_weights *w, const rz_gguf *g, rz_error *err) {
    rz_status st = RZ_OK;
    for (int l = 0; l <= w->n_layers && !st; l++) {
        rz_llama_matrix *m[MATRICES_PER_LAYER];
        const int n = matrices(w, l, m);
        for (int i = 0; i < n && !st; i++)
            st = pack_matrix(m[i], g, err);
    }
    if (st) rz_llama_weights_unpack(w);
    return st;
}

void rz_llama_weights_unpack(rz_llama_weights *w) {
    for (int l = 0; w->layers && l <= w->n_layers; l++) {
        rz_llama_matrix *m[MATRICES_PER_LAYER];
        const int n = matrices(w, l, m);
        for (int i = 0; i < n; i++) {
            free(m[i]->packed);
            m[i]->packed = NULL;
        }
    }
}
