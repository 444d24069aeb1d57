/* GGUF lookups and value accessors over a parsed rz_gguf (see gguf.h). */
#include <string.h>

#include "engine/core/le.h"
#include "engine/formats/gguf.h"

size_t rz_gguf_type_size(rz_gguf_type t) {
    static const size_t sizes[RZ_GGUF_TYPE_COUNT] = {
        [RZ_GGUF_UINT8] = 1,  [RZ_GGUF_INT8] = 1,  [RZ_GGUF_UINT16] = 2,  [RZ_GGUF_INT16] = 2,
        [RZ_GGUF_UINT32] = 4, [RZ_GGUF_INT32] = 4, [RZ_GGUF_FLOAT32] = 4, [RZ_GGUF_BOOL] = 1,
        [RZ_GGUF_UINT64] = 8, [RZ_GGUF_INT64] = 8, [RZ_GGUF_FLOAT64] = 8,
    };
    return (unsigned)t < RZ_GGUF_TYPE_COUNT ? sizes[t] : 0;
}

const char *rz_gguf_type_name(rz_gguf_type t) {
    static const char *const names[RZ_GGUF_TYPE_COUNT] = {
        "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
        "bool",  "string", "array",  "uint64", "int64",  "float64"};
    return (unsigned)t < RZ_GGUF_TYPE_COUNT ? names[t] : "unknown";
}

bool rz_gguf_str_eq(rz_gguf_str s, const char *text) {
    size_t n = strlen(text);
    return s.len == n && (n == 0 || memcmp(s.data, text, n) == 0);
}

const rz_gguf_kv *rz_gguf_find(const rz_gguf *g, const char *key) {
    for (uint64_t i = 0; i < g->n_kv; i++)
        if (rz_gguf_str_eq(g->kv[i].key, key)) return &g->kv[i];
    return NULL;
}

const rz_gguf_tensor *rz_gguf_find_tensor(const rz_gguf *g, const char *name) {
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (rz_gguf_str_eq(g->tensors[i].name, name)) return &g->tensors[i];
    return NULL;
}

static bool is_unsigned(rz_gguf_type t) {
    return t == RZ_GGUF_UINT8 || t == RZ_GGUF_UINT16 || t == RZ_GGUF_UINT32 || t == RZ_GGUF_UINT64;
}

static bool is_signed(rz_gguf_type t) {
    return t == RZ_GGUF_INT8 || t == RZ_GGUF_INT16 || t == RZ_GGUF_INT32 || t == RZ_GGUF_INT64;
}

bool rz_gguf_get_u64(const rz_gguf *g, const char *key, uint64_t *out) {
    const rz_gguf_kv *kv = rz_gguf_find(g, key);
    if (!kv) return false;
    if (is_unsigned(kv->value.type))
        *out = kv->value.u;
    else if (is_signed(kv->value.type) && kv->value.i >= 0)
        *out = (uint64_t)kv->value.i;
    else
        return false;
    return true;
}

bool rz_gguf_get_i64(const rz_gguf *g, const char *key, int64_t *out) {
    const rz_gguf_kv *kv = rz_gguf_find(g, key);
    if (!kv) return false;
    if (is_signed(kv->value.type))
        *out = kv->value.i;
    else if (is_unsigned(kv->value.type) && kv->value.u <= (uint64_t)INT64_MAX)
        *out = (int64_t)kv->value.u;
    else
        return false;
    return true;
}

bool rz_gguf_get_f64(const rz_gguf *g, const char *key, double *out) {
    const rz_gguf_kv *kv = rz_gguf_find(g, key);
    if (!kv || (kv->value.type != RZ_GGUF_FLOAT32 && kv->value.type != RZ_GGUF_FLOAT64))
        return false;
    *out = kv->value.f;
    return true;
}

bool rz_gguf_get_bool(const rz_gguf *g, const char *key, bool *out) {
    const rz_gguf_kv *kv = rz_gguf_find(g, key);
    if (!kv || kv->value.type != RZ_GGUF_BOOL) return false;
    *out = kv->value.b;
    return true;
}

bool rz_gguf_get_str(const rz_gguf *g, const char *key, rz_gguf_str *out) {
    const rz_gguf_kv *kv = rz_gguf_find(g, key);
    if (!kv || kv->value.type != RZ_GGUF_STRING) return false;
    *out = kv->value.s;
    return true;
}

/* Element i of a fixed-size integer array, sign-extended for signed element types. */
static uint64_t raw_int(const rz_gguf_value *v, uint64_t i) {
    const uint8_t *p = v->arr.raw + i * rz_gguf_type_size(v->arr.elem);
    switch (v->arr.elem) {
    case RZ_GGUF_UINT8:
    case RZ_GGUF_BOOL:
        return p[0];
    case RZ_GGUF_INT8:
        return (uint64_t)(int64_t)(int8_t)p[0];
    case RZ_GGUF_UINT16:
        return rz_le16(p);
    case RZ_GGUF_INT16:
        return (uint64_t)(int64_t)(int16_t)rz_le16(p);
    case RZ_GGUF_UINT32:
        return rz_le32(p);
    case RZ_GGUF_INT32:
        return (uint64_t)(int64_t)(int32_t)rz_le32(p);
    case RZ_GGUF_UINT64:
    case RZ_GGUF_INT64:
        return rz_le64(p);
    default:
        return 0;
    }
}

uint64_t rz_gguf_arr_u64(const rz_gguf_value *v, uint64_t i) {
    return raw_int(v, i);
}

int64_t rz_gguf_arr_i64(const rz_gguf_value *v, uint64_t i) {
    return (int64_t)raw_int(v, i);
}

double rz_gguf_arr_f64(const rz_gguf_value *v, uint64_t i) {
    if (v->arr.elem == RZ_GGUF_FLOAT32) return rz_le_f32(v->arr.raw + 4 * i);
    if (v->arr.elem != RZ_GGUF_FLOAT64) return 0;
    uint64_t u = rz_le64(v->arr.raw + 8 * i);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}
