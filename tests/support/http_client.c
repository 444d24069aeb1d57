#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/clock.h"

int rzt_http_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int fail(rzt_http_response *r, const char *why) {
    snprintf(r->error, sizeof r->error, "%s", why);
    return -1;
}

/* Decodes a chunked body in place; -1 when it is malformed. */
static int dechunk(char *b, size_t len, size_t *out_len) {
    size_t in = 0, out = 0;
    for (;;) {
        char *end;
        unsigned long n = strtoul(b + in, &end, 16);
        char *eol = memchr(b + in, '\n', len - in);
        if (end == b + in || !eol) return -1;
        in = (size_t)(eol - b) + 1;
        if (n == 0) break;
        if (in + n + 2 > len) return -1;
        memmove(b + out, b + in, n);
        out += n;
        in += n + 2;
    }
    b[out] = 0;
    *out_len = out;
    return 0;
}

int rzt_http_header(const rzt_http_response *r, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t line = eol ? (size_t)(eol - p) : strlen(p);
        if (line > n && p[n] == ':' && !strncasecmp(p, name, n)) {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)(line - (size_t)(v - p)), v);
            return 0;
        }
        p += line + (eol ? 2 : 0);
    }
    return -1;
}

int rzt_http_read(int fd, rzt_http_response *r) {
    size_t cap = 65536, len = 0;
    char *b = malloc(cap);
    ssize_t n;
    memset(r, 0, sizeof *r);
    while (b && (n = read(fd, b + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (len + 1 == cap) b = realloc(b, cap *= 2);
    }
    if (!b) return fail(r, "out of memory");
    b[len] = 0;
    char *split = strstr(b, "\r\n\r\n");
    if (!split || sscanf(b, "HTTP/1.%*d %d", &r->status) != 1) {
        snprintf(r->error, sizeof r->error, "no HTTP response (%zu bytes read)", len);
        free(b);
        return -1;
    }
    *split = 0;
    r->headers = b;
    r->body = strdup(split + 4);
    r->body_len = len - (size_t)(split + 4 - b);
    char te[64];
    if (!rzt_http_header(r, "Transfer-Encoding", te, sizeof te) && !strcasecmp(te, "chunked") &&
        dechunk(r->body, r->body_len, &r->body_len))
        return fail(r, "malformed chunked body");
    return 0;
}

int rzt_http_raw(int port, const char *request, size_t len, rzt_http_response *out) {
    memset(out, 0, sizeof *out);
    int fd = rzt_http_connect(port);
    if (fd < 0) return fail(out, "cannot connect");
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = write(fd, request + sent, len - sent);
        if (n <= 0) break; /* the server may answer (and close) before reading everything */
        sent += (size_t)n;
    }
    int rc = rzt_http_read(fd, out);
    close(fd);
    return rc;
}

int rzt_http(int port, const char *method, const char *path, const char *body,
             rzt_http_response *out) {
    size_t blen = body ? strlen(body) : 0, cap = blen + 512;
    char *req = malloc(cap);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method,
                     path);
    if (body)
        n += snprintf(req + n, cap - (size_t)n,
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    if (body) memcpy(req + n, body, blen);
    int rc = rzt_http_raw(port, req, (size_t)n + blen, out);
    free(req);
    return rc;
}

void rzt_http_free(rzt_http_response *r) {
    free(r->headers);
    free(r->body);
    r->headers = r->body = NULL;
}

/* Appends what fd has (without blocking past timeout_ms) to buf; 0 at end of file. */
static int drain(int fd, char *buf, size_t cap, size_t *used, int timeout_ms) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return 1;
    ssize_t n = read(fd, buf + *used, cap - 1 - *used);
    if (n <= 0) return 0;
    *used += (size_t)n;
    buf[*used] = 0;
    return 1;
}

int rzt_server_start(char *const argv[], double timeout_s, rzt_server *s, char *err, size_t cap) {
    int po[2], pe[2];
    if (pipe(po) || pipe(pe)) return -1;
    s->pid = fork();
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test that fails half-way leaves no server behind */
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    s->out_fd = po[0];
    s->err_fd = pe[0];
    char out[4096] = "";
    size_t used = 0;
    double t0 = rz_now_s();
    const char *line = NULL;
    while (!line && rz_now_s() - t0 < timeout_s && drain(s->out_fd, out, sizeof out, &used, 50))
        line = strstr(out, "listening on http");
    const char *scheme = line ? strstr(line, "://") : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (colon && sscanf(colon + 1, "%d", &s->port) == 1) return 0;
    rzt_server_stop(s, SIGKILL, err, cap);
    return -1;
}

int rzt_server_stop(rzt_server *s, int sig, char *err, size_t cap) {
    kill(s->pid, sig);
    size_t used = 0;
    if (err && cap) err[0] = 0;
    while (err && cap && used + 1 < cap && drain(s->err_fd, err, cap, &used, 30000))
        ;
    int status;
    waitpid(s->pid, &status, 0);
    close(s->out_fd);
    close(s->err_fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
