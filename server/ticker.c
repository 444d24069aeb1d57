#include "server/ticker.h"

#include <time.h>

#include "engine/core/clock.h"

static void *ticker_main(void *arg) {
    rz_srv_ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stopping) {
        t->fn(t->arg);
        uint64_t at = rz_now_ns() + t->tick_ns;
        struct timespec until = {(time_t)(at / 1000000000u), (long)(at % 1000000000u)};
        pthread_cond_timedwait(&t->cv, &t->mu, &until);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

rz_status rz_srv_ticker_start(rz_srv_ticker *t, uint64_t tick_ns, void (*fn)(void *arg), void *arg,
                              const char *what, rz_error *err) {
    *t = (rz_srv_ticker){.tick_ns = tick_ns, .fn = fn, .arg = arg};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&t->mu, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t)) {
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        return rz_fail(err, RZ_ENOMEM, "cannot start the %s thread", what);
    }
    t->running = true;
    return RZ_OK;
}

void rz_srv_ticker_stop(rz_srv_ticker *t) {
    if (!t->running) return;
    pthread_mutex_lock(&t->mu);
    t->stopping = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    t->running = false;
}
