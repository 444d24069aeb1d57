/* The CUDA backend against the CPU: every kernel on random data against the scalar reference
 * (matvec, GEMM and get_rows for each weight type, RMSNorm, RoPE in both modes, softmax, the GLU
 * activations, attention over a cache), the kernels' block decoders run on the host, and whole
 * models (a tiny synthetic llama and stories260K converted to GGUF) by top-1 agreement with the
 * CPU over 64 greedy steps, plus prompt logits. Without a usable CUDA device every test but the
 * host decoder check is skipped with the reason (that one too when built without CUDA). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_ops.h"
#include "engine/models/llama_forward.h"
#include "engine/models/llama_ops.h"
#include "engine/types/types.h"
#include "tests/support/support.h"
#include "tests/support/tiny_llama.h"

static void need_cuda(void) {
    char why[256];
    if (!rz_cuda_available(why, sizeof why)) cr_skip_test("no CUDA device: %s", why);
}

static float *random_floats(size_t n, uint64_t seed, float scale) {
    float *x = malloc(n * sizeof *x);
    cr_assert(x);
    for (size_t i = 0; i < n; i++)
        x[i] = rzt_weight(&seed, scale);
    return x;
}

/* |got - want| <= rel * mag + abs for every element. */
static void expect_close(const float *got, const float *want, const float *mag, size_t n, float rel,
                         float abs_tol, const char *what) {
    for (size_t i = 0; i < n; i++) {
        const float m = mag ? mag[i] : fabsf(want[i]);
        cr_assert(fabsf(got[i] - want[i]) <= rel * m + abs_tol, "%s [%zu]: %g, expected %g", what,
                  i, got[i], want[i]);
    }
}

/* ---- weight kernels ---- */

static const uint32_t weight_types[] = {RZ_TYPE_F32,  RZ_TYPE_F16,  RZ_TYPE_Q4_0, RZ_TYPE_Q8_0,
                                        RZ_TYPE_Q4_K, RZ_TYPE_Q5_K, RZ_TYPE_Q6_K};

/* A rows x cols matrix of `type` from random floats, and its dequantized copy. */
static void *random_matrix(uint32_t type, int64_t rows, int64_t cols, float **deq) {
    const rz_type_traits *t = rz_type_get(type);
    uint64_t row_bytes;
    cr_assert(rz_type_row_bytes(type, (uint64_t)cols, &row_bytes));
    float *src = random_floats((size_t)(rows * cols), 42 + type, 2.0f);
    void *w = malloc(row_bytes * (uint64_t)rows);
    *deq = malloc((size_t)(rows * cols) * sizeof(float));
    cr_assert(w && *deq);
    for (int64_t r = 0; r < rows; r++) {
        t->from_float(src + r * cols, (uint8_t *)w + r * row_bytes, cols);
        t->to_float((uint8_t *)w + r * row_bytes, *deq + r * cols, cols);
    }
    free(src);
    return w;
}

/* want[t][r] = deq[r] . x[t] in double, mag[t][r] = sum |deq[r][c] x[t][c]|. */
static void reference_products(const float *deq, const float *x, int64_t rows, int64_t cols, int n,
                               float *want, float *mag) {
    for (int t = 0; t < n; t++)
        for (int64_t r = 0; r < rows; r++) {
            double s = 0, m = 0;
            for (int64_t c = 0; c < cols; c++) {
                const double p = (double)deq[r * cols + c] * x[t * cols + c];
                s += p;
                m += fabs(p);
            }
            want[t * rows + r] = (float)s;
            mag[t * rows + r] = (float)m;
        }
}

/* Columns per type: K-quants whole super-blocks, the 32-blocks a count that ends inside a GEMM
 * tile, F32/F16 one that ends inside a block of 8. */
static int64_t test_cols(uint32_t type) {
    const rz_type_traits *t = rz_type_get(type);
    return t->block_size == 256 ? 512 : t->block_size == 32 ? 352 : 172;
}

