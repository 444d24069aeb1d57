/* The format helpers other modules build on, called directly: names of types, the GGUF "must"
 * rules, array accessors, the string-array writer, tensor sizes, the streaming writer (round trip
 * through the reader and its errors) and read-only file maps. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/file.h"
#include "engine/formats/apr.h"
#include "engine/formats/gguf.h"
#include "engine/formats/gguf_rules.h"
#include "engine/formats/gguf_stream.h"
#include "engine/formats/gguf_write.h"
#include "engine/formats/json_doc.h"
#include "engine/formats/map.h"
#include "engine/formats/safetensors.h"
#include "engine/types/types.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

Test(api_formats, apr_model_type_names) {
    cr_expect_str_eq(rz_apr_model_type_name(RZ_APR_LINEAR_REGRESSION), "LinearRegression");
    cr_expect_str_eq(rz_apr_model_type_name(RZ_APR_LOGISTIC_REGRESSION), "LogisticRegression");
    cr_expect_str_eq(rz_apr_model_type_name(RZ_APR_NEURAL_SEQUENTIAL), "NeuralSequential");
    cr_expect_str_eq(rz_apr_model_type_name(0x7777), "unknown");
}

Test(api_formats, gguf_value_type_names) {
    cr_expect_str_eq(rz_gguf_type_name(RZ_GGUF_UINT8), "uint8");
    cr_expect_str_eq(rz_gguf_type_name(RZ_GGUF_FLOAT32), "float32");
    cr_expect_str_eq(rz_gguf_type_name(RZ_GGUF_STRING), "string");
    cr_expect_str_eq(rz_gguf_type_name(RZ_GGUF_FLOAT64), "float64");
    cr_expect_str_eq(rz_gguf_type_name(RZ_GGUF_TYPE_COUNT), "unknown");
    cr_expect_str_eq(rz_gguf_type_name((rz_gguf_type)-1), "unknown");
}

Test(api_formats, gguf_key_rule) {
    cr_expect_null(rz_gguf_key_rule("general.architecture", 20));
    cr_expect_null(rz_gguf_key_rule("llama.rope.freq_base", 20));
    cr_expect_str_eq(rz_gguf_key_rule("", 0), "expected a non-empty key");
    cr_expect_str_eq(rz_gguf_key_rule("a..b", 4),
                     "expected lower_snake_case segments separated by single '.'");
    cr_expect_str_eq(rz_gguf_key_rule("a.", 2),
                     "expected lower_snake_case segments separated by single '.'");
    cr_expect_str_eq(rz_gguf_key_rule("General.x", 9),
                     "expected lower_snake_case segments ([a-z0-9_]) separated by '.'");
    cr_expect_str_eq(rz_gguf_key_rule("caf\xc3\xa9", 5), "expected ASCII");
    cr_expect_null(rz_gguf_key_rule("general.architecture", 7), "n bounds the key: 'general'");
    cr_expect_str_eq(rz_gguf_key_rule("x", RZ_GGUF_MAX_KEY + 1), "expected at most 65535 bytes");
}

Test(api_formats, gguf_arch_rule) {
    cr_expect_null(rz_gguf_arch_rule("gemma3", 6));
    cr_expect_str_eq(rz_gguf_arch_rule("", 0), "expected a non-empty name");
    cr_expect_str_eq(rz_gguf_arch_rule("llama_2", 7),
                     "expected lower-case ASCII letters and digits only");
    cr_expect_str_eq(rz_gguf_arch_rule("Llama", 5),
                     "expected lower-case ASCII letters and digits only");
}

Test(api_formats, gguf_alignment_ok) {
    cr_expect(rz_gguf_alignment_ok(8));
    cr_expect(rz_gguf_alignment_ok(32));
    cr_expect(rz_gguf_alignment_ok(1u << 20));
    cr_expect_not(rz_gguf_alignment_ok(0));
    cr_expect_not(rz_gguf_alignment_ok(4), "a power of two below 8");
    cr_expect_not(rz_gguf_alignment_ok(24), "a multiple of 8, not a power of two");
}

Test(api_formats, st_is_float) {
    static const rz_st_dtype floats[] = {RZ_ST_F64,  RZ_ST_F32,     RZ_ST_F16,
                                         RZ_ST_BF16, RZ_ST_F8_E4M3, RZ_ST_F8_E5M2};
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++)
        cr_expect(rz_st_is_float(floats[i]), "dtype %d", floats[i]);
    static const rz_st_dtype others[] = {RZ_ST_BOOL, RZ_ST_I8,      RZ_ST_U8, RZ_ST_I32,
                                         RZ_ST_C64,  RZ_ST_F8_E8M0, RZ_ST_F4};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        cr_expect_not(rz_st_is_float(others[i]), "dtype %d", others[i]);
}

/* Writes w to memory and parses it into g (buf must outlive g). */
static uint8_t *parse_writer(rz_gguf_writer *w, rz_gguf *g) {
    rz_error err;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_gguf_parse(buf, len, "mem", g, &err), RZ_OK, "%s", err.msg);
    return buf;
}

