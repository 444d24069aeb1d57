#include "harness/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "build_info.h"

bool rzb_data_find(const char *relpath, char *out, size_t cap, char *why, size_t why_cap) {
    const char *env = getenv("RZ_SHARED_DIR");
    char roots[3][4096];
    int n = 0;
    if (env && *env) snprintf(roots[n++], sizeof roots[0], "%s", env);
    snprintf(roots[n++], sizeof roots[0], "%s/../shared", RZ_SOURCE_DIR);
    snprintf(roots[n++], sizeof roots[0], "%s/datasets/cache", RZ_SOURCE_DIR);
    for (int i = 0; i < n; i++) {
        snprintf(out, cap, "%s/%s", roots[i], relpath);
        if (access(out, R_OK) == 0) return true;
    }
    snprintf(why, why_cap,
             "%s not found in %s%s%s/../shared or %s/datasets/cache (run scripts/fetch-data)",
             relpath, env && *env ? env : "", env && *env ? ", " : "", RZ_SOURCE_DIR,
             RZ_SOURCE_DIR);
    return false;
}
