/* GGUF reader and writer: accessors, random round trips (write, read back, compare every field),
 * a byte-identical rewrite of a real vocab file, the writer's own checks, and `rz inspect` /
 * `rz tensor` on GGUF and APR files. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/file.h"
#include "engine/formats/gguf.h"
#include "engine/formats/gguf_write.h"
#include "engine/types/types.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static rz_gguf_writer *new_writer(void) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK, "%s", err.msg);
    return w;
}

/* A random value of type t; strings and items are malloc'd (free with free_random). */
static rz_gguf_value random_value(rz_gguf_type t, int depth) {
    rz_gguf_value v = {.type = t};
    switch (t) {
    case RZ_GGUF_FLOAT32:
        v.f = (float)((double)(int64_t)rnd() / 1e9);
        break;
    case RZ_GGUF_FLOAT64:
        v.f = (double)(int64_t)rnd() / 1e7;
        break;
    case RZ_GGUF_BOOL:
        v.b = rnd() & 1;
        break;
    case RZ_GGUF_STRING: {
        size_t n = rnd() % 40;
        char *s = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            s[i] = (char)(rnd() % 256); /* any bytes, NUL included */
        v.s.data = s;
        v.s.len = n;
        break;
    }
    case RZ_GGUF_ARRAY: {
        rz_gguf_type elem = depth < 2 ? (rz_gguf_type)(rnd() % RZ_GGUF_TYPE_COUNT) : RZ_GGUF_INT16;
        v.arr.elem = elem;
        v.arr.n = rnd() % 12;
        size_t width = rz_gguf_type_size(elem);
        if (width) {
            uint8_t *raw = malloc(v.arr.n * width + 1);
            for (size_t i = 0; i < v.arr.n * width; i++)
                raw[i] = (uint8_t)rnd();
            if (elem == RZ_GGUF_BOOL)
                for (size_t i = 0; i < v.arr.n; i++)
                    raw[i] &= 1;
            v.arr.raw = raw;
        } else {
            v.arr.items = calloc(v.arr.n + 1, sizeof *v.arr.items);
            for (uint64_t i = 0; i < v.arr.n; i++)
                v.arr.items[i] = random_value(elem, depth + 1);
        }
        break;
    }
    default: {
        uint64_t bits = rnd() >> (64 - 8 * rz_gguf_type_size(t));
        if (t == RZ_GGUF_INT8)
            v.i = (int8_t)bits;
        else if (t == RZ_GGUF_INT16)
            v.i = (int16_t)bits;
        else if (t == RZ_GGUF_INT32)
            v.i = (int32_t)bits;
        else
            v.u = bits;
    }
    }
    return v;
}

static void free_random(rz_gguf_value *v) {
    if (v->type == RZ_GGUF_STRING) free((void *)v->s.data);
    if (v->type != RZ_GGUF_ARRAY) return;
    free((void *)v->arr.raw);
    for (uint64_t i = 0; v->arr.items && i < v->arr.n; i++)
        free_random(&v->arr.items[i]);
    free(v->arr.items);
}

static void expect_same_value(const rz_gguf_value *a, const rz_gguf_value *b, const char *key) {
    cr_assert_eq(a->type, b->type, "%s: type", key);
    switch (a->type) {
    case RZ_GGUF_STRING:
        cr_expect_eq(a->s.len, b->s.len, "%s: string length", key);
        cr_expect(a->s.len == 0 || !memcmp(a->s.data, b->s.data, a->s.len), "%s: bytes", key);
        break;
    case RZ_GGUF_FLOAT32:
        cr_expect((float)a->f == (float)b->f, "%s: %g vs %g", key, a->f, b->f);
        break;
    case RZ_GGUF_FLOAT64:
        cr_expect(a->f == b->f, "%s: %g vs %g", key, a->f, b->f);
        break;
    case RZ_GGUF_BOOL:
        cr_expect_eq(a->b, b->b, "%s", key);
        break;
    case RZ_GGUF_ARRAY: {
        cr_assert_eq(a->arr.elem, b->arr.elem, "%s: element type", key);
        cr_assert_eq(a->arr.n, b->arr.n, "%s: length", key);
        size_t width = rz_gguf_type_size(a->arr.elem);
        if (width) {
            cr_expect(a->arr.n == 0 || !memcmp(a->arr.raw, b->arr.raw, a->arr.n * width),
                      "%s: elements", key);
            break;
        }
        for (uint64_t i = 0; i < a->arr.n; i++)
            expect_same_value(&a->arr.items[i], &b->arr.items[i], key);
        break;
    }
    default:
        cr_expect_eq(a->u, b->u, "%s: %llu vs %llu", key, (unsigned long long)a->u,
                     (unsigned long long)b->u);
    }
}

