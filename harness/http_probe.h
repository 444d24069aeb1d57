/* rzb_http: a minimal HTTP/1.1 client on one keep-alive loopback connection, for timing a server
 * request by request (the gate's serve workloads).
 * Contract: requests are sent as the caller's raw bytes; each response must carry Content-Length
 * (a chunked or unbounded one is refused), and is read exactly, so the next request can follow on
 * the same connection. The client sets TCP_NODELAY. Nothing here prints or exits. */
#ifndef RZB_HTTP_PROBE_H
#define RZB_HTTP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int fd;
    char *buf; /* the last response: headers then body */
    size_t len, cap;
    size_t body; /* offset of the body in buf */
} rzb_http;

/* Connects to 127.0.0.1:port. */
bool rzb_http_connect(rzb_http *h, int port, char *why, size_t cap);

/* Sends request[0..len) and reads one response; *status gets its status code. */
bool rzb_http_exchange(rzb_http *h, const char *request, size_t len, int *status, char *why,
                       size_t cap);

void rzb_http_close(rzb_http *h);

#endif
