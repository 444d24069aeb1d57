/* GGUF v2/v3 header parser: magic, counts, key/value pairs, tensor infos, then the layout checks
 * (alignment, bounds, overlap, unique names). Lookups and accessors live in gguf_value.c. */
#include "engine/formats/gguf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/le.h"
#include "engine/formats/gguf_rules.h"
#include "engine/types/types.h"

/* The smallest encodings, used to bound counts by the bytes left before allocating. */
enum {
    MIN_KV_BYTES = 8 + 4 + 1,             /* key length, value type, a one-byte value */
    MIN_TENSOR_BYTES = 8 + 4 + 8 + 4 + 8, /* name length, n_dims, one dim, type, offset */
    MIN_ARRAY_BYTES = 4 + 8,              /* element type, count */
    MIN_STRING_BYTES = 8,                 /* length */
    MAX_ARRAY_DEPTH = 16,
};

/* A read position in the buffer; `what` names the key or tensor being read, for messages. */
typedef struct {
    const uint8_t *buf;
    size_t len, pos;
    const char *source;
    rz_error *err;
    char what[112];
} cursor;

static rz_status fail(cursor *c, rz_status st, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static rz_status fail(cursor *c, rz_status st, size_t off, const char *fmt, ...) {
    char detail[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return rz_fail(c->err, st, "%s: offset %zu: %s%s%s", c->source, off, c->what,
                   c->what[0] ? ": " : "", detail);
}

/* Copies up to 48 bytes of s into out as printable text (others become '?'). */
static const char *printable(rz_gguf_str s, char out[52]) {
    size_t n = s.len < 48 ? (size_t)s.len : 48;
    for (size_t i = 0; i < n; i++)
        out[i] = s.data[i] >= 0x20 && s.data[i] < 0x7f ? s.data[i] : '?';
    strcpy(out + n, s.len > 48 ? "..." : "");
    return out;
}

static void name_item(cursor *c, const char *kind, rz_gguf_str s) {
    char text[52];
    snprintf(c->what, sizeof c->what, "%s '%s'", kind, printable(s, text));
}

static rz_status need(cursor *c, uint64_t n, const char *field) {
    if (n <= c->len - c->pos) return RZ_OK;
    return fail(c, RZ_EFORMAT, c->pos,
                "%s: truncated: expected %llu bytes, only %zu left (file has %zu bytes in all)",
                field, (unsigned long long)n, c->len - c->pos, c->len);
}

static rz_status read_u32(cursor *c, const char *field, uint32_t *out) {
    rz_status st = need(c, 4, field);
    if (st) return st;
    *out = rz_le32(c->buf + c->pos);
    c->pos += 4;
    return RZ_OK;
}

static rz_status read_u64(cursor *c, const char *field, uint64_t *out) {
    rz_status st = need(c, 8, field);
    if (st) return st;
    *out = rz_le64(c->buf + c->pos);
    c->pos += 8;
    return RZ_OK;
}

static rz_status read_str(cursor *c, const char *field, rz_gguf_str *out) {
    size_t at = c->pos;
    uint64_t n;
    rz_status st = read_u64(c, field, &n);
    if (st) return st;
    if (n > c->len - c->pos)
        return fail(c, RZ_EFORMAT, at,
                    "%s: string length %llu runs past the end of the file (%zu bytes left)", field,
                    (unsigned long long)n, c->len - c->pos);
    out->data = (const char *)c->buf + c->pos;
    out->len = n;
    c->pos += (size_t)n;
    return RZ_OK;
}

/* Rejects a count that cannot fit in the bytes left, so allocations stay bounded by the file. */
static rz_status plausible(cursor *c, size_t at, uint64_t n, uint64_t min_bytes,
                           const char *field) {
    if (n <= (c->len - c->pos) / min_bytes) return RZ_OK;
    return fail(c, RZ_EFORMAT, at,
                "%s: %llu is implausible: each needs at least %llu bytes and only %zu are left",
                field, (unsigned long long)n, (unsigned long long)min_bytes, c->len - c->pos);
}

static rz_status read_type(cursor *c, const char *field, rz_gguf_type *out) {
    size_t at = c->pos;
    uint32_t t;
    rz_status st = read_u32(c, field, &t);
    if (st) return st;
    if (t >= RZ_GGUF_TYPE_COUNT)
        return fail(c, RZ_EFORMAT, at, "%s: expected a value type 0..%d, got %u", field,
                    RZ_GGUF_TYPE_COUNT - 1, t);
    *out = (rz_gguf_type)t;
    return RZ_OK;
}

static void free_value(rz_gguf_value *v) {
    if (v->type != RZ_GGUF_ARRAY || !v->arr.items) return;
    for (uint64_t i = 0; i < v->arr.n; i++)
        free_value(&v->arr.items[i]);
    free(v->arr.items);
    v->arr.items = NULL;
}

static rz_status read_value(cursor *c, rz_gguf_type type, rz_gguf_value *v, int depth);

static rz_status read_array(cursor *c, rz_gguf_value *v, int depth) {
    if (depth >= MAX_ARRAY_DEPTH)
        return fail(c, RZ_EFORMAT, c->pos, "array: nested deeper than %d levels", MAX_ARRAY_DEPTH);
    rz_status st = read_type(c, "array element type", &v->arr.elem);
    size_t at = c->pos;
    if (!st) st = read_u64(c, "array length", &v->arr.n);
    if (st) return st;
    size_t width = rz_gguf_type_size(v->arr.elem);
    if (width) {
        if (v->arr.n > (c->len - c->pos) / width)
            return fail(
                c, RZ_EFORMAT, at,
                "array length: %llu %s elements run past the end of the file (%zu bytes left)",
                (unsigned long long)v->arr.n, rz_gguf_type_name(v->arr.elem), c->len - c->pos);
        v->arr.raw = c->buf + c->pos;
        if (v->arr.elem == RZ_GGUF_BOOL)
            for (uint64_t i = 0; i < v->arr.n; i++)
                if (v->arr.raw[i] > 1)
                    return fail(c, RZ_EFORMAT, c->pos + (size_t)i,
                                "array element %llu: bool: expected 0 or 1, got %u",
                                (unsigned long long)i, v->arr.raw[i]);
        c->pos += (size_t)v->arr.n * width;
        return RZ_OK;
    }
    uint64_t min = v->arr.elem == RZ_GGUF_STRING ? MIN_STRING_BYTES : MIN_ARRAY_BYTES;
    if ((st = plausible(c, at, v->arr.n, min, "array length"))) return st;
    v->arr.items = calloc(v->arr.n ? (size_t)v->arr.n : 1, sizeof *v->arr.items);
    if (!v->arr.items)
        return fail(c, RZ_ENOMEM, at, "array: cannot allocate %llu items",
                    (unsigned long long)v->arr.n);
    for (uint64_t i = 0; i < v->arr.n; i++)
        if ((st = read_value(c, v->arr.elem, &v->arr.items[i], depth + 1))) return st;
    return RZ_OK;
}

static rz_status read_value(cursor *c, rz_gguf_type type, rz_gguf_value *v, int depth) {
    size_t width = rz_gguf_type_size(type);
    const uint8_t *p = c->buf + c->pos;
    rz_status st;
    v->type = type;
    if (width && (st = need(c, width, rz_gguf_type_name(type)))) return st;
    switch (type) {
    case RZ_GGUF_UINT8:
        v->u = p[0];
        break;
    case RZ_GGUF_INT8:
        v->i = (int8_t)p[0];
        break;
    case RZ_GGUF_UINT16:
        v->u = rz_le16(p);
        break;
    case RZ_GGUF_INT16:
        v->i = (int16_t)rz_le16(p);
        break;
    case RZ_GGUF_UINT32:
        v->u = rz_le32(p);
        break;
    case RZ_GGUF_INT32:
        v->i = (int32_t)rz_le32(p);
        break;
    case RZ_GGUF_UINT64:
        v->u = rz_le64(p);
        break;
    case RZ_GGUF_INT64:
        v->i = (int64_t)rz_le64(p);
        break;
    case RZ_GGUF_FLOAT32:
        v->f = rz_le_f32(p);
        break;
    case RZ_GGUF_FLOAT64: {
        uint64_t u = rz_le64(p);
        memcpy(&v->f, &u, sizeof v->f);
        break;
    }
    case RZ_GGUF_BOOL:
        if (p[0] > 1) return fail(c, RZ_EFORMAT, c->pos, "bool: expected 0 or 1, got %u", p[0]);
        v->b = p[0];
        break;
    case RZ_GGUF_STRING:
        return read_str(c, "string", &v->s);
    case RZ_GGUF_ARRAY:
        return read_array(c, v, depth);
    case RZ_GGUF_TYPE_COUNT:
        break;
    }
    c->pos += width;
    return RZ_OK;
}

static rz_status read_header(cursor *c, rz_gguf *g) {
    rz_status st = need(c, 4, "magic");
    if (st) return st;
    if (memcmp(c->buf, "GGUF", 4))
        return fail(c, RZ_EFORMAT, 0, "magic: expected \"GGUF\", got %02x %02x %02x %02x",
                    c->buf[0], c->buf[1], c->buf[2], c->buf[3]);
    c->pos = 4;
    if ((st = read_u32(c, "version", &g->version))) return st;
    if (g->version == 1)
        return fail(
            c, RZ_EUNSUPPORTED, 4,
            "version: expected 2 or 3, got 1 (GGUF v1 has 32-bit counts and is not supported; re-convert the model with a current llama.cpp)");
    if (g->version == 0x02000000 || g->version == 0x03000000)
        return fail(
            c, RZ_EUNSUPPORTED, 4,
            "version: expected 2 or 3, got 0x%08x (a big-endian GGUF file; rz reads little-endian files only)",
            g->version);
    if (g->version != 2 && g->version != 3)
        return fail(c, RZ_EUNSUPPORTED, 4, "version: expected 2 or 3, got %u", g->version);
    if ((st = read_u64(c, "tensor count", &g->n_tensors))) return st;
    if ((st = read_u64(c, "key/value count", &g->n_kv))) return st;
    if ((st = plausible(c, 8, g->n_tensors, MIN_TENSOR_BYTES, "tensor count"))) return st;
    return plausible(c, 16, g->n_kv, MIN_KV_BYTES, "key/value count");
}

static rz_status read_kvs(cursor *c, rz_gguf *g) {
    g->kv = calloc(g->n_kv ? (size_t)g->n_kv : 1, sizeof *g->kv);
    if (!g->kv)
        return fail(c, RZ_ENOMEM, 16, "cannot allocate %llu keys", (unsigned long long)g->n_kv);
    for (uint64_t i = 0; i < g->n_kv; i++) {
        rz_gguf_kv *kv = &g->kv[i];
        kv->offset = c->pos;
        snprintf(c->what, sizeof c->what, "key #%llu", (unsigned long long)i);
        rz_status st = read_str(c, "key", &kv->key);
        if (st) return st;
        name_item(c, "key", kv->key);
        const char *bad = rz_gguf_key_rule(kv->key.data, (size_t)kv->key.len);
        if (bad) return fail(c, RZ_EFORMAT, (size_t)kv->offset, "name: %s", bad);
        rz_gguf_type type = RZ_GGUF_UINT8;
        if ((st = read_type(c, "value type", &type))) return st;
        if ((st = read_value(c, type, &kv->value, 0))) return st;
    }
    c->what[0] = 0;
    return RZ_OK;
}

static int str_cmp(rz_gguf_str a, rz_gguf_str b) {
    size_t n = a.len < b.len ? (size_t)a.len : (size_t)b.len;
    int d = n ? memcmp(a.data, b.data, n) : 0;
    return d ? d : (a.len > b.len) - (a.len < b.len);
}

static int kv_order(const void *pa, const void *pb) {
    const rz_gguf_kv *a = *(const rz_gguf_kv *const *)pa, *b = *(const rz_gguf_kv *const *)pb;
    int d = str_cmp(a->key, b->key);
    return d ? d : (a->offset > b->offset) - (a->offset < b->offset);
}

static rz_status check_unique_keys(cursor *c, const rz_gguf *g) {
    if (g->n_kv < 2) return RZ_OK;
    const rz_gguf_kv **order = malloc((size_t)g->n_kv * sizeof *order);
    if (!order) return fail(c, RZ_ENOMEM, 16, "cannot allocate the key index");
    for (uint64_t i = 0; i < g->n_kv; i++)
        order[i] = &g->kv[i];
    qsort(order, (size_t)g->n_kv, sizeof *order, kv_order);
    rz_status st = RZ_OK;
    for (uint64_t i = 1; i < g->n_kv && !st; i++)
        if (!str_cmp(order[i - 1]->key, order[i]->key)) {
            name_item(c, "key", order[i]->key);
            st = fail(c, RZ_EFORMAT, (size_t)order[i]->offset,
                      "duplicate key: already defined at offset %llu",
                      (unsigned long long)order[i - 1]->offset);
        }
    free(order);
    c->what[0] = 0;
    return st;
}

static rz_status read_alignment(cursor *c, rz_gguf *g) {
    g->alignment = RZ_GGUF_DEFAULT_ALIGNMENT;
    const rz_gguf_kv *kv = rz_gguf_find(g, "general.alignment");
    if (!kv) return RZ_OK;
    strcpy(c->what, "key 'general.alignment'");
    size_t at = (size_t)kv->offset;
    if (kv->value.type != RZ_GGUF_UINT32)
        return fail(c, RZ_EFORMAT, at, "expected a uint32 value, got %s",
                    rz_gguf_type_name(kv->value.type));
    uint64_t a = kv->value.u;
    if (!rz_gguf_alignment_ok(a))
        return fail(c, RZ_EFORMAT, at, "expected a power of two that is a multiple of 8, got %llu",
                    (unsigned long long)a);
    g->alignment = a;
    c->what[0] = 0;
    return RZ_OK;
}

/* Reads the dims, type and offset of t (its name already read) and derives its size. */
static rz_status read_tensor_shape(cursor *c, const rz_gguf *g, rz_gguf_tensor *t) {
    size_t at = c->pos;
    rz_status st = read_u32(c, "n_dims", &t->n_dims);
    if (st) return st;
    if (t->n_dims == 0 || t->n_dims > RZ_GGUF_MAX_DIMS)
        return fail(c, RZ_EFORMAT, at, "n_dims: expected 1 to %d, got %u", RZ_GGUF_MAX_DIMS,
                    t->n_dims);
    t->n_elements = 1;
    for (uint32_t d = 0; d < RZ_GGUF_MAX_DIMS; d++) {
        t->dims[d] = 1;
        if (d >= t->n_dims) continue;
        at = c->pos;
        if ((st = read_u64(c, "dim", &t->dims[d]))) return st;
        if (t->dims[d] > (uint64_t)INT64_MAX)
            return fail(c, RZ_EFORMAT, at, "dim %u: expected at most 2^63-1, got %llu", d,
                        (unsigned long long)t->dims[d]);
        if (t->dims[d] && t->n_elements > (uint64_t)INT64_MAX / t->dims[d])
            return fail(
                c, RZ_EFORMAT, at,
                "dim %u: %llu makes the element count overflow 2^63-1 (product of the dims so far: %llu)",
                d, (unsigned long long)t->dims[d], (unsigned long long)t->n_elements);
        t->n_elements *= t->dims[d];
    }
    at = c->pos;
    if ((st = read_u32(c, "type", &t->type))) return st;
    const rz_type_traits *traits = rz_type_get(t->type);
    if (!traits) {
        const char *name = rz_type_ggml_name(t->type);
        return fail(c, strcmp(name, "unknown") ? RZ_EUNSUPPORTED : RZ_EFORMAT, at,
                    "type: tensor type %u (%s) is not supported", t->type, name);
    }
    if (t->dims[0] % traits->block_size)
        return fail(c, RZ_EFORMAT, at,
                    "type %s: dim 0 is %llu, expected a multiple of the block size %u",
                    traits->name, (unsigned long long)t->dims[0], traits->block_size);
    if (!rz_type_row_bytes(t->type, t->n_elements, &t->size))
        return fail(c, RZ_EFORMAT, at, "type %s: size of %llu elements overflows 64 bits",
                    traits->name, (unsigned long long)t->n_elements);
    at = c->pos;
    if ((st = read_u64(c, "offset", &t->offset))) return st;
    if (t->offset % g->alignment)
        return fail(c, RZ_EFORMAT, at,
                    "offset: expected a multiple of the alignment %llu, got %llu",
                    (unsigned long long)g->alignment, (unsigned long long)t->offset);
    return RZ_OK;
}

static rz_status read_tensors(cursor *c, rz_gguf *g) {
    g->tensors = calloc(g->n_tensors ? (size_t)g->n_tensors : 1, sizeof *g->tensors);
    if (!g->tensors)
        return fail(c, RZ_ENOMEM, 8, "cannot allocate %llu tensors",
                    (unsigned long long)g->n_tensors);
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        rz_gguf_tensor *t = &g->tensors[i];
        snprintf(c->what, sizeof c->what, "tensor #%llu", (unsigned long long)i);
        size_t at = c->pos;
        rz_status st = read_str(c, "name", &t->name);
        if (st) return st;
        name_item(c, "tensor", t->name);
        if (t->name.len > RZ_GGUF_MAX_NAME)
            return fail(c, RZ_EFORMAT, at, "name: %llu bytes, expected at most %d",
                        (unsigned long long)t->name.len, RZ_GGUF_MAX_NAME);
        if ((st = read_tensor_shape(c, g, t))) return st;
    }
    c->what[0] = 0;
    return RZ_OK;
}

/* File offset of t's offset field (its name is followed by n_dims, dims and type). */
static size_t offset_field_pos(const rz_gguf *g, const rz_gguf_tensor *t) {
    return (size_t)((const uint8_t *)t->name.data - g->base) + (size_t)t->name.len + 4 +
           8 * t->n_dims + 4;
}

static int name_order(const void *pa, const void *pb) {
    const rz_gguf_tensor *a = *(const rz_gguf_tensor *const *)pa;
    const rz_gguf_tensor *b = *(const rz_gguf_tensor *const *)pb;
    int d = str_cmp(a->name, b->name);
    return d ? d : (a > b) - (a < b);
}

static int data_order(const void *pa, const void *pb) {
    const rz_gguf_tensor *a = *(const rz_gguf_tensor *const *)pa;
    const rz_gguf_tensor *b = *(const rz_gguf_tensor *const *)pb;
    if (a->offset != b->offset) return (a->offset > b->offset) - (a->offset < b->offset);
    return (a > b) - (a < b);
}

static rz_status check_names_and_overlap(cursor *c, const rz_gguf *g,
                                         const rz_gguf_tensor **order) {
    uint64_t n = g->n_tensors;
    for (uint64_t i = 0; i < n; i++)
        order[i] = &g->tensors[i];
    qsort(order, (size_t)n, sizeof *order, name_order);
    for (uint64_t i = 1; i < n; i++)
        if (!str_cmp(order[i - 1]->name, order[i]->name)) {
            name_item(c, "tensor", order[i]->name);
            return fail(c, RZ_EFORMAT, (size_t)((const uint8_t *)order[i]->name.data - g->base),
                        "duplicate tensor name: already defined at offset %zu",
                        (size_t)((const uint8_t *)order[i - 1]->name.data - g->base));
        }
    qsort(order, (size_t)n, sizeof *order, data_order);
    const rz_gguf_tensor *prev = NULL;
    for (uint64_t i = 0; i < n; i++) {
        const rz_gguf_tensor *t = order[i];
        if (!t->size) continue;
        if (prev && prev->offset + prev->size > t->offset) {
            char other[52];
            name_item(c, "tensor", t->name);
            return fail(c, RZ_EFORMAT, offset_field_pos(g, t),
                        "data [%llu, %llu) overlaps tensor '%s' at [%llu, %llu)",
                        (unsigned long long)t->offset, (unsigned long long)(t->offset + t->size),
                        printable(prev->name, other), (unsigned long long)prev->offset,
                        (unsigned long long)(prev->offset + prev->size));
        }
        prev = t;
    }
    return RZ_OK;
}

static rz_status check_layout(cursor *c, rz_gguf *g) {
    uint64_t end = c->pos;
    g->data_offset = (end + g->alignment - 1) / g->alignment * g->alignment;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        rz_gguf_tensor *t = &g->tensors[i];
        uint64_t room = g->data_offset <= c->len ? c->len - g->data_offset : 0;
        if (g->data_offset > c->len || t->offset > room || t->size > room - t->offset) {
            name_item(c, "tensor", t->name);
            return fail(
                c, RZ_EFORMAT, offset_field_pos(g, t),
                "offset: %llu + %llu bytes after the data section at %llu run past the end of the file (%zu bytes)",
                (unsigned long long)t->offset, (unsigned long long)t->size,
                (unsigned long long)g->data_offset, c->len);
        }
        t->data = c->buf + g->data_offset + t->offset;
    }
    if (g->n_tensors < 2) return RZ_OK;
    const rz_gguf_tensor **order = malloc((size_t)g->n_tensors * sizeof *order);
    if (!order) return fail(c, RZ_ENOMEM, 8, "cannot allocate the tensor index");
    rz_status st = check_names_and_overlap(c, g, order);
    free(order);
    return st;
}

