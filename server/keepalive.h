/* rz_srv_keepalive: SSE keep-alive for streams that wait (queued behind other requests, or in a
 * long prompt): a thread that sends ": keep-alive" comment lines to every stream registered here
 * that sent nothing for the interval, so that proxies and clients with read timeouts do not drop
 * it. Streams leave by themselves once done or once their response is freed. */
#ifndef RZ_SERVER_KEEPALIVE_H
#define RZ_SERVER_KEEPALIVE_H

#include <stdint.h>

#include "engine/core/status.h"
#include "server/job.h"
#include "server/ticker.h"

typedef struct {
    uint64_t interval_ns;
    rz_srv_ticker ticker; /* its mu guards jobs */
    rz_srv_job **jobs;
    size_t n, cap;
} rz_srv_keepalive;

rz_status rz_srv_keepalive_start(rz_srv_keepalive *k, double interval_s, rz_error *err);
/* Takes a reference of its own (and registers nothing when out of memory). */
void rz_srv_keepalive_add(rz_srv_keepalive *k, rz_srv_job *j);
/* Joins the thread and drops every reference; on a zeroed struct does nothing. */
void rz_srv_keepalive_stop(rz_srv_keepalive *k);

#endif
