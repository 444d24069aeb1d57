/* safetensors reader: hand-built images, the reference writer's output, every dtype, float
 * conversions, the malformed corpus (tests/data/malformed/safetensors), every prefix. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "engine/formats/safetensors.h"
#include "tests/support/st_image.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static const char two_tensors[] =
    "{\"__metadata__\":{\"format\":\"pt\",\"k\":\"v\"},\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[24,28]},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}  ";

static uint8_t *two_tensor_image(size_t *len) {
    uint8_t data[28];
    float a[6] = {0, 0.5f, -1, 2, 3.25f, -4};
    memcpy(data, a, sizeof a);
    const uint8_t bf16[4] = {0x80, 0x3f, 0x40, 0xc0}; /* 1.0, -3.0 */
    memcpy(data + 24, bf16, 4);
    return rzt_st_image(two_tensors, data, sizeof data, len);
}

Test(safetensors, two_tensors_and_metadata) {
    size_t len;
    uint8_t *buf = two_tensor_image(&len);
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_parse(buf, len, "t.st", &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(f.n_tensors, 2);
    cr_expect_str_eq(f.tensors[0].name, "b", "header order is kept");
    cr_expect_eq(f.data_offset, 8 + strlen(two_tensors));
    const rz_st_tensor *a = rz_st_find(&f, "a");
    cr_assert_not_null(a);
    cr_expect_eq(a->dtype, RZ_ST_F32);
    cr_expect_eq(a->n_dims, 2);
    cr_expect_eq(a->shape[0], 2);
    cr_expect_eq(a->shape[1], 3);
    cr_expect_eq(a->n_elements, 6);
    cr_expect_eq(a->data, buf + f.data_offset, "zero copy");
    float x[6];
    cr_assert_eq(rz_st_to_float(a, 0, 6, x, &err), RZ_OK, "%s", err.msg);
    cr_expect_float_eq(x[4], 3.25f, 0);
    cr_expect_float_eq(x[5], -4.0f, 0);
    const rz_st_tensor *b = rz_st_find(&f, "b");
    cr_assert_eq(rz_st_to_float(b, 1, 1, x, &err), RZ_OK, "%s", err.msg);
    cr_expect_float_eq(x[0], -3.0f, 0);
    cr_expect_neq(rz_st_to_float(b, 1, 2, x, &err), RZ_OK, "range past the tensor");
    cr_expect_null(rz_st_find(&f, "c"));
    cr_expect_eq(f.n_meta, 2);
    cr_expect_str_eq(rz_st_meta_get(&f, "format"), "pt");
    cr_expect_null(rz_st_meta_get(&f, "absent"));
    rz_st_close(&f);
    free(buf);
}

Test(safetensors, scalar_empty_and_no_tensors) {
    size_t len;
    uint8_t *buf = rzt_st_image(
        "{\"s\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},\"z\":{\"dtype\":\"F16\",\"shape\":[3,0],\"data_offsets\":[8,8]}}",
        NULL, 8, &len);
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_parse(buf, len, "t.st", &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_st_find(&f, "s")->n_dims, 0);
    cr_expect_eq(rz_st_find(&f, "s")->n_elements, 1);
    cr_expect_eq(rz_st_find(&f, "z")->n_elements, 0);
    float x;
    cr_expect_eq(rz_st_to_float(rz_st_find(&f, "s"), 0, 1, &x, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "dtype I64: expected a float dtype") != NULL, "%s", err.msg);
    rz_st_close(&f);
    free(buf);
    buf = rzt_st_image("{}", NULL, 0, &len);
    cr_assert_eq(rz_st_parse(buf, len, "t.st", &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(f.n_tensors, 0);
    rz_st_close(&f);
    free(buf);
}

Test(safetensors, every_dtype) {
    static const struct {
        const char *name;
        unsigned bits;
    } cases[] = {{"BOOL", 8}, {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},
                 {"I8", 8},   {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},
                 {"U16", 16}, {"F16", 16},    {"BF16", 16},   {"I32", 32},    {"U32", 32},
                 {"F32", 32}, {"C64", 64},    {"F64", 64},    {"I64", 64},    {"U64", 64}};
    cr_assert_eq(sizeof cases / sizeof cases[0], RZ_ST_DTYPE_COUNT);
    for (size_t i = 0; i < RZ_ST_DTYPE_COUNT; i++) {
        int d = rz_st_dtype_from_name(cases[i].name, strlen(cases[i].name));
        cr_assert_geq(d, 0, "%s", cases[i].name);
        cr_expect_str_eq(rz_st_dtype_name((rz_st_dtype)d), cases[i].name);
        cr_expect_eq(rz_st_dtype_bits((rz_st_dtype)d), cases[i].bits, "%s", cases[i].name);
        char header[160];
        unsigned bytes = 4 * cases[i].bits / 8; /* 4 elements */
        snprintf(header, sizeof header,
                 "{\"t\":{\"dtype\":\"%s\",\"shape\":[2,2],\"data_offsets\":[0,%u]}}",
                 cases[i].name, bytes);
        size_t len;
        uint8_t *buf = rzt_st_image(header, NULL, bytes, &len);
        rz_st_file f;
        rz_error err;
        cr_expect_eq(rz_st_parse(buf, len, "t.st", &f, &err), RZ_OK, "%s: %s", cases[i].name,
                     err.msg);
        rz_st_close(&f);
        free(buf);
    }
    cr_expect_eq(rz_st_dtype_from_name("F3", 2), -1);
}

static float convert_one(const char *dtype, const uint8_t *bytes, size_t width) {
    char header[128];
    snprintf(header, sizeof header,
             "{\"t\":{\"dtype\":\"%s\",\"shape\":[1],\"data_offsets\":[0,%zu]}}", dtype, width);
    size_t len;
    uint8_t *buf = rzt_st_image(header, bytes, width, &len);
    rz_st_file f;
    rz_error err;
    float x = -999;
    cr_assert_eq(rz_st_parse(buf, len, "t.st", &f, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_st_to_float(&f.tensors[0], 0, 1, &x, &err), RZ_OK, "%s", err.msg);
    rz_st_close(&f);
    free(buf);
    return x;
}

Test(safetensors, float_conversions) {
    double one = -1.5;
    cr_expect_float_eq(convert_one("F64", (const uint8_t *)&one, 8), -1.5f, 0);
    cr_expect_float_eq(convert_one("F16", (const uint8_t[]){0x00, 0x3c}, 2), 1.0f, 0);
    cr_expect_float_eq(convert_one("F16", (const uint8_t[]){0x01, 0x00}, 2), 0x1p-24f, 0);
    cr_expect_float_eq(convert_one("F16", (const uint8_t[]){0xff, 0x7b}, 2), 65504.0f, 0);
    cr_expect(isinf(convert_one("F16", (const uint8_t[]){0x00, 0xfc}, 2)));
    cr_expect_float_eq(convert_one("BF16", (const uint8_t[]){0x49, 0x40}, 2), 3.140625f, 0);
    cr_expect_float_eq(convert_one("F8_E4M3", (const uint8_t[]){0x38}, 1), 1.0f, 0);
    cr_expect_float_eq(convert_one("F8_E4M3", (const uint8_t[]){0x7e}, 1), 448.0f, 0);
    cr_expect_float_eq(convert_one("F8_E4M3", (const uint8_t[]){0x01}, 1), 0x1p-9f, 0);
    cr_expect(isnan(convert_one("F8_E4M3", (const uint8_t[]){0x7f}, 1)));
    cr_expect_float_eq(convert_one("F8_E5M2", (const uint8_t[]){0xbc}, 1), -1.0f, 0);
    cr_expect_float_eq(convert_one("F8_E5M2", (const uint8_t[]){0x7b}, 1), 57344.0f, 0);
}

Test(safetensors, reference_writer_output) {
    const char *out = "/tmp/rzt-oracle.safetensors";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "python3 tests/oracles/write_safetensors.py %s 2>/dev/null", out);
    int rc = system(cmd);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 3)
        cr_skip_test("python3 with numpy and safetensors not available");
    cr_assert_eq(WEXITSTATUS(rc), 0, "oracle script failed");
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_open(out, &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(f.n_tensors, 4);
    cr_expect_str_eq(rz_st_meta_get(&f, "rz"), "oracle");
    const rz_st_tensor *w = rz_st_find(&f, "w.f32");
    cr_assert_not_null(w);
    float x[6];
    cr_assert_eq(rz_st_to_float(w, 0, 6, x, &err), RZ_OK, "%s", err.msg);
    for (int i = 0; i < 6; i++)
        cr_expect_float_eq(x[i], i / 4.0f, 0);
    const rz_st_tensor *h = rz_st_find(&f, "w.f16");
    cr_assert_eq(rz_st_to_float(h, 0, 4, x, &err), RZ_OK, "%s", err.msg);
    cr_expect_float_eq(x[3], 65504.0f, 0);
    cr_expect_eq(rz_st_find(&f, "i.i64")->dtype, RZ_ST_I64);
    cr_expect_eq(rz_st_find(&f, "b.bool")->dtype, RZ_ST_BOOL);
    rz_st_close(&f);
    remove(out);
}

/* Each file in the corpus is rejected with its expected message, naming the file and an offset. */
Test(safetensors, malformed_corpus) {
    FILE *tsv = fopen("tests/data/malformed/safetensors/expected.tsv", "r");
    cr_assert_not_null(tsv, "tests/data/malformed/safetensors/expected.tsv missing");
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, tsv)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        cr_assert_not_null(tab);
        *tab = 0;
        char path[600];
        snprintf(path, sizeof path, "tests/data/malformed/safetensors/%s", line);
        rz_st_file f;
        rz_error err = {{0}};
        cr_expect_neq(rz_st_open(path, &f, &err), RZ_OK, "%s accepted", line);
        cr_expect(strstr(err.msg, tab + 1) != NULL, "%s: message '%s' lacks '%s'", line, err.msg,
                  tab + 1);
        char prefix[640];
        snprintf(prefix, sizeof prefix, "%s: offset ", path);
        cr_expect(strstr(err.msg, prefix) == err.msg, "%s: '%s' lacks file and offset", line,
                  err.msg);
        n++;
    }
    fclose(tsv);
    cr_expect_geq(n, 30);
}

Test(safetensors, every_prefix_rejected) {
    size_t len;
    uint8_t *img = two_tensor_image(&len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *buf = malloc(cut ? cut : 1);
        memcpy(buf, img, cut);
        rz_st_file f;
        rz_error err;
        cr_expect_neq(rz_st_parse(buf, cut, "t.st", &f, &err), RZ_OK, "prefix %zu", cut);
        free(buf);
    }
    free(img);
}

Test(safetensors, open_maps_a_file) {
    size_t len;
    uint8_t *img = two_tensor_image(&len);
    const char *path = rzt_write_temp(img, len, ".safetensors");
    cr_assert_not_null(path);
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_open(path, &f, &err), RZ_OK, "%s", err.msg);
    cr_expect(f.mapped);
    cr_expect_eq(memcmp(rz_st_find(&f, "a")->data, img + f.data_offset, 24), 0);
    rz_st_close(&f);
    remove(path);
    free(img);
    cr_expect_eq(rz_st_open("/nonexistent/x.safetensors", &f, &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/x.safetensors: cannot open") != NULL, "%s", err.msg);
}
