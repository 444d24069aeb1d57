#include "engine/models/llama_config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Reading {arch}.name keys: the prefix is the architecture the file declares. */
typedef struct {
    const rz_gguf *g;
    const char *arch;
    char key[128];
} meta;

static const char *arch_key(meta *m, const char *name) {
    snprintf(m->key, sizeof m->key, "%s.%s", m->arch, name);
    return m->key;
}

static rz_status need_int(meta *m, const char *name, int lo, int hi, int *out, rz_error *err) {
    const char *key = arch_key(m, name);
    const rz_gguf_kv *kv = rz_gguf_find(m->g, key);
    uint64_t v;
    if (!kv) return rz_fail(err, RZ_EFORMAT, "%s: key %s is missing", m->g->source, key);
    if (!rz_gguf_get_u64(m->g, key, &v))
        return rz_fail(err, RZ_EFORMAT, "%s: offset %llu: key %s: expected an unsigned integer",
                       m->g->source, (unsigned long long)kv->offset, key);
    if (v < (uint64_t)lo || v > (uint64_t)hi)
        return rz_fail(err, RZ_EFORMAT, "%s: offset %llu: key %s = %llu: expected %d..%d",
                       m->g->source, (unsigned long long)kv->offset, key, (unsigned long long)v, lo,
                       hi);
    *out = (int)v;
    return RZ_OK;
}

/* An optional integer key: *out keeps its default when the key is absent. */
static rz_status opt_int(meta *m, const char *name, int lo, int hi, int *out, rz_error *err) {
    if (!rz_gguf_find(m->g, arch_key(m, name))) return RZ_OK;
    return need_int(m, name, lo, hi, out, err);
}

/* An optional positive float key: *out keeps its default when the key is absent. */
static rz_status opt_float(meta *m, const char *name, float *out, rz_error *err) {
    const char *key = arch_key(m, name);
    const rz_gguf_kv *kv = rz_gguf_find(m->g, key);
    double v;
    if (!kv) return RZ_OK;
    if (!rz_gguf_get_f64(m->g, key, &v) || !(v > 0.0) || !isfinite(v))
        return rz_fail(err, RZ_EFORMAT, "%s: offset %llu: key %s: expected a positive float",
                       m->g->source, (unsigned long long)kv->offset, key);
    *out = (float)v;
    return RZ_OK;
}

/* rope.scaling.type: none and linear are implemented; linear divides positions by the factor
 * (rope.scale_linear in older files, else rope.scaling.factor). */
static rz_status read_rope_scaling(meta *m, rz_llama_config *c, rz_error *err) {
    rz_gguf_str type;
    float factor = 0.0f;
    const char *key = arch_key(m, "rope.scaling.type");
    bool typed = rz_gguf_get_str(m->g, key, &type);
    if (typed && !rz_gguf_str_eq(type, "none") && !rz_gguf_str_eq(type, "linear"))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: key %s = '%.*s': expected none or linear",
                       m->g->source, key, (int)(type.len < 40 ? type.len : 40), type.data);
    c->rope_scale = 1.0f;
    if (typed && rz_gguf_str_eq(type, "none")) return RZ_OK;
    rz_status st = opt_float(m, "rope.scaling.factor", &factor, err);
    if (!st) st = opt_float(m, "rope.scale_linear", &factor, err);
    if (!st && factor > 0.0f) c->rope_scale = 1.0f / factor;
    return st;
}

/* attention.sliding_window_pattern: a period p (layer i is local unless i % p == p - 1) or one
 * bool per layer. Absent: gemma3's period 6, llama.cpp's default. */
static rz_status read_swa_pattern(meta *m, rz_llama_config *c, rz_error *err) {
    int period = 6;
    const char *key = arch_key(m, "attention.sliding_window_pattern");
    const rz_gguf_kv *kv = rz_gguf_find(m->g, key);
    if (kv && kv->value.type == RZ_GGUF_ARRAY) {
        const rz_gguf_value *v = &kv->value;
        if (v->arr.elem != RZ_GGUF_BOOL || v->arr.n != (uint64_t)c->n_layers)
            return rz_fail(err, RZ_EFORMAT, "%s: offset %llu: key %s: expected %d bools",
                           m->g->source, (unsigned long long)kv->offset, key, c->n_layers);
        for (int l = 0; l < c->n_layers; l++)
            c->layer_is_local[l] = v->arr.raw[l] != 0;
        return RZ_OK;
    }
    rz_status st =
        opt_int(m, "attention.sliding_window_pattern", 1, RZ_LLAMA_MAX_LAYERS, &period, err);
    if (st) return st;
    for (int l = 0; l < c->n_layers; l++)
        c->layer_is_local[l] = l % period < period - 1;
    return RZ_OK;
}

