#include "server/keepalive.h"

#include <stdlib.h>
#include <time.h>

#include "engine/core/clock.h"

/* One pass: a comment to each quiet stream; the ones done or gone leave. Caller holds mu. */
static void tick(rz_srv_keepalive *k) {
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

static void *keepalive_main(void *arg) {
    rz_srv_keepalive *k = arg;
    uint64_t period = k->interval_ns / 4 < 1000000000u ? k->interval_ns / 4 : 1000000000u;
    pthread_mutex_lock(&k->mu);
    while (!k->stopping) {
        uint64_t at = rz_now_ns() + period;
        struct timespec ts = {(time_t)(at / 1000000000u), (long)(at % 1000000000u)};
        pthread_cond_timedwait(&k->cv, &k->mu, &ts);
        if (!k->stopping) tick(k);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

rz_status rz_srv_keepalive_start(rz_srv_keepalive *k, double interval_s, rz_error *err) {
    *k = (rz_srv_keepalive){.interval_ns = (uint64_t)(interval_s * 1e9)};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&k->mu, NULL);
    if (pthread_create(&k->thread, NULL, keepalive_main, k)) {
        pthread_cond_destroy(&k->cv);
        pthread_mutex_destroy(&k->mu);
        return rz_fail(err, RZ_ENOMEM, "cannot start the SSE keep-alive thread");
    }
    k->running = true;
    return RZ_OK;
}

void rz_srv_keepalive_add(rz_srv_keepalive *k, rz_srv_job *j) {
    pthread_mutex_lock(&k->mu);
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
    pthread_mutex_unlock(&k->mu);
}

void rz_srv_keepalive_stop(rz_srv_keepalive *k) {
    if (!k->running) return;
    pthread_mutex_lock(&k->mu);
    k->stopping = true;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->thread, NULL);
    for (size_t i = 0; i < k->n; i++)
        rz_srv_job_unref(k->jobs[i]);
    free(k->jobs);
    pthread_cond_destroy(&k->cv);
    pthread_mutex_destroy(&k->mu);
    k->running = false;
}