/* general.architecture is lower-case alphanumeric; general.quantization_version, a uint32, is
 * present when any tensor is quantized. */
static rz_status check_general(cursor *c, const rz_gguf *g) {
    const rz_gguf_kv *arch = rz_gguf_find(g, "general.architecture");
    const char *bad = NULL;
    if (arch) {
        strcpy(c->what, "key 'general.architecture'");
        if (arch->value.type != RZ_GGUF_STRING)
            return fail(c, RZ_EFORMAT, (size_t)arch->offset, "expected a string value, got %s",
                        rz_gguf_type_name(arch->value.type));
        if ((bad = rz_gguf_arch_rule(arch->value.s.data, (size_t)arch->value.s.len)))
            return fail(c, RZ_EFORMAT, (size_t)arch->offset, "%s", bad);
    }
    const rz_gguf_kv *qv = rz_gguf_find(g, "general.quantization_version");
    strcpy(c->what, "key 'general.quantization_version'");
    if (qv && qv->value.type != RZ_GGUF_UINT32)
        return fail(c, RZ_EFORMAT, (size_t)qv->offset, "expected a uint32 value, got %s",
                    rz_gguf_type_name(qv->value.type));
    for (uint64_t i = 0; i < g->n_tensors && !qv; i++) {
        const rz_gguf_tensor *t = &g->tensors[i];
        const rz_type_traits *traits = rz_type_get(t->type);
        if (traits->block_size > 1) {
            name_item(c, "tensor", t->name);
            return fail(c, RZ_EFORMAT, (size_t)((const uint8_t *)t->name.data - g->base) - 8,
                        "type %s: quantized, but the file lacks general.quantization_version",
                        traits->name);
        }
    }
    c->what[0] = 0;
    return RZ_OK;
}

