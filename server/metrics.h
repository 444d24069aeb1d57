/* rz_srv_metrics: what GET /metrics reports, in Prometheus text format: requests by route and
 * status, a latency histogram per route, generated and prompt tokens with the time spent on them
 * (tokens/s), the generation queue's depth, and the connections the request deadline closed.
 * Contract: every update is a relaxed atomic add, safe from any thread without a lock; a render
 * reads each counter once, so a scrape taken under load is consistent per counter, not across
 * counters. A zero-initialised struct is valid. */
#ifndef RZ_SERVER_METRICS_H
#define RZ_SERVER_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/generate/generate.h"
#include "engine/tokenizer/buf.h"

typedef enum {
    RZ_ROUTE_HEALTH,
    RZ_ROUTE_METRICS,
    RZ_ROUTE_MODELS,
    RZ_ROUTE_COMPLETIONS,
    RZ_ROUTE_CHAT,
    RZ_ROUTE_TOKENIZE,
    RZ_ROUTE_DETOKENIZE,
    RZ_ROUTE_PREDICT,
    RZ_ROUTE_EMBEDDINGS,
    RZ_ROUTE_OTHER, /* unknown paths */
    RZ_ROUTE_COUNT
} rz_srv_route;

enum { RZ_SRV_N_STATUS = 9, RZ_SRV_N_BUCKETS = 15 };

typedef struct {
    atomic_uint_fast64_t requests[RZ_ROUTE_COUNT][RZ_SRV_N_STATUS];
    atomic_uint_fast64_t latency[RZ_ROUTE_COUNT][RZ_SRV_N_BUCKETS]; /* per bucket, not cumulative */
    atomic_uint_fast64_t latency_sum_ns[RZ_ROUTE_COUNT];
    atomic_uint_fast64_t prompt_tokens, generated_tokens, prompt_ns, decode_ns;
    atomic_int_fast64_t queue_depth, busy_workers;
    atomic_uint_fast64_t deadline_cuts;
    atomic_uint_fast64_t cancelled; /* generations ended or skipped because the client went away */
} rz_srv_metrics;

/* The route a request path names (RZ_ROUTE_OTHER when none). */
rz_srv_route rz_srv_route_of(const char *path);
const char *rz_srv_route_path(rz_srv_route route);

/* Counts one finished request with its HTTP status and its latency in nanoseconds. */
void rz_srv_metrics_request(rz_srv_metrics *m, rz_srv_route route, unsigned status,
                            uint64_t latency_ns);

/* Adds one generation's token counts and timings. */
void rz_srv_metrics_generation(rz_srv_metrics *m, const rz_generate_stats *s);

/* Appends the Prometheus text exposition of every metric to out. */
rz_status rz_srv_metrics_render(rz_srv_metrics *m, rz_tok_bytes *out, rz_error *err);

#endif
