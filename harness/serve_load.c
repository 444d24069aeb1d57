#include "harness/serve_load.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/serve_load_http.h"
#include "harness/serve_load_sse.h"
#include "harness/timer.h"

enum { WAITING, CONNECTING, SENDING, READING, FINISHED };

/* One request in flight: its socket, what is left to send, the response parsers, token times. */
typedef struct {
    int fd, phase;
    char *req;
    size_t req_len, sent;
    uint64_t t_send, t_recv; /* t_recv: when the bytes being parsed arrived */
    rzb_hstream hs;
    rzb_sse sse;
    uint64_t *tok;
    size_t n_tok, cap_tok;
    int usage_tokens; /* -1: no usage seen */
    bool done_event;
    rzb_sl_outcome *o;
} conn;

static void fail(conn *c, const char *failure, const char *detail) {
    if (c->o->failure[0]) return;
    snprintf(c->o->failure, sizeof c->o->failure, "%s", failure);
    snprintf(c->o->detail, sizeof c->o->detail, "%s", detail);
}

static bool push_token(conn *c) {
    if (c->n_tok == c->cap_tok) {
        size_t cap = c->cap_tok ? 2 * c->cap_tok : 64;
        uint64_t *grown = realloc(c->tok, cap * sizeof *grown);
        if (!grown) return false;
        c->tok = grown;
        c->cap_tok = cap;
    }
    c->tok[c->n_tok++] = c->t_recv;
    return true;
}

/* The text of the first choice of a completion ("text") or chat ("delta"."content") chunk. */
static const char *choice_text(const cJSON *o) {
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "choices"), 0);
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "text"));
    if (t) return t;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "delta");
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "content"));
}

/* One server-sent event: a token, the usage, an error, or [DONE]. */
static bool on_event(void *ctx, const char *data, size_t len) {
    conn *c = ctx;
    if (!strcmp(data, "[DONE]")) {
        c->done_event = true;
        return false;
    }
    cJSON *o = cJSON_ParseWithLength(data, len);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");
    const char *text = o ? choice_text(o) : NULL;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "usage"),
                                                      "completion_tokens");
    bool go = o && !err;
    if (!o) fail(c, "bad event", data);
    if (err) fail(c, "error event", data);
    if (go && cJSON_IsNumber(n)) c->usage_tokens = (int)n->valuedouble;
    if (go && text && *text && !push_token(c)) {
        fail(c, "out of memory", "");
        go = false;
    }
    cJSON_Delete(o);
    return go;
}

static bool on_body(void *ctx, const char *p, size_t n) {
    conn *c = ctx;
    if (c->hs.status != 200) {
        char status[16], detail[160];
        snprintf(status, sizeof status, "http %d", c->hs.status);
        snprintf(detail, sizeof detail, "%.*s", (int)(n < 150 ? n : 150), p);
        fail(c, status, detail);
        return false;
    }
    bool oom;
    bool go = rzb_sse_feed(&c->sse, p, n, on_event, c, &oom);
    if (oom) fail(c, "out of memory", "");
    return go;
}

/* Closes the request and fills its outcome. */
static void finish(conn *c, uint64_t now) {
    rzb_sl_outcome *o = c->o;
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->phase = FINISHED;
    if (!o->failure[0] && c->n_tok == 0) fail(c, "no tokens", "the stream carried no text");
    o->sent_ns = c->t_send;
    o->e2e_ms = (double)(now - c->t_send) / 1e6;
    o->n_events = (int)c->n_tok;
    o->usage = c->usage_tokens >= 0;
    o->n_out = o->usage ? c->usage_tokens : (int)c->n_tok;
    o->ttft_ms = c->n_tok ? (double)(c->tok[0] - c->t_send) / 1e6 : NAN;
    o->itl_ms = c->n_tok > 1 ? malloc((c->n_tok - 1) * sizeof *o->itl_ms) : NULL;
    for (size_t i = 1; o->itl_ms && i < c->n_tok; i++)
        o->itl_ms[i - 1] = (double)(c->tok[i] - c->tok[i - 1]) / 1e6;
    rzb_sse_free(&c->sse);
    free(c->tok);
    free(c->req);
    c->tok = NULL;
    c->req = NULL;
}

