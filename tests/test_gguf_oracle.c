/* GGUF reader against the `gguf` Python package's GGUFReader (tests/oracles/gguf_dump.py): same
 * keys, types, values (arrays by CRC32 of their elements), tensors, shapes and offsets, for the
 * vocab files under ../shared and the model files scripts/find-models reports. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "engine/formats/gguf.h"
#include "tests/support/support.h"

static char out[8 << 20], err[65536];

/* The oracle's JSON for path; skips the test when python3 or the gguf package is missing. */
static cJSON *oracle(const char *path) {
    char script[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(script, sizeof script, "%s/tests/oracles/gguf_dump.py", src ? src : ".");
    char *argv[] = {"/usr/bin/env", "python3", script, (char *)path, NULL};
    int rc = rzt_run(argv, out, sizeof out, err, sizeof err);
    if (rc == 77 || rc == 127) cr_skip_test("python3 with the gguf package is not available");
    cr_assert_eq(rc, 0, "gguf_dump.py %s failed: %s", path, err);
    cJSON *j = cJSON_Parse(out);
    cr_assert_not_null(j, "oracle output is not JSON");
    return j;
}

static const char *jstr(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k) {
    return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void hex(rz_gguf_str s, char *dst) {
    for (uint64_t i = 0; i < s.len; i++)
        sprintf(dst + 2 * i, "%02x", (unsigned char)s.data[i]);
    dst[2 * s.len] = 0;
}

/* The scalar as the oracle writes it: ints in decimal, strings in hex. */
static void expect_scalar(const rz_gguf_kv *kv, const cJSON *e) {
    const rz_gguf_value *v = &kv->value;
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(e, "value");
    char text[64];
    const char *key = jstr(e, "key");
    switch (v->type) {
    case RZ_GGUF_STRING: {
        char *h = malloc(2 * v->s.len + 1);
        hex(v->s, h);
        cr_expect_str_eq(h, want->valuestring, "%s", key);
        free(h);
        return;
    }
    case RZ_GGUF_FLOAT32:
    case RZ_GGUF_FLOAT64:
        cr_expect(v->f == want->valuedouble, "%s: %.17g vs %.17g", key, v->f, want->valuedouble);
        return;
    case RZ_GGUF_BOOL:
        cr_expect_eq(v->b, cJSON_IsTrue(want), "%s", key);
        return;
    case RZ_GGUF_INT8:
    case RZ_GGUF_INT16:
    case RZ_GGUF_INT32:
    case RZ_GGUF_INT64:
        snprintf(text, sizeof text, "%lld", (long long)v->i);
        break;
    default:
        snprintf(text, sizeof text, "%llu", (unsigned long long)v->u);
    }
    cr_expect_str_eq(text, want->valuestring, "%s", key);
}

static uint32_t array_crc(const rz_gguf_value *v) {
    size_t width = rz_gguf_type_size(v->arr.elem);
    if (width) return (uint32_t)crc32_z(0, v->arr.raw, (size_t)v->arr.n * width);
    uint32_t crc = 0;
    for (uint64_t i = 0; i < v->arr.n; i++) {
        uint8_t len[8];
        for (int b = 0; b < 8; b++)
            len[b] = (uint8_t)(v->arr.items[i].s.len >> (8 * b));
        crc = (uint32_t)crc32_z(crc, len, 8);
        crc = (uint32_t)crc32_z(crc, (const uint8_t *)v->arr.items[i].s.data,
                                (size_t)v->arr.items[i].s.len);
    }
    return crc;
}

static void expect_kvs(const rz_gguf *g, const cJSON *kvs) {
    cr_assert_eq(g->n_kv, (uint64_t)cJSON_GetArraySize(kvs), "key count");
    uint64_t i = 0;
    for (const cJSON *e = kvs->child; e; e = e->next, i++) {
        const rz_gguf_kv *kv = &g->kv[i];
        cr_assert(rz_gguf_str_eq(kv->key, jstr(e, "key")), "key %llu: '%.*s' vs '%s'",
                  (unsigned long long)i, (int)kv->key.len, kv->key.data, jstr(e, "key"));
        cr_expect_eq(kv->value.type, (int)jnum(e, "type"), "%s: type", jstr(e, "key"));
        if (kv->value.type != RZ_GGUF_ARRAY) {
            expect_scalar(kv, e);
            continue;
        }
        cr_expect_eq(kv->value.arr.elem, (int)jnum(e, "elem"), "%s: element type", jstr(e, "key"));
        cr_expect_eq(kv->value.arr.n, (uint64_t)jnum(e, "n"), "%s: length", jstr(e, "key"));
        cr_expect_eq(array_crc(&kv->value), (uint32_t)jnum(e, "crc"), "%s: elements crc32",
                     jstr(e, "key"));
    }
}

static void expect_tensors(const rz_gguf *g, const cJSON *ts) {
    cr_assert_eq(g->n_tensors, (uint64_t)cJSON_GetArraySize(ts), "tensor count");
    uint64_t i = 0;
    for (const cJSON *e = ts->child; e; e = e->next, i++) {
        const rz_gguf_tensor *t = &g->tensors[i];
        const char *name = jstr(e, "name");
        cr_assert(rz_gguf_str_eq(t->name, name), "tensor %llu: '%s'", (unsigned long long)i, name);
        cr_expect_eq(t->type, (uint32_t)jnum(e, "type"), "%s: type", name);
        cr_expect_eq(t->offset, (uint64_t)jnum(e, "offset"), "%s: offset", name);
        cr_expect_eq(t->size, (uint64_t)jnum(e, "n_bytes"), "%s: bytes", name);
        const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
        cr_expect_eq(t->n_dims, (uint32_t)cJSON_GetArraySize(shape), "%s: n_dims", name);
        uint32_t d = 0;
        for (const cJSON *x = shape->child; x && d < t->n_dims; x = x->next, d++)
            cr_expect_eq(t->dims[d], (uint64_t)x->valuedouble, "%s: dim %u", name, d);
    }
}

static void compare(const char *path) {
    rz_gguf g;
    rz_error e;
    rz_status st = rz_gguf_open(path, &g, &e);
    if (st == RZ_EUNSUPPORTED && strstr(e.msg, "is not supported"))
        cr_skip_test("rz's type table lacks a type this file uses: %s", e.msg);
    cr_assert_eq(st, RZ_OK, "%s", e.msg);
    cJSON *j = oracle(path);
    cr_expect_eq(g.version, (uint32_t)jnum(j, "version"));
    cr_expect_eq(g.alignment, (uint64_t)jnum(j, "alignment"));
    cr_expect_eq(g.data_offset, (uint64_t)jnum(j, "data_offset"));
    expect_kvs(&g, cJSON_GetObjectItemCaseSensitive(j, "kv"));
    expect_tensors(&g, cJSON_GetObjectItemCaseSensitive(j, "tensors"));
    cJSON_Delete(j);
    rz_gguf_close(&g);
}

/* Path of a model from scripts/find-models NAME, or NULL when it is not installed. */
static const char *find_model(const char *name) {
    static char path[4096];
    char script[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(script, sizeof script, "%s/scripts/find-models", src ? src : ".");
    char *argv[] = {"/usr/bin/env", "python3", script, (char *)name, NULL};
    if (rzt_run(argv, path, sizeof path, err, sizeof err) != 0) return NULL;
    path[strcspn(path, "\n")] = 0;
    return path[0] ? path : NULL;
}

/* Every GGUF file under ../shared/vocab (the tokenizer test files), each compared in full. */
Test(gguf_oracle, every_vocab_file) {
    const char *dir = rzt_shared("vocab");
    if (!dir) cr_skip_test("../shared/vocab absent");
    char pattern[4096];
    snprintf(pattern, sizeof pattern, "%s/*.gguf", dir);
    glob_t gl;
    if (glob(pattern, 0, NULL, &gl) != 0) cr_skip_test("no GGUF files under %s", dir);
    for (size_t i = 0; i < gl.gl_pathc; i++)
        compare(gl.gl_pathv[i]);
    cr_log_info("compared %zu vocab files", gl.gl_pathc);
    globfree(&gl);
}

Test(gguf_oracle, smollm2_135m) {
    const char *p = find_model("smollm2");
    if (!p) cr_skip_test("SmolLM2 not installed (scripts/find-models --install)");
    compare(p);
}

Test(gguf_oracle, gemma3_270m) {
    const char *p = find_model("gemma3-270m");
    if (!p) cr_skip_test("Gemma 3 270M not installed (scripts/find-models --install)");
    compare(p);
}
