#include "tests/support/support.h"

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/crc32.h"
#include "tests/support/temp.h"

const char *rzt_shared(const char *relpath) {
    static char path[4096];
    const char *dir = getenv("RZ_SHARED_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared", relpath);
    return access(path, R_OK) == 0 ? path : NULL;
}

const char *rzt_bin(const char *name) {
    static char path[4096];
    const char *dir = getenv("RZ_BUILD_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "build", name);
    return path;
}

/* Reads what fd has into buf (keeping at most cap-1 bytes); returns 0 at end of file. */
static int pump(int fd, char *buf, size_t cap, size_t *used) {
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) return 0;
    size_t room = cap - 1 - *used;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(buf + *used, tmp, take);
    *used += take;
    return 1;
}

int rzt_run(char *const argv[], char *out, size_t out_cap, char *err, size_t err_cap) {
    int po[2], pe[2];
    if (pipe(po) || pipe(pe)) return -2;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    char *bufs[2] = {out, err};
    size_t caps[2] = {out_cap, err_cap}, used[2] = {0, 0};
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0 && poll(fds, 2, -1) > 0) {
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            if (!pump(fds[i].fd, bufs[i], caps[i], &used[i])) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    out[used[0]] = 0;
    err[used[1]] = 0;
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void putf(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    put32(p, u);
}

uint8_t *rzt_apr_image(size_t n, float b, size_t *len) {
    static const uint8_t meta[] = {0x81, 0xa1, 'k', 0xa1, 'v'}; /* MessagePack {"k": "v"} */
    size_t payload = 1 + 8 + 4 * n + 4 + 4 + 8 + 4;
    size_t total = 32 + sizeof meta + payload + 4;
    uint8_t *buf = calloc(1, total);
    memcpy(buf, "APRN", 4);
    buf[4] = 1;
    buf[6] = 0x02;
    put32(buf + 8, sizeof meta);
    put32(buf + 12, (uint32_t)payload);
    put32(buf + 16, (uint32_t)payload);
    memcpy(buf + 32, meta, sizeof meta);
    uint8_t *p = buf + 32 + sizeof meta;
    p[0] = 1;
    put64(p + 1, n);
    for (size_t i = 0; i < n; i++)
        putf(p + 9 + 4 * i, (float)((int)(i % 7) - 3) / 10.0f);
    p += 9 + 4 * n;
    putf(p, b);
    putf(p + 4, 0.01f);
    put64(p + 8, 100);
    putf(p + 16, 1e-4f);
    rzt_apr_fix_crc(buf, total);
    *len = total;
    return buf;
}

void rzt_apr_fix_crc(uint8_t *buf, size_t len) {
    put32(buf + len - 4, rz_crc32(buf, len - 4));
}

const char *rzt_write_build_file(const char *name, size_t bytes, int byte) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", getenv("RZ_BUILD_DIR") ? getenv("RZ_BUILD_DIR") : "build",
             name);
    char *data = malloc(bytes ? bytes : 1);
    FILE *f = fopen(path, "wb");
    bool ok = data && f;
    if (ok) {
        memset(data, byte, bytes);
        ok = fwrite(data, 1, bytes, f) == bytes;
    }
    if (f && fclose(f)) ok = false;
    free(data);
    return ok ? path : NULL;
}

const char *rzt_apr_file(void) {
    static char path[4096];
    size_t len;
    uint8_t *img = rzt_apr_image(3, 0.0f, &len);
    snprintf(path, sizeof path, "%s", rzt_write_temp(img, len, ".apr"));
    free(img);
    return path;
}
