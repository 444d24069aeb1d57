/* safetensors header parsing and validation; see safetensors.h for the contract. */
#include "engine/formats/safetensors.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/le.h"
#include "engine/formats/map.h"

enum { HEADER_START = 8 };
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53: every integer below is a double exactly */

typedef unsigned long long ull;

/* What one parse needs to name places in the file. */
typedef struct {
    const char *source;
    const char *header; /* buf + 8 */
    uint64_t header_len;
    rz_error *err;
} ctx;

/* Offset of rejected UTF-8 (or a NUL) in s[0..n), or n when s is clean UTF-8 text. */
static size_t utf8_bad_offset(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
        if (c == 0 || (c >= 0x80 && c < 0xc2) || c > 0xf4 || i + len > n) return i;
        uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return i;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
        i += len;
    }
    return n;
}

/* File offset of the first occurrence of "key" in the header (the tensor's JSON key), or of the
 * header itself when the key is spelled with escapes. */
static ull key_offset(const ctx *c, const char *key) {
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen + 2 <= c->header_len; i++)
        if (c->header[i] == '"' && !memcmp(c->header + i + 1, key, klen) &&
            c->header[i + 1 + klen] == '"')
            return HEADER_START + i;
    return HEADER_START;
}

static rz_status fail_at_key(const ctx *c, const char *key, const char *field, const char *what) {
    return rz_fail(c->err, RZ_EFORMAT, "%s: offset %llu: tensor \"%s\": %s: %s", c->source,
                   key_offset(c, key), key, field, what);
}

/* A JSON number that is a non-negative integer below 2^53. */
static bool get_count(const cJSON *v, uint64_t *out) {
    if (!cJSON_IsNumber(v)) return false;
    double d = v->valuedouble;
    if (!(d >= 0 && d < MAX_EXACT_INT) || d != (double)(uint64_t)d) return false;
    *out = (uint64_t)d;
    return true;
}

static rz_status parse_dtype(const ctx *c, const char *name, const cJSON *v, rz_st_tensor *t) {
    if (!cJSON_IsString(v))
        return fail_at_key(c, name, "dtype", "expected a string such as \"F32\"");
    int d = rz_st_dtype_from_name(v->valuestring, strlen(v->valuestring));
    if (d < 0) {
        char what[160];
        snprintf(what, sizeof what,
                 "expected a safetensors dtype (F32, F16, BF16, ...), got \"%.64s\"",
                 v->valuestring);
        return fail_at_key(c, name, "dtype", what);
    }
    t->dtype = (rz_st_dtype)d;
    return RZ_OK;
}

static rz_status parse_shape(const ctx *c, const char *name, const cJSON *v, rz_st_tensor *t) {
    if (!cJSON_IsArray(v)) return fail_at_key(c, name, "shape", "expected an array of integers");
    int n = cJSON_GetArraySize(v);
    if (n > RZ_ST_MAX_DIMS) {
        char what[96];
        snprintf(what, sizeof what, "expected at most %d dimensions, got %d", RZ_ST_MAX_DIMS, n);
        return fail_at_key(c, name, "shape", what);
    }
    t->n_dims = (uint32_t)n;
    t->n_elements = 1;
    int i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        if (!get_count(e, &t->shape[i]))
            return fail_at_key(c, name, "shape",
                               "expected every dimension to be a non-negative integer below 2^53");
        if (t->shape[i] && t->n_elements > UINT64_MAX / t->shape[i])
            return fail_at_key(c, name, "shape", "expected a product that fits in 64 bits");
        t->n_elements *= t->shape[i];
    }
    return RZ_OK;
}

static rz_status parse_offsets(const ctx *c, const char *name, const cJSON *v, rz_st_tensor *t) {
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !get_count(v->child, &t->begin) ||
        !get_count(v->child->next, &t->end))
        return fail_at_key(c, name, "data_offsets",
                           "expected [begin, end], two non-negative integers below 2^53");
    if (t->begin > t->end) {
        char what[128];
        snprintf(what, sizeof what, "expected begin <= end, got [%llu, %llu]", (ull)t->begin,
                 (ull)t->end);
        return fail_at_key(c, name, "data_offsets", what);
    }
    unsigned bits = rz_st_dtype_bits(t->dtype);
    char what[200];
    if (t->n_elements > UINT64_MAX / bits)
        return fail_at_key(c, name, "shape", "expected a byte size that fits in 64 bits");
    uint64_t total_bits = t->n_elements * bits;
    if (total_bits % 8) {
        snprintf(what, sizeof what, "expected whole bytes: %llu elements of %s are %llu bits",
                 (ull)t->n_elements, rz_st_dtype_name(t->dtype), (ull)total_bits);
        return fail_at_key(c, name, "shape", what);
    }
    if (t->end - t->begin != total_bits / 8) {
        snprintf(what, sizeof what,
                 "expected end - begin = %llu bytes (%llu elements of %s), got [%llu, %llu]",
                 (ull)(total_bits / 8), (ull)t->n_elements, rz_st_dtype_name(t->dtype),
                 (ull)t->begin, (ull)t->end);
        return fail_at_key(c, name, "data_offsets", what);
    }
    return RZ_OK;
}

