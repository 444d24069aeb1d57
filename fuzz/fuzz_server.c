/* libFuzzer target: rz serve's request handling, over HTTP. Two servers run in this process,
 * started once: one serves a tiny llama (completions, chat, tokenize, detokenize, ...), the other
 * an APR model (predict); both want the API key "fuzzkey". An input is one request: byte 0 picks
 * the server (bit 0) and the route (the rest), byte 1 how it is sent (method, key, JSON content
 * type, Content-Length or chunked), the rest is the body; with bit 7 of byte 1 the rest is sent
 * raw, as the whole request (headers and framing), and the answer waited for 50 ms at most. A
 * framed request must get a well-formed HTTP response, never a 500, within 10 s; a raw one must
 * leave the server answering /health. A failed
 * property aborts, which libFuzzer reports as a crash. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz/server_models.h"
#include "server/server.h"

static const char *const routes[] = {
    "/health",   "/metrics",    "/v1/models",  "/v1/completions", "/v1/chat/completions",
    "/tokenize", "/detokenize", "/v1/predict", "/v1/embeddings",  "/nowhere"};
enum { N_ROUTES = sizeof routes / sizeof routes[0] };
static const char *const methods[] = {"POST", "GET", "PUT", "DELETE"};

static int ports[2];

static int start(const char *model) {
    static const char *const keys[] = {"fuzzkey"};
    rz_server_options o = {.model_path = model,
                           .host = "127.0.0.1",
                           .threads = 1,
                           .parallel = 1,
                           .http_threads = 2,
                           .n_ctx = 64,
                           .max_body = 65536,
                           .api_keys = keys,
                           .n_api_keys = 1,
                           .request_timeout_s = 2};
    rz_server *s;
    rz_error err;
    if (rz_server_start(&o, &s, &err)) {
        fprintf(stderr, "fuzz_server: %s\n", err.msg);
        exit(2);
    }
    return rz_server_port(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char llama[] = "/tmp/rz-fuzz-llama-XXXXXX", apr[] = "/tmp/rz-fuzz-apr-XXXXXX";
    if (mkstemp(llama) < 0 || mkstemp(apr) < 0 || !fuzz_write_llama(llama) || !fuzz_write_apr(apr))
        exit(2);
    ports[0] = start(llama);
    ports[1] = start(apr);
    unlink(llama);
    unlink(apr);
    return 0;
}

/* Sends req to the server on port and reads the response until it closes (its first cap - 1
 * bytes kept); -1 when no connection could be made, else the bytes kept. */
static ssize_t exchange(int port, const char *req, size_t len, bool half_close, char *resp,
                        size_t cap) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {half_close ? 0 : 10, half_close ? 50000 : 0}; /* raw: no answer owed */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    for (size_t sent = 0; sent < len;) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += (size_t)n;
    }
    if (half_close) shutdown(fd, SHUT_WR);
    size_t got = 0;
    char rest[4096];
    for (ssize_t n; (n = got < cap - 1 ? recv(fd, resp + got, cap - 1 - got, 0)
                                       : recv(fd, rest, sizeof rest, 0)) > 0;)
        got += got < cap - 1 ? (size_t)n : 0;
    resp[got] = 0;
    close(fd);
    return (ssize_t)got;
}

static char *request(const uint8_t *data, size_t size, int *port, bool *raw, size_t *len) {
    const uint8_t route = data[0], how = data[1];
    const char *body = (const char *)data + 2;
    size_t n = size - 2;
    *port = ports[route & 1];
    *raw = how & 0x80;
    char *req = malloc(n + 512);
    if (*raw) {
        memcpy(req, body, n);
        *len = n;
        return req;
    }
    const char *key =
        how & 4 ? (how & 0x20 ? "X-Api-Key: wrong\r\n" : "Authorization: Bearer fuzzkey\r\n") : "";
    const char *type = how & 8 ? "application/json" : "text/plain";
    int h = snprintf(req, 512,
                     "%s %s HTTP/1.1\r\nHost: fuzz\r\n%sContent-Type: %s\r\nConnection: close\r\n",
                     methods[how & 3], routes[(route >> 1) % N_ROUTES], key, type);
    if (how & 0x10) {
        h += snprintf(req + h, 512 - (size_t)h, "Content-Length: %zu\r\n\r\n", n);
        memcpy(req + h, body, n);
        *len = (size_t)h + n;
    } else {
        h += snprintf(req + h, 512 - (size_t)h, "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", n);
        memcpy(req + h, body, n);
        memcpy(req + h + n, "\r\n0\r\n\r\n", 7);
        *len = (size_t)h + n + 7;
    }
    return req;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int port;
    bool raw;
    size_t len;
    char *req = request(data, size, &port, &raw, &len);
    static char resp[1 << 16];
    ssize_t got = exchange(port, req, len, raw, resp, sizeof resp);
    free(req);
    if (got < 0) abort(); /* the server stopped accepting */
    if (!raw) {
        unsigned status = 0;
        if (sscanf(resp, "HTTP/1.1 %3u ", &status) != 1 || status < 100 || status == 500) {
            fprintf(stderr, "fuzz_server: response '%.200s'\n", resp);
            abort();
        }
    } else {
        static const char health[] = "GET /health HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n";
        got = exchange(port, health, sizeof health - 1, false, resp, sizeof resp);
        if (got < 0 || strncmp(resp, "HTTP/1.1 200", 12)) abort();
    }
    return 0;
}
