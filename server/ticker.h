/* rz_srv_ticker: a watchdog thread that calls fn(arg) at once and then once per tick until it is
 * stopped; the request deadline and the SSE keep-alive each run one.
 * Contract: fn runs with mu held, and the owner guards the data fn reads by the same mu (it locks
 * t->mu around its own changes). The wait is on a CLOCK_MONOTONIC condition variable, so stop
 * wakes the thread at once. */
#ifndef RZ_SERVER_TICKER_H
#define RZ_SERVER_TICKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    uint64_t tick_ns;
    void (*fn)(void *arg);
    void *arg;
    bool running, stopping;
} rz_srv_ticker;

/* Fails (RZ_ENOMEM, "cannot start the WHAT thread") when the thread cannot be created; a failed
 * start leaves nothing to stop. */
rz_status rz_srv_ticker_start(rz_srv_ticker *t, uint64_t tick_ns, void (*fn)(void *arg), void *arg,
                              const char *what, rz_error *err);
/* Wakes the thread, joins it and destroys mu; on a zeroed ticker does nothing. */
void rz_srv_ticker_stop(rz_srv_ticker *t);

#endif
