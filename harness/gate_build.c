#include "harness/gate_build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "build_info.h"
#include "harness/atomic_file.h"
#include "harness/cmake_build.h"
#include "harness/subprocess.h"
#include "harness/timer.h"

bool rzb_gate_resolve(const char *source, const char *rev, char commit[41], char *why, size_t cap) {
    char spec[512], out[128];
    snprintf(spec, sizeof spec, "%s^{commit}", rev);
    char *argv[] = {"git", "-C", (char *)source, "rev-parse", "--verify", "--quiet", spec, NULL};
    uint64_t ns;
    int rc = rzb_time_process(argv, &ns, out, sizeof out);
    out[strcspn(out, "\n")] = 0;
    if (rc != 0 || strlen(out) != 40) {
        snprintf(
            why, cap,
            rc == -2
                ? "cannot run git to resolve '%s' in %s (is git installed?)"
                : "git does not know the revision '%s' in %s (expected a commit, branch, tag or e.g. HEAD~1)",
            rev, source);
        return false;
    }
    memcpy(commit, out, 41);
    return true;
}

void rzb_gate_cache_dir(char *out, size_t cap) {
    const char *env = getenv("RZB_GATE_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(out, cap, "%s", env);
    else if (xdg && *xdg)
        snprintf(out, cap, "%s/rzbench/gate", xdg);
    else
        snprintf(out, cap, "%s/.cache/rzbench/gate", home && *home ? home : "/tmp");
}

static bool on_path(const char *tool) {
    const char *path = getenv("PATH");
    char dir[4096], exe[4200];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        snprintf(exe, sizeof exe, "%s/%s", dir, tool);
        if (access(exe, X_OK) == 0) return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* A fresh worktree of `commit` at DIR/src (an interrupted one is removed first). */
static bool checkout(const char *source, const rzb_gate_build *b, char *why, size_t cap) {
    char src[4200], log[4200];
    snprintf(src, sizeof src, "%s/src", b->dir);
    snprintf(log, sizeof log, "%s/checkout.log", b->dir);
    char *rm[] = {"rm", "-rf", src, NULL};
    char *prune[] = {"git", "-C", (char *)source, "worktree", "prune", NULL};
    char *add[] = {"git",     "-C", (char *)source,    "worktree", "add", "--detach",
                   "--force", src,  (char *)b->commit, NULL};
    if (rzb_run_logged(rm, log) != 0 || rzb_run_logged(prune, log) != 0 ||
        rzb_run_logged(add, log) != 0) {
        snprintf(why, cap, "git worktree add of %s into %s failed (see %s)", b->commit, src, log);
        return false;
    }
    return true;
}

static bool build(const char *source, rzb_gate_build *b, char *why, size_t cap) {
    char src[4200], dir[4200];
    snprintf(src, sizeof src, "%s/src", b->dir);
    snprintf(dir, sizeof dir, "%s/src/build", b->dir);
    if (!checkout(source, b, why, cap)) return false;
    if (!rzb_make_dirs(dir, why, cap)) return false;
    /* Built as this build was (warnings as errors or not), so both compile alike and ccache
     * can reuse this build's objects. */
    const char *options[4] = {"-DCMAKE_BUILD_TYPE=Release"};
    int n = 1;
    if (strstr(RZ_BUILD_FLAGS, "-Werror")) options[n++] = "-DRZ_WERROR=ON";
    if (on_path("ccache")) {
        options[n++] = "-DCMAKE_C_COMPILER_LAUNCHER=ccache";
        setenv("CCACHE_BASEDIR", src, 1);
    }
    const char *targets[] = {"rzbench", NULL};
    uint64_t t0 = rz_now_ns();
    bool ok = rzb_cmake_build_from(src, dir, options, targets, why, cap);
    unsetenv("CCACHE_BASEDIR");
    b->build_s = (double)(rz_now_ns() - t0) / 1e9;
    return ok;
}

bool rzb_gate_build_commit(const char *source, const char *cache, const char *commit,
                           rzb_gate_build *out, char *why, size_t cap) {
    memset(out, 0, sizeof *out);
    snprintf(out->commit, sizeof out->commit, "%s", commit);
    snprintf(out->dir, sizeof out->dir, "%s/%s", cache, commit);
    snprintf(out->rzbench, sizeof out->rzbench, "%s/src/build/rzbench", out->dir);
    if (!rzb_make_dirs(out->dir, why, cap)) return false;
    char lock[4200], ok[4200];
    snprintf(lock, sizeof lock, "%s.lock", out->dir);
    snprintf(ok, sizeof ok, "%s/ok", out->dir);
    int fd = open(lock, O_CREAT | O_RDWR, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        snprintf(why, cap, "%s: cannot lock: %s", lock, strerror(errno));
        if (fd >= 0) close(fd);
        return false;
    }
    out->cached = access(ok, F_OK) == 0 && access(out->rzbench, X_OK) == 0;
    bool built = out->cached || build(source, out, why, cap);
    if (built && !out->cached) {
        FILE *f = fopen(ok, "w");
        if (f) fclose(f);
    }
    close(fd);
    return built;
}
