#include "engine/perplexity/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/sha256.h"

rz_status rz_dataset_expected(const char *manifest, const char *relpath, char hex[65],
                              rz_error *err) {
    FILE *f = fopen(manifest, "r");
    if (!f) return rz_fail(err, RZ_EIO, "%s: cannot open: %s", manifest, strerror(errno));
    char line[4096];
    const size_t n = strlen(relpath);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, relpath, n) || line[n] != '\t') continue;
        const char *sum = line + n + 1;
        size_t len = strcspn(sum, "\t\r\n");
        if (len != 64) break;
        memcpy(hex, sum, 64);
        hex[64] = 0;
        fclose(f);
        return RZ_OK;
    }
    fclose(f);
    return rz_fail(err, RZ_EINVAL, "%s: no sha256 for %s", manifest, relpath);
}

rz_status rz_dataset_verify(const char *path, const char *manifest, const char *relpath,
                            rz_error *err) {
    char want[65];
    rz_status st = rz_dataset_expected(manifest, relpath, want, err);
    return st ? st : rz_sha256_check(path, want, err);
}
