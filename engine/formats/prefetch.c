#include "engine/formats/prefetch.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PIECE = 1 << 20 };

struct rz_prefetch {
    pthread_t thread;
    int fd;
    uint64_t from, to;
    const uint8_t *map; /* the whole file, never touched: mincore tells which pieces are cached */
    size_t map_len;
    unsigned char *cached; /* one byte per page of a piece, mincore's answer */
    _Atomic uint64_t done; /* bytes read or found cached so far */
    atomic_bool stop;
    char *piece;
};

/* Whether every page of [at, at + len) is in the page cache already (false when unknown). */
static bool in_cache(const rz_prefetch *p, uint64_t at, uint64_t len) {
    const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), first = at / page * page;
    const uint64_t pages = (at + len - first + page - 1) / page;
    if (mincore((void *)(p->map + first), (size_t)(at + len - first), p->cached)) return false;
    for (uint64_t i = 0; i < pages; i++)
        if (!(p->cached[i] & 1)) return false;
    return true;
}

static void *read_ahead(void *arg) {
    rz_prefetch *p = arg;
    uint64_t at = p->from;
    while (at < p->to && !atomic_load_explicit(&p->stop, memory_order_relaxed)) {
        const uint64_t want = p->to - at < PIECE ? p->to - at : PIECE;
        if (!in_cache(p, at, want) && pread(p->fd, p->piece, (size_t)want, (off_t)at) <= 0) break;
        at += want;
        atomic_store_explicit(&p->done, at - p->from, memory_order_relaxed);
    }
    return NULL;
}

/* Frees what start set up (the caller joins a running thread first). */
static void release(rz_prefetch *p) {
    if (p->map) munmap((void *)p->map, p->map_len);
    if (p->fd >= 0) close(p->fd);
    free(p->cached);
    free(p->piece);
    free(p);
}

rz_prefetch *rz_prefetch_start(const char *path, uint64_t offset, uint64_t len) {
    rz_prefetch *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (p->fd >= 0 && fstat(p->fd, &sb) == 0 && (uint64_t)sb.st_size >= offset + len && len) {
        p->map_len = (size_t)sb.st_size;
        void *m = mmap(NULL, p->map_len, PROT_READ, MAP_SHARED, p->fd, 0);
        p->map = m == MAP_FAILED ? NULL : m;
    }
    p->from = offset;
    p->to = offset + len;
    p->piece = malloc(PIECE);
    p->cached = malloc(PIECE / 4096 + 2);
    atomic_init(&p->done, 0);
    atomic_init(&p->stop, false);
    if (p->map && p->piece && p->cached && sysconf(_SC_PAGESIZE) >= 4096 &&
        pthread_create(&p->thread, NULL, read_ahead, p) == 0)
        return p;
    release(p);
    return NULL;
}

uint64_t rz_prefetch_end(rz_prefetch *p) {
    if (!p) return 0;
    atomic_store(&p->stop, true);
    pthread_join(p->thread, NULL);
    const uint64_t done = atomic_load(&p->done);
    release(p);
    return done;
}
