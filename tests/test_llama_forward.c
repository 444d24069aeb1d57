/* The llama-family forward pass on tiny synthetic models built in memory with the GGUF writer
 * (float32 weights from a fixed generator), against a naive double-precision reference written
 * here from the published architectures: llama (GQA, RoPE on adjacent pairs, SwiGLU) and gemma3
 * (head size != dim / heads, Q/K norms, post-norms, GeGLU, scaled embeddings, NEOX RoPE,
 * sliding-window layers with their own RoPE base). Also the config and weight checks' messages,
 * the reference matvec on quantized rows, and threads giving the same logits. */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/models/llama_forward.h"
#include "engine/types/half.h"
#include "tests/support/tiny_llama.h"

/* ---- the naive reference, in double ---- */

static void ref_rms(double *out, const double *x, const float *w, int n, double eps) {
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += x[i] * x[i];
    double scale = 1.0 / sqrt(ss / n + eps);
    for (int i = 0; i < n; i++)
        out[i] = x[i] * scale * w[i];
}

static void ref_matvec(const float *w, const double *x, double *y, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
        double sum = 0;
        for (int c = 0; c < cols; c++)
            sum += (double)w[(size_t)r * cols + c] * x[c];
        y[r] = sum;
    }
}

/* Rotates each head: adjacent pairs (llama) or halves (gemma3). */
static void ref_rope(double *x, int heads, int hd, int pos, double base, bool neox) {
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < hd / 2; i++) {
            double th = pos * pow(base, -2.0 * i / hd), c = cos(th), s = sin(th);
            int a = neox ? i : 2 * i, b = neox ? i + hd / 2 : 2 * i + 1;
            double x0 = x[h * hd + a], x1 = x[h * hd + b];
            x[h * hd + a] = x0 * c - x1 * s;
            x[h * hd + b] = x0 * s + x1 * c;
        }
}

enum { MAXP = 16, MAXD = 128 };

/* v as the KV cache holds it: rounded to f16 for an F16 cache, else as it is. */
static void ref_cache(double *v, int n, bool f16) {
    for (int i = 0; f16 && i < n; i++)
        v[i] = rz_f16_to_f32(rz_f32_to_f16((float)v[i]));
}

/* Logits of every position of tokens[0..n), with the keys and values rounded as an F16 cache
 * stores them when f16_kv. */
