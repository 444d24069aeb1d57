/* rzb_sl: an open-loop load generator for OpenAI-style streaming completions, in the manner of
 * vLLM's benchmark_serving. */
#ifndef RZB_SERVE_LOAD_H
#define RZB_SERVE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/serve_load_workload.h"

typedef struct {
    char host[64]; /* numeric IPv4 address */
    int port;
    double timeout_s; /* per request, from its send */
} rzb_sl_endpoint;

/* One request's outcome. Times are taken from the monotonic clock right after each recv. A request
 * that fails is kept with a short failure name. */
typedef struct {
    char failure[48]; /* "" when it succeeded; else e.g. "http 503", "timeout", "connect" */
    char detail[160];
    double late_ms;   /* how long after its arrival time it was sent */
    uint64_t sent_ns; /* the monotonic clock (rz_now_ns) when its connect started */
    double ttft_ms;   /* from the connect to the first event with text; NaN when no text came */
    double e2e_ms;    /* from the connect to "data: [DONE]" (or the end of the response) */
    int n_events;     /* events with text */
    /* Output tokens: the server's usage.completion_tokens when its last event carries it, else
     * the events with text (n_events). */
    int n_out;
    bool usage;     /* n_out came from usage.completion_tokens */
    double *itl_ms; /* n_events - 1 gaps between successive events with text */
} rzb_sl_outcome;

/* Sends w's requests to ep at `rate` requests/s: request i is sent when its arrival time is due,
 * however many are in flight (one thread, non-blocking sockets, ppoll; a fresh connection per
 * request), so a slow server builds a queue instead of slowing the arrivals; out[0..w->n) gets one
 * outcome each and *duration_s the time from the start to the last response's end. False (with why)
 * only when the run could not happen at all (memory, an address that cannot be used). */
bool rzb_sl_run(const rzb_sl_endpoint *ep, const rzb_sl_workload *w, double rate,
                rzb_sl_outcome *out, double *duration_s, char *why, size_t cap);

void rzb_sl_outcomes_free(rzb_sl_outcome *o, int n);

/* Parses "http://HOST:PORT" (HOST a numeric IPv4 address or localhost) into ep. */
bool rzb_sl_endpoint_parse(const char *url, rzb_sl_endpoint *ep, char *why, size_t cap);

#endif
