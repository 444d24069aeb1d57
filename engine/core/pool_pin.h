/* rz_pool_pin: binds the worker threads of a rz_pool to cores of their own with hwloc.
 * Contract: the topology is loaded once per process. */
#ifndef RZ_CORE_POOL_PIN_H
#define RZ_CORE_POOL_PIN_H

#include "engine/core/pool.h"

/* Binds worker i (1 <= i < n; thread 0 is the caller's, which stays unbound so that threads it
 * starts later inherit no binding) to the first PU of a core the process may use (hwloc's allowed
 * cpuset), taking the cores in order and skipping the one the caller last ran on; PUs instead of
 * cores when there are fewer cores than threads; round robin when there are fewer still. Returns
 * how many workers the OS bound, 0 when hwloc cannot load the topology (or without workers). */
int rz_pool_pin(rz_pool *p);

/* The thread count the CLIs use when none is given, as llama.cpp does: the physical cores that
 * hold a CPU the calling thread may run on (SMT siblings count once; the threads it starts
 * inherit its mask); the CPUs in its affinity mask when hwloc cannot tell; at least 1. */
int rz_default_threads(void);

/* The CPUs in the calling thread's affinity mask, at least 1. */
int rz_allowed_cpus(void);

/* Binds thread i of p (i = 0 is the calling thread, bound too; p NULL: the calling thread alone)
 * to the first allowed PU of allowed core (first + i) mod the allowed cores, so that callers can
 * give several pools disjoint cores. Returns how many threads the OS bound, 0 when hwloc cannot
 * load the topology. */
int rz_pool_pin_cores(rz_pool *p, int first);

/* The cores with a PU the process may use (hwloc's allowed cpuset); 0 when hwloc cannot tell. */
int rz_allowed_cores(void);

/* The OS index of the PU rz_pool_pin_cores binds to for allowed core `core` (taken mod the
 * allowed cores); -1 when unknown. */
int rz_core_cpu(int core);

#endif
