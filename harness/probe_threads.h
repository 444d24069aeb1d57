/* rzb_pool_pin: spreads the threads of an rz_pool over distinct CPUs, so that a measurement on n
 * threads really uses n cores (a pool's workers inherit the binding of the thread that made them,
 * which in rzbench is one PU).
 * Contract: the engine's rz_pool_pin (engine/core/pool_pin.h): thread 0 (the caller, usually the
 * pinned measuring thread) keeps its binding, the workers go to the other cores. Returns how many
 * of the pool's threads ended up on a CPU of their own (the caller included, at most the online
 * CPUs); never fails the measurement. */
#ifndef RZB_PROBE_THREADS_H
#define RZB_PROBE_THREADS_H

#include "engine/core/pool.h"

int rzb_pool_pin(rz_pool *p);

/* Online CPUs of this machine (at least 1). */
int rzb_online_cpus(void);

#endif
