/* llama2.c checkpoint reader and converter (see llama2c.h). */
#include "engine/convert/llama2c.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/le.h"
#include "engine/formats/map.h"

enum { HEADER = 28 };

typedef unsigned long long ull;

typedef struct {
    const uint8_t *base; /* first float of the tensor */
    uint64_t row_len;
} f32_rows;

static void f32_row(void *ctx, uint64_t row, float *out) {
    const f32_rows *r = ctx;
    const uint8_t *p = r->base + row * r->row_len * 4;
    for (uint64_t i = 0; i < r->row_len; i++)
        out[i] = rz_le_f32(p + 4 * i);
}

/* Section sizes in floats, in file order. */
enum {
    S_EMB,
    S_RMS_ATT,
    S_WQ,
    S_WK,
    S_WV,
    S_WO,
    S_RMS_FFN,
    S_W1,
    S_W2,
    S_W3,
    S_RMS_F,
    S_FREQ,
    S_WCLS,
    S_COUNT
};

static bool mul(uint64_t a, uint64_t b, uint64_t *out) {
    if (a && b > UINT64_MAX / a) return false;
    *out = a * b;
    return true;
}

/* Offsets (in bytes from the file start) of every section; false on overflow. */
static bool sections(const rz_llama_hparams *hp, uint64_t off[S_COUNT + 1]) {
    uint64_t d = hp->dim, l = hp->n_layers, h = hp->ffn, v = hp->vocab;
    uint64_t kv = d / hp->n_heads * hp->n_kv_heads, hs = d / hp->n_heads, dd, dkv, dh;
    if (!mul(d, d, &dd) || !mul(d, kv, &dkv) || !mul(d, h, &dh)) return false;
    uint64_t size[S_COUNT] = {0};
    bool ok = mul(v, d, &size[S_EMB]) && mul(l, d, &size[S_RMS_ATT]) && mul(l, dd, &size[S_WQ]) &&
              mul(l, dkv, &size[S_WK]) && mul(l, dkv, &size[S_WV]) && mul(l, dd, &size[S_WO]) &&
              mul(l, d, &size[S_RMS_FFN]) && mul(l, dh, &size[S_W1]) && mul(l, dh, &size[S_W2]) &&
              mul(l, dh, &size[S_W3]) && mul(hp->ctx, hs, &size[S_FREQ]);
    size[S_RMS_F] = d;
    size[S_WCLS] = hp->tied ? 0 : size[S_EMB];
    off[0] = HEADER;
    for (int s = 0; ok && s < S_COUNT; s++) {
        uint64_t bytes;
        ok = mul(size[s], 4, &bytes) && off[s] <= UINT64_MAX - bytes;
        if (ok) off[s + 1] = off[s] + bytes;
    }
    return ok;
}

rz_status rz_llama2c_hparams(const uint8_t *buf, size_t len, const char *source,
                             rz_llama_hparams *hp, rz_error *err) {
    static const char *const names[7] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                                         "n_kv_heads", "vocab_size", "seq_len"};
    if (len < HEADER)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset 0: header: truncated: expected 28 bytes (7 int32), file has %zu",
                       source, len);
    int32_t v[7];
    for (int i = 0; i < 7; i++) {
        v[i] = (int32_t)rz_le32(buf + 4 * i);
        if (v[i] <= 0 && !(i == 5 && v[i] < 0 && v[i] != INT32_MIN))
            return rz_fail(err, RZ_EFORMAT, "%s: offset %d: %s: expected a positive int32, got %d",
                           source, 4 * i, names[i], v[i]);
    }
    *hp = (rz_llama_hparams){(uint32_t)v[0], (uint32_t)v[2], (uint32_t)v[3],
                             (uint32_t)v[4], (uint32_t)v[1], (uint32_t)(v[5] < 0 ? -v[5] : v[5]),
                             (uint32_t)v[6], 10000.0f,       1e-5f,
                             v[5] > 0};
    rz_status st = rz_llama_check(hp, source, err);
    if (st) return st;
    uint64_t off[S_COUNT + 1];
    if (!sections(hp, off))
        return rz_fail(err, RZ_EFORMAT, "%s: offset 0: header: sizes overflow 64-bit offsets",
                       source);
    if (off[S_COUNT] != len)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset %llu: file size: expected %llu bytes (the header's weights%s), file has %zu",
            source, (ull)(len < off[S_COUNT] ? len : off[S_COUNT]), (ull)off[S_COUNT],
            hp->tied ? ", shared classifier" : " and a classifier", len);
    return RZ_OK;
}

/* File offset of a llama tensor: its section, then its layer within the section. */
static uint64_t tensor_offset(const rz_llama_tensor *t, const uint64_t off[S_COUNT + 1]) {
    static const int section[] = {
        [RZ_LLAMA_TOKEN_EMBD] = S_EMB,    [RZ_LLAMA_ATTN_NORM] = S_RMS_ATT,
        [RZ_LLAMA_ATTN_Q] = S_WQ,         [RZ_LLAMA_ATTN_K] = S_WK,
        [RZ_LLAMA_ATTN_V] = S_WV,         [RZ_LLAMA_ATTN_OUTPUT] = S_WO,
        [RZ_LLAMA_FFN_NORM] = S_RMS_FFN,  [RZ_LLAMA_FFN_GATE] = S_W1,
        [RZ_LLAMA_FFN_DOWN] = S_W2,       [RZ_LLAMA_FFN_UP] = S_W3,
        [RZ_LLAMA_OUTPUT_NORM] = S_RMS_F, [RZ_LLAMA_OUTPUT] = S_WCLS,
    };
    uint64_t per_layer = t->dims[0] * t->dims[1] * 4;
    return off[section[t->role]] + (t->layer > 0 ? (uint64_t)t->layer * per_layer : 0);
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

rz_status rz_convert_llama2c(const char *in, const char *out, rz_convert_target *target,
                             rz_error *err) {
    const uint8_t *buf;
    size_t len;
    rz_status st = rz_map_file(in, &buf, &len, err);
    if (st) return st;
    rz_llama_hparams hp;
    rz_llama_tensor *lt = NULL;
    rz_convert_item *items = NULL;
    f32_rows *rows = NULL;
    size_t n = 0;
    uint64_t off[S_COUNT + 1];
    st = rz_llama2c_hparams(buf, len, in, &hp, err);
    if (!st) st = rz_llama_tensors(&hp, &lt, &n, err);
    if (!st && (!(items = calloc(n, sizeof *items)) || !(rows = calloc(n, sizeof *rows))))
        st = rz_fail(err, RZ_ENOMEM, "convert: out of memory");
    if (!st) {
        sections(&hp, off);
        for (size_t i = 0; i < n; i++) {
            rows[i] = (f32_rows){buf + tensor_offset(&lt[i], off), lt[i].dims[0]};
            items[i] = (rz_convert_item){lt[i], f32_row, &rows[i]};
        }
        target->hp = hp;
        target->name = base_name(in);
        st = rz_convert_write(out, target, items, n, err);
    }
    free(rows);
    free(items);
    free(lt);
    rz_unmap_file(buf, len);
    return st;
}