/* The response ended (the parser said so, or the connection closed). */
static void response_end(conn *c, rzb_hs_state st, const char *why, uint64_t now) {
    bool oom = false;
    if (st == RZB_HS_DONE) rzb_sse_end(&c->sse, on_event, c, &oom);
    if (st == RZB_HS_DONE && c->hs.status != 200) on_body(c, "", 0);
    if (st == RZB_HS_ERROR) fail(c, "bad response", why);
    finish(c, now);
}

static void receive(conn *c) {
    char buf[16384], why[160] = "";
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    uint64_t now = c->t_recv = rz_now_ns();
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) {
        fail(c, "recv", strerror(errno));
        finish(c, now);
        return;
    }
    rzb_hs_state st = n == 0 ? rzb_hs_eof(&c->hs, why, sizeof why)
                             : rzb_hs_feed(&c->hs, buf, (size_t)n, on_body, c, why, sizeof why);
    if (n == 0 && st == RZB_HS_ERROR) {
        fail(c, "closed early", why);
        st = RZB_HS_STOPPED;
    }
    if (st != RZB_HS_MORE) response_end(c, st, why, now);
}

static void transmit(conn *c) {
    if (c->phase == CONNECTING) {
        int e = 0;
        socklen_t len = sizeof e;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
        if (e) {
            fail(c, "connect", strerror(e));
            finish(c, rz_now_ns());
            return;
        }
        c->phase = SENDING;
    }
    ssize_t n = send(c->fd, c->req + c->sent, c->req_len - c->sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) {
        fail(c, "send", strerror(errno));
        finish(c, rz_now_ns());
        return;
    }
    c->sent += (size_t)n;
    if (c->sent == c->req_len) c->phase = READING;
}

/* The request's bytes: headers and the workload's body. */
static bool request_text(conn *c, const rzb_sl_endpoint *ep, const rzb_sl_request *r) {
    const char *fmt =
        "POST /v1/completions HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nConnection: close\r\n"
        "Content-Length: %zu\r\n\r\n";
    int head = snprintf(NULL, 0, fmt, ep->host, ep->port, r->body_len);
    c->req = malloc((size_t)head + r->body_len + 1);
    if (!c->req) return false;
    snprintf(c->req, (size_t)head + 1, fmt, ep->host, ep->port, r->body_len);
    memcpy(c->req + head, r->body, r->body_len);
    c->req_len = (size_t)head + r->body_len;
    return true;
}

/* Opens request i's connection (non-blocking) now. */
static void start(conn *c, const rzb_sl_endpoint *ep, const struct sockaddr_in *addr,
                  const rzb_sl_request *r, double late_ms) {
    c->t_send = rz_now_ns();
    c->o->late_ms = late_ms;
    c->usage_tokens = -1;
    rzb_hs_init(&c->hs);
    c->phase = CONNECTING;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (c->fd >= 0) setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (c->fd < 0 || !request_text(c, ep, r) ||
        (connect(c->fd, (const struct sockaddr *)addr, sizeof *addr) && errno != EINPROGRESS)) {
        fail(c, c->fd < 0 ? "socket" : "connect", strerror(errno));
        finish(c, rz_now_ns());
    }
}

bool rzb_sl_endpoint_parse(const char *url, rzb_sl_endpoint *ep, char *why, size_t cap) {
    char host[64];
    int port = 0, used = 0;
    memset(ep, 0, sizeof *ep);
    ep->timeout_s = 300;
    if (sscanf(url, "http://%63[^:/]:%d%n", host, &port, &used) != 2 || port <= 0 || port > 65535 ||
        (url[used] && strcmp(url + used, "/"))) {
        snprintf(why, cap, "expected http://HOST:PORT, got '%s'", url);
        return false;
    }
    snprintf(ep->host, sizeof ep->host, "%s", strcmp(host, "localhost") ? host : "127.0.0.1");
    struct in_addr a;
    if (inet_pton(AF_INET, ep->host, &a) != 1) {
        snprintf(why, cap, "'%s': the host must be a numeric IPv4 address or localhost", url);
        return false;
    }
    ep->port = port;
    return true;
}