static const uint32_t tensor_types[] = {RZ_TYPE_F32,  RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_Q4_0,
                                        RZ_TYPE_Q8_0, RZ_TYPE_Q4_K, RZ_TYPE_Q6_K};

/* One random file: kvs, tensors and alignment; written, parsed and compared field by field. */
static void round_trip_once(int iter) {
    enum { N_KV = 12, N_T = 5 };
    rz_gguf_writer *w = new_writer();
    rz_error err;
    char keys[N_KV][32];
    rz_gguf_value vals[N_KV];
    uint32_t alignment = 8u << (rnd() % 6);
    if (iter % 2)
        cr_assert_eq(rz_gguf_writer_add_u32(w, "general.alignment", alignment, &err), 0);
    else
        alignment = RZ_GGUF_DEFAULT_ALIGNMENT;
    cr_assert_eq(rz_gguf_writer_add_u32(w, "general.quantization_version", 2, &err), 0);
    for (int i = 0; i < N_KV; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d.%d", iter, i);
        vals[i] = random_value((rz_gguf_type)(rnd() % RZ_GGUF_TYPE_COUNT), 0);
        cr_assert_eq(rz_gguf_writer_add_kv(w, keys[i], &vals[i], &err), RZ_OK, "%s", err.msg);
    }
    uint8_t *data[N_T];
    uint64_t dims[N_T][4], sizes[N_T];
    uint32_t types[N_T], ndims[N_T];
    for (int t = 0; t < N_T; t++) {
        types[t] = tensor_types[rnd() % (sizeof tensor_types / sizeof tensor_types[0])];
        const rz_type_traits *tr = rz_type_get(types[t]);
        ndims[t] = 1 + rnd() % 4;
        dims[t][0] = tr->block_size * (rnd() % 3);
        for (uint32_t d = 1; d < ndims[t]; d++)
            dims[t][d] = 1 + rnd() % 3;
        uint64_t n = 1;
        for (uint32_t d = 0; d < ndims[t]; d++)
            n *= dims[t][d];
        cr_assert(rz_type_row_bytes(types[t], n, &sizes[t]));
        data[t] = malloc(sizes[t] + 1);
        for (uint64_t b = 0; b < sizes[t]; b++)
            data[t][b] = (uint8_t)rnd();
        char name[32];
        snprintf(name, sizeof name, "blk.%d.weight", t);
        cr_assert_eq(rz_gguf_writer_add_tensor(w, name, types[t], ndims[t], dims[t], data[t],
                                               sizes[t], &err),
                     RZ_OK, "%s", err.msg);
    }
    uint8_t *img;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &img, &len, &err), RZ_OK, "%s", err.msg);
    rz_gguf g;
    cr_assert_eq(rz_gguf_parse(img, len, "rt.gguf", &g, &err), RZ_OK, "iter %d: %s", iter, err.msg);
    cr_expect_eq(g.version, 3);
    cr_expect_eq(g.alignment, alignment);
    cr_expect_eq(g.n_kv, N_KV + 1 + (iter % 2));
    for (int i = 0; i < N_KV; i++) {
        const rz_gguf_kv *kv = rz_gguf_find(&g, keys[i]);
        cr_assert_not_null(kv, "%s missing", keys[i]);
        expect_same_value(&vals[i], &kv->value, keys[i]);
        free_random(&vals[i]);
    }
    cr_assert_eq(g.n_tensors, N_T);
    for (int t = 0; t < N_T; t++) {
        const rz_gguf_tensor *x = &g.tensors[t];
        cr_expect_eq(x->type, types[t]);
        cr_expect_eq(x->n_dims, ndims[t]);
        for (uint32_t d = 0; d < ndims[t]; d++)
            cr_expect_eq(x->dims[d], dims[t][d]);
        cr_expect_eq(x->size, sizes[t]);
        cr_expect_eq((x->data - img) % alignment, 0, "tensor data aligned in the file");
        cr_expect(sizes[t] == 0 || !memcmp(x->data, data[t], sizes[t]), "tensor %d data", t);
    }
    rz_gguf_close(&g);

    const char *path = rzt_write_temp("old", 3, ".gguf");
    cr_assert_eq(rz_gguf_writer_write(w, path, &err), RZ_OK, "%s", err.msg);
    unsigned char *disk;
    size_t disk_len;
    cr_assert_eq(rz_file_read_all(path, &disk, &disk_len, &err), RZ_OK);
    cr_expect(disk_len == len && !memcmp(disk, img, len), "file and memory images differ");
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect(g.mapped);
    rz_gguf_close(&g);
    unlink(path);
    free(disk);
    free(img);
    for (int t = 0; t < N_T; t++)
        free(data[t]);
    rz_gguf_writer_free(w);
}