static void reference(const rzt_llama_tensors *t, const int32_t *tokens, int n, bool f16_kv,
                      double logits[][64]) {
    const rzt_llama_shape *s = &t->s;
    const bool gemma = s->window > 0;
    const int hd = s->head_dim, q_dim = s->heads * hd, kv_dim = s->kv_heads * hd;
    static double K[8][MAXP][MAXD], V[8][MAXP][MAXD];
    char n_[64];
#define W(x, l) (snprintf(n_, sizeof n_, "blk.%d." x ".weight", l), rzt_llama_tensor(t, n_))
    for (int p = 0; p < n; p++) {
        double x[MAXD], h[MAXD], q[MAXD], o[MAXD], tmp[MAXD], g[MAXD], u[MAXD];
        for (int i = 0; i < s->dim; i++)
            x[i] = rzt_llama_tensor(t, "token_embd.weight")[tokens[p] * s->dim + i] *
                   (gemma ? sqrt(s->dim) : 1.0);
        for (int l = 0; l < s->layers; l++) {
            bool local = gemma && l % s->pattern < s->pattern - 1;
            double base = local ? s->base_local : s->base;
            ref_rms(h, x, W("attn_norm", l), s->dim, s->eps);
            ref_matvec(W("attn_q", l), h, q, q_dim, s->dim);
            ref_matvec(W("attn_k", l), h, K[l][p], kv_dim, s->dim);
            ref_matvec(W("attn_v", l), h, V[l][p], kv_dim, s->dim);
            if (gemma) {
                for (int i = 0; i < s->heads; i++)
                    ref_rms(q + i * hd, q + i * hd, W("attn_q_norm", l), hd, s->eps);
                for (int i = 0; i < s->kv_heads; i++)
                    ref_rms(K[l][p] + i * hd, K[l][p] + i * hd, W("attn_k_norm", l), hd, s->eps);
            }
            ref_rope(q, s->heads, hd, p, base, gemma);
            ref_rope(K[l][p], s->kv_heads, hd, p, base, gemma);
            ref_cache(K[l][p], kv_dim, f16_kv);
            ref_cache(V[l][p], kv_dim, f16_kv);
            int first = local && p >= s->window ? p - s->window + 1 : 0;
            for (int i = 0; i < s->heads; i++) {
                int kvh = i / (s->heads / s->kv_heads);
                double sc[MAXP], max = -INFINITY, sum = 0;
                for (int j = first; j <= p; j++) {
                    sc[j] = 0;
                    for (int d = 0; d < hd; d++)
                        sc[j] += q[i * hd + d] * K[l][j][kvh * hd + d];
                    sc[j] /= sqrt(hd);
                    max = fmax(max, sc[j]);
                }
                for (int j = first; j <= p; j++)
                    sum += sc[j] = exp(sc[j] - max);
                for (int d = 0; d < hd; d++) {
                    o[i * hd + d] = 0;
                    for (int j = first; j <= p; j++)
                        o[i * hd + d] += sc[j] / sum * V[l][j][kvh * hd + d];
                }
            }
            ref_matvec(W("attn_output", l), o, tmp, s->dim, q_dim);
            if (gemma) ref_rms(tmp, tmp, W("post_attention_norm", l), s->dim, s->eps);
            for (int i = 0; i < s->dim; i++)
                x[i] += tmp[i];
            ref_rms(h, x, W("ffn_norm", l), s->dim, s->eps);
            ref_matvec(W("ffn_gate", l), h, g, s->hidden, s->dim);
            ref_matvec(W("ffn_up", l), h, u, s->hidden, s->dim);
            for (int i = 0; i < s->hidden; i++) {
                double a = g[i];
                double act = gemma
                                 ? 0.5 * a * (1 + tanh(sqrt(2 / M_PI) * (a + 0.044715 * a * a * a)))
                                 : a / (1 + exp(-a));
                g[i] = act * u[i];
            }
            ref_matvec(W("ffn_down", l), g, tmp, s->dim, s->hidden);
            if (gemma) ref_rms(tmp, tmp, W("post_ffw_norm", l), s->dim, s->eps);
            for (int i = 0; i < s->dim; i++)
                x[i] += tmp[i];
        }
        ref_rms(h, x, rzt_llama_tensor(t, "output_norm.weight"), s->dim, s->eps);
        ref_matvec(rzt_llama_tensor(t, "token_embd.weight"), h, logits[p], s->vocab, s->dim);
    }
#undef W
}

static void open_model(const uint8_t *buf, size_t len, rz_llama_model *m) {
    rz_gguf g;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "synthetic", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&g, m, &err), RZ_OK, "%s", err.msg);
}

/* A tiny model built in memory, open. */
typedef struct {
    rzt_llama_tensors t;
    uint8_t *buf;
    rz_llama_model m;
} tiny_model;

static void tiny_open(tiny_model *f, const rzt_llama_shape *s) {
    size_t len;
    f->buf = rzt_llama_image(s, &f->t, "", &len);
    open_model(f->buf, len, &f->m);
}

static void tiny_close(tiny_model *f) {
    rz_llama_model_close(&f->m);
    rzt_llama_tensors_free(&f->t);
    free(f->buf);
}

