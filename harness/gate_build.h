/* rzb_gate_build: a git revision of this source tree, checked out in a worktree and built (rz,
 * rz-serve, rzbench; Release, warnings as errors when this build has them), cached by
 * commit, for `rzbench gate --against REV`.
 * Contract: CACHE/COMMIT/src is the worktree, CACHE/COMMIT/src/build the build (laid out like
 * this tree's build/, so ccache with CCACHE_BASEDIR reuses its objects), CACHE/COMMIT/ok marks a
 * finished build, so a second gate against the same commit builds nothing; a lock file
 * keeps two gates from building one commit at once. ccache is used when it is installed.
 * Nothing here exits; every failure comes back with the step, the command and where its log is. */
#ifndef RZB_GATE_BUILD_H
#define RZB_GATE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char commit[41];
    char dir[4096];     /* CACHE/COMMIT */
    char rzbench[4200]; /* the built rzbench */
    bool cached;        /* found built */
    double build_s;     /* time spent building (0 when cached) */
} rzb_gate_build;

/* The full commit hash of revision `rev` in the git repository at `source`; false (with git's
 * own message) for a revision git does not know. */
bool rzb_gate_resolve(const char *source, const char *rev, char commit[41], char *why, size_t cap);

/* The cache directory: $RZB_GATE_CACHE, else $XDG_CACHE_HOME/rzbench/gate, else
 * $HOME/.cache/rzbench/gate. */
void rzb_gate_cache_dir(char *out, size_t cap);

/* Checks out and builds `commit` unless it is cached, with one job per CPU. */
bool rzb_gate_build_commit(const char *source, const char *cache, const char *commit,
                           rzb_gate_build *out, char *why, size_t cap);

#endif
