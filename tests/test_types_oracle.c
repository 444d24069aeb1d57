/* Tensor types against outside oracles: gguf-py (tests/oracles/gguf_quants.py) dequantizes every
 * type to within 1 ulp of rz and quantizes q4_0, q4_1, q5_0, q5_1, q8_0, f16 and bf16 to the same
 * bytes;
 * llama.cpp's ggml_quantize_chunk (tests/oracles/ggml_quantize.py, when llama-cpp-python is
 * installed) quantizes no better than rz. Each skips when its Python side is missing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/types/half.h"
#include "engine/types/types.h"
#include "tests/support/support.h"
#include "tests/support/types_data.h"
#include "tests/support/temp.h"

enum { SKIP = 77, N = 256 * 64 };

typedef struct {
    char path[256];
} temp_file;

static temp_file temp_with(const void *buf, size_t len) {
    temp_file t;
    const char *p = rzt_write_temp(buf, len, ".bin");
    cr_assert_not_null(p, "cannot write a temporary file");
    snprintf(t.path, sizeof t.path, "%s", p);
    return t;
}

static void *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    void *buf = malloc(*len + 1);
    cr_assert_eq(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

/* Runs python3 tests/oracles/SCRIPT with args on the bytes in; returns the exit status and, on
 * success, the output file's bytes (malloc'd) in *out. stdout goes to msg. */
static int oracle(const char *script, const char *a1, const char *a2, const void *in, size_t in_len,
                  void **out, size_t *out_len, char *msg, size_t msg_cap) {
    char path[512], err[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/oracles/%s", src ? src : ".", script);
    temp_file input = temp_with(in, in_len), output = temp_with("", 0);
    char *argv[10] = {"/bin/sh", "-c", "exec python3 \"$@\"", "sh", path, (char *)a1};
    int k = 6;
    if (a2) argv[k++] = (char *)a2;
    argv[k++] = input.path;
    argv[k++] = output.path;
    argv[k] = NULL;
    int rc = rzt_run(argv, msg, msg_cap, err, sizeof err);
    if (rc == 127) rc = SKIP; /* no python3 at all */
    if (rc != 0 && rc != SKIP) cr_log_error("%s %s: exit %d: %s", script, a1, rc, err);
    if (rc == 0) *out = slurp(output.path, out_len);
    unlink(input.path);
    unlink(output.path);
    return rc;
}

static int ulp_distance(float a, float b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b) ? 0 : INT32_MAX;
    int32_t ia = (int32_t)rz_f32_bits(a), ib = (int32_t)rz_f32_bits(b);
    if (ia < 0) ia = INT32_MIN - ia;
    if (ib < 0) ib = INT32_MIN - ib;
    int64_t d = (int64_t)ia - ib;
    return d < 0 ? (int)(d < -INT32_MAX ? INT32_MAX : -d) : (int)(d > INT32_MAX ? INT32_MAX : d);
}

/* Blocks to dequantize: rz's quantization of the test weights, then random blocks. */
static uint8_t *sample_blocks(rz_type type, size_t *len) {
    const rz_type_traits *t = rz_type_get(type);
    uint64_t half;
    cr_assert(rz_type_row_bytes(type, N, &half));
    uint8_t *q = malloc(2 * half);
    float *x = malloc(N * sizeof *x);
    rzt_fill_weights(x, N, 1);
    t->from_float(x, q, N);
    rzt_fill_blocks(type, q + half, N / t->block_size, 2);
    free(x);
    *len = 2 * half;
    return q;
}

static const rz_type dequantizable[] = {RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_Q4_0, RZ_TYPE_Q4_1,
                                        RZ_TYPE_Q5_0, RZ_TYPE_Q5_1, RZ_TYPE_Q8_0, RZ_TYPE_Q4_K,
                                        RZ_TYPE_Q5_K, RZ_TYPE_Q6_K, RZ_TYPE_Q8_K};