static void check_against_reference(const rzt_llama_shape *s, int threads, uint32_t kv_type) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(s, &t, "", &len);
    rz_llama_model m;
    rz_llama_state st;
    rz_error err;
    open_model(buf, len, &m);
    cr_assert_eq(m.config.vocab_size, s->vocab);
    cr_assert_eq(
        rz_llama_state_init_kv(&m.config, 12, RZ_LLAMA_BATCH, kv_type, NULL, threads, &st, &err),
        RZ_OK, "%s", err.msg);
    const int32_t tokens[10] = {1, 7, 3, 39, 0, 22, 22, 5, 17, 30};
    static double want[10][64];
    reference(&t, tokens, 10, kv_type == RZ_TYPE_F16, want);
    /* An F16 cache rounds each key and value once; where rz's float and the reference's double
     * fall on either side of a rounding boundary they differ by one f16 step (2^-11 relative). */
    const double tol = kv_type == RZ_TYPE_F16 ? 1e-3 : 1e-4;
    for (int p = 0; p < 10; p++) {
        cr_assert_eq(rz_llama_forward(&m, &st, tokens[p], p, &err), RZ_OK, "%s", err.msg);
        double scale = 0;
        for (int i = 0; i < s->vocab; i++)
            scale = fmax(scale, fabs(want[p][i]));
        for (int i = 0; i < s->vocab; i++)
            cr_assert_leq(fabs(st.logits[i] - want[p][i]), tol * scale,
                          "%s pos %d logit %d: rz %g, reference %g", s->arch, p, i, st.logits[i],
                          want[p][i]);
    }
    rz_llama_state_deinit(&st);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(llama_forward, llama_matches_reference) {
    check_against_reference(&rzt_tiny_llama, 1, RZ_TYPE_F16);
}
Test(llama_forward, gemma3_matches_reference) {
    check_against_reference(&rzt_tiny_gemma3, 1, RZ_TYPE_F16);
}
Test(llama_forward, threads_match_reference) {
    check_against_reference(&rzt_tiny_llama, 3, RZ_TYPE_F16);
}
Test(llama_forward, f32_cache_matches_reference) {
    check_against_reference(&rzt_tiny_llama, 1, RZ_TYPE_F32);
    check_against_reference(&rzt_tiny_gemma3, 3, RZ_TYPE_F32);
}

Test(llama_forward, config_from_metadata) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_gemma3, &t, "", &len);
    rz_llama_model m;
    open_model(buf, len, &m);
    const rz_llama_config *c = &m.config;
    cr_expect_eq(c->arch, RZ_ARCH_GEMMA3);
    cr_expect_eq(c->head_dim, 16);
    cr_expect_eq(c->rope_mode, RZ_ROPE_NEOX);
    cr_expect_eq(c->ffn_act, RZ_FFN_GEGLU);
    cr_expect(c->layer_is_local[0] && !c->layer_is_local[1] && c->layer_is_local[2]);
    cr_expect_float_eq(c->embed_scale, sqrtf(32.0f), 1e-6);
    cr_expect_float_eq(c->rope_base_local, 10000.0f, 1e-3);
    cr_expect_float_eq(c->final_softcap, 0.0f, 1e-9, "no soft-capping with sliding windows");
    cr_expect_eq(m.weights.output.data, m.weights.token_embd.data, "tied embeddings");
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(llama_forward, missing_tensor_is_named) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_llama, &t, "blk.1.attn_q.weight", &len);
    rz_gguf g;
    rz_llama_model m;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "synthetic", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&g, &m, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "blk.1.attn_q.weight is missing"), "%s", err.msg);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(llama_forward, bad_arguments_fail) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_llama, &t, "", &len);
    rz_llama_model m;
    rz_llama_state st;
    rz_error err;
    open_model(buf, len, &m);
    cr_assert_eq(rz_llama_state_init(&m.config, 4, NULL, 1, &st, &err), RZ_OK);
    cr_expect_eq(rz_llama_forward(&m, &st, 40, 0, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "token 40"), "%s", err.msg);
    cr_expect_eq(rz_llama_forward(&m, &st, 1, 4, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "position 4"), "%s", err.msg);
    cr_expect_eq(rz_llama_state_init(&m.config, 0, NULL, 1, &st, &err), RZ_EINVAL);
    cr_expect_eq(rz_llama_state_init_kv(&m.config, 4, 4, RZ_TYPE_Q8_0, NULL, 1, &st, &err),
                 RZ_EINVAL);
    cr_expect(strstr(err.msg, "KV cache type q8_0: expected f16 or f32"), "%s", err.msg);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

