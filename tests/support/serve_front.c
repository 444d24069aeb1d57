#include "tests/support/serve_front.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/http_client.h"
#include "tests/support/support.h"

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
