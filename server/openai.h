/* The OpenAI-compatible JSON of /v1/completions and /v1/chat/completions: the request's fields
 * parsed into a job, and the response written as one body or as server-sent events.
 * Request fields: prompt (a string or an array of one string) or messages (a non-empty array of
 * {"role", "content": string}), max_tokens (chat also max_completion_tokens), temperature, top_p,
 * top_k, seed (an integer in [0, 2^64)), stream, n (1 only), model (any: the server has one), stop
 * (a string or an array of up to 4), logprobs (completions: 0..5 alternatives per token, in the
 * legacy shape tokens/token_logprobs/top_logprobs/text_offset; chat: true, with top_logprobs
 * 0..20, as content[{token, logprob, bytes, top_logprobs}]). Unknown fields are ignored, as
 * OpenAI's API does. */
#ifndef RZ_SERVER_OPENAI_H
#define RZ_SERVER_OPENAI_H

#include "server/fault.h"
#include "server/job.h"
#include "server/model.h"

/* A job ready to queue (id, created and model_id left to the caller), or NULL and f. Formats the
 * chat prompt, counts the prompt's tokens, and refuses (400 context_length_exceeded, naming the
 * limit) a prompt that with max_tokens does not fit the context of n_ctx tokens. */
rz_srv_job *rz_srv_openai_parse(const char *body, size_t len, rz_srv_job_kind kind,
                                const rz_srv_model *m, int n_ctx, rz_srv_fault *f);

/* Streaming: appends one event carrying text (valid UTF-8) and the logprobs entries
 * j->lp[lp_from..lp_to) to j->out; out of memory, appends nothing and fails. Called with the
 * job's mu held. */
rz_status rz_srv_openai_chunk(rz_srv_job *j, const char *text, size_t lp_from, size_t lp_to,
                              rz_error *err);

/* The end: streaming, the last event (finish reason and usage, or the error) and "data: [DONE]";
 * otherwise the whole body in j->out: status 200, or 500 with gen_err's message, or 500
 * out_of_memory when the body cannot be built (and no body at all when even that cannot, which
 * rz_srv_reply answers with 503). The finish reason is "stop" after a stop string or an
 * end-of-generation token, else "length". Called with the job's mu held. */
void rz_srv_openai_finish(rz_srv_job *j, const rz_error *gen_err);

#endif
