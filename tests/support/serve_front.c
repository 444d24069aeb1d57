#include "tests/support/serve_front.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/http_client.h"
#include "tests/support/support.h"

static char server_log[65536];

rzt_server rzt_serve(const char *model, const char *arg1, const char *arg2) {
    char *argv[] = {(char *)rzt_bin("rz"), "serve",      "-m", (char *)model, "--port", "0",
                    (char *)arg1,          (char *)arg2, NULL};
    rzt_server s;
    cr_assert_eq(rzt_server_start(argv, 30, &s, server_log, sizeof server_log), 0,
                 "rz serve did not start: %s", server_log);
    return s;
}

void rzt_serve_stop(rzt_server *s, const char **log) {
    cr_expect_eq(rzt_server_stop(s, SIGTERM, server_log, sizeof server_log), 0, "%s", server_log);
    if (log) *log = server_log;
}

cJSON *rzt_post_json(int port, const char *path, const char *body, int status) {
    rzt_http_response r;
    cr_assert_eq(rzt_http(port, "POST", path, body, &r), 0, "%s: %s", path, r.error);
    cr_assert_eq(r.status, status, "%s %s: status %d, body %s", path, body, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert(j != NULL, "%s: not JSON: %s", path, r.body);
    rzt_http_free(&r);
    return j;
}

int rzt_connect_from(const char *from, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in local = {.sin_family = AF_INET};
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, from, &local.sin_addr);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && (bind(fd, (struct sockaddr *)&local, sizeof local) ||
                    connect(fd, (struct sockaddr *)&to, sizeof to))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int rzt_wait_metric(int port, const char *line, double timeout_s) {
    double t0 = rz_now_s();
    do {
        rzt_http_response r;
        int found = !rzt_http(port, "GET", "/metrics", NULL, &r) && r.body && strstr(r.body, line);
        rzt_http_free(&r);
        if (found) return 0;
        usleep(10000);
    } while (rz_now_s() - t0 < timeout_s);
    return -1;
}