Test(api_formats, writer_str_array_round_trip) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    const char *const items[] = {"<unk>", "", "\xe2\x96\x81hello"};
    cr_assert_eq(rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", items, 3, &err), RZ_OK,
                 "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", items, 1, &err),
                 RZ_EINVAL);
    cr_expect(strstr(err.msg, "duplicate key"), "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_str_array(w, "Bad.Key", items, 1, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "key 'Bad.Key'"), "%s", err.msg);
    rz_gguf g;
    uint8_t *buf = parse_writer(w, &g);
    const rz_gguf_kv *kv = rz_gguf_find(&g, "tokenizer.ggml.tokens");
    cr_assert_not_null(kv);
    cr_assert_eq(kv->value.arr.elem, RZ_GGUF_STRING);
    cr_assert_eq(kv->value.arr.n, 3);
    for (int i = 0; i < 3; i++)
        cr_expect(rz_gguf_str_eq(kv->value.arr.items[i].s, items[i]), "item %d", i);
    rz_gguf_close(&g);
    free(buf);
    rz_gguf_writer_free(w);
}

Test(api_formats, arr_f64_reads_float32_and_float64) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    const float f32[3] = {0.5f, -2.25f, 1e-3f};
    const double f64[2] = {3.141592653589793, -1e300};
    const uint32_t u32[1] = {7};
    cr_assert_eq(rz_gguf_writer_add_array(w, "a.f32", RZ_GGUF_FLOAT32, f32, 3, &err), RZ_OK);
    cr_assert_eq(rz_gguf_writer_add_array(w, "a.f64", RZ_GGUF_FLOAT64, f64, 2, &err), RZ_OK);
    cr_assert_eq(rz_gguf_writer_add_array(w, "a.u32", RZ_GGUF_UINT32, u32, 1, &err), RZ_OK);
    rz_gguf g;
    uint8_t *buf = parse_writer(w, &g);
    const rz_gguf_value *v = &rz_gguf_find(&g, "a.f32")->value;
    for (int i = 0; i < 3; i++)
        cr_expect_eq(rz_gguf_arr_f64(v, (uint64_t)i), (double)f32[i]);
    v = &rz_gguf_find(&g, "a.f64")->value;
    cr_expect_eq(rz_gguf_arr_f64(v, 0), f64[0]);
    cr_expect_eq(rz_gguf_arr_f64(v, 1), f64[1]);
    cr_expect_eq(rz_gguf_arr_f64(&rz_gguf_find(&g, "a.u32")->value, 0), 0.0,
                 "an integer array has no float elements");
    rz_gguf_close(&g);
    free(buf);
    rz_gguf_writer_free(w);
}

Test(api_formats, tensor_data_size_and_its_errors) {
    rz_error err;
    uint64_t size = 0;
    const uint64_t f32_dims[2] = {3, 5};
    cr_assert_eq(rz_gguf_tensor_data_size("t", "a", RZ_TYPE_F32, 2, f32_dims, &size, &err), RZ_OK);
    cr_expect_eq(size, 60);
    const uint64_t q8_dims[2] = {64, 3};
    cr_assert_eq(rz_gguf_tensor_data_size("t", "b", RZ_TYPE_Q8_0, 2, q8_dims, &size, &err), RZ_OK);
    cr_expect_eq(size, 6 * 34, "6 blocks of 34 bytes");
    cr_expect_eq(rz_gguf_tensor_data_size("who", "c", RZ_TYPE_F32, 0, f32_dims, &size, &err),
                 RZ_EINVAL);
    cr_expect_str_eq(err.msg, "who: tensor 'c': n_dims: expected 1 to 4, got 0");
    const uint64_t odd[1] = {33};
    cr_expect_eq(rz_gguf_tensor_data_size("who", "d", RZ_TYPE_Q8_0, 1, odd, &size, &err),
                 RZ_EINVAL);
    cr_expect_str_eq(err.msg,
                     "who: tensor 'd': dim 0 (33) is not a multiple of the q8_0 block size 32");
    const uint64_t huge[2] = {1ull << 40, 1ull << 40};
    cr_expect_eq(rz_gguf_tensor_data_size("who", "e", RZ_TYPE_F32, 2, huge, &size, &err),
                 RZ_EINVAL);
    cr_expect_str_eq(err.msg, "who: tensor 'e': dim 1: element count overflows");
    cr_expect_eq(rz_gguf_tensor_data_size("who", "f", 4, 1, f32_dims, &size, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "who: tensor 'f': type 4"), "%s", err.msg);
}

