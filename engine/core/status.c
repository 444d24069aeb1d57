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

const char *rz_status_name(rz_status st) {
    switch (st) {
    case RZ_OK:
        return "ok";
    case RZ_EIO:
        return "I/O error";
    case RZ_EFORMAT:
        return "format error";
    case RZ_ENOMEM:
        return "out of memory";
    case RZ_EINVAL:
        return "invalid argument";
    case RZ_EUNSUPPORTED:
        return "unsupported";
    }
    return "unknown status";
}
