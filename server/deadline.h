/* rz_srv_deadline: a total deadline for receiving a request, headers and body together, which
 * libmicrohttpd lacks (its timeout only measures inactivity, so a client sending one byte a
 * second holds a connection forever). Every connection is recorded from MHD's
 * MHD_CONNECTION_NOTIFY_STARTED to its MHD_CONNECTION_NOTIFY_CLOSED; a watchdog thread shuts
 * down the socket of any connection whose request is not fully in `limit_s` seconds after the
 * connection started or its previous request completed (an idle keep-alive connection counts),
 * and MHD then closes it.
 * Contract: race-free because MHD sends CLOSED before it closes the socket and both the
 * watchdog's shutdown() and the CLOSED handler hold the registry's lock: a recorded descriptor is
 * always still this connection's. */
#ifndef RZ_SERVER_DEADLINE_H
#define RZ_SERVER_DEADLINE_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "server/ticker.h"

typedef struct rz_srv_conn rz_srv_conn;

struct rz_srv_conn {
    rz_srv_conn *prev, *next; /* under the registry's lock */
    int fd;
    atomic_uint_fast64_t since_ns; /* when the request being received began */
    atomic_bool receiving;
};

typedef struct {
    rz_srv_ticker watchdog; /* its mu is the registry's lock */
    rz_srv_conn *head;
    uint64_t limit_ns;
    atomic_uint_fast64_t *cut; /* counts the connections closed by the deadline */
} rz_srv_deadline;

rz_status rz_srv_deadline_start(rz_srv_deadline *d, double limit_s, atomic_uint_fast64_t *cut,
                                rz_error *err);
/* Joins the watchdog; the daemon must be stopped first. */
void rz_srv_deadline_stop(rz_srv_deadline *d);

/* The MHD_NotifyConnectionCallback (cls: the rz_srv_deadline). */
void rz_srv_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code);

/* The connection's request is fully received (its deadline no longer applies). Called from the
 * connection's own thread. */
void rz_srv_deadline_received(struct MHD_Connection *c);
/* The connection's request completed: the next one's deadline starts now. Called from the
 * connection's own thread. */
void rz_srv_deadline_rearm(struct MHD_Connection *c);

#endif
