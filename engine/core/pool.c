/* rz_pool (engine/core/pool.h): workers spin briefly on an atomic job counter, then sleep on a
 * condition variable; the caller spins briefly on the count of unfinished shares, then sleeps. */
#include "engine/core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* Polls before sleeping: about 50-100 us of pause instructions, short enough that a pool sharing
 * its cores with other work gives them up soon, long enough to cover the gap between two
 * matrix products of a forward pass. */
enum { SPIN = 2048 };

struct rz_pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t start; /* a new job or shutdown, for sleeping workers */
    pthread_cond_t done;  /* pending reached 0, for a sleeping caller */
    atomic_ulong generation;
    atomic_int pending; /* workers still running the current job */
    atomic_int stop;
    int sleepers; /* workers waiting on start (under lock) */
    rz_pool_fn fn;
    void *ctx;
};

typedef struct {
    rz_pool *pool;
    int index;
} worker_arg;

/* Waits until the generation differs from seen or the pool stops; returns the generation. */
static unsigned long next_job(rz_pool *p, unsigned long seen) {
    for (int i = 0; i < SPIN; i++) {
        unsigned long g = atomic_load_explicit(&p->generation, memory_order_acquire);
        if (g != seen || atomic_load(&p->stop)) return g;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    p->sleepers++;
    while (atomic_load(&p->generation) == seen && !atomic_load(&p->stop))
        pthread_cond_wait(&p->start, &p->lock);
    p->sleepers--;
    pthread_mutex_unlock(&p->lock);
    return atomic_load_explicit(&p->generation, memory_order_acquire);
}

static void *worker(void *arg) {
    worker_arg a = *(worker_arg *)arg;
    free(arg);
    rz_pool *p = a.pool;
    unsigned long seen = 0;
    for (;;) {
        seen = next_job(p, seen);
        if (atomic_load(&p->stop)) break;
        p->fn(p->ctx, a.index, p->n);
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
    }
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
    atomic_init(&p->generation, 0);
    atomic_init(&p->pending, 0);
    atomic_init(&p->stop, 0);
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
    atomic_store(&p->stop, 1);
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
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    pthread_mutex_lock(&p->lock);
    if (p->sleepers) pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->lock);
    fn(ctx, 0, p->n);
    for (int i = 0; i < SPIN; i++) {
        if (atomic_load_explicit(&p->pending, memory_order_acquire) == 0) return;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
