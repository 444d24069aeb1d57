/* Synthetic model writer (see synth.h). */
#include "engine/synth/synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf_stream.h"
#include "engine/quantize/rows.h"
#include "engine/synth/rng.h"
#include "engine/synth/vocab.h"
#include "engine/types/types.h"

#define WEIGHT_STD 0.02f

typedef struct {
    uint64_t seed, tensor, row_len;
    bool ones; /* a norm: every value 1 */
} source;

static void gen_row(void *ctx, uint64_t row, float *out) {
    const source *s = ctx;
    if (s->ones) {
        for (uint64_t i = 0; i < s->row_len; i++)
            out[i] = 1.0f;
        return;
    }
    uint64_t state = rz_rng_row_state(s->seed, s->tensor, row);
    for (uint64_t i = 0; i < s->row_len; i++)
        out[i] = WEIGHT_STD * rz_rng_normal(&state);
}

static rz_status add_kv(rz_gguf_writer *w, const rz_synth_options *o, rz_error *err) {
    const rz_llama_hparams *hp = &o->preset->hp;
    rz_gguf_value yes = {.type = RZ_GGUF_BOOL, .b = true};
    rz_status st = rz_llama_add_kv(w, hp, err);
    if (!st) st = rz_gguf_writer_add_str(w, "general.name", o->preset->name, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "general.file_type", o->spec->ftype, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "general.quantization_version", 2, err);
    if (!st) st = rz_gguf_writer_add_kv(w, "rz.synthetic", &yes, err);
    if (!st) st = rz_synth_vocab_add_kv(w, hp->vocab, err);
    return st;
}

/* The output tensor list: the llama layout with the spec's types. */
static void plan_tensors(const rz_synth_options *o, const rz_llama_tensor *lt, size_t n,
                         rz_gguf_stream_tensor *out, rz_synth_stats *stats) {
    rz_quant_plan plan = {o->spec, o->pure, o->preset->hp.n_layers, !o->preset->hp.tied};
    for (size_t i = 0; i < n; i++) {
        out[i].name = lt[i].name;
        out[i].n_dims = lt[i].n_dims;
        out[i].dims[0] = lt[i].dims[0];
        out[i].dims[1] = lt[i].dims[1];
        out[i].type = rz_quant_choose(&plan, lt[i].name, lt[i].n_dims, lt[i].dims, RZ_TYPE_F32);
        stats->n_params += lt[i].dims[0] * lt[i].dims[1];
    }
}

static rz_status write_tensors(rz_gguf_stream *s, const rz_synth_options *o,
                               const rz_llama_tensor *lt, const rz_gguf_stream_tensor *st_list,
                               size_t n, rz_synth_stats *stats, rz_error *err) {
    rz_status st = RZ_OK;
    for (size_t i = 0; i < n && !st; i++) {
        uint64_t bytes = rz_gguf_stream_tensor_bytes(s, i);
        void *buf = malloc(bytes ? (size_t)bytes : 1);
        if (!buf)
            return rz_fail(err, RZ_ENOMEM, "synth: cannot allocate %llu bytes for %s",
                           (unsigned long long)bytes, lt[i].name);
        bool norm = lt[i].role == RZ_LLAMA_ATTN_NORM || lt[i].role == RZ_LLAMA_FFN_NORM ||
                    lt[i].role == RZ_LLAMA_OUTPUT_NORM;
        source src = {o->seed, i, lt[i].dims[0], norm};
        st = rz_rows_convert(st_list[i].type, lt[i].dims[1], lt[i].dims[0], gen_row, &src,
                             o->n_threads, buf, err);
        if (!st) st = rz_gguf_stream_put(s, buf, bytes, err);
        free(buf);
        stats->bytes += bytes;
        stats->n_tensors++;
        if (!st && o->progress) o->progress(o->progress_ctx, i + 1, n, lt[i].name, st_list[i].type);
    }
    return st;
}

rz_status rz_synth_write(const char *path, const rz_synth_options *o, rz_synth_stats *stats,
                         rz_error *err) {
    memset(stats, 0, sizeof *stats);
    rz_llama_tensor *lt = NULL;
    size_t n = 0;
    rz_gguf_writer *w = NULL;
    rz_gguf_stream *s = NULL;
    rz_gguf_stream_tensor *list = NULL;
    rz_status st = rz_llama_check(&o->preset->hp, o->preset->id, err);
    if (!st) st = rz_llama_tensors(&o->preset->hp, &lt, &n, err);
    if (!st && !(list = calloc(n, sizeof *list)))
        st = rz_fail(err, RZ_ENOMEM, "synth: out of memory");
    if (!st) plan_tensors(o, lt, n, list, stats);
    if (!st) st = rz_gguf_writer_new(&w, err);
    if (!st) st = add_kv(w, o, err);
    if (!st) st = rz_gguf_stream_begin(path, w, list, n, &s, err);
    rz_gguf_writer_free(w);
    if (!st) st = write_tensors(s, o, lt, list, n, stats, err);
    if (s && st) rz_gguf_stream_abort(s);
    if (s && !st) st = rz_gguf_stream_end(s, err);
    free(list);
    free(lt);
    return st;
}
