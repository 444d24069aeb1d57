/* A tiny HTTP/1.1 client for tests (plain sockets, loopback, no external dependencies), and a
 * way to run `rz serve` as a child process.
 * Contract: every request is sent with "Connection: close" unless the caller writes the raw
 * bytes itself; the response is read to the end of the connection, parsed (status, headers) and
 * its body de-chunked when Transfer-Encoding is chunked. Functions return 0 on success, -1 when
 * the connection or the response was broken (the message then says why). */
#ifndef RZ_TESTS_HTTP_CLIENT_H
#define RZ_TESTS_HTTP_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
    int status;
    char *headers; /* the header block, NUL-terminated */
    char *body;    /* NUL-terminated (also when empty) */
    size_t body_len;
    char error[128];
} rzt_http_response;

/* Sends request[0..len) as it is to 127.0.0.1:port and reads the whole response. */
int rzt_http_raw(int port, const char *request, size_t len, rzt_http_response *out);

/* METHOD path with body (NULL: none) as application/json. */
int rzt_http(int port, const char *method, const char *path, const char *body,
             rzt_http_response *out);

/* The value of header name (case-insensitive) copied into out; 0 when present, else -1. */
int rzt_http_header(const rzt_http_response *r, const char *name, char *out, size_t cap);

void rzt_http_free(rzt_http_response *r);

/* Connects to 127.0.0.1:port; the socket, or -1. */
int rzt_http_connect(int port);

/* Reads a response from fd to its end (the caller wrote the request). */
int rzt_http_read(int fd, rzt_http_response *out);

typedef struct {
    pid_t pid;
    int port;
    int out_fd, err_fd; /* the child's stdout and stderr */
} rzt_server;

/* Starts argv (`rz serve ... --port 0`) and waits (at most timeout_s) for its "listening on
 * http://ADDR:PORT" (or https://) line on stdout. On failure returns -1 with the child's stderr in
 * err. The child is killed when the calling thread exits (a failed test leaves no server running).
 */
int rzt_server_start(char *const argv[], double timeout_s, rzt_server *s, char *err, size_t cap);

/* Sends sig, waits for the exit and returns the exit status (-1: killed by a signal); the
 * child's stderr goes into err. */
int rzt_server_stop(rzt_server *s, int sig, char *err, size_t cap);

#endif