static const char *stream_path(void) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/rzt-stream-%d.gguf", (int)getpid());
    return path;
}

static rz_gguf_writer *stream_kv(void) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    cr_assert_eq(rz_gguf_writer_add_str(w, "general.architecture", "llama", &err), RZ_OK);
    return w;
}

static const rz_gguf_stream_tensor stream_tensors[2] = {
    {.name = "a", .type = RZ_TYPE_F32, .n_dims = 1, .dims = {3}},
    {.name = "b", .type = RZ_TYPE_F32, .n_dims = 2, .dims = {2, 2}},
};

Test(api_formats, stream_round_trip) {
    const char *path = stream_path();
    rz_gguf_writer *kv = stream_kv();
    rz_gguf_stream *s;
    rz_error err;
    cr_assert_eq(rz_gguf_stream_begin(path, kv, stream_tensors, 2, &s, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(kv);
    cr_expect_eq(rz_gguf_stream_tensor_bytes(s, 0), 12);
    cr_expect_eq(rz_gguf_stream_tensor_bytes(s, 1), 16);
    const float a[3] = {1, 2, 3}, b[4] = {-1, 0.5f, 4, 8};
    cr_assert_eq(rz_gguf_stream_put(s, a, sizeof a, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_gguf_stream_put(s, b, sizeof b, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_gguf_stream_end(s, &err), RZ_OK, "%s", err.msg);
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, 2);
    rz_gguf_str arch;
    cr_expect(rz_gguf_get_str(&g, "general.architecture", &arch) && rz_gguf_str_eq(arch, "llama"));
    const rz_gguf_tensor *tb = rz_gguf_find_tensor(&g, "b");
    cr_assert_not_null(tb);
    cr_expect_eq(tb->dims[1], 2);
    cr_expect_eq(tb->data - g.base - (ptrdiff_t)g.data_offset, 32, "b starts at the alignment");
    cr_expect_arr_eq(tb->data, b, sizeof b);
    cr_expect_arr_eq(rz_gguf_find_tensor(&g, "a")->data, a, sizeof a);
    rz_gguf_close(&g);
    unlink(path);
}

Test(api_formats, stream_errors_and_abort) {
    const char *path = stream_path();
    unlink(path);
    rz_gguf_writer *kv = stream_kv();
    rz_gguf_stream *s;
    rz_error err;
    const rz_gguf_stream_tensor dup[2] = {stream_tensors[0], stream_tensors[0]};
    cr_expect_eq(rz_gguf_stream_begin(path, kv, dup, 2, &s, &err), RZ_EINVAL);
    cr_expect_str_eq(err.msg, "gguf stream: tensor 'a': duplicate name");

    cr_assert_eq(rz_gguf_stream_begin(path, kv, stream_tensors, 2, &s, &err), RZ_OK);
    const float a[3] = {1, 2, 3};
    cr_expect_eq(rz_gguf_stream_put(s, a, 8, &err), RZ_EINVAL);
    char want[256];
    snprintf(want, sizeof want, "%s: tensor #0: expected 12 bytes, got 8", path);
    cr_expect_str_eq(err.msg, want);
    rz_gguf_stream_abort(s);
    cr_expect_neq(access(path, F_OK), 0, "abort leaves no file");

    cr_assert_eq(rz_gguf_stream_begin(path, kv, stream_tensors, 2, &s, &err), RZ_OK);
    cr_assert_eq(rz_gguf_stream_put(s, a, sizeof a, &err), RZ_OK);
    cr_expect_eq(rz_gguf_stream_end(s, &err), RZ_EINVAL);
    snprintf(want, sizeof want, "%s: expected 2 tensors, got 1", path);
    cr_expect_str_eq(err.msg, want);
    cr_expect_neq(access(path, F_OK), 0, "a failed end leaves no file");
    rz_gguf_writer_free(kv);
}

/* true when /proc/self/maps lists path. */
static bool mapped(const char *path) {
    FILE *f = fopen("/proc/self/maps", "r");
    cr_assert_not_null(f);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, path) != NULL;
    fclose(f);
    return found;
}

Test(api_formats, map_and_unmap) {
    const char text[] = "mapped bytes";
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp(text, sizeof text, ".bin"));
    const uint8_t *base;
    size_t len;
    rz_error err;
    cr_assert_eq(rz_map_file(path, &base, &len, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(len, sizeof text);
    cr_expect_arr_eq(base, text, sizeof text);
    cr_expect(mapped(path));
    rz_unmap_file(base, len);
    cr_expect_not(mapped(path), "unmapped");
    unlink(path);

    snprintf(path, sizeof path, "%s", rzt_write_temp("", 0, ".bin"));
    cr_assert_eq(rz_map_file(path, &base, &len, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(len, 0);
    cr_expect_not_null(base, "an empty file gives a non-NULL base");
    rz_unmap_file(base, len);
    unlink(path);

    cr_expect_eq(rz_map_file("/nonexistent/x.bin", &base, &len, &err), RZ_EIO);
    cr_expect_str_eq(err.msg, "/nonexistent/x.bin: cannot open: No such file or directory");
    cr_expect_eq(rz_map_file("/tmp", &base, &len, &err), RZ_EIO);
    cr_expect_str_eq(err.msg, "/tmp: not a regular file");
}

/* Resident pages of this process's mapping that starts at p (its Rss in /proc/self/smaps). */
static size_t resident_pages(const uint8_t *p) {
    FILE *f = fopen("/proc/self/smaps", "r");
    cr_assert_not_null(f);
    char line[512], head[32];
    snprintf(head, sizeof head, "%lx-", (unsigned long)(uintptr_t)p);
    bool in = false;
    size_t kib = 0;
    while (fgets(line, sizeof line, f)) {
        if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' '))
            in = !strncmp(line, head, strlen(head));
        if (in && sscanf(line, "Rss: %zu kB", &kib) == 1) break;
    }
    fclose(f);
    return kib * 1024 / (size_t)sysconf(_SC_PAGESIZE);
}

Test(api_formats, map_release_drops_whole_pages_and_keeps_the_bytes) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE), len = 8 * page;
    unsigned char *text = malloc(len);
    for (size_t i = 0; i < len; i++)
        text[i] = (unsigned char)(i * 7 + 3);
    char path[256];
    snprintf(path, sizeof path, "%s", rzt_write_temp(text, len, ".bin"));
    const uint8_t *base;
    size_t n;
    rz_error err;
    cr_assert_eq(rz_map_file(path, &base, &n, &err), RZ_OK, "%s", err.msg);
    volatile unsigned sum = 0;
    for (size_t i = 0; i < len; i += 64)
        sum += base[i];
    cr_assert_eq(resident_pages(base), 8);
    rz_map_release(base + page / 2, 3 * page); /* pages 1 and 2 lie wholly inside */
    cr_expect_eq(resident_pages(base), 6, "pages 0 and 3 hold bytes outside the range");
    rz_map_release(base + 4 * page, page - 1); /* no whole page */
    cr_expect_eq(resident_pages(base), 6);
    cr_expect_arr_eq(base, text, len, "released pages read back from the file");
    rz_unmap_file(base, n);
    unlink(path);
    free(text);
}

Test(api_formats, read_input_from_a_file_or_standard_input) {
    static const char text[] = "line one\nline two\n";
    const char *path = rzt_write_temp(text, sizeof text - 1, ".txt");
    unsigned char *buf;
    size_t len;
    rz_error err;
    cr_assert_eq(rz_file_read_input(path, &buf, &len, &err), RZ_OK, "%s", err.msg);
    cr_expect(len == sizeof text - 1 && !memcmp(buf, text, len));
    free(buf);
    cr_assert_not_null(freopen(path, "rb", stdin));
    cr_assert_eq(rz_file_read_input("-", &buf, &len, &err), RZ_OK, "%s", err.msg);
    cr_expect(len == sizeof text - 1 && !memcmp(buf, text, len), "stdin gave %zu bytes", len);
    free(buf);
    unlink(path);
    cr_expect_eq(rz_file_read_input("/nonexistent/x", &buf, &len, &err), RZ_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/x: cannot open") != NULL, "%s", err.msg);
}

Test(api_formats, json_object_parse) {
    cJSON *root;
    rz_error err;
    static const char ok[] = "{\"a\": 1}", broken[] = "{\"a\": }", array[] = "[1]";
    cr_assert_eq(rz_json_object_parse(ok, sizeof ok - 1, "c.json", &root, &err), RZ_OK);
    cr_expect_eq(cJSON_GetObjectItem(root, "a")->valueint, 1);
    cJSON_Delete(root);
    cr_expect_eq(rz_json_object_parse(broken, sizeof broken - 1, "c.json", &root, &err),
                 RZ_EFORMAT);
    cr_expect(strstr(err.msg, "c.json: offset 6: expected valid JSON") != NULL, "%s", err.msg);
    cr_expect_eq(rz_json_object_parse(array, sizeof array - 1, "c.json", &root, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "c.json: offset 0: expected a JSON object") != NULL, "%s", err.msg);
    cr_expect_null(root);
}
