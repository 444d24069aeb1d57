#include "tests/support/tiny_llama.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf_write.h"

const rzt_llama_shape rzt_tiny_llama = {.arch = "llama",
                                        .dim = 32,
                                        .layers = 2,
                                        .hidden = 48,
                                        .heads = 4,
                                        .kv_heads = 2,
                                        .head_dim = 8,
                                        .vocab = 40,
                                        .base = 10000.0,
                                        .eps = 1e-5};

const rzt_llama_shape rzt_tiny_gemma3 = {.arch = "gemma3",
                                         .dim = 32,
                                         .layers = 3,
                                         .hidden = 48,
                                         .heads = 4,
                                         .kv_heads = 1,
                                         .head_dim = 16,
                                         .vocab = 40,
                                         .window = 3,
                                         .pattern = 2,
                                         .base = 1e6,
                                         .base_local = 10000.0,
                                         .eps = 1e-6};

float rzt_weight(uint64_t *state, float scale) {
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return scale * ((float)(*state >> 40) / (float)(1 << 24) - 0.5f);
}

const float *rzt_llama_tensor(const rzt_llama_tensors *t, const char *name) {
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name)) return t->data[i];
    cr_assert_fail("no tensor %s", name);
    return NULL;
}

/* Adds a [cols, rows] tensor of offset + uniform values, seeded by the tensor's index. */
static void add(rz_gguf_writer *w, rzt_llama_tensors *t, const char *name, uint64_t cols,
                uint64_t rows, float scale, float offset) {
    uint64_t rng = 42 + (uint64_t)t->n * 7919;
    rz_error err;
    float *d = malloc(cols * rows * sizeof *d);
    for (uint64_t i = 0; i < cols * rows; i++)
        d[i] = offset + rzt_weight(&rng, scale);
    uint64_t dims[2] = {cols, rows};
    cr_assert_eq(
        rz_gguf_writer_add_tensor(w, name, 0, rows > 1 ? 2 : 1, dims, d, cols * rows * 4, &err),
        RZ_OK, "%s", err.msg);
    snprintf(t->names[t->n], sizeof t->names[0], "%s", name);
    t->data[t->n++] = d;
}

static void add_u32(rz_gguf_writer *w, const rzt_llama_shape *s, const char *key, uint32_t v) {
    char k[96];
    rz_error err;
    snprintf(k, sizeof k, "%s.%s", s->arch, key);
    cr_assert_eq(rz_gguf_writer_add_u32(w, k, v, &err), RZ_OK, "%s", err.msg);
}

static void add_f32(rz_gguf_writer *w, const rzt_llama_shape *s, const char *key, double v) {
    char k[96];
    rz_error err;
    rz_gguf_value val = {.type = RZ_GGUF_FLOAT32, .f = v};
    snprintf(k, sizeof k, "%s.%s", s->arch, key);
    cr_assert_eq(rz_gguf_writer_add_kv(w, k, &val, &err), RZ_OK, "%s", err.msg);
}

uint8_t *rzt_llama_image(const rzt_llama_shape *s, rzt_llama_tensors *t, const char *skip,
                         size_t *len) {
    rz_gguf_writer *w;
    rz_error err;
    char n[64];
    memset(t, 0, sizeof *t);
    t->s = *s;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    rz_gguf_writer_add_str(w, "general.architecture", s->arch, &err);
    add_u32(w, s, "embedding_length", (uint32_t)s->dim);
    add_u32(w, s, "block_count", (uint32_t)s->layers);
    add_u32(w, s, "feed_forward_length", (uint32_t)s->hidden);
    add_u32(w, s, "attention.head_count", (uint32_t)s->heads);
    add_u32(w, s, "attention.head_count_kv", (uint32_t)s->kv_heads);
    add_u32(w, s, "attention.key_length", (uint32_t)s->head_dim);
    add_u32(w, s, "attention.value_length", (uint32_t)s->head_dim);
    add_u32(w, s, "context_length", 64);
    add_f32(w, s, "attention.layer_norm_rms_epsilon", s->eps);
    add_f32(w, s, "rope.freq_base", s->base);
    if (s->window) {
        add_u32(w, s, "attention.sliding_window", (uint32_t)s->window);
        add_u32(w, s, "attention.sliding_window_pattern", (uint32_t)s->pattern);
    }
    const uint64_t q = (uint64_t)s->heads * s->head_dim, kv = (uint64_t)s->kv_heads * s->head_dim;
    add(w, t, "token_embd.weight", s->dim, s->vocab, 2.0f, 0);
    add(w, t, "output_norm.weight", s->dim, 1, 0.2f, 1.0f);
    for (int l = 0; l < s->layers; l++) {
#define T(x) (snprintf(n, sizeof n, "blk.%d." x ".weight", l), n)
        add(w, t, T("attn_norm"), s->dim, 1, 0.2f, 1.0f);
        add(w, t, T("ffn_norm"), s->dim, 1, 0.2f, 1.0f);
        if (strcmp(T("attn_q"), skip)) add(w, t, n, s->dim, q, 0.5f, 0);
        add(w, t, T("attn_k"), s->dim, kv, 0.5f, 0);
        add(w, t, T("attn_v"), s->dim, kv, 0.5f, 0);
        add(w, t, T("attn_output"), q, s->dim, 0.5f, 0);
        add(w, t, T("ffn_gate"), s->dim, s->hidden, 0.5f, 0);
        add(w, t, T("ffn_up"), s->dim, s->hidden, 0.5f, 0);
        add(w, t, T("ffn_down"), s->hidden, s->dim, 0.5f, 0);
        if (s->window) {
            add(w, t, T("attn_q_norm"), s->head_dim, 1, 0.2f, 1.0f);
            add(w, t, T("attn_k_norm"), s->head_dim, 1, 0.2f, 1.0f);
            add(w, t, T("post_attention_norm"), s->dim, 1, 0.2f, 1.0f);
            add(w, t, T("post_ffw_norm"), s->dim, 1, 0.2f, 1.0f);
        }
#undef T
    }
    uint8_t *buf;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, len, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
    return buf;
}

void rzt_llama_tensors_free(rzt_llama_tensors *t) {
    for (int i = 0; i < t->n; i++)
        free(t->data[i]);
}
