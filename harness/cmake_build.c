#include "harness/cmake_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "build_info.h"
#include "harness/subprocess.h"

bool rzb_cmake_build(const char *dir, const char *const *options, const char *const *targets,
                     char *why, size_t cap) {
    return rzb_cmake_build_from(RZ_SOURCE_DIR, dir, options, targets, why, cap);
}

bool rzb_cmake_build_from(const char *source, const char *dir, const char *const *options,
                          const char *const *targets, char *why, size_t cap) {
    char log[4200], jobs[16];
    snprintf(log, sizeof log, "%s/build.log", dir);
    snprintf(jobs, sizeof jobs, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    char *configure[32] = {"cmake", "-S", (char *)source, "-B", (char *)dir};
    int n = 5;
    for (int i = 0; options && options[i] && n < 31; i++)
        configure[n++] = (char *)options[i];
    if (rzb_run_logged(configure, log) != 0) {
        snprintf(why, cap, "cmake configure failed (see %s)", log);
        return false;
    }
    char *build[32] = {"cmake", "--build", (char *)dir, "-j", jobs, "--target"};
    n = 6;
    for (int i = 0; targets && targets[i] && n < 31; i++)
        build[n++] = (char *)targets[i];
    if (rzb_run_logged(build, log) != 0) {
        snprintf(why, cap, "cmake --build failed (see %s)", log);
        return false;
    }
    return true;
}

const char *rzb_build_source(bool smoke) {
    return smoke ? RZ_SOURCE_DIR "/claims/workloads/smoke_build" : RZ_SOURCE_DIR;
}

bool rzb_scratch_dir(const char *tag, char *out, size_t cap) {
    const char *tmp = getenv("TMPDIR");
    snprintf(out, cap, "%s/rzbench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    return mkdtemp(out) != NULL;
}

void rzb_scratch_remove(const char *dir) {
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    rzb_run_logged(argv, "/dev/null");
}
