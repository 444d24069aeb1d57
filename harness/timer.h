/* Monotonic wall-clock time in nanoseconds (CLOCK_MONOTONIC, vDSO: no system call). */
#ifndef RZB_TIMER_H
#define RZB_TIMER_H

#include <stdint.h>
#include <time.h>

static inline uint64_t rzb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Median cost of one rzb_now_ns() pair, measured now; per-call samples include it. */
double rzb_timer_overhead_ns(void);

#endif
