#include "harness/why.h"

#include <stdarg.h>
#include <stdio.h>

bool rzb_why_rz(char *why, size_t cap, const rz_error *err, const char *fmt, ...) {
    size_t used = 0;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(why, cap, fmt, ap);
        va_end(ap);
        used = n > 0 ? (size_t)n : 0;
    }
    if (used < cap) snprintf(why + used, cap - used, "%s%s", fmt ? ": " : "", err->msg);
    return false;
}
