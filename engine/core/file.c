#include "engine/core/file.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

rz_status rz_file_read_all(const char *path, unsigned char **data, size_t *len, rz_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return rz_fail(err, RZ_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return rz_fail(err, RZ_EIO, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return rz_fail(err, RZ_ENOMEM, "%s: cannot allocate %zu bytes", path, n);
    }
    size_t got = fread(buf, 1, n, f);
    int read_error = ferror(f);
    fclose(f);
    if (got != n || read_error) {
        free(buf);
        return rz_fail(err, RZ_EIO, "%s: short read: %zu of %zu bytes", path, got, n);
    }
    *data = buf;
    *len = n;
    return RZ_OK;
}

static rz_status read_stream(FILE *f, unsigned char **data, size_t *len, rz_error *err) {
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    if (!buf) return rz_fail(err, RZ_ENOMEM, "standard input: cannot allocate %zu bytes", cap);
    if (ferror(f)) {
        free(buf);
        return rz_fail(err, RZ_EIO, "standard input: read error: %s", strerror(errno));
    }
    *data = buf;
    *len = n;
    return RZ_OK;
}

rz_status rz_file_read_input(const char *path, unsigned char **data, size_t *len, rz_error *err) {
    return strcmp(path, "-") ? rz_file_read_all(path, data, len, err)
                             : read_stream(stdin, data, len, err);
}

bool rz_file_self_exe(char *out, size_t cap) {
    if (cap == 0) {
        errno = ENAMETOOLONG;
        return false;
    }
    ssize_t n = readlink("/proc/self/exe", out, cap);
    const bool fits = n > 0 && (size_t)n < cap;
    if (n > 0 && !fits) errno = ENAMETOOLONG;
    out[fits ? n : 0] = 0;
    return fits;
}

bool rz_file_self_dir(char *out, size_t cap) {
    if (!rz_file_self_exe(out, cap)) return false;
    char *slash = strrchr(out, '/');
    assert(slash && "the kernel gives an absolute path");
    slash[slash == out] = 0;
    return true;
}
