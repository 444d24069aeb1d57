/* rz_llama_weights_pack and _unpack (engine/models/llama_pack.h). */
#include "engine/models/llama_pack.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "backends/pack.h"
#include "backends/vec_dot.h"
#include "engine/core/huge.h"
#include "engine/core/pool_pin.h"
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

/* Bytes of m's packed copy rounded up to 64, and its packed row's bytes; 0 when m has no packed
 * form or the active backend no kernel for it (packed bf16 without AMX). */
static size_t packed_bytes(const rz_llama_matrix *m, size_t *row) {
    const int type = rz_pack_type_of(m->type);
    if (type < 0 || m->rows % RZ_PACK_ROWS || !rz_pack_row_bytes((uint32_t)type, m->cols, row) ||
        !rz_vec_kernel_for(rz_backend_active(), (uint32_t)type)->gemm)
        return 0;
    return ((size_t)m->rows * *row + 63) / 64 * 64;
}

/* Packing goes CHUNK rows at a time, each chunk's source pages (when mapped) released as soon as
 * it is packed: a large matrix's file bytes and its packed copy are never both resident (a tied
 * 262144-row output made Gemma 3 270M's peak RSS 426 MiB against 296 MiB once loaded). The
 * chunks go to every core in file order, so the file is read front to back. */
enum { CHUNK = 1024 };

typedef struct {
    rz_llama_matrix *m;
    int64_t r;  /* first row */
    size_t row; /* packed row bytes */
} chunk;

typedef struct {
    const rz_gguf *g;
    const chunk *chunks;
    long long n;
    atomic_llong next;
} packing;

static void pack_chunk(const rz_gguf *g, const chunk *c) {
    const rz_llama_matrix *m = c->m;
    const int64_t n = m->rows - c->r < CHUNK ? m->rows - c->r : CHUNK;
    const uint8_t *src = (const uint8_t *)m->data + (size_t)c->r * m->row_bytes;
    rz_pack_rows(m->type, src, n, m->cols, (uint8_t *)m->packed + (size_t)c->r * c->row);
    if (g->mapped) rz_map_release(src, (size_t)n * m->row_bytes);
}

static void pack_part(void *ctx, int i, int n) {
    (void)i, (void)n;
    packing *p = ctx;
    for (long long k; (k = atomic_fetch_add(&p->next, 1)) < p->n;)
        pack_chunk(p->g, &p->chunks[k]);
}

/* Gives every matrix with a packed form its place in arena and lists its chunks into chunks
 * (both NULL: only counts); returns the chunk count, the arena's bytes in *bytes. */
static long long place(rz_llama_weights *w, uint8_t *arena, chunk *chunks, size_t *bytes) {
    long long n = 0;
    *bytes = 0;
    for (int l = 0; l <= w->n_layers; l++) {
        rz_llama_matrix *m[MATRICES_PER_LAYER];
        const int k = matrices(w, l, m);
        for (int i = 0; i < k; i++) {
            size_t row;
            const size_t size = packed_bytes(m[i], &row);
            if (!size) continue;
            if (chunks) {
                m[i]->packed_type = (uint32_t)rz_pack_type_of(m[i]->type);
                m[i]->packed = arena + *bytes;
            }
            for (int64_t r = 0; r < m[i]->rows; r += CHUNK, n++)
                if (chunks) chunks[n] = (chunk){m[i], r, row};
            *bytes += size;
        }
    }
    return n;
}

/* Every packed copy lives in one arena on huge pages: one per matrix left each matrix's last
 * 2 MiB page partly empty but resident (TinyLlama-1.1B Q4_0: 170 MiB). */
rz_status rz_llama_weights_pack(rz_llama_weights *w, const rz_gguf *g, rz_error *err) {
    size_t total;
    const long long n = place(w, NULL, NULL, &total);
    if (!total) return RZ_OK;
    chunk *chunks = malloc((size_t)n * sizeof *chunks);
    w->packed_arena = chunks ? rz_huge_alloc(total) : NULL;
    if (!w->packed_arena) {
        free(chunks);
        return rz_fail(err, RZ_ENOMEM, "%s: out of memory for %zu MiB of packed weights", g->source,
                       total >> 20);
    }
    place(w, w->packed_arena, chunks, &total);
    packing p = {.g = g, .chunks = chunks, .n = n};
    atomic_init(&p.next, 0);
    rz_pool *pool = NULL; /* stays NULL when no thread starts: the caller's packs alone */
    rz_error ignored;
    rz_pool_new(rz_default_threads(), &pool, &ignored);
    rz_pool_run(pool, pack_part, &p);
    rz_pool_free(pool);
    free(chunks);
    for (int l = 0; g->mapped && l <= w->n_layers; l++) { /* pages two chunks shared */
        rz_llama_matrix *m[MATRICES_PER_LAYER];
        const int k = matrices(w, l, m);
        for (int i = 0; i < k; i++)
            if (m[i]->packed) rz_map_release(m[i]->data, (size_t)m[i]->rows * m[i]->row_bytes);
    }
    return RZ_OK;
}

void rz_llama_weights_unpack(rz_llama_weights *w) {
    for (int l = 0; w->layers && l <= w->n_layers; l++) {
        rz_llama_matrix *m[MATRICES_PER_LAYER];
        const int n = matrices(w, l, m);
        for (int i = 0; i < n; i++)
            m[i]->packed = NULL;
    }
    free(w->packed_arena);
    w->packed_arena = NULL;
}
