/* rzb_probe_bandwidth: memory bandwidth measured with STREAM's triad, a[i] = b[i] + s * c[i] over
 * doubles, counted as STREAM counts it (3 arrays' bytes per pass; write-allocate traffic not
 * counted). */
#ifndef RZB_PROBE_BANDWIDTH_H
#define RZB_PROBE_BANDWIDTH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int threads, placed; /* threads asked for; threads that got a CPU of their own */
    int reps;
    size_t array_bytes; /* per array, after any halving */
    size_t l3_bytes;    /* the last-level cache size the OS reports (0 when unknown) */
    bool cache_caveat;  /* the three arrays together are under 4x l3_bytes, so part of them may
                         * be served from cache */
    double best_gbs, median_gbs; /* 1 GB = 1e9 bytes */
} rzb_bandwidth;

/* Allocates three arrays of array_bytes each (halving the size while memory refuses, down to
 * 16 MiB) on huge pages where the system allows (rz_huge_alloc, as rz's packed weights: a
 * roofline for them must not pay TLB misses they do not), touches them first on the threads that
 * will use them, then times `reps` passes on n_threads threads (rzb_pool_pin: one CPU each; each
 * thread its contiguous share) and keeps the best and the median GB/s. False with the reason in why
 * when even the smallest arrays cannot be allocated or n_threads < 1. */
bool rzb_probe_bandwidth(int n_threads, size_t array_bytes, int reps, rzb_bandwidth *out, char *why,
                         size_t cap);

#endif
