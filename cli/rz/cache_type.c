#include "cli/rz/cache_type.h"

#include <stdio.h>
#include <string.h>

#include "engine/types/types.h"

int rz_cli_cache_type(const char *cmd, const char *val, uint32_t *out) {
    if (!strcmp(val, "f16") || !strcmp(val, "f32")) {
        *out = val[1] == '1' ? RZ_TYPE_F16 : RZ_TYPE_F32;
        return 0;
    }
    fprintf(stderr, "rz %s: --cache-type: expected f16 or f32, got '%s'\n", cmd, val);
    return -1;
}