Test(oracle, dequantization_matches_gguf_py) {
    int compared = 0;
    for (size_t k = 0; k < sizeof dequantizable / sizeof dequantizable[0]; k++) {
        const rz_type_traits *t = rz_type_get(dequantizable[k]);
        size_t len, out_len;
        uint8_t *q = sample_blocks(dequantizable[k], &len);
        int64_t n = (int64_t)(len / t->block_bytes * t->block_size);
        void *ref = NULL;
        char msg[256];
        int rc = oracle("gguf_quants.py", "dequantize", t->name, q, len, &ref, &out_len, msg,
                        sizeof msg);
        if (rc == SKIP) {
            cr_log_info("gguf-py cannot dequantize %s here; not compared", t->name);
            free(q);
            continue;
        }
        cr_assert_eq(rc, 0, "%s", t->name);
        cr_assert_eq(out_len, (size_t)n * sizeof(float), "%s", t->name);
        float *y = malloc((size_t)n * sizeof *y);
        t->to_float(q, y, n);
        int worst = 0;
        for (int64_t i = 0; i < n; i++) {
            float r;
            memcpy(&r, (uint8_t *)ref + 4 * i, 4);
            int u = ulp_distance(y[i], r);
            if (u > 1)
                cr_assert_fail("%s element %lld: rz %a, gguf %a", t->name, (long long)i, y[i], r);
            worst = u > worst ? u : worst;
        }
        cr_log_info("%s: %lld elements, worst %d ulp", t->name, (long long)n, worst);
        compared++;
        free(y);
        free(ref);
        free(q);
    }
    if (!compared) cr_skip_test("python3 with numpy and gguf is not available");
}

/* Weights plus the f32 values that stress the float formats: signed zeros, infinities, the
 * largest finite values, subnormals and the edge of each format's range. */
static float *sample_weights(void) {
    float *x = malloc(N * sizeof *x);
    rzt_fill_weights(x, N, 5);
    static const float edge[] = {0.0f,       -0.0f,       INFINITY,     -INFINITY,    65504.0f,
                                 65519.9f,   65520.0f,    -65520.0f,    0x1p-24f,     0x1p-25f,
                                 0x1.8p-25f, 0x1p-14f,    0x1.ff8p-15f, 3.4e38f,      1e-40f,
                                 -1e-45f,    0x1.0080p0f, 0x1.0180p0f,  0x1.00801p0f, 1e-3f};
    memcpy(x, edge, sizeof edge);
    return x;
}

Test(oracle, quantization_is_byte_identical_to_gguf_py) {
    static const rz_type exact[] = {RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_Q4_0, RZ_TYPE_Q4_1,
                                    RZ_TYPE_Q5_0, RZ_TYPE_Q5_1, RZ_TYPE_Q8_0};
    float *x = sample_weights();
    int compared = 0;
    for (size_t k = 0; k < sizeof exact / sizeof exact[0]; k++) {
        const rz_type_traits *t = rz_type_get(exact[k]);
        /* the float formats see the edge values; the block formats only finite weights */
        const float *in = t->quantized ? x + 256 : x;
        int64_t n = t->quantized ? N - 256 : N;
        uint64_t bytes;
        cr_assert(rz_type_row_bytes(exact[k], (uint64_t)n, &bytes));
        uint8_t *q = malloc(bytes);
        t->from_float(in, q, n);
        void *ref = NULL;
        size_t out_len;
        char msg[256];
        int rc = oracle("gguf_quants.py", "quantize", t->name, in, (size_t)n * sizeof(float), &ref,
                        &out_len, msg, sizeof msg);
        if (rc == SKIP) {
            free(q);
            continue;
        }
        cr_assert_eq(rc, 0, "%s", t->name);
        cr_assert_eq(out_len, bytes, "%s", t->name);
        for (uint64_t i = 0; i < bytes; i++) {
            if (q[i] != ((uint8_t *)ref)[i])
                cr_assert_fail("%s: byte %llu (block %llu) is 0x%02x, gguf-py 0x%02x", t->name,
                               (unsigned long long)i, (unsigned long long)(i / t->block_bytes),
                               q[i], ((uint8_t *)ref)[i]);
        }
        compared++;
        free(ref);
        free(q);
    }
    free(x);
    if (!compared) cr_skip_test("python3 with numpy and gguf is not available");
}

