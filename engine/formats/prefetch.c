#include "engine/formats/prefetch.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

enum { PIECE = 1 << 20 };

struct rz_prefetch {
    pthread_t thread;
    int fd;
    uint64_t from, to;
    _Atomic uint64_t done; /* bytes read so far */
    atomic_bool stop;
    char *piece;
};

static void *read_ahead(void *arg) {
    rz_prefetch *p = arg;
    uint64_t at = p->from;
    while (at < p->to && !atomic_load_explicit(&p->stop, memory_order_relaxed)) {
        const uint64_t want = p->to - at < PIECE ? p->to - at : PIECE;
        const ssize_t got = pread(p->fd, p->piece, (size_t)want, (off_t)at);
        if (got <= 0) break;
        at += (uint64_t)got;
        atomic_store_explicit(&p->done, at - p->from, memory_order_relaxed);
    }
    return NULL;
}

rz_prefetch *rz_prefetch_start(const char *path, uint64_t offset, uint64_t len) {
    rz_prefetch *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->fd = open(path, O_RDONLY | O_CLOEXEC);
    p->piece = malloc(PIECE);
    p->from = offset;
    p->to = offset + len;
    atomic_init(&p->done, 0);
    atomic_init(&p->stop, false);
    if (p->fd >= 0 && p->piece && pthread_create(&p->thread, NULL, read_ahead, p) == 0) return p;
    if (p->fd >= 0) close(p->fd);
    free(p->piece);
    free(p);
    return NULL;
}

uint64_t rz_prefetch_end(rz_prefetch *p) {
    if (!p) return 0;
    atomic_store(&p->stop, true);
    pthread_join(p->thread, NULL);
    const uint64_t done = atomic_load(&p->done);
    close(p->fd);
    free(p->piece);
    free(p);
    return done;
}
