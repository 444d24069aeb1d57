/* rzb_cmake_build: configures and builds a copy of this source tree in a scratch directory, for
 * claims about the build itself (binary size, reproducibility). Output goes to DIR/build.log. */
#ifndef RZB_CMAKE_BUILD_H
#define RZB_CMAKE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

/* cmake -S <source> -B dir <options...>; cmake --build dir --target <targets...> -j <cores>.
 * options and targets are NULL-terminated lists. Returns false with the failing step in why. */
bool rzb_cmake_build(const char *dir, const char *const *options, const char *const *targets,
                     char *why, size_t cap);

/* The same for another source tree (a worktree of another revision). */
bool rzb_cmake_build_from(const char *source, const char *dir, const char *const *options,
                          const char *const *targets, char *why, size_t cap);

/* The tree a build claim builds: this source tree, or in a smoke run the small project in
 * claims/workloads/smoke_build (the same target and binary names: rz_cli gives rz, rzbench gives
 * rzbench), so a smoke run exercises the claim's logic in seconds instead of a full build. */
const char *rzb_build_source(bool smoke);

/* A fresh scratch directory under $TMPDIR (or /tmp), named for `tag`; false when it cannot. */
bool rzb_scratch_dir(const char *tag, char *out, size_t cap);

/* Removes a scratch directory made by rzb_scratch_dir. */
void rzb_scratch_remove(const char *dir);

#endif
