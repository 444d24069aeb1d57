/* Server-sent event framing, written once for every stream of the server: an event carrying one
 * line of JSON ("data: TEXT\n\n") and the end of a stream ("data: [DONE]\n\n", as OpenAI's API
 * ends them). Both append to out and fail only when out cannot grow. */
#ifndef RZ_SERVER_SSE_H
#define RZ_SERVER_SSE_H

#include "engine/core/status.h"
#include "engine/tokenizer/buf.h"

rz_status rz_srv_sse_data(rz_tok_bytes *out, const char *text, rz_error *err);
rz_status rz_srv_sse_done(rz_tok_bytes *out, rz_error *err);

#endif
