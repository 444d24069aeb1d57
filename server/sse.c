#include "server/sse.h"

#include <string.h>

rz_status rz_srv_sse_data(rz_tok_bytes *out, const char *text, rz_error *err) {
    rz_status st = rz_tok_bytes_append(out, "data: ", 6, err);
    if (!st) st = rz_tok_bytes_append(out, text, strlen(text), err);
    if (!st) st = rz_tok_bytes_append(out, "\n\n", 2, err);
    return st;
}

rz_status rz_srv_sse_done(rz_tok_bytes *out, rz_error *err) {
    static const char done[] = "data: [DONE]\n\n";
    return rz_tok_bytes_append(out, done, sizeof done - 1, err);
}
