#include "harness/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool rzb_atomic_open(rzb_atomic_file *a, const char *path) {
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) return false;
    a->f = fdopen(fd, "w");
    if (!a->f) {
        close(fd);
        unlink(a->tmp);
        return false;
    }
    return true;
}

bool rzb_atomic_close(rzb_atomic_file *a, bool ok) {
    ok = ok && fflush(a->f) == 0 && !ferror(a->f) && fsync(fileno(a->f)) == 0;
    ok = fclose(a->f) == 0 && ok;
    a->f = NULL;
    if (ok && rename(a->tmp, a->path) == 0) return true;
    unlink(a->tmp);
    return false;
}

bool rzb_atomic_open_said(rzb_atomic_file *a, const char *path, char *err, size_t cap) {
    if (rzb_atomic_open(a, path)) return true;
    snprintf(err, cap, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
    return false;
}

bool rzb_atomic_close_said(rzb_atomic_file *a, bool ok, char *err, size_t cap) {
    errno = 0;
    if (rzb_atomic_close(a, ok)) return true;
    snprintf(err, cap, "%s: write failed (%s); the previous file is untouched", a->path,
             errno ? strerror(errno) : "stream error");
    return false;
}

bool rzb_make_dirs(const char *dir, char *err, size_t cap) {
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    if (mkdir(p, 0755) == 0 || errno == EEXIST) return true;
    snprintf(err, cap, "%s: cannot create the directory: %s", dir, strerror(errno));
    return false;
}
