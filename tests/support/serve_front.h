/* Helpers for the tests of rz serve: starting and stopping it, a JSON POST, a connection from a
 * chosen loopback address, and waiting on /metrics for a gauge (the models:
 * tests/support/serve_model.h). */
#ifndef RZ_TESTS_SERVE_FRONT_H
#define RZ_TESTS_SERVE_FRONT_H

#include <cjson/cJSON.h>

#include "engine/core/clock.h"
#include "tests/support/http_client.h"

/* `rz serve -m MODEL --port 0` and up to two more arguments (NULL: none), waited for (the test
 * fails when it does not listen within 30 s). rzt_serve_stop sends SIGTERM and expects a clean
 * exit; *log (may be NULL) gets the server's output. */
rzt_server rzt_serve(const char *model, const char *arg1, const char *arg2);
void rzt_serve_stop(rzt_server *s, const char **log);

/* POSTs body to path, asserts the status, and returns the parsed JSON reply (cJSON_Delete it). */
cJSON *rzt_post_json(int port, const char *path, const char *body, int status);

/* Connects from local address `from` (e.g. "127.0.0.2") to 127.0.0.1:port; the socket, or -1. */
int rzt_connect_from(const char *from, int port);

/* Polls GET /metrics until the line "NAME VALUE" appears or timeout_s passes; 0 when it did. */
int rzt_wait_metric(int port, const char *line, double timeout_s);

#endif
