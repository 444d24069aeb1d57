/* rz serve's connection limits, as a process: a client trickling its headers a byte at a time is
 * closed by the request deadline (libmicrohttpd's own timeout only measures inactivity), and
 * connections past the per-address cap are closed at once while another address is still
 * served. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/http_client.h"
#include "tests/support/serve_front.h"
#include "tests/support/support.h"

static char errbuf[65536];

static rzt_server serve(const char *opt, const char *val) {
    char *argv[] = {(char *)rzt_bin("rz"),
                    "serve",
                    "-m",
                    (char *)rzt_apr_file(),
                    "--port",
                    "0",
                    "--http-threads",
                    "2",
                    (char *)opt,
                    (char *)val,
                    NULL};
    rzt_server s;
    cr_assert_eq(rzt_server_start(argv, 20, &s, errbuf, sizeof errbuf), 0, "%s", errbuf);
    return s;
}

/* Whether the server has closed fd (end of file or reset waiting to be read). */
static bool closed(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    char b[256];
    return poll(&p, 1, 0) == 1 && recv(fd, b, sizeof b, MSG_DONTWAIT) <= 0;
}

Test(serve_limits, a_trickling_client_is_cut_at_the_deadline, .timeout = 30) {
    rzt_server s = serve("--request-timeout", "1");
    int fd = rzt_http_connect(s.port);
    cr_assert(fd >= 0);
    const char *head = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    cr_assert_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
    double t0 = rz_now_s(), cut = 0;
    while (!cut && rz_now_s() - t0 < 10) {
        usleep(100000);
        if (closed(fd) || send(fd, "a", 1, MSG_NOSIGNAL) != 1) cut = rz_now_s() - t0;
    }
    close(fd);
    cr_expect(cut >= 0.9 && cut < 5, "closed after %.2f s with a deadline of 1 s", cut);
    rzt_http_response r;
    cr_assert_eq(rzt_http(s.port, "GET", "/health", NULL, &r), 0, "%s", r.error);
    cr_expect_eq(r.status, 200, "a prompt client is still served");
    rzt_http_free(&r);
    cr_assert_eq(rzt_http(s.port, "GET", "/metrics", NULL, &r), 0, "%s", r.error);
    cr_expect(strstr(r.body, "rz_http_deadline_closed_total 1\n") != NULL, "%s", r.body);
    rzt_http_free(&r);
    rzt_serve_stop(&s, NULL);
}

/* Sends GET /health on fd and reads its response, leaving the connection open (keep-alive). */
static void keep_alive_health(int fd) {
    const char *req = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    cr_assert_eq(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    char buf[1024] = "";
    size_t used = 0;
    while (used < sizeof buf - 1 && !strstr(buf, "{\"status\":\"ok\"}")) {
        ssize_t n = read(fd, buf + used, sizeof buf - 1 - used);
        cr_assert_gt(n, 0, "the connection closed before its response");
        used += (size_t)n;
        buf[used] = 0;
    }
}

Test(serve_limits, connections_past_the_per_ip_cap_are_refused, .timeout = 30) {
    rzt_server s = serve("--max-connections-per-ip", "2");
    int held[2];
    for (int i = 0; i < 2; i++) {
        held[i] = rzt_http_connect(s.port);
        cr_assert(held[i] >= 0);
        keep_alive_health(held[i]);
    }
    rzt_http_response r;
    cr_assert_neq(rzt_http(s.port, "GET", "/health", NULL, &r), 0,
                  "a third connection from 127.0.0.1 got status %d", r.status);
    rzt_http_free(&r);
    int other = rzt_connect_from("127.0.0.2", s.port);
    cr_assert(other >= 0, "cannot connect from 127.0.0.2");
    keep_alive_health(other);
    close(other);
    close(held[0]);
    close(held[1]);
    rzt_serve_stop(&s, NULL);
}
