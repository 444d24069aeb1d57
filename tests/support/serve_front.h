/* Helpers for the tests of rz serve's network front: a connection from a chosen loopback address,
 * and waiting on /metrics for a gauge (the models: tests/support/serve_model.h). */
#ifndef RZ_TESTS_SERVE_FRONT_H
#define RZ_TESTS_SERVE_FRONT_H

#include "engine/core/clock.h"

/* Connects from local address `from` (e.g. "127.0.0.2") to 127.0.0.1:port; the socket, or -1. */
int rzt_connect_from(const char *from, int port);

/* Polls GET /metrics until the line "NAME VALUE" appears or timeout_s passes; 0 when it did. */
int rzt_wait_metric(int port, const char *line, double timeout_s);

#endif
