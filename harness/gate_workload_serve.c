/* Gate workloads serve-health and serve-predict: `rz serve` started as a child on loopback (port
 * 0, -t and --http-threads from --threads, after e->server_wrapper when set), then `units`
 * HTTP/1.1 requests per sample on one keep-alive connection, each answered 200 before the next is
 * sent. serve-health: GET /health, the server holding the fixture GGUF model (context 64).
 * serve-predict: POST /v1/predict of P1's input to the server holding the fixture APR model.
 * Server and client run on disjoint CPUs where this process may use two or more: the server on
 * the first, the client (the calling thread) on the last, so that neither's scheduling moves the
 * other's figure from one run to the next. Closing sends SIGTERM and waits for the server. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/models/logreg.h"
#include "harness/gate_workloads.h"
#include "harness/http_probe.h"
#include "harness/subprocess.h"
#include "harness/why.h"

enum { MAX_WRAPPER = 12 };

/* A loopback round trip wakes a halted vCPU on each side; on a 2-core VM one server process's
 * per-request median differed from the next one's by 10-20% (A/A gates: 58-111 us), so 40 paired
 * runs resolve about 5-8%, not the gate's 3%. */
#define SERVE_MARGIN 0.10

typedef struct {
    rzb_child child;
    bool started;
    int port, units;
    rzb_http conn;
    char *request;
    size_t request_len;
} serve_state;

static void close_serve(void *state) {
    serve_state *s = state;
    rzb_http_close(&s->conn);
    if (s->started) {
        kill(s->child.pid, SIGTERM);
        rzb_child_finish(&s->child, NULL, 0);
    }
    free(s->request);
    free(s);
}

/* Reads the "listening on http://ADDR:PORT" line; false (the server killed) when none comes. */
static bool await_port(serve_state *s, char *why, size_t cap) {
    const char *line;
    while ((line = rzb_child_read(&s->child)) && !strstr(line, "listening on http://"))
        continue;
    const char *colon = line ? strrchr(line, ':') : NULL;
    if (colon && sscanf(colon + 1, "%d", &s->port) == 1 && s->port > 0) return true;
    char tail[400];
    kill(s->child.pid, SIGKILL);
    rzb_child_finish(&s->child, tail, sizeof tail);
    s->started = false;
    snprintf(why, cap, "rz serve did not start: %s", tail[0] ? tail : "(no error text)");
    return false;
}

/* The server's CPU set; pins the calling thread (the client) to another CPU when there is one. */
static void split_cpus(rzb_cpus *server) {
    rzb_cpus_all(server);
    int first = -1, last = -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &server->mask)) {
            if (first < 0) first = c;
            last = c;
        }
    if (first < 0 || first == last) return;
    rzb_cpus client;
    rzb_cpus_one(&client, last);
    rzb_cpus_one(server, first);
    sched_setaffinity(0, sizeof client.mask, &client.mask);
}

static bool start_server(serve_state *s, const rzb_gw_env *e, const char *model, bool gguf,
                         char *why, size_t cap) {
    char threads[16];
    snprintf(threads, sizeof threads, "%d", e->threads);
    const char *tail[] = {e->rz_bin,
                          "serve",
                          "-m",
                          model,
                          "--host",
                          "127.0.0.1",
                          "--port",
                          "0",
                          "-t",
                          threads,
                          "--http-threads",
                          threads,
                          gguf ? "--ctx" : NULL,
                          "64",
                          NULL};
    char *argv[MAX_WRAPPER + sizeof tail / sizeof tail[0]];
    size_t n = 0;
    for (const char *const *w = e->server_wrapper; w && *w && n < MAX_WRAPPER; w++)
        argv[n++] = (char *)*w;
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        argv[n++] = (char *)tail[i];
    rzb_cpus server;
    split_cpus(&server);
    if (!rzb_child_start(argv, &server, &s->child, why, cap)) return false;
    s->started = true;
    return await_port(s, why, cap) && rzb_http_connect(&s->conn, s->port, why, cap);
}

