#include "server/deadline.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "engine/core/clock.h"

/* Shuts down every connection past its deadline. Caller holds mu. */
static void cut_late(rz_srv_deadline *d) {
    uint64_t now = rz_now_ns();
    for (rz_srv_conn *c = d->head; c; c = c->next)
        if (atomic_load(&c->receiving) && now - atomic_load(&c->since_ns) > d->limit_ns) {
            atomic_store(&c->receiving, false);
            shutdown(c->fd, SHUT_RDWR);
            atomic_fetch_add(d->cut, 1);
        }
}

/* Checks ten times per limit, at most every 250 ms and at least every 5 ms. */
static void *watchdog(void *arg) {
    rz_srv_deadline *d = arg;
    uint64_t tick = d->limit_ns / 10;
    tick = tick < 5000000u ? 5000000u : tick > 250000000u ? 250000000u : tick;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        cut_late(d);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        uint64_t ns = (uint64_t)until.tv_nsec + tick;
        until.tv_sec += (time_t)(ns / 1000000000u);
        until.tv_nsec = (long)(ns % 1000000000u);
        pthread_cond_timedwait(&d->cv, &d->mu, &until);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

rz_status rz_srv_deadline_start(rz_srv_deadline *d, double limit_s, atomic_uint_fast64_t *cut,
                                rz_error *err) {
    d->limit_ns = (uint64_t)(limit_s * 1e9);
    d->cut = cut;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&d->mu, NULL);
    if (pthread_create(&d->thread, NULL, watchdog, d))
        return rz_fail(err, RZ_ENOMEM, "cannot start the request deadline's watchdog thread");
    d->started = true;
    return RZ_OK;
}

void rz_srv_deadline_stop(rz_srv_deadline *d) {
    if (!d->started) return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    d->started = false;
}

static void record(rz_srv_deadline *d, struct MHD_Connection *c, void **ctx) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    rz_srv_conn *e = calloc(1, sizeof *e);
    if (!e || !ci) {
        free(e);
        return; /* unrecorded: only MHD's inactivity timeout applies to it */
    }
    e->fd = ci->connect_fd;
    atomic_init(&e->since_ns, rz_now_ns());
    atomic_init(&e->receiving, true);
    pthread_mutex_lock(&d->mu);
    e->next = d->head;
    if (d->head) d->head->prev = e;
    d->head = e;
    pthread_mutex_unlock(&d->mu);
    *ctx = e;
}

static void forget(rz_srv_deadline *d, rz_srv_conn *e) {
    pthread_mutex_lock(&d->mu);
    if (e->prev)
        e->prev->next = e->next;
    else
        d->head = e->next;
    if (e->next) e->next->prev = e->prev;
    pthread_mutex_unlock(&d->mu);
    free(e);
}

void rz_srv_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        record(cls, c, socket_context);
    } else if (*socket_context) {
        forget(cls, *socket_context);
        *socket_context = NULL;
    }
}

static rz_srv_conn *conn_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void rz_srv_deadline_received(struct MHD_Connection *c) {
    rz_srv_conn *e = conn_of(c);
    if (e) atomic_store(&e->receiving, false);
}

void rz_srv_deadline_rearm(struct MHD_Connection *c) {
    rz_srv_conn *e = conn_of(c);
    if (!e) return;
    atomic_store(&e->since_ns, rz_now_ns());
    atomic_store(&e->receiving, true);
}
