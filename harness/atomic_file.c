#include "harness/atomic_file.h"

#include <stdlib.h>
#include <string.h>
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
