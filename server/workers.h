/* rz_srv_workers: the generation queue and the --parallel workers that serve it. Each worker owns
 * a llama state (its KV cache of n_ctx positions, n_threads threads for the matrix products) and
 * a sampler per request; the model and its vocabulary are shared read-only.
 * Contract: jobs run in arrival order; push refuses (false) when max_queue jobs wait or the
 * workers are stopping, and otherwise takes a reference of its own. stop lets the queued jobs
 * finish, then joins every worker. metrics' queue_depth and busy_workers follow the queue. */
#ifndef RZ_SERVER_WORKERS_H
#define RZ_SERVER_WORKERS_H

#include <pthread.h>
#include <stdbool.h>

#include "engine/models/llama_forward.h"
#include "server/job.h"
#include "server/metrics.h"
#include "server/model.h"

typedef struct rz_srv_workers rz_srv_workers;

typedef struct {
    rz_srv_workers *pool;
    rz_llama_state state;
    pthread_t thread;
} rz_srv_worker;

struct rz_srv_workers {
    const rz_srv_model *model;
    rz_srv_metrics *metrics;
    int n_workers, max_queue, depth;
    rz_srv_worker *workers;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rz_srv_job *head, *tail;
    bool stopping;
};

rz_status rz_srv_workers_start(rz_srv_workers *w, const rz_srv_model *m, rz_srv_metrics *metrics,
                               int n_workers, int n_threads, int n_ctx, int max_queue,
                               rz_error *err);
bool rz_srv_workers_push(rz_srv_workers *w, rz_srv_job *j);
void rz_srv_workers_stop(rz_srv_workers *w);

#endif