Test(gguf, random_round_trips) {
    for (int iter = 0; iter < 200; iter++)
        round_trip_once(iter);
}

/* Copying every key of a real vocab file through the writer reproduces it byte for byte. */
Test(gguf, vocab_file_rewrites_identically) {
    const char *path = rzt_shared("vocab/ggml-vocab-llama-spm.gguf");
    if (!path) cr_skip_test("../shared/vocab/ggml-vocab-llama-spm.gguf absent");
    rz_gguf g;
    rz_error err;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer *w = new_writer();
    for (uint64_t i = 0; i < g.n_kv; i++) {
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)g.kv[i].key.len, g.kv[i].key.data);
        cr_assert_eq(rz_gguf_writer_add_kv(w, key, &g.kv[i].value, &err), RZ_OK, "%s", err.msg);
    }
    uint8_t *img;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &img, &len, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(len, g.size);
    cr_expect(len == g.size && !memcmp(img, g.base, len), "rewritten file differs");
    uint64_t bos;
    cr_expect(rz_gguf_get_u64(&g, "tokenizer.ggml.bos_token_id", &bos) && bos == 1);
    bool add_bos;
    cr_expect(rz_gguf_get_bool(&g, "tokenizer.ggml.add_bos_token", &add_bos) && add_bos);
    rz_gguf_str model;
    cr_expect(rz_gguf_get_str(&g, "tokenizer.ggml.model", &model) &&
              rz_gguf_str_eq(model, "llama"));
    double eps;
    cr_expect(rz_gguf_get_f64(&g, "llama.attention.layer_norm_rms_epsilon", &eps) &&
              fabs(eps - 1e-5) < 1e-9);
    const rz_gguf_kv *types = rz_gguf_find(&g, "tokenizer.ggml.token_type");
    cr_assert_not_null(types);
    cr_expect_eq(rz_gguf_arr_i64(&types->value, 0), 2);
    cr_expect_eq(rz_gguf_arr_i64(&types->value, 3), 6);
    cr_expect_null(rz_gguf_find(&g, "no.such.key"));
    free(img);
    rz_gguf_writer_free(w);
    rz_gguf_close(&g);
}