static rzb_gw_status open_serve(void **state, const rzb_gw_env *e, const char *fixture, int units,
                                char *(*request)(const char *model, size_t *len, rz_error *err),
                                char *why, size_t cap) {
    char model[4096];
    rzb_gw_status st = rzb_gw_fixture(e, fixture, model, sizeof model, why, cap);
    if (st) return st;
    serve_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, cap, "out of memory");
        return RZB_GW_FAILED;
    }
    s->conn.fd = -1;
    s->units = units;
    rz_error err;
    s->request = request(model, &s->request_len, &err);
    if (!s->request) rzb_why_rz(why, cap, &err, "cannot build the request for %s", model);
    if (!s->request || !start_server(s, e, model, strstr(fixture, ".gguf") != NULL, why, cap)) {
        close_serve(s);
        return RZB_GW_FAILED;
    }
    *state = s;
    return RZB_GW_OK;
}

static bool sample_serve(void *state, char *why, size_t cap) {
    serve_state *s = state;
    for (int i = 0; i < s->units; i++) {
        int status = 0;
        if (!rzb_http_exchange(&s->conn, s->request, s->request_len, &status, why, cap))
            return false;
        if (status != 200) {
            snprintf(why, cap, "rz serve answered %d: %.200s", status, s->conn.buf + s->conn.body);
            return false;
        }
    }
    return true;
}

static pid_t server_pid(void *state) {
    return ((serve_state *)state)->child.pid;
}

static char *health_request(const char *model, size_t *len, rz_error *err) {
    (void)model;
    static const char text[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    *len = sizeof text - 1;
    char *req = strdup(text);
    if (!req) rz_fail(err, RZ_ENOMEM, "out of memory");
    return req;
}

/* POST /v1/predict with P1's input x[j] = (j % 256) / 255 for every feature of the model. */
static char *predict_request(const char *model, size_t *len, rz_error *err) {
    rz_logreg m;
    if (rz_logreg_load(model, &m, err)) return NULL;
    const size_t n = m.n_features, cap = 256 + 16 * n;
    float *x = malloc(n * sizeof *x);
    char *body = malloc(cap), *req = malloc(cap + 256);
    size_t used = 0;
    if (x && body && req) {
        rz_logreg_demo_input(x, n);
        used = (size_t)snprintf(body, cap, "{\"input\":[");
        for (size_t j = 0; j < n; j++)
            used += (size_t)snprintf(body + used, cap - used, "%s%.6f", j ? "," : "", x[j]);
        used += (size_t)snprintf(body + used, cap - used, "]}");
        *len = (size_t)snprintf(req, cap + 256,
                                "POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: %zu\r\n\r\n%s",
                                used, body);
    }
    free(x);
    free(body);
    rz_logreg_free(&m);
    if (used) return req;
    free(req);
    rz_fail(err, RZ_ENOMEM, "out of memory");
    return NULL;
}

static rzb_gw_status open_health(void **state, const rzb_gw_env *e, int units, int samples,
                                 char *why, size_t cap) {
    (void)samples;
    return open_serve(state, e, "model.gguf", units, health_request, why, cap);
}

static rzb_gw_status open_predict(void **state, const rzb_gw_env *e, int units, int samples,
                                  char *why, size_t cap) {
    (void)samples;
    return open_serve(state, e, "models/mnist_784x2.apr", units, predict_request, why, cap);
}

const rzb_gw rzb_gw_serve_health = {
    .name = "serve-health",
    .what = "GET /health requests to rz serve (GGUF fixture, context 64), keep-alive",
    .per = "request",
    .fixtures = {"model.gguf"},
    .time = {.units = 100, .iterations = 100, .warmup = 5},
    .instructions = {.units = 100, .iterations = 5, .warmup = 1},
    .threaded = true,
    .time_margin = SERVE_MARGIN,
    .open = open_health,
    .sample = sample_serve,
    .close = close_serve,
    .server_pid = server_pid,
};

const rzb_gw rzb_gw_serve_predict = {
    .name = "serve-predict",
    .what = "POST /v1/predict requests (P1's input) to rz serve (APR fixture), keep-alive",
    .per = "request",
    .fixtures = {"models/mnist_784x2.apr"},
    .time = {.units = 100, .iterations = 100, .warmup = 5},
    .instructions = {.units = 100, .iterations = 5, .warmup = 1},
    .threaded = true,
    .time_margin = SERVE_MARGIN,
    .open = open_predict,
    .sample = sample_serve,
    .close = close_serve,
    .server_pid = server_pid,
};
