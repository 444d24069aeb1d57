#include "server/appendf.h"

#include <stdio.h>

rz_status rz_srv_vappendf(rz_tok_bytes *out, rz_error *err, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    rz_status st = RZ_OK;
    if (n < 0)
        st = rz_fail(err, RZ_EINVAL, "cannot format '%.40s'", fmt);
    else if (rz_tok_reserve((void **)&out->data, &out->cap, out->len + (size_t)n + 1, 1))
        st = rz_fail(err, RZ_ENOMEM, "out of memory for %d more bytes of text", n);
    else
        out->len += (size_t)vsnprintf(out->data + out->len, (size_t)n + 1, fmt, again);
    va_end(again);
    return st;
}

rz_status rz_srv_appendf(rz_tok_bytes *out, rz_error *err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rz_status st = rz_srv_vappendf(out, err, fmt, ap);
    va_end(ap);
    return st;
}