static void check_products(int n, bool gemm) {
    for (size_t i = 0; i < sizeof weight_types / sizeof *weight_types; i++) {
        const uint32_t type = weight_types[i];
        const int64_t rows = 67, cols = test_cols(type);
        float *deq, *x = random_floats((size_t)(n * cols), 7, 2.0f);
        void *w = random_matrix(type, rows, cols, &deq);
        float *want = malloc((size_t)(n * rows) * sizeof(float));
        float *mag = malloc((size_t)(n * rows) * sizeof(float));
        float *got = malloc((size_t)(n * rows) * sizeof(float));
        reference_products(deq, x, rows, cols, n, want, mag);
        rz_error err;
        rz_status st = gemm ? rz_cuda_op_gemm(type, w, x, got, rows, cols, n, &err)
                            : rz_cuda_op_matvec(type, w, x, got, rows, cols, &err);
        cr_assert_eq(st, RZ_OK, "%s: %s", rz_type_ggml_name(type), err.msg);
        /* float sums in another order than the double reference: relative to sum |w x| */
        expect_close(got, want, mag, (size_t)(n * rows), gemm ? 5e-5f : 1e-5f, 1e-5f,
                     rz_type_ggml_name(type));
        if (!gemm) {
            float *cpu = malloc((size_t)rows * sizeof(float));
            rz_matvec_ref(&rz_backend_scalar, type, w, x, cpu, rows, cols);
            expect_close(got, cpu, mag, (size_t)rows, 1e-4f, 1e-5f, "against rz_matvec_ref");
            free(cpu);
        }
        free(deq), free(x), free(w), free(want), free(mag), free(got);
    }
}

/* Runs without a device: the kernels' block decoders, compiled for the host, against to_float
 * bit for bit (no FMA on the host), every element written once, parts within their 128-element
 * GEMM chunk. */
Test(cuda, block_decoders_match_to_float) {
    for (size_t i = 0; i < sizeof weight_types / sizeof *weight_types; i++) {
        const uint32_t type = weight_types[i];
        const int64_t rows = 3, cols = test_cols(type);
        float *deq, *got = malloc((size_t)cols * sizeof(float));
        void *w = random_matrix(type, rows, cols, &deq);
        uint64_t row_bytes;
        cr_assert(rz_type_row_bytes(type, (uint64_t)cols, &row_bytes));
        rz_error err;
        for (int64_t r = 0; r < rows; r++) {
            rz_status st =
                rz_cuda_op_decode_host(type, (uint8_t *)w + r * row_bytes, cols, got, &err);
            if (st == RZ_EUNSUPPORTED) cr_skip_test("%s", err.msg);
            cr_assert_eq(st, RZ_OK, "%s", err.msg);
            cr_assert_arr_eq(got, deq + r * cols, (size_t)cols * sizeof(float), "%s row %lld",
                             rz_type_ggml_name(type), (long long)r);
        }
        free(deq), free(got), free(w);
    }
    rz_error err;
    float out[32];
    cr_expect_eq(rz_cuda_op_decode_host(RZ_TYPE_Q4_1, out, 32, out, &err), RZ_EUNSUPPORTED);
}

Test(cuda, matvec_every_type) {
    need_cuda();
    check_products(1, false);
}

Test(cuda, gemm_every_type_and_tile_edge) {
    need_cuda();
    check_products(5, true);
    check_products(19, true);
}