/* The reference matvec dequantizes rows exactly as to_float does. */
Test(llama_forward, matvec_ref_quantized_rows) {
    enum { ROWS = 5, COLS = 2048 + 256 };
    const uint32_t types[] = {RZ_TYPE_Q8_0, RZ_TYPE_Q4_K, RZ_TYPE_Q6_K, RZ_TYPE_F16};
    static float w[ROWS * COLS], x[COLS], row[COLS], y[ROWS];
    static _Alignas(max_align_t) uint8_t q[ROWS * COLS * 4]; /* blocks, as malloc aligns */
    uint64_t rng = 7;
    for (int i = 0; i < ROWS * COLS; i++)
        w[i] = rzt_weight(&rng, 2.0f);
    for (int i = 0; i < COLS; i++)
        x[i] = rzt_weight(&rng, 2.0f);
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        const rz_type_traits *tt = rz_type_get(types[k]);
        uint64_t rb;
        cr_assert(tt && tt->from_float && rz_type_row_bytes(types[k], COLS, &rb));
        for (int r = 0; r < ROWS; r++)
            tt->from_float(w + r * COLS, q + r * rb, COLS);
        rz_matvec_ref(&rz_backend_scalar, types[k], q, x, y, ROWS, COLS);
        for (int r = 0; r < ROWS; r++) {
            tt->to_float(q + r * rb, row, COLS);
            double want = 0, mag = 0;
            for (int i = 0; i < COLS; i++) {
                want += (double)row[i] * x[i];
                mag += fabs((double)row[i] * x[i]);
            }
            cr_expect_leq(fabs(y[r] - want), 1e-5 * mag, "%s row %d: %g vs %g", tt->name, r, y[r],
                          want);
        }
    }
}

/* Rows split across threads are computed exactly as on one thread: identical logits. */
Test(llama_forward, threads_are_bit_identical) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_gemma3, &t, "", &len);
    rz_llama_model m;
    rz_llama_state one, many;
    rz_error err;
    open_model(buf, len, &m);
    cr_assert_eq(rz_llama_state_init(&m.config, 8, NULL, 1, &one, &err), RZ_OK);
    cr_assert_eq(rz_llama_state_init(&m.config, 8, NULL, 4, &many, &err), RZ_OK);
    for (int p = 0; p < 8; p++) {
        cr_assert_eq(rz_llama_forward(&m, &one, (p * 13) % 40, p, &err), RZ_OK);
        cr_assert_eq(rz_llama_forward(&m, &many, (p * 13) % 40, p, &err), RZ_OK);
        cr_assert_arr_eq(one.logits, many.logits, sizeof(float) * 40, "position %d", p);
    }
    rz_llama_state_deinit(&one);
    rz_llama_state_deinit(&many);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

/* Logits of every position, one token at a time (want) against batches of uneven sizes with
 * all logits returned, and against rz_llama_forward_prompt over more than one batch: the same
 * bits, as the batched products and attention run each token's arithmetic unchanged. */
static void check_batches(const rzt_llama_shape *shape, int threads) {
    enum { CTX = RZ_LLAMA_BATCH + 16, N = RZ_LLAMA_BATCH + 6, VOCAB = 40 };
    tiny_model f;
    rz_llama_state one, batched;
    rz_error err;
    tiny_open(&f, shape);
    const rz_llama_model *m = &f.m;
    cr_assert_eq(rz_llama_state_init(&m->config, CTX, NULL, 1, &one, &err), RZ_OK);
    cr_assert_eq(rz_llama_state_init(&m->config, CTX, NULL, threads, &batched, &err), RZ_OK);
    cr_assert_eq(batched.n_batch, RZ_LLAMA_BATCH);
    int32_t tokens[N];
    static float want[N][VOCAB], got[N][VOCAB];
    for (int p = 0; p < N; p++) {
        tokens[p] = (p * 17 + 3) % VOCAB;
        cr_assert_eq(rz_llama_forward(m, &one, tokens[p], p, &err), RZ_OK, "%s", err.msg);
        memcpy(want[p], one.logits, sizeof want[p]);
    }
    const int sizes[] = {1, 5, 64};
    for (int p = 0, k = 0; p < N; k++) {
        const int n = sizes[k % 3] < N - p ? sizes[k % 3] : N - p;
        cr_assert_eq(rz_llama_forward_batch(m, &batched, tokens + p, n, p, got[p], &err), RZ_OK,
                     "%s", err.msg);
        p += n;
    }
    for (int p = 0; p < N; p++)
        cr_assert_arr_eq(got[p], want[p], sizeof want[p], "%s position %d", shape->arch, p);
    cr_assert_eq(rz_llama_forward_prompt(m, &batched, tokens, N, 0, &err), RZ_OK, "%s", err.msg);
    cr_assert_arr_eq(batched.logits, want[N - 1], sizeof want[N - 1]);
    rz_llama_state_deinit(&one);
    rz_llama_state_deinit(&batched);
    tiny_close(&f);
}

