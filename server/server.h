/* rz_server: `rz serve`, an OpenAI-compatible HTTP server on libmicrohttpd.
 * Routes: GET /health, GET /metrics (Prometheus), GET /v1/models; with a GGUF model POST
 * /v1/completions, POST /v1/chat/completions (stream: server-sent events ending "data: [DONE]")
 * and POST /[de]tokenize; with an APR model POST /v1/predict. Every refusal is a JSON error body
 * {"error": {"message", "type", "code"}} with its 4xx/5xx status: malformed JSON, wrong types and
 * missing fields 400, a prompt over the context 400 naming the limit, unknown routes 404, wrong
 * methods 405 (with Allow), bodies over max_body 413 (refused from Content-Length before reading),
 * a full queue or a draining server 503.
 * Contract: HTTP runs on http_threads epoll threads (keep-alive); generation requests queue for
 * `parallel` workers. rz_server_start returns once the socket listens (port 0: the kernel picks
 * one, rz_server_port says which). rz_server_stop is graceful: it stops accepting, lets every
 * request in flight finish (at most drain_s seconds), then frees everything. */
#ifndef RZ_SERVER_SERVER_H
#define RZ_SERVER_SERVER_H

#include <stddef.h>

#include "engine/core/status.h"

typedef struct {
    const char *model_path;
    const char *host; /* numeric IPv4 or IPv6 address */
    int port;         /* 0: any free port */
    int threads;      /* per generation worker, for the matrix products */
    int parallel;     /* generation workers */
    int http_threads; /* libmicrohttpd's thread pool */
    int n_ctx;        /* KV cache positions per worker; 0: the model's, at most 4096 */
    size_t max_body;  /* bytes */
    int keepalive_s;  /* silence before a waiting stream gets an SSE comment; 0: 15 */
} rz_server_options;

typedef struct rz_server rz_server;

rz_status rz_server_start(const rz_server_options *o, rz_server **out, rz_error *err);
int rz_server_port(const rz_server *s);

/* A one-line description of what is served (model, kind, chat template, context, workers). */
void rz_server_describe(const rz_server *s, char *out, size_t cap);

void rz_server_stop(rz_server *s, double drain_s);

#endif
