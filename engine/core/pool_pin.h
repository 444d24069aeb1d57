/* rz_pool_pin: binds the worker threads of a rz_pool to cores of their own with hwloc.
 * Contract: worker i (1 <= i < n; thread 0 is the caller's, which stays unbound so that threads it
 * starts later inherit no binding) is bound to the first PU of a core the process may use (hwloc's
 * allowed cpuset), taking the cores in order and skipping the one the caller last ran on; PUs
 * instead of cores when there are fewer cores than threads; round robin when there are fewer
 * still. Returns how many workers the OS bound, 0 when hwloc cannot load the topology (or
 * without workers). The topology is loaded once per process.
 * rz_default_threads: the thread count the CLIs use when none is given, as llama.cpp does: the
 * physical cores that hold a CPU the calling thread may run on (SMT siblings count once; the
 * threads it starts inherit its mask); the CPUs in its affinity mask when hwloc cannot tell; at
 * least 1.
 * rz_allowed_cpus: the CPUs in the calling thread's affinity mask, at least 1.
 * rz_pool_pin_cores: binds thread i of p (i = 0 is the calling thread, bound too; p NULL: the
 * calling thread alone) to the first allowed PU of allowed core (first + i) mod the allowed
 * cores, so that callers can give several pools disjoint cores. Returns how many threads the OS
 * bound, 0 when hwloc cannot load the topology.
 * rz_allowed_cores: the cores with a PU the process may use (hwloc's allowed cpuset); 0 when
 * hwloc cannot tell. rz_core_cpu: the OS index of the PU rz_pool_pin_cores binds to for allowed
 * core `core` (taken mod the allowed cores); -1 when unknown. */
#ifndef RZ_CORE_POOL_PIN_H
#define RZ_CORE_POOL_PIN_H

#include "engine/core/pool.h"

int rz_pool_pin(rz_pool *p);

int rz_default_threads(void);

int rz_allowed_cpus(void);

int rz_pool_pin_cores(rz_pool *p, int first);

int rz_allowed_cores(void);

int rz_core_cpu(int core);

#endif
