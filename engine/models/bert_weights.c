#include "engine/models/bert_weights.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/lines.h"

/* One tensor: where it goes, its names (a %d is the layer) and its shape. */
typedef enum { DIM, HIDDEN, VOCAB, POSITIONS, TYPES, ONE } extent;
typedef struct {
    size_t offset; /* into rz_bert_weights, or rz_bert_layer when per_layer */
    const char *hf, *gguf;
    extent rows, cols;
} tensor_def;

#define W(field, hf, gguf, rows, cols)                                                             \
    { offsetof(rz_bert_weights, field), hf, gguf, rows, cols }
#define L(field, hf, gguf, rows, cols)                                                             \
    { offsetof(rz_bert_layer, field), hf, gguf, rows, cols }

static const tensor_def globals[] = {
    W(token_embd, "embeddings.word_embeddings.weight", "token_embd.weight", VOCAB, DIM),
    W(position_embd, "embeddings.position_embeddings.weight", "position_embd.weight", POSITIONS,
      DIM),
    W(type_embd, "embeddings.token_type_embeddings.weight", "token_types.weight", TYPES, DIM),
    W(embd_norm, "embeddings.LayerNorm.weight", "token_embd_norm.weight", ONE, DIM),
    W(embd_norm_bias, "embeddings.LayerNorm.bias", "token_embd_norm.bias", ONE, DIM),
};

#define LAYER "encoder.layer.%d."
static const tensor_def per_layer[] = {
    L(q, LAYER "attention.self.query.weight", "blk.%d.attn_q.weight", DIM, DIM),
    L(q_bias, LAYER "attention.self.query.bias", "blk.%d.attn_q.bias", ONE, DIM),
    L(k, LAYER "attention.self.key.weight", "blk.%d.attn_k.weight", DIM, DIM),
    L(k_bias, LAYER "attention.self.key.bias", "blk.%d.attn_k.bias", ONE, DIM),
    L(v, LAYER "attention.self.value.weight", "blk.%d.attn_v.weight", DIM, DIM),
    L(v_bias, LAYER "attention.self.value.bias", "blk.%d.attn_v.bias", ONE, DIM),
    L(attn_out, LAYER "attention.output.dense.weight", "blk.%d.attn_output.weight", DIM, DIM),
    L(attn_out_bias, LAYER "attention.output.dense.bias", "blk.%d.attn_output.bias", ONE, DIM),
    L(attn_norm, LAYER "attention.output.LayerNorm.weight", "blk.%d.attn_output_norm.weight", ONE,
      DIM),
    L(attn_norm_bias, LAYER "attention.output.LayerNorm.bias", "blk.%d.attn_output_norm.bias", ONE,
      DIM),
    L(ffn_up, LAYER "intermediate.dense.weight", "blk.%d.ffn_up.weight", HIDDEN, DIM),
    L(ffn_up_bias, LAYER "intermediate.dense.bias", "blk.%d.ffn_up.bias", ONE, HIDDEN),
    L(ffn_down, LAYER "output.dense.weight", "blk.%d.ffn_down.weight", DIM, HIDDEN),
    L(ffn_down_bias, LAYER "output.dense.bias", "blk.%d.ffn_down.bias", ONE, DIM),
    L(out_norm, LAYER "output.LayerNorm.weight", "blk.%d.layer_output_norm.weight", ONE, DIM),
    L(out_norm_bias, LAYER "output.LayerNorm.bias", "blk.%d.layer_output_norm.bias", ONE, DIM),
};

enum {
    N_GLOBALS = sizeof globals / sizeof *globals,
    N_PER_LAYER = sizeof per_layer / sizeof *per_layer
};

static size_t size_of(const rz_bert_config *c, extent e) {
    switch (e) {
    case DIM:
        return (size_t)c->dim;
    case HIDDEN:
        return (size_t)c->hidden_dim;
    case VOCAB:
        return (size_t)c->vocab_size;
    case POSITIONS:
        return (size_t)c->max_positions;
    case TYPES:
        return (size_t)c->n_types;
    default:
        return 1;
    }
}

static size_t floats_of(const rz_bert_config *c, const tensor_def *d) {
    return size_of(c, d->rows) * size_of(c, d->cols);
}

/* Binds def's slot in base to *next and fetches the tensor there. */
static rz_status load_one(const rz_bert_config *c, const tensor_def *d, int layer, void *base,
                          float **next, rz_bert_fetch_fn fetch, void *ctx, rz_error *err) {
    char hf[128], gguf[128];
    snprintf(hf, sizeof hf, d->hf, layer);
    snprintf(gguf, sizeof gguf, d->gguf, layer);
    float *dst = *next;
    *(float **)((char *)base + d->offset) = dst;
    *next += floats_of(c, d);
    return fetch(ctx, hf, gguf, (int)size_of(c, d->rows), (int)size_of(c, d->cols), dst, err);
}

rz_status rz_bert_weights_load(const rz_bert_config *c, rz_bert_fetch_fn fetch, void *ctx,
                               rz_bert_weights *w, rz_error *err) {
    memset(w, 0, sizeof *w);
    size_t total = 0;
    for (int i = 0; i < N_GLOBALS; i++)
        total += floats_of(c, &globals[i]);
    for (int i = 0; i < N_PER_LAYER; i++)
        total += floats_of(c, &per_layer[i]) * (size_t)c->n_layers;
    w->arena = rz_alloc_lines(total * sizeof *w->arena);
    w->layers = calloc((size_t)c->n_layers, sizeof *w->layers);
    if (!w->arena || !w->layers) {
        rz_bert_weights_free(w);
        return rz_fail(err, RZ_ENOMEM, "bert: out of memory for %zu weights", total);
    }
    float *next = w->arena;
    rz_status st = RZ_OK;
    for (int i = 0; !st && i < N_GLOBALS; i++)
        st = load_one(c, &globals[i], 0, w, &next, fetch, ctx, err);
    for (int l = 0; !st && l < c->n_layers; l++)
        for (int i = 0; !st && i < N_PER_LAYER; i++)
            st = load_one(c, &per_layer[i], l, &w->layers[l], &next, fetch, ctx, err);
    if (st) rz_bert_weights_free(w);
    return st;
}

void rz_bert_weights_free(rz_bert_weights *w) {
    free(w->arena);
    free(w->layers);
    memset(w, 0, sizeof *w);
}
