#include "server/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/appendf.h"

static const char *const route_paths[RZ_ROUTE_COUNT] = {
    "/health",   "/metrics",    "/v1/models",  "/v1/completions", "/v1/chat/completions",
    "/tokenize", "/detokenize", "/v1/predict", "/v1/embeddings",  "other",
};

/* The status codes counted one by one; anything else is counted as "other" (the last slot). */
static const unsigned statuses[RZ_SRV_N_STATUS - 1] = {200, 400, 404, 405, 413, 499, 500, 503};

/* Upper bounds in seconds; the last bucket is +Inf. */
static const double bounds[RZ_SRV_N_BUCKETS - 1] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30};

rz_srv_route rz_srv_route_of(const char *path) {
    for (int i = 0; i < RZ_ROUTE_OTHER; i++)
        if (!strcmp(path, route_paths[i])) return (rz_srv_route)i;
    return RZ_ROUTE_OTHER;
}

const char *rz_srv_route_path(rz_srv_route route) {
    return route < RZ_ROUTE_COUNT ? route_paths[route] : "other";
}

static int status_slot(unsigned status) {
    for (int i = 0; i < RZ_SRV_N_STATUS - 1; i++)
        if (statuses[i] == status) return i;
    return RZ_SRV_N_STATUS - 1;
}

void rz_srv_metrics_request(rz_srv_metrics *m, rz_srv_route route, unsigned status,
                            uint64_t latency_ns) {
    double s = (double)latency_ns * 1e-9;
    int b = 0;
    while (b < RZ_SRV_N_BUCKETS - 1 && s > bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->requests[route][status_slot(status)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency[route][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_ns[route], latency_ns, memory_order_relaxed);
}

void rz_srv_metrics_generation(rz_srv_metrics *m, const rz_generate_stats *s) {
    atomic_fetch_add_explicit(&m->prompt_tokens, (uint64_t)s->n_prompt, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->generated_tokens, (uint64_t)s->n_generated, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->prompt_ns, (uint64_t)(s->prompt_s * 1e9), memory_order_relaxed);
    atomic_fetch_add_explicit(&m->decode_ns, (uint64_t)(s->decode_s * 1e9), memory_order_relaxed);
}

typedef struct {
    rz_tok_bytes *out;
    rz_status st;
    rz_error *err;
} writer;

static void put(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(writer *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (!w->st) w->st = rz_srv_vappendf(w->out, w->err, fmt, ap);
    va_end(ap);
}

static uint64_t load(atomic_uint_fast64_t *a) {
    return atomic_load_explicit(a, memory_order_relaxed);
}

static void render_requests(writer *w, rz_srv_metrics *m) {
    put(w, "# HELP rz_http_requests_total HTTP requests by route and status.\n"
           "# TYPE rz_http_requests_total counter\n");
    for (int r = 0; r < RZ_ROUTE_COUNT; r++)
        for (int s = 0; s < RZ_SRV_N_STATUS; s++) {
            uint64_t n = load(&m->requests[r][s]);
            if (!n) continue;
            char code[8];
            if (s == RZ_SRV_N_STATUS - 1)
                snprintf(code, sizeof code, "other");
            else
                snprintf(code, sizeof code, "%u", statuses[s]);
            put(w, "rz_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n", route_paths[r],
                code, (unsigned long long)n);
        }
}

static void render_latency(writer *w, rz_srv_metrics *m) {
    put(w,
        "# HELP rz_http_request_duration_seconds Time from the request's first byte to the response's last, by route.\n"
        "# TYPE rz_http_request_duration_seconds histogram\n");
    for (int r = 0; r < RZ_ROUTE_COUNT; r++) {
        uint64_t cum = 0;
        for (int b = 0; b < RZ_SRV_N_BUCKETS; b++) {
            cum += load(&m->latency[r][b]);
            if (b < RZ_SRV_N_BUCKETS - 1)
                put(w, "rz_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    route_paths[r], bounds[b], (unsigned long long)cum);
            else
                put(w, "rz_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                    route_paths[r], (unsigned long long)cum);
        }
        put(w, "rz_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n", route_paths[r],
            (double)load(&m->latency_sum_ns[r]) * 1e-9);
        put(w, "rz_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route_paths[r],
            (unsigned long long)cum);
    }
}

static void render_generation(writer *w, rz_srv_metrics *m) {
    uint64_t prompt = load(&m->prompt_tokens), gen = load(&m->generated_tokens);
    double prompt_s = (double)load(&m->prompt_ns) * 1e-9;
    double decode_s = (double)load(&m->decode_ns) * 1e-9;
    put(w,
        "# HELP rz_prompt_tokens_total Prompt tokens processed.\n"
        "# TYPE rz_prompt_tokens_total counter\nrz_prompt_tokens_total %llu\n",
        (unsigned long long)prompt);
    put(w,
        "# HELP rz_generated_tokens_total Tokens generated.\n"
        "# TYPE rz_generated_tokens_total counter\nrz_generated_tokens_total %llu\n",
        (unsigned long long)gen);
    put(w,
        "# HELP rz_prompt_seconds_total Time spent on prompt processing.\n"
        "# TYPE rz_prompt_seconds_total counter\nrz_prompt_seconds_total %.6f\n",
        prompt_s);
    put(w,
        "# HELP rz_decode_seconds_total Time spent on decoding generated tokens.\n"
        "# TYPE rz_decode_seconds_total counter\nrz_decode_seconds_total %.6f\n",
        decode_s);
    put(w,
        "# HELP rz_prompt_tokens_per_second Prompt tokens per second of prompt processing.\n"
        "# TYPE rz_prompt_tokens_per_second gauge\nrz_prompt_tokens_per_second %.3f\n",
        prompt_s > 0 ? (double)prompt / prompt_s : 0.0);
    put(w,
        "# HELP rz_decode_tokens_per_second Generated tokens per second of decoding.\n"
        "# TYPE rz_decode_tokens_per_second gauge\nrz_decode_tokens_per_second %.3f\n",
        decode_s > 0 ? (double)gen / decode_s : 0.0);
    put(w,
        "# HELP rz_queue_depth Generation requests waiting for a worker.\n"
        "# TYPE rz_queue_depth gauge\nrz_queue_depth %lld\n",
        (long long)atomic_load_explicit(&m->queue_depth, memory_order_relaxed));
    put(w,
        "# HELP rz_busy_workers Generation workers running a request.\n"
        "# TYPE rz_busy_workers gauge\nrz_busy_workers %lld\n",
        (long long)atomic_load_explicit(&m->busy_workers, memory_order_relaxed));
    put(w,
        "# HELP rz_http_deadline_closed_total Connections cut by --request-timeout.\n"
        "# TYPE rz_http_deadline_closed_total counter\nrz_http_deadline_closed_total %llu\n",
        (unsigned long long)load(&m->deadline_cuts));
    put(w,
        "# HELP rz_requests_cancelled_total Generation requests whose client went away.\n"
        "# TYPE rz_requests_cancelled_total counter\nrz_requests_cancelled_total %llu\n",
        (unsigned long long)load(&m->cancelled));
}

rz_status rz_srv_metrics_render(rz_srv_metrics *m, rz_tok_bytes *out, rz_error *err) {
    writer w = {out, RZ_OK, err};
    render_requests(&w, m);
    render_latency(&w, m);
    render_generation(&w, m);
    return w.st;
}
