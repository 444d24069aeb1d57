#include "harness/serve_load_target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "harness/http_probe.h"
#include "harness/timer.h"

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Connects h to ep (any IPv4 address; rzb_http_connect knows only loopback). */
static bool connect_to(rzb_http *h, const rzb_sl_endpoint *ep, char *why, size_t cap) {
    memset(h, 0, sizeof *h);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ep->port)};
    inet_pton(AF_INET, ep->host, &a.sin_addr);
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->fd >= 0 && !connect(h->fd, (struct sockaddr *)&a, sizeof a)) return true;
    snprintf(why, cap, "cannot connect to %s:%d: %s", ep->host, ep->port, strerror(errno));
    return false;
}

/* One GET /health; true when it answered 200. */
static bool healthy(const rzb_sl_endpoint *ep, char *why, size_t cap) {
    rzb_http h;
    int status = 0;
    char req[160];
    int n = snprintf(req, sizeof req, "GET /health HTTP/1.1\r\nHost: %s:%d\r\n\r\n", ep->host,
                     ep->port);
    bool ok =
        connect_to(&h, ep, why, cap) && rzb_http_exchange(&h, req, (size_t)n, &status, why, cap);
    if (ok && status != 200) snprintf(why, cap, "GET /health answered %d", status);
    rzb_http_close(&h);
    return ok && status == 200;
}

/* Polls GET /health every 50 ms until it answers 200, at most ready_s seconds. */
static bool wait_health(const rzb_sl_endpoint *ep, double ready_s, char *why, size_t cap) {
    const uint64_t end = rz_now_ns() + (uint64_t)(ready_s * 1e9);
    char last[256] = "";
    while (!healthy(ep, last, sizeof last)) {
        if (rz_now_ns() > end) {
            snprintf(why, cap, "http://%s:%d/health not ready within %.0f s: %s", ep->host,
                     ep->port, ready_s, last);
            return false;
        }
        sleep_ms(50);
    }
    return true;
}

static void join(char *out, size_t cap, char *const argv[]) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; argv[i] && used < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? " " : "", argv[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static bool spawn(rzb_sl_target *t, char *const argv[], char *why, size_t cap) {
    join(t->command, sizeof t->command, argv);
    if (!rzb_child_start(argv, NULL, &t->child, why, cap)) return false;
    t->own = true;
    snprintf(t->cpus, sizeof t->cpus, "%s", t->child.cpus);
    snprintf(t->ep.host, sizeof t->ep.host, "127.0.0.1");
    t->ep.timeout_s = 300;
    return true;
}

/* The server died or never got ready: its stderr tail joins the reason. */
static bool failed_start(rzb_sl_target *t, const char *what, char *why, size_t cap) {
    char tail[600];
    rzb_sl_target_stop(t, tail, sizeof tail);
    snprintf(why, cap, "%s did not start (%s): %s", t->label, what, tail);
    return false;
}

bool rzb_sl_target_rz(rzb_sl_target *t, const char *rz_bin, const rzb_sl_server_spec *s,
                      double ready_s, char *why, size_t cap) {
    char par[16], thr[16], ctx[16];
    memset(t, 0, sizeof *t);
    snprintf(t->label, sizeof t->label, "rz");
    snprintf(t->version, sizeof t->version, "rz %.12s%s (%s)", RZ_GIT_COMMIT,
             RZ_GIT_DIRTY ? "-dirty" : "", RZ_BUILD_TYPE);
    snprintf(par, sizeof par, "%d", s->slots);
    snprintf(thr, sizeof thr, "%d", s->threads / s->slots > 1 ? s->threads / s->slots : 1);
    snprintf(ctx, sizeof ctx, "%d", s->ctx);
    char *argv[] = {(char *)rz_bin,
                    "serve",
                    "-m",
                    (char *)s->model,
                    "--port",
                    "0",
                    "--parallel",
                    par,
                    "-t",
                    thr,
                    "--ctx",
                    ctx,
                    NULL};
    if (!spawn(t, argv, why, cap)) return false;
    const char *line = rzb_child_read(&t->child);
    const char *colon = line ? strrchr(line, ':') : NULL;
    if (!colon || sscanf(colon + 1, "%d", &t->ep.port) != 1)
        return failed_start(t, "no \"listening on\" line", why, cap);
    char wait_why[512];
    if (!wait_health(&t->ep, ready_s, wait_why, sizeof wait_why))
        return failed_start(t, wait_why, why, cap);
    return true;
}

/* A port nobody listens on now (bound to 0 and released). */
static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
                       !getsockname(fd, (struct sockaddr *)&a, &len)
                   ? ntohs(a.sin_port)
                   : 0;
    if (fd >= 0) close(fd);
    return port;
}

/* llama-server --version's "version: ..." line (it prints it on stderr). */
static void llama_version(const char *bin, char *out, size_t cap) {
    char *argv[] = {(char *)bin, "--version", NULL}, text[1024] = "", why[256];
    rzb_child c;
    int rc = -1;
    if (rzb_child_start(argv, NULL, &c, why, sizeof why)) {
        free(rzb_child_read_all(&c));
        rc = rzb_child_finish(&c, text, sizeof text);
    }
    const char *v = strstr(text, "version:");
    if (v)
        snprintf(out, cap, "llama-server %.*s", (int)strcspn(v, "\n"), v);
    else
        snprintf(out, cap, "llama-server (--version printed no version, exit %d)", rc);
}

bool rzb_sl_target_llama(rzb_sl_target *t, const char *llama_bin, const rzb_sl_server_spec *s,
                         double ready_s, char *why, size_t cap) {
    char np[16], thr[16], ctx[16], port[16];
    memset(t, 0, sizeof *t);
    snprintf(t->label, sizeof t->label, "llama-server");
    llama_version(llama_bin, t->version, sizeof t->version);
    snprintf(np, sizeof np, "%d", s->slots);
    snprintf(thr, sizeof thr, "%d", s->threads);
    snprintf(ctx, sizeof ctx, "%d", s->slots * s->ctx);
    int p = free_port();
    snprintf(port, sizeof port, "%d", p);
    char *argv[] = {(char *)llama_bin,
                    "-m",
                    (char *)s->model,
                    "-np",
                    np,
                    "-t",
                    thr,
                    "-c",
                    ctx,
                    "--port",
                    port,
                    NULL};
    if (!spawn(t, argv, why, cap)) return false;
    t->ep.port = p;
    char wait_why[512];
    if (!wait_health(&t->ep, ready_s, wait_why, sizeof wait_why))
        return failed_start(t, wait_why, why, cap);
    return true;
}

bool rzb_sl_target_url(rzb_sl_target *t, const char *url, double ready_s, char *why, size_t cap) {
    memset(t, 0, sizeof *t);
    snprintf(t->label, sizeof t->label, "url");
    snprintf(t->command, sizeof t->command, "already running at %s", url);
    snprintf(t->version, sizeof t->version, "unknown (not started here)");
    snprintf(t->cpus, sizeof t->cpus, "unknown");
    return rzb_sl_endpoint_parse(url, &t->ep, why, cap) && wait_health(&t->ep, ready_s, why, cap);
}

void rzb_sl_target_stop(rzb_sl_target *t, char *tail, size_t cap) {
    if (tail && cap) tail[0] = 0;
    if (!t->own) return;
    kill(t->child.pid, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = waitpid(t->child.pid, NULL, WNOHANG) == t->child.pid;
        if (!gone) sleep_ms(50);
    }
    if (!gone) kill(t->child.pid, SIGKILL);
    rzb_child_finish(&t->child, tail, cap);
    t->own = false;
}
