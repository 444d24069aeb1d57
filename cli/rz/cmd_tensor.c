/* rz tensor FILE NAME --f32 [-o OUT]: one tensor, converted to raw little-endian float32. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "cli/rz/inspect.h"
#include "engine/formats/gguf.h"
#include "engine/formats/safetensors.h"
#include "engine/types/types.h"

static const char help[] =
    "usage: rz tensor FILE NAME --f32 [-o OUT]\n\n"
    "Writes tensor NAME of a GGUF or safetensors file as raw little-endian float32, in the\n"
    "file's element order (GGUF: dims[0] contiguous), dequantizing quantized types.\n\n"
    "  --f32      the output type (the only one so far; required)\n"
    "  -o OUT     write to OUT (atomically: a temporary file, then a rename) instead of stdout;\n"
    "             stdout must not be a terminal\n\n"
    "Exit status: 0 written, 1 unreadable file, unknown tensor or type without dequantization,\n"
    "2 usage error.\n";

enum { CHUNK_ELEMS = 1 << 16 };

/* Converts [first, first + n) into dst; returns 0, or 1 after printing why not. */
typedef int (*convert_fn)(const void *src, uint64_t first, uint64_t n, float *dst);

static int gguf_chunk(const void *src, uint64_t first, uint64_t n, float *dst) {
    const rz_gguf_tensor *t = src;
    const rz_type_traits *tr = rz_type_get(t->type);
    tr->to_float(t->data + first / tr->block_size * tr->block_bytes, dst, (int64_t)n);
    return 0;
}

static int st_chunk(const void *src, uint64_t first, uint64_t n, float *dst) {
    rz_error err;
    if (!rz_st_to_float(src, first, n, dst, &err)) return 0;
    rz_cli_error("rz tensor", &err);
    return 1;
}

/* Streams n_elements converted floats to out in chunks of whole blocks. */
static int stream(FILE *out, const void *t, uint64_t n_elements, uint32_t block, convert_fn fn) {
    uint64_t chunk = CHUNK_ELEMS / block ? CHUNK_ELEMS / block * block : block;
    float *buf = malloc((size_t)chunk * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "rz tensor: cannot allocate %llu floats\n", (unsigned long long)chunk);
        return 1;
    }
    int rc = 0;
    for (uint64_t i = 0; i < n_elements && !rc; i += chunk) {
        uint64_t n = n_elements - i < chunk ? n_elements - i : chunk;
        rc = fn(t, i, n, buf);
        if (!rc && fwrite(buf, sizeof *buf, (size_t)n, out) != n) {
            fprintf(stderr, "rz tensor: write failed: %s\n", strerror(errno));
            rc = 1;
        }
    }
    free(buf);
    return rc;
}

static int tensor_gguf(const char *path, const char *name, FILE *out) {
    rz_gguf g;
    rz_error err;
    if (rz_gguf_open(path, &g, &err)) {
        rz_cli_error("rz tensor", &err);
        return 1;
    }
    int rc = 1;
    const rz_gguf_tensor *t = rz_gguf_find_tensor(&g, name);
    const rz_type_traits *tr = t ? rz_type_get(t->type) : NULL;
    if (!t)
        fprintf(stderr, "rz tensor: %s: no tensor named '%s' (%llu tensors; see rz inspect)\n",
                path, name, (unsigned long long)g.n_tensors);
    else if (!tr->to_float)
        fprintf(stderr, "rz tensor: type %s: dequantization not available\n", tr->name);
    else
        rc = stream(out, t, t->n_elements, tr->block_size, gguf_chunk);
    rz_gguf_close(&g);
    return rc;
}

static int tensor_safetensors(const char *path, const char *name, FILE *out) {
    rz_st_file f;
    rz_error err;
    if (rz_st_open(path, &f, &err)) {
        rz_cli_error("rz tensor", &err);
        return 1;
    }
    int rc = 1;
    const rz_st_tensor *t = rz_st_find(&f, name);
    if (!t)
        fprintf(stderr, "rz tensor: %s: no tensor named '%s' (%zu tensors; see rz inspect)\n", path,
                name, f.n_tensors);
    else if (!rz_st_is_float(t->dtype))
        fprintf(stderr, "rz tensor: type %s: conversion to f32 not available\n",
                rz_st_dtype_name(t->dtype));
    else
        rc = stream(out, t, t->n_elements, 1, st_chunk);
    rz_st_close(&f);
    return rc;
}

static int run(const char *path, const char *name, FILE *out) {
    rz_file_kind kind;
    if (rz_cli_sniff("tensor", path, &kind)) return 1;
    if (kind == RZ_KIND_GGUF) return tensor_gguf(path, name, out);
    if (kind == RZ_KIND_SAFETENSORS) return tensor_safetensors(path, name, out);
    fprintf(stderr, "rz tensor: %s: an APR file has no named tensors\n", path);
    return 1;
}

/* Writes through a temporary file beside out_path, renamed over it only on success. */
static int run_to_file(const char *path, const char *name, const char *out_path) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out_path) >= (int)sizeof tmp) {
        fprintf(stderr, "rz tensor: -o: path too long\n");
        return 2;
    }
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 && fchmod(fd, 0644) == 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        fprintf(stderr, "rz tensor: %s: cannot create: %s\n", tmp, strerror(errno));
        if (fd >= 0) close(fd);
        return 1;
    }
    int rc = run(path, name, out);
    if (fclose(out) && !rc) {
        fprintf(stderr, "rz tensor: %s: write failed: %s\n", tmp, strerror(errno));
        rc = 1;
    }
    if (!rc && rename(tmp, out_path)) {
        fprintf(stderr, "rz tensor: cannot rename %s to %s: %s\n", tmp, out_path, strerror(errno));
        rc = 1;
    }
    if (rc) unlink(tmp);
    return rc;
}

int rz_cmd_tensor(int argc, char **argv) {
    const char *pos[2] = {NULL, NULL}, *out_path = NULL;
    int n_pos = 0, f32 = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--f32")) {
            f32 = 1;
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "rz tensor: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (n_pos < 2) {
            pos[n_pos++] = a;
        } else {
            fprintf(stderr, "rz tensor: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (n_pos != 2 || !f32) {
        fprintf(stderr, "rz tensor: expected FILE, NAME and --f32\n\n%s", help);
        return 2;
    }
    if (out_path) return run_to_file(pos[0], pos[1], out_path);
    if (isatty(STDOUT_FILENO)) {
        fprintf(stderr,
                "rz tensor: refusing to write binary floats to a terminal; use -o OUT or a pipe\n");
        return 2;
    }
    int rc = run(pos[0], pos[1], stdout);
    if (fflush(stdout) && !rc) {
        fprintf(stderr, "rz tensor: write failed: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}
