#include "cli/common/error_report.h"

#include <stdio.h>

void rz_cli_error(const char *prog, const rz_error *err) {
    fprintf(stderr, "%s: %s\n", prog, err->msg);
}
