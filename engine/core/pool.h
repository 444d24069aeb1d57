/* rz_pool: a fixed set of worker threads that run one job at a time, each thread its share.
 * Contract: one caller at a time; the workers sleep between jobs. */
#ifndef RZ_CORE_POOL_H
#define RZ_CORE_POOL_H

#include "engine/core/status.h"

typedef struct rz_pool rz_pool;

typedef void (*rz_pool_fn)(void *ctx, int i, int n);

rz_status rz_pool_new(int n_threads, rz_pool **out, rz_error *err);
/* Joins the workers. */
void rz_pool_free(rz_pool *p);

int rz_pool_size(const rz_pool *p);
/* Calls fn(ctx, i, n) once for every i < n (n = the pool's thread count; i = 0 runs on the
 * caller's thread; p NULL: fn(ctx, 0, 1) alone) and returns when all calls have returned. */
void rz_pool_run(rz_pool *p, rz_pool_fn fn, void *ctx);

#endif