typedef struct {
    conn *c;
    struct pollfd *pfd;
    int *idx; /* the conn behind each pollfd */
    uint64_t t0;
    const double *at;
} loop;

/* The poll set of the requests in flight; timed-out ones finish here. */
static int gather(loop *l, int n, const rzb_sl_endpoint *ep, uint64_t now, uint64_t *deadline) {
    int k = 0;
    const uint64_t limit = (uint64_t)(ep->timeout_s * 1e9);
    for (int i = 0; i < n; i++) {
        conn *c = &l->c[i];
        if (c->phase == WAITING || c->phase == FINISHED) continue;
        if (now > c->t_send && now - c->t_send > limit) {
            fail(c, "timeout", "no end of the response within the timeout");
            finish(c, now);
            continue;
        }
        if (c->t_send + limit < *deadline) *deadline = c->t_send + limit;
        l->pfd[k] = (struct pollfd){c->fd, c->phase == READING ? POLLIN : POLLOUT, 0};
        l->idx[k++] = i;
    }
    return k;
}

static void serve_events(loop *l, int k) {
    for (int j = 0; j < k; j++) {
        conn *c = &l->c[l->idx[j]];
        short ev = l->pfd[j].revents;
        if (!ev) continue;
        if (c->phase == READING)
            receive(c);
        else
            transmit(c);
    }
}

static int finished(const loop *l, int next) {
    int n = 0;
    for (int i = 0; i < next; i++)
        n += l->c[i].phase == FINISHED;
    return n;
}

static void run_loop(loop *l, const rzb_sl_endpoint *ep, const struct sockaddr_in *addr,
                     const rzb_sl_workload *w) {
    for (int next = 0;;) {
        uint64_t now = rz_now_ns();
        for (; next < w->n && now >= l->t0 + (uint64_t)(l->at[next] * 1e9); next++)
            start(&l->c[next], ep, addr, &w->r[next],
                  (double)(now - l->t0) / 1e6 - l->at[next] * 1e3);
        now = rz_now_ns();
        uint64_t deadline = next < w->n ? l->t0 + (uint64_t)(l->at[next] * 1e9) : UINT64_MAX;
        int k = gather(l, next, ep, now, &deadline);
        if (next == w->n && finished(l, next) == w->n) return;
        uint64_t wait = deadline > now ? deadline - now : 0;
        struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
        if (ppoll(l->pfd, (nfds_t)k, deadline == UINT64_MAX ? NULL : &ts, NULL) > 0)
            serve_events(l, k);
    }
}

bool rzb_sl_run(const rzb_sl_endpoint *ep, const rzb_sl_workload *w, double rate,
                rzb_sl_outcome *out, double *duration_s, char *why, size_t cap) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ep->port)};
    if (inet_pton(AF_INET, ep->host, &addr.sin_addr) != 1) {
        snprintf(why, cap, "'%s' is not a numeric IPv4 address", ep->host);
        return false;
    }
    loop l = {.c = calloc((size_t)w->n, sizeof *l.c),
              .pfd = calloc((size_t)w->n, sizeof *l.pfd),
              .idx = calloc((size_t)w->n, sizeof *l.idx)};
    double *at = malloc((size_t)w->n * sizeof *at);
    bool ok = l.c && l.pfd && l.idx && at;
    if (!ok) snprintf(why, cap, "out of memory");
    for (int i = 0; ok && i < w->n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        l.c[i] = (conn){.fd = -1, .o = &out[i]};
    }
    if (ok) {
        rzb_sl_arrivals(w, rate, at);
        l.at = at;
        l.t0 = rz_now_ns();
        run_loop(&l, ep, &addr, w);
        double end = 0;
        for (int i = 0; i < w->n; i++) {
            double e = (double)(l.c[i].t_send - l.t0) / 1e9 + out[i].e2e_ms / 1e3;
            end = e > end ? e : end;
        }
        *duration_s = end;
    }
    free(l.c);
    free(l.pfd);
    free(l.idx);
    free(at);
    return ok;
}

void rzb_sl_outcomes_free(rzb_sl_outcome *o, int n) {
    for (int i = 0; o && i < n; i++) {
        free(o[i].itl_ms);
        o[i].itl_ms = NULL;
    }
}