static void free_tables(rz_gguf *g) {
    for (uint64_t i = 0; g->kv && i < g->n_kv; i++)
        free_value(&g->kv[i].value);
    free(g->kv);
    free(g->tensors);
    g->kv = NULL;
    g->tensors = NULL;
}

rz_status rz_gguf_parse(const uint8_t *buf, size_t len, const char *source, rz_gguf *g,
                        rz_error *err) {
    memset(g, 0, sizeof *g);
    g->source = source;
    g->base = buf;
    g->size = len;
    cursor c = {.buf = buf, .len = len, .source = source, .err = err};
    rz_status st = read_header(&c, g);
    if (!st) st = read_kvs(&c, g);
    if (!st) st = check_unique_keys(&c, g);
    if (!st) st = read_alignment(&c, g);
    if (!st) st = read_tensors(&c, g);
    if (!st) st = check_general(&c, g);
    if (!st) st = check_layout(&c, g);
    if (st) {
        free_tables(g);
        g->n_kv = g->n_tensors = 0;
    }
    return st;
}

rz_status rz_gguf_open(const char *path, rz_gguf *g, rz_error *err) {
    memset(g, 0, sizeof *g);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return rz_fail(err, RZ_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return rz_fail(err, RZ_EIO, "%s: not a regular file", path);
    }
    size_t size = (size_t)sb.st_size;
    void *map = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    int map_errno = errno;
    close(fd);
    if (map == MAP_FAILED)
        return rz_fail(err, RZ_EIO, "%s: cannot map %zu bytes: %s", path, size,
                       strerror(map_errno));
    rz_status st = rz_gguf_parse(map ? map : (const uint8_t *)"", size, path, g, err);
    if (st) {
        if (map) munmap(map, size);
        return st;
    }
    g->mapped = map != NULL;
    return RZ_OK;
}

void rz_gguf_close(rz_gguf *g) {
    free_tables(g);
    if (g->mapped) munmap((void *)g->base, g->size);
    memset(g, 0, sizeof *g);
}
