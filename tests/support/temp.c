#define _XOPEN_SOURCE 700
#include "tests/support/temp.h"

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *paths[RZT_TEMP_MAX];
static int n_paths;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_all(void) {
    for (int i = n_paths - 1; i >= 0; i--) {
        nftw(paths[i], remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free(paths[i]);
    }
    n_paths = 0;
}

/* Forgets the paths the test removed itself (a loop of temporary files). */
static void forget_removed(void) {
    int kept = 0;
    for (int i = 0; i < n_paths; i++) {
        if (access(paths[i], F_OK) == 0)
            paths[kept++] = paths[i];
        else
            free(paths[i]);
    }
    n_paths = kept;
}

void rzt_remove_at_exit(const char *path) {
    static bool registered;
    if (!registered) registered = !atexit(remove_all);
    if (n_paths == RZT_TEMP_MAX) forget_removed();
    if (n_paths == RZT_TEMP_MAX || strncmp(path, "/tmp/rzt-", 9)) {
        fprintf(stderr, "rzt_remove_at_exit: refusing %s (%d paths registered)\n", path, n_paths);
        abort();
    }
    if (!(paths[n_paths++] = strdup(path))) abort();
}

char *rzt_temp_dir(char *templ) {
    if (!mkdtemp(templ)) return NULL;
    rzt_remove_at_exit(templ);
    return templ;
}

const char *rzt_write_temp(const void *buf, size_t len, const char *suffix) {
    static char path[256];
    snprintf(path, sizeof path, "/tmp/rzt-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0) return NULL;
    rzt_remove_at_exit(path);
    ssize_t w = write(fd, buf, len);
    close(fd);
    return w == (ssize_t)len ? path : NULL;
}