static rz_status read_common(meta *m, rz_llama_config *c, rz_error *err) {
    const int big = 1 << 24;
    rz_status st = need_int(m, "embedding_length", 1, big, &c->dim, err);
    if (!st) st = need_int(m, "block_count", 1, RZ_LLAMA_MAX_LAYERS, &c->n_layers, err);
    if (!st) st = need_int(m, "feed_forward_length", 1, big, &c->hidden_dim, err);
    if (!st) st = need_int(m, "attention.head_count", 1, 4096, &c->n_heads, err);
    if (st) return st;
    c->n_kv_heads = c->n_heads;
    c->head_dim = c->dim / c->n_heads;
    st = opt_int(m, "attention.head_count_kv", 1, c->n_heads, &c->n_kv_heads, err);
    if (!st) st = opt_int(m, "attention.key_length", 1, big, &c->head_dim, err);
    if (st) return st;
    if (!rz_gguf_find(m->g, arch_key(m, "attention.key_length")) && c->dim % c->n_heads)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: embedding_length %d is not a multiple of %d heads and attention.key_length is absent",
            m->g->source, c->dim, c->n_heads);
    c->head_dim_v = c->head_dim;
    c->rope_dims = c->head_dim;
    st = opt_int(m, "attention.value_length", 1, big, &c->head_dim_v, err);
    if (!st) st = opt_int(m, "rope.dimension_count", 2, c->head_dim, &c->rope_dims, err);
    if (!st) st = need_int(m, "context_length", 1, INT32_MAX, &c->context_length, err);
    if (st) return st;
    if (c->n_heads % c->n_kv_heads)
        return rz_fail(err, RZ_EFORMAT, "%s: %d heads are not a multiple of %d KV heads",
                       m->g->source, c->n_heads, c->n_kv_heads);
    if (c->rope_dims % 2)
        return rz_fail(err, RZ_EFORMAT, "%s: rope.dimension_count %d: expected an even number",
                       m->g->source, c->rope_dims);
    c->norm_eps = 1e-5f;
    c->rope_base = 10000.0f;
    st = opt_float(m, "attention.layer_norm_rms_epsilon", &c->norm_eps, err);
    if (!st) st = opt_float(m, "rope.freq_base", &c->rope_base, err);
    if (!st) st = read_rope_scaling(m, c, err);
    if (st) return st;
    c->rope_base_local = c->rope_base;
    c->rope_scale_local = c->rope_scale;
    c->embed_scale = 1.0f;
    c->attn_scale = 1.0f / sqrtf((float)c->head_dim);
    return RZ_OK;
}

/* llama.cpp's gemma3: sliding window on 5 of every 6 layers, local RoPE base 10000 and scale 1,
 * Q scaled by 1/sqrt(head_dim) (by 1/sqrt(dim / heads) for the 62-layer 27B), embeddings by
 * sqrt(dim); no final soft-capping in the sliding-window graph, 30 (or the key) otherwise. */
static rz_status read_gemma3(meta *m, rz_llama_config *c, rz_error *err) {
    c->rope_mode = RZ_ROPE_NEOX;
    c->ffn_act = RZ_FFN_GEGLU;
    c->has_post_norms = true;
    c->has_qk_norm = true;
    c->embed_scale = sqrtf((float)c->dim);
    if (c->n_layers == 62) c->attn_scale = 1.0f / sqrtf((float)(c->dim / c->n_heads));
    c->rope_base_local = 10000.0f;
    c->rope_scale_local = 1.0f;
    rz_status st = opt_int(m, "attention.sliding_window", 0, INT32_MAX, &c->sliding_window, err);
    if (!st) st = opt_float(m, "rope.freq_base_swa", &c->rope_base_local, err);
    if (!st && c->sliding_window > 0) st = read_swa_pattern(m, c, err);
    if (st) return st;
    if (c->sliding_window == 0) {
        c->final_softcap = 30.0f;
        st = opt_float(m, "final_logit_softcapping", &c->final_softcap, err);
    }
    return st;
}

/* The vocabulary size is the row count of token_embd.weight. */
static rz_status read_vocab_size(const rz_gguf *g, rz_llama_config *c, rz_error *err) {
    const rz_gguf_tensor *t = rz_gguf_find_tensor(g, "token_embd.weight");
    if (!t) return rz_fail(err, RZ_EFORMAT, "%s: tensor token_embd.weight is missing", g->source);
    if (t->n_dims != 2 || t->dims[1] < 1 || t->dims[1] > INT32_MAX)
        return rz_fail(err, RZ_EFORMAT, "%s: token_embd.weight: expected 2 dims [%d, vocab]",
                       g->source, c->dim);
    c->vocab_size = (int)t->dims[1];
    return RZ_OK;
}

rz_status rz_llama_config_read(const rz_gguf *g, rz_llama_config *c, rz_error *err) {
    rz_gguf_str a;
    memset(c, 0, sizeof *c);
    if (!rz_gguf_get_str(g, "general.architecture", &a))
        return rz_fail(err, RZ_EFORMAT, "%s: key general.architecture (string) is missing",
                       g->source);
    if (rz_gguf_str_eq(a, "llama"))
        c->arch = RZ_ARCH_LLAMA;
    else if (rz_gguf_str_eq(a, "gemma3"))
        c->arch = RZ_ARCH_GEMMA3;
    else
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "%s: general.architecture '%.*s': expected llama or gemma3", g->source,
                       (int)(a.len < 40 ? a.len : 40), a.data);
    meta m = {.g = g, .arch = rz_llama_arch_name(c->arch)};
    rz_status st = read_common(&m, c, err);
    if (!st && c->arch == RZ_ARCH_GEMMA3) st = read_gemma3(&m, c, err);
    if (!st) st = read_vocab_size(g, c, err);
    return st;
}

const char *rz_llama_arch_name(rz_llama_arch arch) {
    return arch == RZ_ARCH_GEMMA3 ? "gemma3" : "llama";
}

int rz_llama_default_ctx(const rz_llama_config *c, int requested) {
    if (requested > 0) return requested;
    return c->context_length > 0 && c->context_length < RZ_LLAMA_DEFAULT_CTX ? c->context_length
                                                                             : RZ_LLAMA_DEFAULT_CTX;
}
