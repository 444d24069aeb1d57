/* llama hyper-parameter keys and tensor list (see llama_layout.h). */
#include "engine/convert/llama_layout.h"

#include <stdio.h>
#include <stdlib.h>

rz_status rz_llama_check(const rz_llama_hparams *hp, const char *source, rz_error *err) {
    if (!hp->dim || !hp->n_layers || !hp->n_heads || !hp->n_kv_heads || !hp->ffn || !hp->vocab ||
        !hp->ctx)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: hyper-parameters: expected non-zero sizes, got dim %u, layers %u, heads %u, kv heads %u, ffn %u, vocab %u, context %u",
            source, hp->dim, hp->n_layers, hp->n_heads, hp->n_kv_heads, hp->ffn, hp->vocab,
            hp->ctx);
    if (hp->dim % hp->n_heads || hp->n_heads % hp->n_kv_heads)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: hyper-parameters: expected heads (%u) to divide dim (%u) and kv heads (%u) to divide heads",
            source, hp->n_heads, hp->dim, hp->n_kv_heads);
    return RZ_OK;
}

static rz_status add_f32(rz_gguf_writer *w, const char *key, float v, rz_error *err) {
    rz_gguf_value val = {.type = RZ_GGUF_FLOAT32, .f = v};
    return rz_gguf_writer_add_kv(w, key, &val, err);
}

rz_status rz_llama_add_kv(rz_gguf_writer *w, const rz_llama_hparams *hp, rz_error *err) {
    const struct {
        const char *key;
        uint32_t value;
    } u32s[] = {
        {"llama.context_length", hp->ctx},
        {"llama.embedding_length", hp->dim},
        {"llama.block_count", hp->n_layers},
        {"llama.feed_forward_length", hp->ffn},
        {"llama.rope.dimension_count", hp->dim / hp->n_heads},
        {"llama.attention.head_count", hp->n_heads},
        {"llama.attention.head_count_kv", hp->n_kv_heads},
        {"llama.vocab_size", hp->vocab},
    };
    rz_status st = rz_gguf_writer_add_str(w, "general.architecture", "llama", err);
    for (size_t i = 0; i < sizeof u32s / sizeof u32s[0] && !st; i++)
        st = rz_gguf_writer_add_u32(w, u32s[i].key, u32s[i].value, err);
    if (!st) st = add_f32(w, "llama.attention.layer_norm_rms_epsilon", hp->rms_eps, err);
    if (!st) st = add_f32(w, "llama.rope.freq_base", hp->rope_theta, err);
    return st;
}

static void put(rz_llama_tensor *t, rz_llama_role role, int layer, const char *name, uint64_t d0,
                uint64_t d1) {
    t->role = role;
    t->layer = layer;
    if (layer >= 0)
        snprintf(t->name, sizeof t->name, "blk.%d.%s", layer, name);
    else
        snprintf(t->name, sizeof t->name, "%s", name);
    t->n_dims = d1 ? 2 : 1;
    t->dims[0] = d0;
    t->dims[1] = d1 ? d1 : 1;
}

rz_status rz_llama_tensors(const rz_llama_hparams *hp, rz_llama_tensor **out, size_t *n,
                           rz_error *err) {
    size_t count = 1 + 9 * (size_t)hp->n_layers + 1 + !hp->tied;
    rz_llama_tensor *t = calloc(count, sizeof *t);
    if (!t) return rz_fail(err, RZ_ENOMEM, "llama layout: cannot allocate %zu tensors", count);
    uint64_t kv_dim = (uint64_t)hp->dim / hp->n_heads * hp->n_kv_heads;
    size_t i = 0;
    put(&t[i++], RZ_LLAMA_TOKEN_EMBD, -1, "token_embd.weight", hp->dim, hp->vocab);
    for (int l = 0; l < (int)hp->n_layers; l++) {
        put(&t[i++], RZ_LLAMA_ATTN_NORM, l, "attn_norm.weight", hp->dim, 0);
        put(&t[i++], RZ_LLAMA_ATTN_Q, l, "attn_q.weight", hp->dim, hp->dim);
        put(&t[i++], RZ_LLAMA_ATTN_K, l, "attn_k.weight", hp->dim, kv_dim);
        put(&t[i++], RZ_LLAMA_ATTN_V, l, "attn_v.weight", hp->dim, kv_dim);
        put(&t[i++], RZ_LLAMA_ATTN_OUTPUT, l, "attn_output.weight", hp->dim, hp->dim);
        put(&t[i++], RZ_LLAMA_FFN_NORM, l, "ffn_norm.weight", hp->dim, 0);
        put(&t[i++], RZ_LLAMA_FFN_GATE, l, "ffn_gate.weight", hp->dim, hp->ffn);
        put(&t[i++], RZ_LLAMA_FFN_DOWN, l, "ffn_down.weight", hp->ffn, hp->dim);
        put(&t[i++], RZ_LLAMA_FFN_UP, l, "ffn_up.weight", hp->dim, hp->ffn);
    }
    put(&t[i++], RZ_LLAMA_OUTPUT_NORM, -1, "output_norm.weight", hp->dim, 0);
    if (!hp->tied) put(&t[i++], RZ_LLAMA_OUTPUT, -1, "output.weight", hp->dim, hp->vocab);
    *out = t;
    *n = i;
    return RZ_OK;
}
