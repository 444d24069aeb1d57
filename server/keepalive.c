#include "server/keepalive.h"

#include <stdlib.h>

#include "engine/core/clock.h"

/* One pass: a comment to each quiet stream; the ones done or gone leave. Caller holds mu. */
static void tick(void *arg) {
    rz_srv_keepalive *k = arg;
    uint64_t now = rz_now_ns();
    size_t kept = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (rz_srv_job_keepalive(k->jobs[i], now, k->interval_ns))
            k->jobs[kept++] = k->jobs[i];
        else
            rz_srv_job_unref(k->jobs[i]);
    }
    k->n = kept;
}

rz_status rz_srv_keepalive_start(rz_srv_keepalive *k, double interval_s, rz_error *err) {
    *k = (rz_srv_keepalive){.interval_ns = (uint64_t)(interval_s * 1e9)};
    uint64_t period = k->interval_ns / 4 < 1000000000u ? k->interval_ns / 4 : 1000000000u;
    return rz_srv_ticker_start(&k->ticker, period, tick, k, "SSE keep-alive", err);
}

void rz_srv_keepalive_add(rz_srv_keepalive *k, rz_srv_job *j) {
    pthread_mutex_lock(&k->ticker.mu);
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        rz_srv_job **jobs = realloc(k->jobs, cap * sizeof *jobs);
        if (jobs) {
            k->jobs = jobs;
            k->cap = cap;
        }
    }
    if (k->n < k->cap) {
        atomic_fetch_add(&j->refs, 1);
        k->jobs[k->n++] = j;
    }
    pthread_mutex_unlock(&k->ticker.mu);
}

void rz_srv_keepalive_stop(rz_srv_keepalive *k) {
    rz_srv_ticker_stop(&k->ticker);
    for (size_t i = 0; i < k->n; i++)
        rz_srv_job_unref(k->jobs[i]);
    free(k->jobs);
    *k = (rz_srv_keepalive){0};
}