Test(cuda, get_rows_every_type) {
    need_cuda();
    for (size_t i = 0; i < sizeof weight_types / sizeof *weight_types; i++) {
        const uint32_t type = weight_types[i];
        const int64_t rows = 9, cols = test_cols(type);
        const int32_t ids[3] = {8, 0, 5};
        float *deq, *got = malloc(3 * (size_t)cols * sizeof(float));
        void *w = random_matrix(type, rows, cols, &deq);
        rz_error err;
        cr_assert_eq(rz_cuda_op_get_rows(type, w, rows, cols, ids, 3, got, &err), RZ_OK, "%s",
                     err.msg);
        /* the GPU may fuse d * q - m into one FMA: values in [-1, 1] within a few ulp */
        for (int t = 0; t < 3; t++)
            expect_close(got + t * cols, deq + ids[t] * cols, NULL, (size_t)cols, 1e-6f, 1e-6f,
                         rz_type_ggml_name(type));
        free(deq), free(got), free(w);
    }
}

Test(cuda, unsupported_type_and_bad_row) {
    need_cuda();
    rz_error err;
    float x[32] = {0}, y[1];
    uint8_t w[24] = {0};
    const int32_t id = 3;
    cr_expect_eq(rz_cuda_op_matvec(RZ_TYPE_Q5_1, w, x, y, 1, 32, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "q5_1"), "%s", err.msg);
    cr_expect_eq(rz_cuda_op_get_rows(RZ_TYPE_F32, x, 1, 32, &id, 1, y, &err), RZ_EINVAL);
}

/* ---- element-wise and per-head kernels ---- */

Test(cuda, rmsnorm) {
    need_cuda();
    const int dim = 2048, n = 3;
    float *x = random_floats((size_t)dim * n, 1, 4.0f), *w = random_floats((size_t)dim, 2, 2.0f);
    float *got = malloc((size_t)dim * n * sizeof(float)), *want = malloc(sizeof(float) * dim * n);
    rz_error err;
    cr_assert_eq(rz_cuda_op_rmsnorm(got, x, w, dim, n, 1e-5f, &err), RZ_OK, "%s", err.msg);
    for (int r = 0; r < n; r++)
        rz_rmsnorm(want + r * dim, x + r * dim, w, dim, 1e-5f);
    expect_close(got, want, NULL, (size_t)dim * n, 1e-5f, 1e-6f, "rmsnorm");
    free(x), free(w), free(got), free(want);
}

static void check_rope(rz_rope_mode mode, int rope_dims, int pos) {
    const int heads = 5, hd = 64;
    float *x = random_floats((size_t)heads * hd, 3, 2.0f);
    float *want = malloc((size_t)heads * hd * sizeof(float));
    memcpy(want, x, (size_t)heads * hd * sizeof(float));
    rz_rope(want, heads, hd, rope_dims, pos, 10000.0f, 1.0f, mode);
    rz_error err;
    cr_assert_eq(rz_cuda_op_rope(x, heads, hd, rope_dims, pos, 10000.0f, 1.0f, mode, &err), RZ_OK,
                 "%s", err.msg);
    expect_close(x, want, NULL, (size_t)heads * hd, 1e-4f, 1e-4f, "rope");
    free(x), free(want);
}

Test(cuda, rope_adjacent_pairs_and_neox) {
    need_cuda();
    check_rope(RZ_ROPE_NORM, 64, 0);
    check_rope(RZ_ROPE_NORM, 64, 1000);
    check_rope(RZ_ROPE_NEOX, 64, 517);
    check_rope(RZ_ROPE_NEOX, 32, 77);
}

Test(cuda, softmax) {
    need_cuda();
    const int len = 1000, n = 3;
    float *x = random_floats((size_t)len * n, 4, 20.0f), *want = malloc(sizeof(float) * len * n);
    memcpy(want, x, (size_t)len * n * sizeof(float));
    for (int r = 0; r < n; r++)
        rz_softmax(want + r * len, len);
    rz_error err;
    cr_assert_eq(rz_cuda_op_softmax(x, len, n, &err), RZ_OK, "%s", err.msg);
    expect_close(x, want, NULL, (size_t)len * n, 1e-5f, 1e-8f, "softmax");
    free(x), free(want);
}

