/* rz_srv_workers: the generation queue and the --parallel workers that serve it. Each worker owns
 * a llama state (its KV cache of n_ctx positions, n_threads threads for the matrix products) and
 * a sampler per request; the model and its vocabulary are shared read-only.
 * Worker i's threads (its own and its pool's) are pinned to n_threads cores of their own: allowed
 * cores [i * n_threads, (i + 1) * n_threads), wrapping around only when the cores run out.
 * Contract: jobs run in arrival order; metrics' queue_depth and busy_workers follow the queue. */
#ifndef RZ_SERVER_WORKERS_H
#define RZ_SERVER_WORKERS_H

#include <pthread.h>
#include <stdbool.h>

#include "engine/models/llama_forward.h"
#include "server/fault.h"
#include "server/job.h"
#include "server/metrics.h"
#include "server/model.h"

typedef struct rz_srv_workers rz_srv_workers;

typedef struct {
    rz_srv_workers *pool;
    rz_llama_state state;
    pthread_t thread;
    int first_core; /* of the allowed cores */
} rz_srv_worker;

struct rz_srv_workers {
    const rz_srv_model *model;
    rz_srv_metrics *metrics;
    int n_workers, max_queue, depth, n_threads;
    int n_cores; /* allowed cores; 0: hwloc cannot tell, nothing is pinned */
    rz_srv_worker *workers;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rz_srv_job *head, *tail;
    bool stopping;
};

rz_status rz_srv_workers_start(rz_srv_workers *w, const rz_srv_model *m, rz_srv_metrics *metrics,
                               int n_workers, int n_threads, int n_ctx, int max_queue,
                               rz_error *err);
/* Refuses (false) when max_queue jobs wait or the workers are shut, and otherwise takes a
 * reference of its own. */
bool rz_srv_workers_push(rz_srv_workers *w, rz_srv_job *j);
/* Refuses every later push and answers each queued job with a fault (non-streaming: its status
 * and error body; streaming: an error event and "data: [DONE]"), waking its connection; the
 * running jobs go on. */
void rz_srv_workers_shut(rz_srv_workers *w, const rz_srv_fault *why);
/* Waits for the running jobs and joins the workers. */
void rz_srv_workers_join(rz_srv_workers *w);
/* Frees the queue; after join, once no push can come. */
void rz_srv_workers_free(rz_srv_workers *w);

/* Where worker i runs, one line ("worker 0: cores 0-1 (CPUs 0,1)"). */
void rz_srv_workers_placement(const rz_srv_workers *w, int i, char *out, size_t cap);

#endif
