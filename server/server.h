/* rz_server: `rz serve`, an OpenAI-compatible HTTP server on libmicrohttpd.
 * Routes: GET /health, GET /metrics (Prometheus), GET /v1/models; with a GGUF model POST
 * /v1/completions, POST /v1/chat/completions (stream: server-sent events ending "data: [DONE]")
 * and POST /[de]tokenize; with an APR model POST /v1/predict; with a BERT model
 * POST /v1/embeddings. Every refusal is a JSON error body
 * {"error": {"message", "type", "param", "code"}} with its 4xx/5xx status: malformed JSON, wrong
 * types and missing fields 400, a missing or wrong API key 401, unknown routes 404, wrong methods
 * 405 (with Allow), bodies over max_body 413 (refused from Content-Length before reading), a POST
 * that is not JSON 415, a full queue or a draining server 503 (with Retry-After).
 * Contract: HTTP runs on http_threads epoll threads (keep-alive), over TLS when tls_cert is set;
 * generation requests queue for `parallel` workers, worker i's threads pinned to cores of its
 * own. */
#ifndef RZ_SERVER_SERVER_H
#define RZ_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"

typedef struct {
    const char *model_path;
    const char *host;            /* numeric IPv4 or IPv6 address */
    int port;                    /* 0: any free port */
    int threads;                 /* per generation worker, for the matrix products */
    int parallel;                /* generation workers */
    int http_threads;            /* libmicrohttpd's thread pool */
    int n_ctx;                   /* KV cache positions per worker; 0: the model's, at most 4096 */
    size_t max_body;             /* bytes */
    const char *const *api_keys; /* n_api_keys keys; none and no key files: no check */
    int n_api_keys;
    const char *const *api_key_files; /* one key per line */
    int n_api_key_files;
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    /* A request must be received whole within request_timeout_s of its connection's start (or of
     * its previous request's end), else its connection is closed; 0: no deadline. */
    double request_timeout_s;
    unsigned max_connections;        /* 0: libmicrohttpd's default */
    unsigned max_connections_per_ip; /* 0: no limit */
    int keepalive_s; /* silence before a waiting stream gets an SSE comment; 0: 15 */
} rz_server_options;

typedef struct rz_server rz_server;

/* Returns once the socket listens. */
rz_status rz_server_start(const rz_server_options *o, rz_server **out, rz_error *err);
/* The port listened on (with port 0 the kernel picks one). */
int rz_server_port(const rz_server *s);

/* A one-line description of what is served (model, kind, chat template, context, workers). */
void rz_server_describe(const rz_server *s, char *out, size_t cap);

/* Line i (< the worker count) of where generation worker i runs ("worker 0: cores 0-3 (CPUs
 * 0,1,2,3)"); false past the last worker. */
bool rz_server_placement(const rz_server *s, int i, char *out, size_t cap);

/* Closes the listening socket at once (new connects are refused), answers every queued
 * generation 503 and refuses the requests that arrive later on open connections; the running
 * ones go on. */
void rz_server_shutdown(rz_server *s);

/* Requests received and not yet answered in full. */
int rz_server_in_flight(const rz_server *s);

/* Shuts down, waits at most drain_s seconds for the requests in flight, lets the running
 * generations end, then frees everything. */
void rz_server_stop(rz_server *s, double drain_s);

#endif