static double rmse(const float *x, const float *y, int64_t n) {
    double se = 0;
    for (int64_t i = 0; i < n; i++)
        se += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
    return sqrt(se / (double)n);
}

/* Compares rz's quantizer for one type with llama.cpp's on the weights x; false to skip. */
static bool compare_with_llama_cpp(rz_type type, const float *x, const char *data) {
    const rz_type_traits *t = rz_type_get(type);
    uint64_t bytes;
    cr_assert(rz_type_row_bytes(type, N, &bytes));
    uint8_t *q = malloc(bytes);
    float *y = malloc(N * sizeof *y);
    void *ref = NULL;
    size_t out_len;
    char msg[256] = "";
    int rc = oracle("ggml_quantize.py", t->name, NULL, x, N * sizeof(float), &ref, &out_len, msg,
                    sizeof msg);
    if (rc == SKIP) {
        free(q);
        free(y);
        return false;
    }
    cr_assert_eq(rc, 0, "%s", t->name);
    cr_assert_eq(out_len, bytes, "%s", t->name);
    t->to_float(ref, y, N);
    double theirs = rmse(x, y, N);
    t->from_float(x, q, N);
    t->to_float(q, y, N);
    double ours = rmse(x, y, N);
    uint64_t same = 0;
    for (uint64_t i = 0; i < bytes; i++)
        same += q[i] == ((uint8_t *)ref)[i];
    cr_log_info("%s, %s: rmse rz %.9g, llama.cpp %.9g (ratio %.6f); %.2f%% of bytes identical",
                t->name, data, ours, theirs, ours / theirs, 100.0 * (double)same / (double)bytes);
    cr_expect(ours <= theirs * (1 + 1e-6), "%s, %s: rmse %.9g worse than llama.cpp's %.9g", t->name,
              data, ours, theirs);
    if (t->block_size == 32)
        cr_expect_eq(same, bytes, "%s, %s: bytes differ from ggml", t->name, data);
    free(ref);
    free(q);
    free(y);
    return true;
}

/* rz's RMSE no worse than llama.cpp's reference quantizer on the same weights, both measured
 * through rz's dequantization (itself checked against gguf-py above), on uniform weights at
 * five scales with outliers and on the hard test weights. The 32-element types must give the
 * same bytes. */
Test(oracle, quantization_error_no_worse_than_llama_cpp) {
    static const rz_type types[] = {RZ_TYPE_Q4_0, RZ_TYPE_Q4_1, RZ_TYPE_Q5_0, RZ_TYPE_Q5_1,
                                    RZ_TYPE_Q8_0, RZ_TYPE_Q8_1, RZ_TYPE_Q4_K, RZ_TYPE_Q5_K,
                                    RZ_TYPE_Q6_K, RZ_TYPE_Q8_K};
    float *scaled = malloc(N * sizeof *scaled), *hard = malloc(N * sizeof *hard);
    uint64_t s = 11;
    for (int64_t i = 0; i < N; i++)
        scaled[i] = powf(10.0f, (float)(i / 256 % 5) - 3) * (rzt_uniform(&s) * 2 - 1) *
                    (i % 97 == 0 ? 20.0f : 1.0f);
    rzt_fill_weights(hard, N, 4);
    bool ran = true;
    for (size_t k = 0; ran && k < sizeof types / sizeof types[0]; k++)
        ran = compare_with_llama_cpp(types[k], scaled, "scaled") &&
              compare_with_llama_cpp(types[k], hard, "hard");
    free(scaled);
    free(hard);
    if (!ran) cr_skip_test("llama-cpp-python (libggml) is not installed");
}
