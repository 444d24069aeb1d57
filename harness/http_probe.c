#include "harness/http_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

bool rzb_http_connect(rzb_http *h, int port, char *why, size_t cap) {
    memset(h, 0, sizeof *h);
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(why, cap, "cannot connect to 127.0.0.1:%d: %s", port, strerror(errno));
        if (h->fd >= 0) close(h->fd);
        h->fd = -1;
        return false;
    }
    int one = 1;
    setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
}

static bool send_all(int fd, const char *p, size_t len) {
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Appends what the socket has to buf (kept NUL-terminated); false at end of stream or error. */
static bool read_more(rzb_http *h) {
    if (h->len + 4096 > h->cap) {
        size_t cap = h->cap * 2 > h->len + 4097 ? h->cap * 2 : h->len + 4097;
        char *grown = realloc(h->buf, cap);
        if (!grown) return false;
        h->buf = grown;
        h->cap = cap;
    }
    ssize_t n;
    do
        n = recv(h->fd, h->buf + h->len, h->cap - h->len - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    h->len += (size_t)n;
    h->buf[h->len] = 0;
    return true;
}

/* The Content-Length of the header block head[0..end), or -1 when it has none. */
static long content_length(const char *head, size_t end) {
    for (const char *p = head; p && p < head + end; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL)
        if (!strncasecmp(p, "content-length:", 15)) return strtol(p + 15, NULL, 10);
    return -1;
}

bool rzb_http_exchange(rzb_http *h, const char *request, size_t len, int *status, char *why,
                       size_t cap) {
    h->len = 0;
    if (!send_all(h->fd, request, len)) {
        snprintf(why, cap, "sending a request: %s", strerror(errno));
        return false;
    }
    char *end = NULL;
    while (!(h->len && (end = strstr(h->buf, "\r\n\r\n"))))
        if (!read_more(h)) {
            snprintf(why, cap, "the server closed the connection before a whole response header");
            return false;
        }
    h->body = (size_t)(end + 4 - h->buf);
    long n = content_length(h->buf, h->body);
    if (n < 0) {
        snprintf(why, cap, "a response without Content-Length: %.120s", h->buf);
        return false;
    }
    while (h->len < h->body + (size_t)n)
        if (!read_more(h)) {
            snprintf(why, cap, "the server closed the connection inside a response body");
            return false;
        }
    if (sscanf(h->buf, "HTTP/1.%*d %d", status) == 1) return true;
    snprintf(why, cap, "not an HTTP/1.x status line: %.80s", h->buf);
    return false;
}

void rzb_http_close(rzb_http *h) {
    if (h->fd >= 0) close(h->fd);
    free(h->buf);
    memset(h, 0, sizeof *h);
    h->fd = -1;
}
