/* The monotonic clock, one definition for the whole tree: CLOCK_MONOTONIC through the vDSO (no
 * system call), in nanoseconds or in seconds. */
#ifndef RZ_CORE_CLOCK_H
#define RZ_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t rz_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double rz_now_s(void) {
    return 1e-9 * (double)rz_now_ns();
}

#endif