Test(gguf, getters_convert_within_range) {
    rz_gguf_writer *w = new_writer();
    rz_error err;
    rz_gguf_value neg = {.type = RZ_GGUF_INT32, .i = -5},
                  big = {.type = RZ_GGUF_UINT64, .u = ~0ull};
    rz_gguf_writer_add_kv(w, "neg", &neg, &err);
    rz_gguf_writer_add_kv(w, "big", &big, &err);
    rz_gguf_writer_add_str(w, "s", "text", &err);
    int16_t arr[3] = {-1, 2, -300};
    cr_assert_eq(rz_gguf_writer_add_array(w, "arr", RZ_GGUF_INT16, arr, 3, &err), RZ_OK);
    uint8_t *img;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &img, &len, &err), RZ_OK);
    rz_gguf g;
    cr_assert_eq(rz_gguf_parse(img, len, "m", &g, &err), RZ_OK, "%s", err.msg);
    uint64_t u;
    int64_t i;
    cr_expect(!rz_gguf_get_u64(&g, "neg", &u), "negative is not a u64");
    cr_expect(rz_gguf_get_i64(&g, "neg", &i) && i == -5);
    cr_expect(!rz_gguf_get_i64(&g, "big", &i), "2^64-1 is not an i64");
    cr_expect(rz_gguf_get_u64(&g, "big", &u) && u == ~0ull);
    cr_expect(!rz_gguf_get_u64(&g, "s", &u));
    const rz_gguf_kv *kv = rz_gguf_find(&g, "arr");
    cr_expect_eq(rz_gguf_arr_i64(&kv->value, 2), -300);
    cr_expect_eq(rz_gguf_arr_u64(&kv->value, 1), 2);
    cr_expect_eq(g.n_tensors, 0);
    cr_expect_eq(len, g.size);
    rz_gguf_close(&g);
    free(img);
    rz_gguf_writer_free(w);
}

