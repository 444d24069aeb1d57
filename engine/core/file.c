#include "engine/core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
