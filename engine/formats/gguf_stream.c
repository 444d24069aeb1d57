/* Streaming GGUF output (see gguf_stream.h). */
#include "engine/formats/gguf_stream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rz_gguf_stream {
    int fd;
    bool created; /* tmp exists */
    char tmp[4096], path[4096];
    size_t n_tensors, next;
    uint64_t *sizes;
    uint32_t alignment;
};

typedef unsigned long long ull;

static rz_status write_all(rz_gguf_stream *s, const void *buf, uint64_t n, rz_error *err) {
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t w = write(s->fd, p, n > (1u << 30) ? (1u << 30) : (size_t)n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return rz_fail(err, RZ_EIO, "%s: write failed: %s", s->tmp, strerror(errno));
        p += w;
        n -= (uint64_t)w;
    }
    return RZ_OK;
}

static rz_status write_pad(rz_gguf_stream *s, uint64_t at, rz_error *err) {
    static const uint8_t zeros[256];
    uint64_t n = (s->alignment - at % s->alignment) % s->alignment;
    rz_status st = RZ_OK;
    while (n > 0 && !st) {
        uint64_t k = n < sizeof zeros ? n : sizeof zeros;
        st = write_all(s, zeros, k, err);
        n -= k;
    }
    return st;
}

/* Bytes a value takes after its type tag. */
static uint64_t value_bytes(const rz_gguf_value *v) {
    size_t width = rz_gguf_type_size(v->type);
    if (width) return width;
    if (v->type == RZ_GGUF_STRING) return 8 + v->s.len;
    uint64_t n = 4 + 8, ew = rz_gguf_type_size(v->arr.elem);
    if (ew) return n + v->arr.n * ew;
    for (uint64_t i = 0; i < v->arr.n; i++)
        n += value_bytes(&v->arr.items[i]);
    return n;
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Validates one tensor (a name unique among the first index, then rz_gguf_tensor_data_size) and
 * returns its data size. */
static rz_status tensor_size(const rz_gguf_stream_tensor *t, const rz_gguf_stream_tensor *all,
                             size_t index, uint64_t *size, rz_error *err) {
    for (size_t j = 0; j < index; j++)
        if (!strcmp(all[j].name, t->name))
            return rz_fail(err, RZ_EINVAL, "gguf stream: tensor '%s': duplicate name", t->name);
    return rz_gguf_tensor_data_size("gguf stream", t->name, t->type, t->n_dims, t->dims, size, err);
}

/* The key/value section of kv (without padding) in a malloc'd buffer, and the alignment. */
static rz_status kv_section(const rz_gguf_writer *kv, uint8_t **buf, size_t *len,
                            uint32_t *alignment, rz_error *err) {
    rz_status st = rz_gguf_writer_to_memory(kv, buf, len, err);
    if (st) return st;
    rz_gguf g;
    if ((st = rz_gguf_parse(*buf, *len, "gguf stream header", &g, err))) {
        free(*buf);
        return st;
    }
    uint64_t end = 24;
    if (g.n_kv) {
        const rz_gguf_kv *last = &g.kv[g.n_kv - 1];
        end = last->offset + 8 + last->key.len + 4 + value_bytes(&last->value);
    }
    bool has_tensors = g.n_tensors != 0;
    *alignment = (uint32_t)g.alignment;
    rz_gguf_close(&g);
    if (has_tensors) {
        free(*buf);
        return rz_fail(err, RZ_EINVAL, "gguf stream: the key/value writer must hold no tensors");
    }
    *len = (size_t)end;
    return RZ_OK;
}

static rz_status write_header(rz_gguf_stream *s, const rz_gguf_writer *kv,
                              const rz_gguf_stream_tensor *t, size_t n, rz_error *err) {
    uint8_t *kvbuf;
    size_t kvlen;
    rz_status st = kv_section(kv, &kvbuf, &kvlen, &s->alignment, err);
    if (st) return st;
    put64(kvbuf + 8, n);
    st = write_all(s, kvbuf, kvlen, err);
    free(kvbuf);
    uint64_t at = kvlen, offset = 0;
    for (size_t i = 0; i < n && !st; i++) {
        uint8_t rec[8 + 4 + 8 * RZ_GGUF_MAX_DIMS + 4 + 8];
        size_t len = strlen(t[i].name), k = 4;
        put64(rec, len);
        if ((st = write_all(s, rec, 8, err)) || (st = write_all(s, t[i].name, len, err))) break;
        for (int b = 0; b < 4; b++)
            rec[b] = (uint8_t)(t[i].n_dims >> (8 * b));
        for (uint32_t d = 0; d < t[i].n_dims; d++, k += 8)
            put64(rec + k, t[i].dims[d]);
        for (int b = 0; b < 4; b++)
            rec[k + b] = (uint8_t)(t[i].type >> (8 * b));
        put64(rec + k + 4, offset);
        st = write_all(s, rec, k + 12, err);
        at += 8 + len + k + 12;
        offset += (s->sizes[i] + s->alignment - 1) / s->alignment * s->alignment;
    }
    return st ? st : write_pad(s, at, err);
}

rz_status rz_gguf_stream_begin(const char *path, const rz_gguf_writer *kv,
                               const rz_gguf_stream_tensor *tensors, size_t n_tensors,
                               rz_gguf_stream **out, rz_error *err) {
    *out = NULL;
    rz_gguf_stream *s = calloc(1, sizeof *s);
    if (!s) return rz_fail(err, RZ_ENOMEM, "gguf stream: out of memory");
    s->fd = -1;
    s->n_tensors = n_tensors;
    s->sizes = calloc(n_tensors ? n_tensors : 1, sizeof *s->sizes);
    rz_status st = s->sizes ? RZ_OK : rz_fail(err, RZ_ENOMEM, "gguf stream: out of memory");
    for (size_t i = 0; i < n_tensors && !st; i++)
        st = tensor_size(&tensors[i], tensors, i, &s->sizes[i], err);
    if (!st && (snprintf(s->path, sizeof s->path, "%s", path) >= (int)sizeof s->path ||
                snprintf(s->tmp, sizeof s->tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof s->tmp))
        st = rz_fail(err, RZ_EINVAL, "%s: path too long", path);
    if (!st && (s->fd = mkstemp(s->tmp)) < 0)
        st = rz_fail(err, RZ_EIO, "%s: cannot create: %s", s->tmp, strerror(errno));
    s->created = s->fd >= 0;
    if (!st && fchmod(s->fd, 0644))
        st = rz_fail(err, RZ_EIO, "%s: cannot chmod: %s", s->tmp, strerror(errno));
    if (!st) st = write_header(s, kv, tensors, n_tensors, err);
    if (st) {
        rz_gguf_stream_abort(s);
        return st;
    }
    *out = s;
    return RZ_OK;
}

uint64_t rz_gguf_stream_tensor_bytes(const rz_gguf_stream *s, size_t i) {
    return i < s->n_tensors ? s->sizes[i] : 0;
}

rz_status rz_gguf_stream_put(rz_gguf_stream *s, const void *data, uint64_t size, rz_error *err) {
    if (s->next >= s->n_tensors)
        return rz_fail(err, RZ_EINVAL, "%s: expected %zu tensors, got one more", s->path,
                       s->n_tensors);
    if (size != s->sizes[s->next])
        return rz_fail(err, RZ_EINVAL, "%s: tensor #%zu: expected %llu bytes, got %llu", s->path,
                       s->next, (ull)s->sizes[s->next], (ull)size);
    rz_status st = write_all(s, data, size, err);
    if (!st) st = write_pad(s, size, err);
    if (!st) s->next++;
    return st;
}

rz_status rz_gguf_stream_end(rz_gguf_stream *s, rz_error *err) {
    rz_status st = RZ_OK;
    if (s->next != s->n_tensors)
        st = rz_fail(err, RZ_EINVAL, "%s: expected %zu tensors, got %zu", s->path, s->n_tensors,
                     s->next);
    if (!st && fsync(s->fd))
        st = rz_fail(err, RZ_EIO, "%s: fsync failed: %s", s->tmp, strerror(errno));
    if (close(s->fd) && !st)
        st = rz_fail(err, RZ_EIO, "%s: close failed: %s", s->tmp, strerror(errno));
    s->fd = -1;
    if (!st && rename(s->tmp, s->path))
        st = rz_fail(err, RZ_EIO, "%s: cannot rename to %s: %s", s->tmp, s->path, strerror(errno));
    if (!st) s->created = false;
    if (st) {
        rz_gguf_stream_abort(s);
        return st;
    }
    free(s->sizes);
    free(s);
    return RZ_OK;
}

void rz_gguf_stream_abort(rz_gguf_stream *s) {
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    if (s->created) unlink(s->tmp);
    free(s->sizes);
    free(s);
}
