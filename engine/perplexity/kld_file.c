#include "engine/perplexity/kld_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "engine/core/le.h"

static const char magic[8] = {'R', 'Z', 'K', 'L', 'D', 'I', 'V', '1'};
enum { HEADER = 32 };

static void put32(FILE *f, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, f);
}

static void put_f32(FILE *f, float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    put32(f, u);
}

static void write_body(FILE *f, const rz_kld_base *b) {
    fwrite(magic, 1, sizeof magic, f);
    const int32_t head[6] = {b->n_ctx, b->n_vocab, b->n_chunks, b->first, b->top_k, 0};
    for (int i = 0; i < 6; i++)
        put32(f, (uint32_t)head[i]);
    for (size_t i = 0; i < (size_t)b->n_chunks * b->n_ctx; i++)
        put32(f, (uint32_t)b->tokens[i]);
    const int64_t n = rz_kld_base_positions(b);
    for (int64_t i = 0; i < n; i++) {
        put_f32(f, b->target[i]);
        for (int t = 0; t < b->top_k; t++)
            put32(f, (uint32_t)b->top_id[i * b->top_k + t]);
        for (int t = 0; t < b->top_k; t++)
            put_f32(f, b->top_logp[i * b->top_k + t]);
    }
}

rz_status rz_kld_file_write(const char *path, const rz_kld_base *b, rz_error *err) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return rz_fail(err, RZ_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    write_body(f, b);
    int bad = ferror(f);
    bad |= fclose(f);
    if (bad || rename(tmp, path)) {
        remove(tmp);
        return rz_fail(err, RZ_EIO, "%s: write failed: %s", path, strerror(errno));
    }
    return RZ_OK;
}

/* Checks the header and the exact size; fills the counts of b. */
static rz_status read_header(const char *path, const uint8_t *d, size_t len, rz_kld_base *b,
                             rz_error *err) {
    if (len < HEADER || memcmp(d, magic, sizeof magic))
        return rz_fail(err, RZ_EFORMAT, "%s: offset 0: expected the magic RZKLDIV1", path);
    int32_t h[6];
    for (int i = 0; i < 6; i++)
        h[i] = (int32_t)rz_le32(d + 8 + 4 * i);
    if (h[0] < 4 || h[0] % 2 || h[0] > (1 << 20) || h[1] < 1 || h[1] > (1 << 24) || h[2] < 1 ||
        h[2] > (1 << 20) || h[3] != h[0] / 2 || h[4] < 1 || h[4] > h[1] || h[5] != 0)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset 8: header (n_ctx %d, n_vocab %d, chunks %d, first %d, top_k %d, reserved %d) out of range",
            path, h[0], h[1], h[2], h[3], h[4], h[5]);
    const uint64_t positions = (uint64_t)h[2] * (uint64_t)(h[0] - 1 - h[3]);
    const uint64_t want = HEADER + 4ull * h[2] * h[0] + positions * (4 + 8ull * h[4]);
    if (len != want)
        return rz_fail(err, RZ_EFORMAT, "%s: %zu bytes, expected %llu for this header", path, len,
                       (unsigned long long)want);
    return rz_kld_base_init(h[0], h[1], h[2], h[4], b, err);
}

static rz_status read_body(const char *path, const uint8_t *d, rz_kld_base *b, rz_error *err) {
    size_t off = HEADER;
    for (size_t i = 0; i < (size_t)b->n_chunks * b->n_ctx; i++, off += 4) {
        b->tokens[i] = (int32_t)rz_le32(d + off);
        if (b->tokens[i] < 0 || b->tokens[i] >= b->n_vocab)
            return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: token %d outside 0..%d", path, off,
                           b->tokens[i], b->n_vocab - 1);
    }
    const int64_t n = rz_kld_base_positions(b);
    for (int64_t i = 0; i < n; i++) {
        b->target[i] = rz_le_f32(d + off);
        off += 4;
        for (int t = 0; t < b->top_k; t++, off += 4) {
            int32_t id = (int32_t)rz_le32(d + off);
            if (id < 0 || id >= b->n_vocab)
                return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: token id %d outside 0..%d", path,
                               off, id, b->n_vocab - 1);
            b->top_id[i * b->top_k + t] = id;
        }
        for (int t = 0; t < b->top_k; t++, off += 4)
            b->top_logp[i * b->top_k + t] = rz_le_f32(d + off);
    }
    return RZ_OK;
}

rz_status rz_kld_file_read(const char *path, rz_kld_base *b, rz_error *err) {
    unsigned char *d;
    size_t len;
    memset(b, 0, sizeof *b);
    rz_status st = rz_file_read_all(path, &d, &len, err);
    if (st) return st;
    st = read_header(path, d, len, b, err);
    if (!st) st = read_body(path, d, b, err);
    if (st) rz_kld_base_deinit(b);
    free(d);
    return st;
}
