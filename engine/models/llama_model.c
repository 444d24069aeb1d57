#include "engine/models/llama_model.h"

#include <string.h>

#include "engine/formats/map.h"
#include "engine/formats/prefetch.h"
#include "engine/models/llama_pack.h"

/* Starts the file's tensors on their way into the page cache when they are mapped from disk:
 * the 1-D ones (the norm vectors that bind copies, scattered through the file) all at once, the
 * rest in file order on a thread that reads ahead of packing. NULL when nothing reads ahead. */
static rz_prefetch *read_ahead(const rz_gguf *g) {
    if (!g->mapped) return NULL;
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].n_dims == 1) rz_map_will_read(g->tensors[i].data, g->tensors[i].size);
    return rz_prefetch_start(g->source, g->data_offset, g->size - g->data_offset);
}

rz_status rz_llama_model_from_gguf(rz_gguf *g, rz_llama_model *m, rz_error *err) {
    memset(m, 0, sizeof *m);
    m->gguf = *g;
    rz_prefetch *ahead = read_ahead(&m->gguf);
    rz_status st = rz_llama_config_read(&m->gguf, &m->config, err);
    if (!st) st = rz_llama_weights_bind(&m->gguf, &m->config, &m->weights, err);
    if (!st) st = rz_llama_weights_pack(&m->weights, &m->gguf, err);
    rz_prefetch_end(ahead);
    /* Whatever load left mapped of the tensors (pages two tensors share; whole large folios the
     * kernel mapped for a small read) leaves the resident set: what a token reads faults back. */
    if (!st && m->gguf.mapped)
        rz_map_release(m->gguf.base + m->gguf.data_offset, m->gguf.size - m->gguf.data_offset);
    if (st) rz_llama_model_close(m);
    return st;
}

rz_status rz_llama_model_open(const char *path, rz_llama_model *m, rz_error *err) {
    rz_gguf g;
    memset(m, 0, sizeof *m);
    rz_status st = rz_gguf_open(path, &g, err);
    if (st) return st;
    return rz_llama_model_from_gguf(&g, m, err);
}

void rz_llama_model_close(rz_llama_model *m) {
    rz_llama_weights_free(&m->weights);
    rz_gguf_close(&m->gguf);
    memset(m, 0, sizeof *m);
}
