/* rz_pool_pin: binds the threads of a rz_pool to distinct cores with hwloc.
 * Contract: thread i of the pool (i = 0 is the caller's) is bound to the first PU of the
 * (i mod n)-th of the n cores the process may use (hwloc's allowed cpuset; PUs instead of
 * cores when the pool has more threads than there are cores). Returns how many threads the OS
 * bound, 0 when hwloc cannot load the topology. The caller's binding outlasts the call. The
 * topology is loaded once per process. */
#ifndef RZ_CORE_POOL_PIN_H
#define RZ_CORE_POOL_PIN_H

#include "engine/core/pool.h"

int rz_pool_pin(rz_pool *p);

#endif