Test(gguf, writer_rejects_bad_input) {
    rz_gguf_writer *w = new_writer();
    rz_error err;
    float x[4] = {0};
    uint64_t d4[1] = {4}, d33[1] = {33}, d5[5] = {1, 1, 1, 1, 4};
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.alignment", 48, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "power of two that is a multiple of 8, got 48") != NULL, "%s",
              err.msg);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.alignment", 0, &err), RZ_EINVAL);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.alignment", 4, &err), RZ_EINVAL);
    cr_expect_eq(rz_gguf_writer_add_str(w, "general.alignment", "32", &err), RZ_EINVAL);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "k", 1, &err), RZ_OK);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "k", 2, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "key 'k': duplicate key") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "t", RZ_TYPE_F32, 1, d4, x, 16, &err), RZ_OK);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "t", RZ_TYPE_F32, 1, d4, x, 16, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "tensor 't': duplicate name") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "u", RZ_TYPE_F32, 1, d4, x, 12, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "expected 16 bytes of f32 data, got 12") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "u", RZ_TYPE_Q8_0, 1, d33, x, 16, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "block size 32") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "u", 4, 1, d4, x, 16, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "type 4 (q4_2)") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "u", RZ_TYPE_F32, 5, d5, x, 16, &err), RZ_EINVAL);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "u", RZ_TYPE_F32, 0, d4, x, 16, &err), RZ_EINVAL);
    cr_expect_eq(rz_gguf_writer_write(w, "/nonexistent-dir/x.gguf", &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent-dir/x.gguf.tmp-") != NULL, "%s", err.msg);
    rz_gguf_writer_free(w);
}

/* A failed write leaves the previous file in place (the temporary file is removed). */
Test(gguf, failed_write_keeps_old_file) {
    rz_gguf_writer *w = new_writer();
    rz_error err;
    char dir[] = "/tmp/rzt-gguf-XXXXXX";
    cr_assert_not_null(rzt_temp_dir(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.gguf", dir);
    rz_gguf_writer_add_str(w, "general.name", "one", &err);
    cr_assert_eq(rz_gguf_writer_write(w, path, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_gguf_writer_write(w, path, &err), RZ_OK, "overwrite: %s", err.msg);
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    rz_gguf_str s;
    cr_expect(rz_gguf_get_str(&g, "general.name", &s) && rz_gguf_str_eq(s, "one"));
    rz_gguf_close(&g);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = 0;
    cr_expect_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    cr_expect_eq(n, 1, "a temporary file was left behind");
    rz_gguf_writer_free(w);
}

static char out[1 << 20], err_text[65536];

static int rz(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
              const char *a6) {
    char *argv[] = {(char *)rzt_bin("rz"),
                    (char *)a1,
                    (char *)a2,
                    (char *)a3,
                    (char *)a4,
                    (char *)a5,
                    (char *)a6,
                    NULL};
    return rzt_run(argv, out, sizeof out, err_text, sizeof err_text);
}

static const char *valid_gguf(void) {
    static char path[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/data/gguf/valid.gguf", src ? src : ".");
    return path;
}

Test(gguf_cli, inspect_text_and_json) {
    cr_expect_eq(rz("inspect", valid_gguf(), NULL, NULL, NULL, NULL), 0, "%s", err_text);
    cr_expect(strstr(out, "GGUF v3, 352 bytes, alignment 32") != NULL, "%s", out);
    cr_expect(strstr(out, "tokenizer.ggml.tokens: array<string>[3] = [\"a\", \"bc\", \"\"]") !=
                  NULL,
              "%s", out);
    cr_expect(strstr(out, "test.flag: bool = true") != NULL, "%s", out);
    cr_expect(strstr(out, "tensors (2; offsets relative to the data section at byte 288)") != NULL,
              "%s", out);
    cr_expect(strstr(out, "  b     f32     [8]") != NULL, "%s", out);
    cr_expect_eq(rz("inspect", valid_gguf(), "--format", "json", NULL, NULL), 0);
    cr_expect(strstr(out, "\"format\":\t\"gguf\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"file_offset\":\t320") != NULL, "%s", out);
}

Test(gguf_cli, inspect_vocab_file_and_long_arrays) {
    const char *path = rzt_shared("vocab/ggml-vocab-gpt-2.gguf");
    if (!path) cr_skip_test("../shared/vocab/ggml-vocab-gpt-2.gguf absent");
    cr_expect_eq(rz("inspect", path, NULL, NULL, NULL, NULL), 0, "%s", err_text);
    cr_expect(strstr(out, "tokenizer.ggml.tokens: array<string>[50257] = [\"!\", \"\\\"\", ") !=
                  NULL,
              "%s", out);
    cr_expect(strstr(out, ", ...]\n") != NULL);
    cr_expect(strstr(out, "tensors (0;") != NULL);
}

Test(gguf_cli, inspect_apr_and_errors) {
    size_t len;
    uint8_t *img = rzt_apr_image(3, 0.0f, &len);
    char apr[256];
    snprintf(apr, sizeof apr, "%s", rzt_write_temp(img, len, ".apr"));
    free(img);
    cr_expect_eq(rz("inspect", apr, NULL, NULL, NULL, NULL), 0, "%s", err_text);
    cr_expect(strstr(out, "APR v1.0") != NULL && strstr(out, "LogisticRegression"), "%s", out);
    cr_expect_eq(rz("inspect", apr, "--format", "json", NULL, NULL), 0);
    cr_expect(strstr(out, "\"model_type\":\t\"LogisticRegression\"") != NULL, "%s", out);
    unlink(apr);
    cr_expect_eq(rz("inspect", "--help", NULL, NULL, NULL, NULL), 0);
    cr_expect(strstr(out, "usage: rz inspect FILE") != NULL);
    cr_expect_eq(rz("inspect", NULL, NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(rz("inspect", valid_gguf(), "--format", "xml", NULL, NULL), 2);
    cr_expect_eq(rz("inspect", valid_gguf(), "--bogus", NULL, NULL, NULL), 2);
    cr_expect_eq(rz("inspect", "/nonexistent.gguf", NULL, NULL, NULL, NULL), 1);
    cr_expect(strstr(err_text, "/nonexistent.gguf: cannot open") != NULL, "%s", err_text);
    const char *junk = rzt_write_temp("hello world", 11, ".bin");
    cr_expect_eq(rz("inspect", junk, NULL, NULL, NULL, NULL), 1);
    cr_expect(strstr(err_text, "expected a GGUF") != NULL, "%s", err_text);
    unlink(junk);
    const char *bad = rzt_write_temp("GGUF\1\0\0\0", 8, ".gguf");
    cr_expect_eq(rz("inspect", bad, NULL, NULL, NULL, NULL), 1);
    cr_expect(strstr(err_text, "offset 4: version: expected 2 or 3, got 1") != NULL, "%s",
              err_text);
    unlink(bad);
}

Test(gguf_cli, tensor_as_f32) {
    cr_expect_eq(rz("tensor", "--help", NULL, NULL, NULL, NULL), 0);
    cr_expect(strstr(out, "usage: rz tensor FILE NAME --f32") != NULL);
    cr_expect_eq(rz("tensor", valid_gguf(), "b", NULL, NULL, NULL), 2, "--f32 is required");
    cr_expect_eq(rz("tensor", valid_gguf(), "nope", "--f32", "-o", "/tmp/rzt-never"), 1);
    cr_expect(strstr(err_text, "no tensor named 'nope'") != NULL, "%s", err_text);
    char dst[256];
    snprintf(dst, sizeof dst, "/tmp/rzt-tensor-%d.f32", (int)getpid());
    int rc = rz("tensor", valid_gguf(), "b", "--f32", "-o", dst);
    if (!rz_type_get(RZ_TYPE_F32)->to_float) {
        cr_expect_eq(rc, 1);
        cr_expect(strstr(err_text, "type f32: dequantization not available") != NULL, "%s",
                  err_text);
        cr_expect_eq(access(dst, F_OK), -1, "no output file on failure");
        return;
    }
    cr_assert_eq(rc, 0, "%s", err_text);
    unsigned char *buf;
    size_t len;
    rz_error e;
    cr_assert_eq(rz_file_read_all(dst, &buf, &len, &e), RZ_OK);
    cr_assert_eq(len, 8 * sizeof(float));
    for (int i = 0; i < 8; i++) {
        float f;
        memcpy(&f, buf + 4 * i, 4);
        cr_expect_eq(f, (float)i);
    }
    free(buf);
    unlink(dst);
}

/* The safetensors hook of `rz inspect` and `rz tensor` (the reader is tested in its own file). */
Test(gguf_cli, inspect_and_tensor_on_safetensors) {
    static const char json[] =
        "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
    uint8_t img[8 + sizeof json - 1 + 16] = {sizeof json - 1};
    memcpy(img + 8, json, sizeof json - 1);
    float w[4] = {1, 2, 3, 4};
    memcpy(img + 8 + sizeof json - 1, w, sizeof w);
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp(img, sizeof img, ".safetensors"));
    cr_expect_eq(rz("inspect", path, NULL, NULL, NULL, NULL), 0, "%s", err_text);
    cr_expect(strstr(out, "safetensors") != NULL && strstr(out, "[2, 2]") != NULL, "%s", out);
    char dst[300];
    snprintf(dst, sizeof dst, "%s.f32", path);
    cr_expect_eq(rz("tensor", path, "w", "--f32", "-o", dst), 0, "%s", err_text);
    unsigned char *buf;
    size_t len;
    rz_error e;
    cr_assert_eq(rz_file_read_all(dst, &buf, &len, &e), RZ_OK, "%s", e.msg);
    cr_expect(len == sizeof w && !memcmp(buf, w, sizeof w));
    free(buf);
    unlink(dst);
    unlink(path);
}
