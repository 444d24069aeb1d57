#include "engine/formats/map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

rz_status rz_map_file(const char *path, const uint8_t **base, size_t *len, rz_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return rz_fail(err, RZ_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return rz_fail(err, RZ_EIO, "%s: not a regular file", path);
    }
    *len = (size_t)sb.st_size;
    *base = (const uint8_t *)"";
    if (*len) {
        void *m = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            close(fd);
            return rz_fail(err, RZ_EIO, "%s: cannot map %zu bytes: %s", path, *len, strerror(e));
        }
        *base = m;
    }
    close(fd);
    return RZ_OK;
}

void rz_map_release(const void *p, size_t len) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), at = (uintptr_t)p;
    const uintptr_t from = (at + page - 1) / page * page, to = (at + len) / page * page;
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
}

void rz_map_will_read(const void *p, size_t len) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), at = (uintptr_t)p;
    const uintptr_t from = at / page * page;
    if (len) madvise((void *)from, at + len - from, MADV_WILLNEED);
}

void rz_unmap_file(const uint8_t *base, size_t len) {
    if (len) munmap((void *)base, len);
}