Test(cuda, glu_silu_and_gelu) {
    need_cuda();
    const int n = 4096;
    const rz_ffn_act acts[2] = {RZ_FFN_SWIGLU, RZ_FFN_GEGLU};
    for (int a = 0; a < 2; a++) {
        float *g = random_floats((size_t)n, 5, 12.0f), *u = random_floats((size_t)n, 6, 2.0f);
        float *want = malloc((size_t)n * sizeof(float));
        memcpy(want, g, (size_t)n * sizeof(float));
        rz_glu(want, u, n, acts[a]);
        rz_error err;
        cr_assert_eq(rz_cuda_op_glu(g, u, n, acts[a], &err), RZ_OK, "%s", err.msg);
        /* the CPU GELU goes through f16 as ggml's table does: about 1e-3 relative */
        expect_close(g, want, NULL, (size_t)n, a ? 2e-3f : 1e-5f, 1e-4f, "glu");
        free(g), free(u), free(want);
    }
}

Test(cuda, attention_over_a_cache) {
    need_cuda();
    const int n_pos = 37, heads = 4, kv_heads = 2, hd = 64, group = heads / kv_heads;
    const float scale = 0.125f;
    float *q = random_floats((size_t)heads * hd, 7, 2.0f);
    float *k = random_floats((size_t)n_pos * kv_heads * hd, 8, 2.0f);
    float *v = random_floats((size_t)n_pos * kv_heads * hd, 9, 2.0f);
    float got[4 * 64], want[4 * 64] = {0}, scores[37];
    for (int h = 0; h < heads; h++) {
        const int kvh = h / group;
        for (int t = 0; t < n_pos; t++) {
            double s = 0;
            for (int i = 0; i < hd; i++)
                s += (double)q[h * hd + i] * k[(t * kv_heads + kvh) * hd + i];
            scores[t] = (float)s * scale;
        }
        rz_softmax(scores, n_pos);
        for (int t = 0; t < n_pos; t++)
            for (int i = 0; i < hd; i++)
                want[h * hd + i] += scores[t] * v[(t * kv_heads + kvh) * hd + i];
    }
    rz_error err;
    cr_assert_eq(rz_cuda_op_attention(q, k, v, got, n_pos, heads, kv_heads, hd, hd, scale, &err),
                 RZ_OK, "%s", err.msg);
    expect_close(got, want, NULL, (size_t)heads * hd, 1e-4f, 1e-4f, "attention");
    free(q), free(k), free(v);
}

/* ---- whole models ---- */

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* The gap between the largest and second-largest logit. */
static float margin(const float *x, int n, int top) {
    float second = -INFINITY;
    for (int i = 0; i < n; i++)
        if (i != top && x[i] > second) second = x[i];
    return x[top] - second;
}

/* 64 greedy steps from token 1 on the CPU (scalar kernels), the GPU fed the same tokens: the
 * top-1 token must agree at every step whose CPU margin is not a near-tie; then a prompt of 8
 * tokens through the GPU's GEMM path against the CPU's last logits. */
