#include "engine/core/pool.h"

#include <pthread.h>
#include <stdlib.h>

struct rz_pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t start; /* a new job (generation changed) or shutdown */
    pthread_cond_t done;  /* pending reached 0 */
    unsigned long generation;
    int pending; /* workers still running the current job */
    int stop;
    rz_pool_fn fn;
    void *ctx;
};

typedef struct {
    rz_pool *pool;
    int index;
} worker_arg;

static void *worker(void *arg) {
    worker_arg a = *(worker_arg *)arg;
    free(arg);
    rz_pool *p = a.pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->start, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        rz_pool_fn fn = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->lock);
        fn(ctx, a.index, p->n);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

rz_status rz_pool_new(int n_threads, rz_pool **out, rz_error *err) {
    if (n_threads < 1 || n_threads > 1024)
        return rz_fail(err, RZ_EINVAL, "thread count %d: expected 1..1024", n_threads);
    rz_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->threads = calloc((size_t)n_threads, sizeof *p->threads))) {
        free(p);
        return rz_fail(err, RZ_ENOMEM, "out of memory for a pool of %d threads", n_threads);
    }
    p->n = 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int i = 1; i < n_threads; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (a) *a = (worker_arg){p, i};
        if (!a || pthread_create(&p->threads[i], NULL, worker, a)) {
            free(a);
            rz_pool_free(p);
            return rz_fail(err, RZ_ENOMEM, "could not start thread %d of %d", i + 1, n_threads);
        }
        p->n = i + 1;
    }
    *out = p;
    return RZ_OK;
}

void rz_pool_free(rz_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->lock);
    for (int i = 1; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->start);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}

int rz_pool_size(const rz_pool *p) {
    return p ? p->n : 1;
}

void rz_pool_run(rz_pool *p, rz_pool_fn fn, void *ctx) {
    if (!p || p->n == 1) {
        fn(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->pending = p->n - 1;
    p->generation++;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->lock);
    fn(ctx, 0, p->n);
    pthread_mutex_lock(&p->lock);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
