/* GGUF v3 writer (see gguf_write.h): owned copies of every key and value, tensors by reference,
 * serialized through a FILE so that files and memory images share one code path. */
#include "engine/formats/gguf_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/formats/gguf_rules.h"
#include "engine/types/types.h"

typedef struct {
    char *key;
    rz_gguf_value value; /* owned: strings, raw bytes and items are malloc'd copies */
} wkv;

typedef struct {
    char *name;
    uint32_t type, n_dims;
    uint64_t dims[RZ_GGUF_MAX_DIMS];
    const void *data;
    uint64_t size, offset;
} wtensor;

struct rz_gguf_writer {
    wkv *kv;
    size_t n_kv, cap_kv;
    wtensor *tensors;
    size_t n_tensors, cap_tensors;
    uint32_t alignment;
};

static const char *const W = "gguf writer";

rz_status rz_gguf_writer_new(rz_gguf_writer **out, rz_error *err) {
    *out = calloc(1, sizeof **out);
    if (!*out) return rz_fail(err, RZ_ENOMEM, "%s: cannot allocate the writer", W);
    (*out)->alignment = RZ_GGUF_DEFAULT_ALIGNMENT;
    return RZ_OK;
}

static void free_value(rz_gguf_value *v) {
    if (v->type == RZ_GGUF_STRING) free((void *)v->s.data);
    if (v->type != RZ_GGUF_ARRAY) return;
    free((void *)v->arr.raw);
    for (uint64_t i = 0; v->arr.items && i < v->arr.n; i++)
        free_value(&v->arr.items[i]);
    free(v->arr.items);
}

void rz_gguf_writer_free(rz_gguf_writer *w) {
    if (!w) return;
    for (size_t i = 0; i < w->n_kv; i++) {
        free(w->kv[i].key);
        free_value(&w->kv[i].value);
    }
    for (size_t i = 0; i < w->n_tensors; i++)
        free(w->tensors[i].name);
    free(w->kv);
    free(w->tensors);
    free(w);
}

