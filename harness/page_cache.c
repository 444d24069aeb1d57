#include "harness/page_cache.h"

#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

double rzb_page_cache_resident(const char *path) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || st.st_size == 0) {
        if (fd >= 0) close(fd);
        return NAN;
    }
    size_t len = (size_t)st.st_size, page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (len + page - 1) / page, in = 0;
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    unsigned char *vec = malloc(pages);
    close(fd);
    bool ok = map != MAP_FAILED && vec && mincore(map, len, vec) == 0;
    for (size_t i = 0; ok && i < pages; i++)
        in += vec[i] & 1;
    free(vec);
    if (map != MAP_FAILED) munmap(map, len);
    return ok ? (double)in / (double)pages : NAN;
}

double rzb_page_cache_evict(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NAN;
    bool ok = fdatasync(fd) == 0 && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
    close(fd);
    return ok ? rzb_page_cache_resident(path) : NAN;
}
