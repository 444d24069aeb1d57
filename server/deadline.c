#include "server/deadline.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "engine/core/clock.h"

/* Shuts down every connection past its deadline. Caller holds the registry's lock. */
static void cut_late(void *arg) {
    rz_srv_deadline *d = arg;
    uint64_t now = rz_now_ns();
    for (rz_srv_conn *c = d->head; c; c = c->next)
        if (atomic_load(&c->receiving) && now - atomic_load(&c->since_ns) > d->limit_ns) {
            atomic_store(&c->receiving, false);
            shutdown(c->fd, SHUT_RDWR);
            atomic_fetch_add(d->cut, 1);
        }
}

rz_status rz_srv_deadline_start(rz_srv_deadline *d, double limit_s, atomic_uint_fast64_t *cut,
                                rz_error *err) {
    d->limit_ns = (uint64_t)(limit_s * 1e9);
    d->cut = cut;
    /* Checks ten times per limit, at most every 250 ms and at least every 5 ms. */
    uint64_t tick = d->limit_ns / 10;
    tick = tick < 5000000u ? 5000000u : tick > 250000000u ? 250000000u : tick;
    return rz_srv_ticker_start(&d->watchdog, tick, cut_late, d, "request deadline's watchdog", err);
}

void rz_srv_deadline_stop(rz_srv_deadline *d) {
    rz_srv_ticker_stop(&d->watchdog);
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
    pthread_mutex_lock(&d->watchdog.mu);
    e->next = d->head;
    if (d->head) d->head->prev = e;
    d->head = e;
    pthread_mutex_unlock(&d->watchdog.mu);
    *ctx = e;
}

static void forget(rz_srv_deadline *d, rz_srv_conn *e) {
    pthread_mutex_lock(&d->watchdog.mu);
    if (e->prev)
        e->prev->next = e->next;
    else
        d->head = e->next;
    if (e->next) e->next->prev = e->prev;
    pthread_mutex_unlock(&d->watchdog.mu);
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
