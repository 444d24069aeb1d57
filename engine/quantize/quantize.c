/* GGUF re-quantization (see quantize.h). */
#include "engine/quantize/quantize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf.h"
#include "engine/formats/gguf_stream.h"
#include "engine/formats/gguf_write.h"
#include "engine/quantize/rows.h"
#include "engine/types/types.h"

typedef struct {
    const uint8_t *data;
    uint64_t row_bytes, row_len;
    void (*to_float)(const void *, float *, int64_t);
} source;

static void decode_row(void *ctx, uint64_t row, float *out) {
    const source *s = ctx;
    s->to_float(s->data + row * s->row_bytes, out, (int64_t)s->row_len);
}

/* A NUL-terminated copy of a GGUF string. */
static char *dup_str(rz_gguf_str s) {
    char *p = malloc((size_t)s.len + 1);
    if (p) {
        memcpy(p, s.data, (size_t)s.len);
        p[s.len] = 0;
    }
    return p;
}

static rz_status copy_kv(const rz_gguf *g, const rz_quant_spec *spec, rz_gguf_writer *w,
                         rz_error *err) {
    rz_status st = RZ_OK;
    for (uint64_t i = 0; i < g->n_kv && !st; i++) {
        char *key = dup_str(g->kv[i].key);
        if (!key) return rz_fail(err, RZ_ENOMEM, "quantize: out of memory");
        if (strcmp(key, "general.file_type") && strcmp(key, "general.quantization_version"))
            st = rz_gguf_writer_add_kv(w, key, &g->kv[i].value, err);
        free(key);
    }
    if (!st) st = rz_gguf_writer_add_u32(w, "general.quantization_version", 2, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "general.file_type", spec->ftype, err);
    return st;
}

static uint32_t layer_count(const rz_gguf *g) {
    rz_gguf_str arch;
    char key[128];
    uint64_t n;
    if (rz_gguf_get_str(g, "general.architecture", &arch) && arch.len < 64) {
        snprintf(key, sizeof key, "%.*s.block_count", (int)arch.len, arch.data);
        if (rz_gguf_get_u64(g, key, &n) && n < UINT32_MAX) return (uint32_t)n;
    }
    uint32_t max = 0;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        int layer;
        char name[96];
        snprintf(name, sizeof name, "%.*s",
                 (int)(g->tensors[i].name.len < 95 ? g->tensors[i].name.len : 95),
                 g->tensors[i].name.data);
        if (sscanf(name, "blk.%d.", &layer) == 1 && layer >= 0 && (uint32_t)layer + 1 > max)
            max = (uint32_t)layer + 1;
    }
    return max;
}

static rz_status plan(const rz_gguf *g, const rz_quantize_options *o, rz_gguf_stream_tensor *list,
                      char **names, rz_error *err) {
    rz_quant_plan p = {o->spec, o->pure, layer_count(g),
                       rz_gguf_find_tensor(g, "output.weight") != NULL};
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const rz_gguf_tensor *t = &g->tensors[i];
        if (!(names[i] = dup_str(t->name)))
            return rz_fail(err, RZ_ENOMEM, "quantize: out of memory");
        list[i].name = names[i];
        list[i].n_dims = t->n_dims;
        memcpy(list[i].dims, t->dims, sizeof list[i].dims);
        list[i].type = rz_quant_choose(&p, names[i], t->n_dims, t->dims, t->type);
        if (list[i].type != t->type) {
            const rz_type_traits *tr = rz_type_get(t->type);
            if (!tr || !tr->to_float)
                return rz_fail(err, RZ_EUNSUPPORTED,
                               "%s: tensor '%s': type %s: rz cannot decode it to re-encode as %s",
                               g->source, names[i], rz_type_ggml_name(t->type),
                               rz_type_ggml_name(list[i].type));
        }
    }
    return RZ_OK;
}

static rz_status write_one(rz_gguf_stream *s, const rz_gguf *g, size_t i, uint32_t type,
                           int n_threads, rz_quantize_stats *stats, rz_error *err) {
    const rz_gguf_tensor *t = &g->tensors[i];
    uint64_t bytes = rz_gguf_stream_tensor_bytes(s, i);
    stats->bytes_in += t->size;
    stats->bytes_out += bytes;
    if (type < 64) stats->per_type[type]++;
    if (type == t->type) return rz_gguf_stream_put(s, t->data, t->size, err);
    void *buf = malloc(bytes ? (size_t)bytes : 1);
    if (!buf)
        return rz_fail(err, RZ_ENOMEM, "quantize: cannot allocate %llu bytes",
                       (unsigned long long)bytes);
    uint64_t row_len = t->dims[0], src_row;
    rz_type_row_bytes(t->type, row_len, &src_row);
    source src = {t->data, src_row, row_len, rz_type_get(t->type)->to_float};
    rz_status st = rz_rows_convert(type, row_len ? t->n_elements / row_len : 0, row_len, decode_row,
                                   &src, n_threads, buf, err);
    if (!st) st = rz_gguf_stream_put(s, buf, bytes, err);
    stats->n_converted++;
    free(buf);
    return st;
}

rz_status rz_quantize_file(const char *in, const char *out, const rz_quantize_options *o,
                           rz_quantize_stats *stats, rz_error *err) {
    memset(stats, 0, sizeof *stats);
    rz_gguf g;
    rz_status st = rz_gguf_open(in, &g, err);
    if (st) return st;
    size_t n = (size_t)g.n_tensors;
    rz_gguf_stream_tensor *list = calloc(n ? n : 1, sizeof *list);
    char **names = calloc(n ? n : 1, sizeof *names);
    rz_gguf_writer *w = NULL;
    rz_gguf_stream *s = NULL;
    if (!list || !names) st = rz_fail(err, RZ_ENOMEM, "quantize: out of memory");
    if (!st) st = plan(&g, o, list, names, err);
    if (!st) st = rz_gguf_writer_new(&w, err);
    if (!st) st = copy_kv(&g, o->spec, w, err);
    if (!st) st = rz_gguf_stream_begin(out, w, list, n, &s, err);
    rz_gguf_writer_free(w);
    for (size_t i = 0; i < n && !st; i++) {
        st = write_one(s, &g, i, list[i].type, o->n_threads, stats, err);
        stats->n_tensors++;
        if (!st && o->progress) o->progress(o->progress_ctx, i + 1, n, names[i], list[i].type);
    }
    if (s && st) rz_gguf_stream_abort(s);
    if (s && !st) st = rz_gguf_stream_end(s, err);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    free(list);
    rz_gguf_close(&g);
    return st;
}
