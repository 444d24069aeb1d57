/* rz_srv_appendf: printf onto the end of a byte buffer, any length (the text is measured first,
 * never cut). Returns RZ_OK, RZ_ENOMEM (the buffer left as it was) or RZ_EINVAL for a format
 * vsnprintf refuses. */
#ifndef RZ_SERVER_APPENDF_H
#define RZ_SERVER_APPENDF_H

#include <stdarg.h>

#include "engine/tokenizer/buf.h"

rz_status rz_srv_appendf(rz_tok_bytes *out, rz_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
rz_status rz_srv_vappendf(rz_tok_bytes *out, rz_error *err, const char *fmt, va_list ap);

#endif
