#include "engine/core/status.h"

#include <stdarg.h>
#include <stdio.h>

rz_status rz_fail(rz_error *err, rz_status st, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}
