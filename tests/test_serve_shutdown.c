/* rz serve's shutdown, as a process: on SIGTERM the listening socket closes at once (a new
 * connect is refused, not left waiting), every queued generation is answered 503 with
 * Retry-After while the running one goes on, and a second SIGTERM ends the process within a
 * second. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/http_client.h"
#include "tests/support/serve_front.h"
#include "tests/support/serve_model.h"
#include "tests/support/support.h"

static char errbuf[65536];

/* Wide enough that a 4000-token greedy completion takes seconds on one thread. */
static const char *slow_model(void) {
    rzt_llama_shape shape = rzt_tiny_llama;
    shape.dim = 256;
    shape.layers = 8;
    shape.hidden = 768;
    shape.heads = 8;
    shape.kv_heads = 4;
    shape.head_dim = 32;
    shape.vocab = 300;
    const char *path = rzt_serve_model(&shape, 4096, NULL);
    cr_assert(path != NULL);
    return path;
}

/* Sends a non-streamed completion of max_tokens and returns the socket, unread. */
static int send_completion(int port, int max_tokens) {
    char body[128], req[512];
    snprintf(body, sizeof body, "{\"prompt\": \"hello\", \"max_tokens\": %d, \"temperature\": 0}",
             max_tokens);
    int n = snprintf(req, sizeof req,
                     "POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    int fd = rzt_http_connect(port);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, req, (size_t)n), n);
    return fd;
}

/* Whether a connect to the port is refused (ECONNREFUSED) within timeout_s. */
static bool refused_within(int port, double timeout_s) {
    double t0 = rz_now_s();
    do {
        int fd = rzt_http_connect(port);
        if (fd < 0 && errno == ECONNREFUSED) return true;
        if (fd >= 0) close(fd);
        usleep(5000);
    } while (rz_now_s() - t0 < timeout_s);
    return false;
}

static void expect_503(int fd) {
    rzt_http_response r;
    cr_assert_eq(rzt_http_read(fd, &r), 0, "%s", r.error);
    close(fd);
    cr_expect_eq(r.status, 503, "%s", r.body);
    char retry[16];
    cr_expect_eq(rzt_http_header(&r, "Retry-After", retry, sizeof retry), 0, "%s", r.headers);
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *e = cJSON_GetObjectItem(j, "error");
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")), "shutting_down");
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "type")), "server_error");
    cJSON_Delete(j);
    rzt_http_free(&r);
}

Test(serve_shutdown, queued_get_503_and_a_second_signal_exits_at_once, .timeout = 60) {
    char *argv[] = {(char *)rzt_bin("rz"),
                    "serve",
                    "-m",
                    (char *)slow_model(),
                    "--port",
                    "0",
                    "-t",
                    "1",
                    "--parallel",
                    "1",
                    "--http-threads",
                    "2",
                    "--drain-timeout",
                    "60",
                    NULL};
    rzt_server s;
    cr_assert_eq(rzt_server_start(argv, 30, &s, errbuf, sizeof errbuf), 0, "%s", errbuf);
    int running = send_completion(s.port, 4000);
    cr_assert_eq(rzt_wait_metric(s.port, "rz_busy_workers 1\n", 10), 0, "the job never started");
    int queued[3];
    for (int i = 0; i < 3; i++)
        queued[i] = send_completion(s.port, 4000);
    cr_assert_eq(rzt_wait_metric(s.port, "rz_queue_depth 3\n", 10), 0, "3 jobs never queued");
    kill(s.pid, SIGTERM);
    cr_expect(refused_within(s.port, 2), "a connect after SIGTERM was not refused");
    for (int i = 0; i < 3; i++)
        expect_503(queued[i]);
    double t0 = rz_now_s();
    int status = rzt_server_stop(&s, SIGTERM, errbuf, sizeof errbuf);
    double took = rz_now_s() - t0;
    close(running);
    cr_expect_lt(took, 1.0, "the second SIGTERM took %.2f s to end the process", took);
    cr_expect_eq(status, 1, "exit status %d; %s", status, errbuf);
    cr_expect(strstr(errbuf, "exiting at once with 1 request unfinished") != NULL, "%s", errbuf);
    cr_expect(strstr(errbuf, "rz serve: worker 0: core ") != NULL, "placement: %s", errbuf);
}
