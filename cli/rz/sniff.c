/* Format detection by content (see inspect.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/rz/inspect.h"
#include "engine/core/le.h"

int rz_cli_sniff(const char *cmd, const char *path, rz_file_kind *kind) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rz %s: %s: cannot open: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    uint8_t head[9] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 4 && !memcmp(head, "GGUF", 4)) {
        *kind = RZ_KIND_GGUF;
    } else if (n >= 4 && !memcmp(head, "APRN", 4)) {
        *kind = RZ_KIND_APR;
    } else if (n == 9 && head[8] == '{' && rz_le64(head) > 0) {
        *kind = RZ_KIND_SAFETENSORS;
    } else {
        fprintf(
            stderr,
            "rz %s: %s: offset 0: expected a GGUF (\"GGUF\"), APR (\"APRN\") or safetensors (u64 header length, then '{') file; first bytes:",
            cmd, path);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %02x", head[i]);
        fputc('\n', stderr);
        return 1;
    }
    return 0;
}
