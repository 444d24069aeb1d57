#include "cli/common/tensor_progress.h"

#include <stdio.h>

#include "engine/types/types.h"

void rz_cli_tensor_progress(void *ctx, size_t done, size_t total, const char *name, uint32_t type) {
    (void)ctx;
    fprintf(stderr, "\r[%zu/%zu] %-28s %-5s", done, total, name, rz_type_ggml_name(type));
    if (done == total) fputc('\n', stderr);
}