static rz_status parse_tensor(const ctx *c, const cJSON *item, rz_st_tensor *t) {
    const char *name = item->string;
    rz_status st;
    if (!cJSON_IsObject(item))
        return fail_at_key(c, name, "entry", "expected an object {dtype, shape, data_offsets}");
    t->name = strdup(name);
    if (!t->name) return rz_fail(c->err, RZ_ENOMEM, "%s: cannot allocate a name", c->source);
    static const char *const fields[] = {"dtype", "shape", "data_offsets"};
    for (int i = 0; i < 3; i++)
        if (!cJSON_GetObjectItemCaseSensitive(item, fields[i])) {
            char what[64];
            snprintf(what, sizeof what, "expected the member \"%s\"", fields[i]);
            return fail_at_key(c, name, fields[i], what);
        }
    if ((st = parse_dtype(c, name, cJSON_GetObjectItemCaseSensitive(item, "dtype"), t))) return st;
    if ((st = parse_shape(c, name, cJSON_GetObjectItemCaseSensitive(item, "shape"), t))) return st;
    return parse_offsets(c, name, cJSON_GetObjectItemCaseSensitive(item, "data_offsets"), t);
}

static rz_status parse_metadata(const ctx *c, const cJSON *item, rz_st_file *f) {
    ull off = key_offset(c, "__metadata__");
    if (f->meta)
        return rz_fail(c->err, RZ_EFORMAT, "%s: offset %llu: __metadata__: expected one, found two",
                       c->source, off);
    if (!cJSON_IsObject(item))
        return rz_fail(c->err, RZ_EFORMAT,
                       "%s: offset %llu: __metadata__: expected an object of strings", c->source,
                       off);
    size_t n = (size_t)cJSON_GetArraySize(item);
    f->meta = calloc(n ? n : 1, sizeof *f->meta);
    if (!f->meta) return rz_fail(c->err, RZ_ENOMEM, "%s: cannot allocate metadata", c->source);
    for (const cJSON *e = item->child; e; e = e->next) {
        if (!cJSON_IsString(e))
            return rz_fail(c->err, RZ_EFORMAT,
                           "%s: offset %llu: __metadata__: \"%s\": expected a string value",
                           c->source, off, e->string);
        rz_st_meta *m = &f->meta[f->n_meta++];
        m->key = strdup(e->string);
        m->value = strdup(e->valuestring);
        if (!m->key || !m->value)
            return rz_fail(c->err, RZ_ENOMEM, "%s: cannot allocate metadata", c->source);
    }
    return RZ_OK;
}

static int by_name(const void *a, const void *b) {
    const rz_st_tensor *x = *(const rz_st_tensor *const *)a, *y = *(const rz_st_tensor *const *)b;
    return strcmp(x->name, y->name);
}

static int by_offsets(const void *a, const void *b) {
    const rz_st_tensor *x = *(const rz_st_tensor *const *)a, *y = *(const rz_st_tensor *const *)b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Names unique; sorted by offset, the tensors tile [0, data size) exactly. */
static rz_status check_layout(const ctx *c, rz_st_file *f) {
    uint64_t data_size = f->size - f->data_offset;
    for (size_t i = 0; i < f->n_tensors; i++) {
        const rz_st_tensor *t = &f->tensors[i];
        if (t->end > data_size) {
            char what[200];
            snprintf(
                what, sizeof what,
                "expected end <= %llu (the data section, file offset %llu..%llu), got [%llu, %llu]",
                (ull)data_size, (ull)f->data_offset, (ull)f->size, (ull)t->begin, (ull)t->end);
            return fail_at_key(c, t->name, "data_offsets", what);
        }
    }
    const rz_st_tensor **idx = malloc((f->n_tensors ? f->n_tensors : 1) * sizeof *idx);
    if (!idx) return rz_fail(c->err, RZ_ENOMEM, "%s: cannot allocate an index", c->source);
    for (size_t i = 0; i < f->n_tensors; i++)
        idx[i] = &f->tensors[i];
    qsort(idx, f->n_tensors, sizeof *idx, by_name);
    rz_status st = RZ_OK;
    for (size_t i = 1; i < f->n_tensors && !st; i++)
        if (!strcmp(idx[i]->name, idx[i - 1]->name))
            st = fail_at_key(c, idx[i]->name, "name", "expected unique tensor names");
    qsort(idx, f->n_tensors, sizeof *idx, by_offsets);
    uint64_t expected = 0;
    for (size_t i = 0; i < f->n_tensors && !st; i++) {
        const rz_st_tensor *t = idx[i];
        if (t->begin != expected) {
            char what[300];
            if (t->begin < expected)
                snprintf(what, sizeof what, "expected begin >= %llu: overlaps tensor \"%.64s\"",
                         (ull)expected, idx[i - 1]->name);
            else
                snprintf(
                    what, sizeof what,
                    "expected begin = %llu: bytes %llu..%llu of the data section belong to no tensor",
                    (ull)expected, (ull)expected, (ull)t->begin);
            st = fail_at_key(c, t->name, "data_offsets", what);
        }
        expected = t->end;
    }
    if (!st && expected != data_size)
        st = rz_fail(
            c->err, RZ_EFORMAT,
            "%s: offset %llu: data section: expected the tensors to end the file, %llu trailing bytes belong to no tensor",
            c->source, (ull)(f->data_offset + expected), (ull)(data_size - expected));
    free(idx);
    return st;
}

static rz_status parse_members(const ctx *c, const cJSON *root, rz_st_file *f) {
    size_t n = (size_t)cJSON_GetArraySize(root);
    f->tensors = calloc(n ? n : 1, sizeof *f->tensors);
    if (!f->tensors) return rz_fail(c->err, RZ_ENOMEM, "%s: cannot allocate tensors", c->source);
    rz_status st;
    for (const cJSON *item = root->child; item; item = item->next) {
        if (!strcmp(item->string, "__metadata__"))
            st = parse_metadata(c, item, f);
        else
            st = parse_tensor(c, item, &f->tensors[f->n_tensors++]);
        if (st) return st;
    }
    return check_layout(c, f);
}

static rz_status parse_header(const uint8_t *buf, size_t len, const char *source, rz_st_file *f,
                              rz_error *err) {
    if (len < HEADER_START)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset 0: header length: truncated: expected 8 bytes, file has %zu",
                       source, len);
    uint64_t n = rz_le64(buf);
    if (n > RZ_ST_MAX_HEADER)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset 0: header length: expected at most %d bytes, got %llu", source,
                       RZ_ST_MAX_HEADER, (ull)n);
    if (n > len - HEADER_START)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset 0: header length: %llu bytes: beyond the file: expected at most %zu",
            source, (ull)n, len - HEADER_START);
    if (n == 0 || buf[HEADER_START] != '{')
        return rz_fail(err, RZ_EFORMAT, "%s: offset 8: header: expected a JSON object ('{')",
                       source);
    size_t bad = utf8_bad_offset(buf + HEADER_START, (size_t)n);
    if (bad != n)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset %llu: header: expected UTF-8 text without NUL bytes, got 0x%02x",
                       source, (ull)(HEADER_START + bad), buf[HEADER_START + bad]);
    f->header_len = n;
    f->data_offset = HEADER_START + n;
    return RZ_OK;
}