static void check_model(const rz_llama_model *m) {
    const int steps = 64, vocab = m->config.vocab_size;
    rz_llama_state st;
    rz_cuda_llama *g;
    rz_error err;
    cr_assert_eq(rz_llama_state_init(&m->config, steps + 8, &rz_backend_scalar, 1, &st, &err),
                 RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_cuda_llama_new(m, steps + 8, 8, &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_gt(rz_cuda_llama_weight_bytes(g), 0);
    int32_t token = 1, agree = 0, ties = 0;
    for (int pos = 0; pos < steps; pos++) {
        cr_assert_eq(rz_llama_forward(m, &st, token, pos, &err), RZ_OK, "%s", err.msg);
        cr_assert_eq(rz_cuda_llama_forward(g, token, pos, &err), RZ_OK, "%s", err.msg);
        const int cpu = argmax(st.logits, vocab), gpu = argmax(rz_cuda_llama_logits(g), vocab);
        if (cpu == gpu)
            agree++;
        else if (margin(st.logits, vocab, cpu) < 1e-3f)
            ties++;
        else
            cr_assert_fail("step %d: GPU top-1 %d, CPU %d (margin %g)", pos, gpu, cpu,
                           margin(st.logits, vocab, cpu));
        token = cpu;
    }
    cr_log_info("top-1 agreement %d/%d (%d near-ties)", agree, steps, ties);
    const int32_t prompt[8] = {1, 5, 9, 2, 7, 3, 11, 4};
    cr_assert_eq(rz_llama_forward_prompt(m, &st, prompt, 8, 0, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_cuda_llama_forward_prompt(g, prompt, 8, 0, &err), RZ_OK, "%s", err.msg);
    float scale = 0;
    for (int i = 0; i < vocab; i++)
        scale = fmaxf(scale, fabsf(st.logits[i]));
    expect_close(rz_cuda_llama_logits(g), st.logits, NULL, (size_t)vocab, 0.0f, 1e-3f * scale,
                 "prompt logits");
    cr_expect_eq(rz_cuda_llama_forward(g, 1, steps + 8, &err), RZ_EINVAL);
    rz_cuda_llama_free(g);
    rz_llama_state_deinit(&st);
}

Test(cuda, tiny_llama_matches_cpu) {
    need_cuda();
    rzt_llama_tensors t;
    size_t len;
    uint8_t *buf = rzt_llama_image(&rzt_tiny_llama, &t, "", &len);
    rz_gguf gg;
    rz_llama_model m;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "synthetic", &gg, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&gg, &m, &err), RZ_OK, "%s", err.msg);
    check_model(&m);
    rz_llama_model_close(&m);
    rzt_llama_tensors_free(&t);
    free(buf);
}

Test(cuda, stories260k_matches_cpu, .timeout = 120) {
    need_cuda();
    const char *src = rzt_shared("models/stories260K.bin");
    if (!src) cr_skip_test("../shared/models/stories260K.bin absent");
    char path[128], out[4096], errs[4096];
    snprintf(path, sizeof path, "/tmp/rzt-cuda-stories-%d.gguf", (int)getpid());
    char *argv[] = {(char *)rzt_bin("rz"), "convert", (char *)src, path, NULL};
    cr_assert_eq(rzt_run(argv, out, sizeof out, errs, sizeof errs), 0, "%s", errs);
    rz_llama_model m;
    rz_error err;
    cr_assert_eq(rz_llama_model_open(path, &m, &err), RZ_OK, "%s", err.msg);
    check_model(&m);
    rz_llama_model_close(&m);
    unlink(path);
}

Test(cuda, availability_names_its_reason) {
    char why[256] = "";
    if (rz_cuda_available(why, sizeof why)) {
        rz_cuda_device d;
        rz_error err;
        cr_assert_eq(rz_cuda_device_info(&d, &err), RZ_OK, "%s", err.msg);
        cr_expect_gt(d.nominal_gbps, 0.0);
        cr_expect_gt(strlen(d.name), 0u);
        double gbps = 0;
        cr_assert_eq(rz_cuda_bandwidth((size_t)64 << 20, 3, &gbps, &err), RZ_OK, "%s", err.msg);
        cr_expect_gt(gbps, 0.0);
        cr_expect_eq(rz_cuda_bandwidth(0, 3, &gbps, &err), RZ_EINVAL);
    } else {
        cr_expect_gt(strlen(why), 0u);
        rz_cuda_llama *g = (rz_cuda_llama *)&why;
        rz_error err;
        cr_expect_eq(rz_cuda_llama_new(NULL, 1, 1, &g, &err), RZ_EUNSUPPORTED);
        cr_expect_null(g);
        double gbps;
        cr_expect_eq(rz_cuda_bandwidth(1024, 1, &gbps, &err), RZ_EUNSUPPORTED);
        cr_skip_test("no CUDA device: %s", why);
    }
}