Test(llama_forward, llama_batches_are_bit_identical) {
    check_batches(&rzt_tiny_llama, 1);
}
Test(llama_forward, gemma3_batches_are_bit_identical) {
    check_batches(&rzt_tiny_gemma3, 3);
}

Test(llama_forward, bad_batches_fail) {
    tiny_model f;
    rz_llama_state st;
    rz_error err;
    tiny_open(&f, &rzt_tiny_llama);
    const rz_llama_model *m = &f.m;
    cr_expect_eq(rz_llama_state_init_batched(&m->config, 6, 0, NULL, 1, &st, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "batch of 0 tokens: expected >= 1"), "%s", err.msg);
    cr_assert_eq(rz_llama_state_init_batched(&m->config, 6, 100, NULL, 1, &st, &err), RZ_OK);
    cr_assert_eq(st.n_batch, 6, "at most the context");
    const int32_t tokens[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static float logits[8 * 40];
    cr_expect_eq(rz_llama_forward_batch(m, &st, tokens, 7, 0, logits, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "batch of 7 tokens: expected 1..6"), "%s", err.msg);
    cr_expect_eq(rz_llama_forward_batch(m, &st, tokens, 3, 4, logits, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "positions 4..6: expected 0..5"), "%s", err.msg);
    cr_expect_eq(rz_llama_forward_prompt(m, &st, tokens, 0, 0, &err), RZ_EINVAL);
    rz_llama_state_deinit(&st);
    tiny_close(&f);
}

Test(llama_forward, wrong_shape_is_named) {
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_llama, &t, "", &len);
    rz_gguf g;
    rz_llama_model m;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "synthetic", &g, &err), RZ_OK, "%s", err.msg);
    for (uint64_t i = 0; i < g.n_tensors; i++)
        if (rz_gguf_str_eq(g.tensors[i].name, "blk.0.ffn_up.weight")) g.tensors[i].dims[1] = 47;
    cr_assert_eq(rz_llama_model_from_gguf(&g, &m, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "blk.0.ffn_up.weight: shape [32, 47] (2 dims): expected [32, 48]"),
              "%s", err.msg);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(llama_forward, unknown_architecture_fails) {
    rzt_llama_tensors t;
    rzt_llama_shape s = rzt_tiny_llama;
    s.arch = "mamba";
    size_t len;
    uint8_t *buf = rzt_llama_image(&s, &t, "", &len);
    rz_gguf g;
    rz_llama_model m;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "synthetic", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&g, &m, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "'mamba': expected llama or gemma3"), "%s", err.msg);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(llama_config, default_context) {
    rz_llama_config c = {.context_length = 2048};
    cr_expect_eq(rz_llama_default_ctx(&c, 0), 2048, "the model's own");
    cr_expect_eq(rz_llama_default_ctx(&c, 100), 100, "asked for");
    c.context_length = 131072;
    cr_expect_eq(rz_llama_default_ctx(&c, 0), RZ_LLAMA_DEFAULT_CTX, "capped");
    c.context_length = 0;
    cr_expect_eq(rz_llama_default_ctx(&c, 0), RZ_LLAMA_DEFAULT_CTX, "unknown");
}