static void *dup_bytes(const void *p, size_t n) {
    void *q = malloc(n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

/* Deep-copies src into dst (zeroed); on failure dst is left freeable. */
static rz_status copy_value(rz_gguf_value *dst, const rz_gguf_value *src, const char *key,
                            rz_error *err) {
    dst->type = src->type;
    if ((unsigned)src->type >= RZ_GGUF_TYPE_COUNT)
        return rz_fail(err, RZ_EINVAL, "%s: key '%s': unknown value type %d", W, key, src->type);
    if (src->type == RZ_GGUF_STRING) {
        dst->s.len = src->s.len;
        dst->s.data = dup_bytes(src->s.data, (size_t)src->s.len);
        return dst->s.data ? RZ_OK : rz_fail(err, RZ_ENOMEM, "%s: key '%s': out of memory", W, key);
    }
    if (src->type != RZ_GGUF_ARRAY) {
        *dst = *src;
        return RZ_OK;
    }
    dst->arr.elem = src->arr.elem;
    if ((unsigned)src->arr.elem >= RZ_GGUF_TYPE_COUNT)
        return rz_fail(err, RZ_EINVAL, "%s: key '%s': unknown array element type %d", W, key,
                       src->arr.elem);
    size_t width = rz_gguf_type_size(src->arr.elem);
    if (width) {
        if (src->arr.n <= SIZE_MAX / width)
            dst->arr.raw = dup_bytes(src->arr.raw, (size_t)src->arr.n * width);
        dst->arr.n = dst->arr.raw ? src->arr.n : 0;
        return dst->arr.raw ? RZ_OK
                            : rz_fail(err, RZ_ENOMEM, "%s: key '%s': out of memory", W, key);
    }
    if (src->arr.n <= SIZE_MAX / sizeof *dst->arr.items)
        dst->arr.items = calloc(src->arr.n ? (size_t)src->arr.n : 1, sizeof *dst->arr.items);
    if (!dst->arr.items) return rz_fail(err, RZ_ENOMEM, "%s: key '%s': out of memory", W, key);
    dst->arr.n = src->arr.n;
    for (uint64_t i = 0; i < src->arr.n; i++) {
        if (src->arr.items[i].type != src->arr.elem)
            return rz_fail(err, RZ_EINVAL, "%s: key '%s': item %llu is %s, the array holds %s", W,
                           key, (unsigned long long)i, rz_gguf_type_name(src->arr.items[i].type),
                           rz_gguf_type_name(src->arr.elem));
        rz_status st = copy_value(&dst->arr.items[i], &src->arr.items[i], key, err);
        if (st) return st;
    }
    return RZ_OK;
}

static rz_status check_alignment(rz_gguf_writer *w, const rz_gguf_value *v, rz_error *err) {
    if (v->type != RZ_GGUF_UINT32)
        return rz_fail(err, RZ_EINVAL, "%s: key 'general.alignment': expected uint32, got %s", W,
                       rz_gguf_type_name(v->type));
    if (v->u > UINT32_MAX || !rz_gguf_alignment_ok(v->u))
        return rz_fail(
            err, RZ_EINVAL,
            "%s: key 'general.alignment': expected a power of two that is a multiple of 8, got %llu",
            W, (unsigned long long)v->u);
    w->alignment = (uint32_t)v->u;
    return RZ_OK;
}

rz_status rz_gguf_writer_add_kv(rz_gguf_writer *w, const char *key, const rz_gguf_value *v,
                                rz_error *err) {
    for (size_t i = 0; i < w->n_kv; i++)
        if (!strcmp(w->kv[i].key, key))
            return rz_fail(err, RZ_EINVAL, "%s: key '%s': duplicate key", W, key);
    const char *bad = rz_gguf_key_rule(key, strlen(key));
    if (bad) return rz_fail(err, RZ_EINVAL, "%s: key '%s': %s", W, key, bad);
    if (!strcmp(key, "general.architecture") && v->type == RZ_GGUF_STRING &&
        (bad = rz_gguf_arch_rule(v->s.data, (size_t)v->s.len)))
        return rz_fail(err, RZ_EINVAL, "%s: key '%s': %s", W, key, bad);
    rz_status st;
    if (!strcmp(key, "general.alignment") && (st = check_alignment(w, v, err))) return st;
    if (w->n_kv == w->cap_kv) {
        size_t cap = w->cap_kv ? 2 * w->cap_kv : 16;
        wkv *grown = realloc(w->kv, cap * sizeof *grown);
        if (!grown) return rz_fail(err, RZ_ENOMEM, "%s: cannot grow the key table", W);
        w->kv = grown;
        w->cap_kv = cap;
    }
    wkv *slot = &w->kv[w->n_kv];
    memset(slot, 0, sizeof *slot);
    slot->key = strdup(key);
    st = slot->key ? copy_value(&slot->value, v, key, err)
                   : rz_fail(err, RZ_ENOMEM, "%s: key '%s': cannot copy the key", W, key);
    if (st) {
        free(slot->key);
        free_value(&slot->value);
        return st;
    }
    w->n_kv++;
    return RZ_OK;
}

rz_status rz_gguf_writer_add_u32(rz_gguf_writer *w, const char *key, uint32_t v, rz_error *err) {
    rz_gguf_value val = {.type = RZ_GGUF_UINT32, .u = v};
    return rz_gguf_writer_add_kv(w, key, &val, err);
}

rz_status rz_gguf_writer_add_str(rz_gguf_writer *w, const char *key, const char *s, rz_error *err) {
    rz_gguf_value val = {.type = RZ_GGUF_STRING, .s = {s, strlen(s)}};
    return rz_gguf_writer_add_kv(w, key, &val, err);
}

rz_status rz_gguf_writer_add_str_array(rz_gguf_writer *w, const char *key, const char *const *items,
                                       uint64_t n, rz_error *err) {
    if (n > SIZE_MAX / sizeof(rz_gguf_value))
        return rz_fail(err, RZ_ENOMEM, "%s: key '%s': %llu strings", W, key, (unsigned long long)n);
    rz_gguf_value *vals = calloc(n ? (size_t)n : 1, sizeof *vals);
    if (!vals) return rz_fail(err, RZ_ENOMEM, "%s: key '%s': cannot allocate", W, key);
    for (uint64_t i = 0; i < n; i++)
        vals[i] = (rz_gguf_value){.type = RZ_GGUF_STRING, .s = {items[i], strlen(items[i])}};
    rz_gguf_value val = {.type = RZ_GGUF_ARRAY};
    val.arr.elem = RZ_GGUF_STRING;
    val.arr.n = n;
    val.arr.items = vals;
    rz_status st = rz_gguf_writer_add_kv(w, key, &val, err);
    free(vals);
    return st;
}

rz_status rz_gguf_writer_add_array(rz_gguf_writer *w, const char *key, rz_gguf_type elem,
                                   const void *le_data, uint64_t n, rz_error *err) {
    if (!rz_gguf_type_size(elem))
        return rz_fail(err, RZ_EINVAL, "%s: key '%s': expected a fixed-size element type, got %s",
                       W, key, rz_gguf_type_name(elem));
    rz_gguf_value val = {.type = RZ_GGUF_ARRAY};
    val.arr.elem = elem;
    val.arr.n = n;
    val.arr.raw = le_data;
    return rz_gguf_writer_add_kv(w, key, &val, err);
}

rz_status rz_gguf_tensor_data_size(const char *who, const char *name, uint32_t type,
                                   uint32_t n_dims, const uint64_t *dims, uint64_t *size,
                                   rz_error *err) {
    if (n_dims == 0 || n_dims > RZ_GGUF_MAX_DIMS)
        return rz_fail(err, RZ_EINVAL, "%s: tensor '%s': n_dims: expected 1 to %d, got %u", who,
                       name, RZ_GGUF_MAX_DIMS, n_dims);
    const rz_type_traits *t = rz_type_get(type);
    if (!t)
        return rz_fail(err, RZ_EINVAL, "%s: tensor '%s': type %u (%s) is not supported", who, name,
                       type, rz_type_ggml_name(type));
    uint64_t n = 1;
    for (uint32_t d = 0; d < n_dims; d++) {
        if (dims[d] > (uint64_t)INT64_MAX || (dims[d] && n > (uint64_t)INT64_MAX / dims[d]))
            return rz_fail(err, RZ_EINVAL, "%s: tensor '%s': dim %u: element count overflows", who,
                           name, d);
        n *= dims[d];
    }
    if (dims[0] % t->block_size || !rz_type_row_bytes(type, n, size))
        return rz_fail(err, RZ_EINVAL,
                       "%s: tensor '%s': dim 0 (%llu) is not a multiple of the %s block size %u",
                       who, name, (unsigned long long)dims[0], t->name, t->block_size);
    return RZ_OK;
}

static rz_status check_tensor(const rz_gguf_writer *w, const char *name, uint32_t type,
                              uint32_t n_dims, const uint64_t *dims, uint64_t size, rz_error *err) {
    if (strlen(name) > RZ_GGUF_MAX_NAME)
        return rz_fail(err, RZ_EINVAL,
                       "%s: tensor '%.64s...': name: %zu bytes, expected at most %d", W, name,
                       strlen(name), RZ_GGUF_MAX_NAME);
    for (size_t i = 0; i < w->n_tensors; i++)
        if (!strcmp(w->tensors[i].name, name))
            return rz_fail(err, RZ_EINVAL, "%s: tensor '%s': duplicate name", W, name);
    uint64_t need;
    rz_status st = rz_gguf_tensor_data_size(W, name, type, n_dims, dims, &need, err);
    if (st) return st;
    if (need != size)
        return rz_fail(err, RZ_EINVAL, "%s: tensor '%s': expected %llu bytes of %s data, got %llu",
                       W, name, (unsigned long long)need, rz_type_get(type)->name,
                       (unsigned long long)size);
    return RZ_OK;
}

rz_status rz_gguf_writer_add_tensor(rz_gguf_writer *w, const char *name, uint32_t type,
                                    uint32_t n_dims, const uint64_t *dims, const void *data,
                                    uint64_t size, rz_error *err) {
    rz_status st = check_tensor(w, name, type, n_dims, dims, size, err);
    if (st) return st;
    if (w->n_tensors == w->cap_tensors) {
        size_t cap = w->cap_tensors ? 2 * w->cap_tensors : 16;
        wtensor *grown = realloc(w->tensors, cap * sizeof *grown);
        if (!grown) return rz_fail(err, RZ_ENOMEM, "%s: cannot grow the tensor table", W);
        w->tensors = grown;
        w->cap_tensors = cap;
    }
    wtensor *t = &w->tensors[w->n_tensors];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    if (!t->name) return rz_fail(err, RZ_ENOMEM, "%s: tensor '%s': cannot copy the name", W, name);
    t->type = type;
    t->n_dims = n_dims;
    for (uint32_t d = 0; d < n_dims; d++)
        t->dims[d] = dims[d];
    t->data = data;
    t->size = size;
    w->n_tensors++;
    return RZ_OK;
}

static void put_u32(FILE *f, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, f);
}

static void put_u64(FILE *f, uint64_t v) {
    put_u32(f, (uint32_t)v);
    put_u32(f, (uint32_t)(v >> 32));
}

static void put_str(FILE *f, const char *s, uint64_t n) {
    put_u64(f, n);
    fwrite(s, 1, (size_t)n, f);
}

static void put_value(FILE *f, const rz_gguf_value *v) {
    uint8_t b[8];
    size_t width = rz_gguf_type_size(v->type);
    uint64_t bits = v->u;
    if (v->type == RZ_GGUF_FLOAT32) {
        float x = (float)v->f;
        uint32_t u;
        memcpy(&u, &x, 4);
        bits = u;
    } else if (v->type == RZ_GGUF_FLOAT64) {
        memcpy(&bits, &v->f, 8);
    } else if (v->type == RZ_GGUF_BOOL) {
        bits = v->b;
    }
    for (size_t i = 0; i < width; i++)
        b[i] = (uint8_t)(bits >> (8 * i));
    if (width) {
        fwrite(b, 1, width, f);
    } else if (v->type == RZ_GGUF_STRING) {
        put_str(f, v->s.data, v->s.len);
    } else {
        put_u32(f, v->arr.elem);
        put_u64(f, v->arr.n);
        size_t ew = rz_gguf_type_size(v->arr.elem);
        if (ew) fwrite(v->arr.raw, ew, (size_t)v->arr.n, f);
        for (uint64_t i = 0; !ew && i < v->arr.n; i++)
            put_value(f, &v->arr.items[i]);
    }
}

static void pad(FILE *f, uint64_t at, uint32_t alignment) {
    static const uint8_t zeros[64];
    uint64_t n = (alignment - at % alignment) % alignment;
    for (; n > 0; n -= n < sizeof zeros ? n : sizeof zeros)
        fwrite(zeros, 1, n < sizeof zeros ? (size_t)n : sizeof zeros, f);
}

/* The spec: general.quantization_version must be present when any tensor is quantized. */
static rz_status check_quantization_version(const rz_gguf_writer *w, rz_error *err) {
    for (size_t i = 0; i < w->n_kv; i++)
        if (!strcmp(w->kv[i].key, "general.quantization_version")) return RZ_OK;
    for (size_t i = 0; i < w->n_tensors; i++)
        if (rz_type_get(w->tensors[i].type)->block_size > 1)
            return rz_fail(
                err, RZ_EINVAL,
                "%s: tensor '%s' is %s: a quantized tensor needs the key general.quantization_version",
                W, w->tensors[i].name, rz_type_get(w->tensors[i].type)->name);
    return RZ_OK;
}

static rz_status serialize(const rz_gguf_writer *w, FILE *f, const char *dest, rz_error *err) {
    rz_status st = check_quantization_version(w, err);
    if (st) return st;
    fwrite("GGUF", 1, 4, f);
    put_u32(f, 3);
    put_u64(f, w->n_tensors);
    put_u64(f, w->n_kv);
    for (size_t i = 0; i < w->n_kv; i++) {
        put_str(f, w->kv[i].key, strlen(w->kv[i].key));
        put_u32(f, w->kv[i].value.type);
        put_value(f, &w->kv[i].value);
    }
    uint64_t offset = 0;
    for (size_t i = 0; i < w->n_tensors; i++) {
        const wtensor *t = &w->tensors[i];
        put_str(f, t->name, strlen(t->name));
        put_u32(f, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims; d++)
            put_u64(f, t->dims[d]);
        put_u32(f, t->type);
        put_u64(f, offset);
        offset += (t->size + w->alignment - 1) / w->alignment * w->alignment;
    }
    long header = ftell(f);
    if (header < 0) return rz_fail(err, RZ_EIO, "%s: cannot tell the position", dest);
    if (w->n_tensors) pad(f, (uint64_t)header, w->alignment);
    for (size_t i = 0; i < w->n_tensors; i++) {
        if (w->tensors[i].size) fwrite(w->tensors[i].data, 1, (size_t)w->tensors[i].size, f);
        pad(f, w->tensors[i].size, w->alignment);
    }
    if (fflush(f) || ferror(f))
        return rz_fail(err, RZ_EIO, "%s: write failed: %s", dest, strerror(errno));
    return RZ_OK;
}

rz_status rz_gguf_writer_to_memory(const rz_gguf_writer *w, uint8_t **buf, size_t *len,
                                   rz_error *err) {
    char *mem = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&mem, &size);
    if (!f) return rz_fail(err, RZ_ENOMEM, "%s: cannot open a memory stream", W);
    rz_status st = serialize(w, f, "memory image", err);
    fclose(f);
    if (st) {
        free(mem);
        return st;
    }
    *buf = (uint8_t *)mem;
    *len = size;
    return RZ_OK;
}

rz_status rz_gguf_writer_write(const rz_gguf_writer *w, const char *path, rz_error *err) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp)
        return rz_fail(err, RZ_EINVAL, "%s: path too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return rz_fail(err, RZ_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    FILE *f = fchmod(fd, 0644) == 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        close(fd);
        unlink(tmp);
        return rz_fail(err, RZ_EIO, "%s: cannot open: %s", tmp, strerror(errno));
    }
    rz_status st = serialize(w, f, tmp, err);
    if (!st && fsync(fileno(f)))
        st = rz_fail(err, RZ_EIO, "%s: fsync failed: %s", tmp, strerror(errno));
    if (fclose(f) && !st) st = rz_fail(err, RZ_EIO, "%s: close failed: %s", tmp, strerror(errno));
    if (!st && rename(tmp, path))
        st = rz_fail(err, RZ_EIO, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    if (st) unlink(tmp);
    return st;
}