rz_status rz_st_parse(const uint8_t *buf, size_t len, const char *source, rz_st_file *f,
                      rz_error *err) {
    memset(f, 0, sizeof *f);
    f->source = source;
    f->base = buf;
    f->size = len;
    rz_status st = parse_header(buf, len, source, f, err);
    if (st) return st;
    ctx c = {source, (const char *)buf + HEADER_START, f->header_len, err};
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(c.header, (size_t)c.header_len, &end, 0);
    if (!root) {
        ull off = HEADER_START + (ull)(end && end >= c.header ? end - c.header : 0);
        return rz_fail(err, RZ_EFORMAT, "%s: offset %llu: header: expected valid JSON", source,
                       off);
    }
    for (const char *p = end; p < c.header + c.header_len && !st; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            st = rz_fail(err, RZ_EFORMAT,
                         "%s: offset %llu: header: expected only spaces after the JSON object",
                         source, (ull)(HEADER_START + (p - c.header)));
    if (!st && !cJSON_IsObject(root))
        st = rz_fail(err, RZ_EFORMAT, "%s: offset 8: header: expected a JSON object", source);
    if (!st) st = parse_members(&c, root, f);
    cJSON_Delete(root);
    if (st) {
        rz_st_close(f);
        return st;
    }
    for (size_t i = 0; i < f->n_tensors; i++)
        f->tensors[i].data = buf + f->data_offset + f->tensors[i].begin;
    return RZ_OK;
}

rz_status rz_st_open(const char *path, rz_st_file *f, rz_error *err) {
    memset(f, 0, sizeof *f);
    const uint8_t *map;
    size_t len;
    rz_status st = rz_map_file(path, &map, &len, err);
    if (st) return st;
    if ((st = rz_st_parse(map, len, path, f, err))) {
        rz_unmap_file(map, len);
        return st;
    }
    f->mapped = len > 0;
    return RZ_OK;
}

void rz_st_close(rz_st_file *f) {
    for (size_t i = 0; i < f->n_tensors; i++)
        free(f->tensors[i].name);
    for (size_t i = 0; i < f->n_meta; i++) {
        free(f->meta[i].key);
        free(f->meta[i].value);
    }
    free(f->tensors);
    free(f->meta);
    if (f->mapped) rz_unmap_file(f->base, f->size);
    memset(f, 0, sizeof *f);
}

const rz_st_tensor *rz_st_find(const rz_st_file *f, const char *name) {
    for (size_t i = 0; i < f->n_tensors; i++)
        if (!strcmp(f->tensors[i].name, name)) return &f->tensors[i];
    return NULL;
}

const char *rz_st_meta_get(const rz_st_file *f, const char *key) {
    for (size_t i = 0; i < f->n_meta; i++)
        if (!strcmp(f->meta[i].key, key)) return f->meta[i].value;
    return NULL;
}
