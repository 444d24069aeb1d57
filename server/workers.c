#include "server/workers.h"
#include "server/sse.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/core/pool_pin.h"

static void on_piece(void *ctx, const char *piece, size_t len) {
    rz_srv_job_piece(ctx, piece, len);
}

/* Whether the client of a job about to start has closed its connection (the peer's end of
 * stream is waiting on the socket). A suspended connection is not watched by libmicrohttpd, so
 * without this every abandoned request in the queue would still be generated in full. */
static bool client_gone(rz_srv_job *j) {
    bool gone = j->stream; /* a stream whose response was already freed */
    pthread_mutex_lock(&j->mu);
    if (j->conn) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(j->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        char b;
        ssize_t n = ci ? recv(ci->connect_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) : 1;
        gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    }
    pthread_mutex_unlock(&j->mu);
    return gone;
}

/* Each token: its logprobs, and the run is cancelled once the client has gone. */
static void on_token(void *ctx, int32_t id, const float *logits, int n_vocab) {
    rz_srv_job_token(ctx, id, logits, n_vocab);
    if (client_gone(ctx)) atomic_store(&((rz_srv_job *)ctx)->cancel, true);
}

/* Runs one job; busy_workers counts it until its last byte is ready. */
static void run_job(rz_srv_worker *wk, rz_srv_job *j) {
    rz_srv_workers *w = wk->pool;
    rz_sampler sampler;
    rz_generate_stats stats = {0};
    rz_error err;
    atomic_fetch_add(&w->metrics->busy_workers, 1);
    rz_status st = rz_sampler_init(&j->sampling, w->model->llama.config.vocab_size, &sampler, &err);
    if (!st) {
        rz_generator g = {.model = &w->model->llama,
                          .state = &wk->state,
                          .vocab = &w->model->vocab,
                          .sampler = &sampler,
                          .on_piece = on_piece,
                          .on_token = on_token,
                          .ctx = j,
                          .cancel = &j->cancel};
        st = rz_generate(&g, j->prompt, j->n_predict, &stats, &err);
        rz_sampler_deinit(&sampler);
    }
    if (!st) rz_srv_metrics_generation(w->metrics, &stats);
    atomic_fetch_sub(&w->metrics->busy_workers, 1);
    if (rz_srv_job_finish(j, st, &err, &stats)) atomic_fetch_add(&w->metrics->cancelled, 1);
}

static void *worker_main(void *arg) {
    rz_srv_worker *wk = arg;
    rz_srv_workers *w = wk->pool;
    if (w->n_cores) rz_pool_pin_cores(wk->state.pool, wk->first_core);
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        rz_srv_job *j = w->head;
        if (j) {
            w->head = j->next;
            if (!w->head) w->tail = NULL;
            w->depth--;
        }
        pthread_mutex_unlock(&w->mu);
        if (!j) return NULL;
        atomic_fetch_sub(&w->metrics->queue_depth, 1);
        if (client_gone(j)) {
            rz_srv_job_abandon(j);
            atomic_fetch_add(&w->metrics->cancelled, 1);
        } else {
            run_job(wk, j);
        }
        rz_srv_job_unref(j);
    }
}

rz_status rz_srv_workers_start(rz_srv_workers *w, const rz_srv_model *m, rz_srv_metrics *metrics,
                               int n_workers, int n_threads, int n_ctx, int max_queue,
                               rz_error *err) {
    *w = (rz_srv_workers){.model = m,
                          .metrics = metrics,
                          .max_queue = max_queue,
                          .n_threads = n_threads,
                          .n_cores = rz_allowed_cores()};
    w->workers = calloc((size_t)n_workers, sizeof *w->workers);
    if (!w->workers) return rz_fail(err, RZ_ENOMEM, "out of memory for %d workers", n_workers);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    rz_status st = RZ_OK;
    for (int i = 0; i < n_workers && !st; i++) {
        rz_srv_worker *wk = &w->workers[i];
        wk->pool = w;
        wk->first_core = w->n_cores ? i * n_threads % w->n_cores : 0;
        st = rz_llama_state_init(&m->llama.config, n_ctx, NULL, n_threads, &wk->state, err);
        if (!st && pthread_create(&wk->thread, NULL, worker_main, wk)) {
            rz_llama_state_deinit(&wk->state);
            st = rz_fail(err, RZ_ENOMEM, "cannot start generation worker %d", i);
        }
        if (!st) w->n_workers++;
    }
    if (st) {
        rz_srv_workers_join(w);
        rz_srv_workers_free(w);
    }
    return st;
}

bool rz_srv_workers_push(rz_srv_workers *w, rz_srv_job *j) {
    pthread_mutex_lock(&w->mu);
    bool ok = !w->stopping && w->depth < w->max_queue;
    if (ok) {
        atomic_fetch_add(&j->refs, 1);
        j->next = NULL;
        if (w->tail)
            w->tail->next = j;
        else
            w->head = j;
        w->tail = j;
        w->depth++;
        atomic_fetch_add(&w->metrics->queue_depth, 1);
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* Answers a queued job with the fault and wakes its connection. */
static void refuse(rz_srv_job *j, const rz_srv_fault *why) {
    char *text = rz_srv_fault_json(why);
    rz_error err;
    pthread_mutex_lock(&j->mu);
    if (j->stream && text) {
        rz_srv_sse_data(&j->out, text, &err);
        rz_srv_sse_done(&j->out, &err);
    } else if (text) {
        j->http_status = why->status;
        rz_tok_bytes_append(&j->out, text, strlen(text), &err);
    }
    j->done = true;
    if (j->suspended && j->conn) {
        j->suspended = false;
        MHD_resume_connection(j->conn);
    }
    pthread_mutex_unlock(&j->mu);
    free(text);
}

void rz_srv_workers_shut(rz_srv_workers *w, const rz_srv_fault *why) {
    if (!w->workers) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    rz_srv_job *queued = w->head;
    w->head = w->tail = NULL;
    w->depth = 0;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    while (queued) {
        rz_srv_job *j = queued;
        queued = j->next;
        atomic_fetch_sub(&w->metrics->queue_depth, 1);
        refuse(j, why);
        rz_srv_job_unref(j);
    }
}

void rz_srv_workers_join(rz_srv_workers *w) {
    if (!w->workers) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->n_workers; i++)
        pthread_join(w->workers[i].thread, NULL);
}

void rz_srv_workers_free(rz_srv_workers *w) {
    if (!w->workers) return;
    for (int i = 0; i < w->n_workers; i++)
        rz_llama_state_deinit(&w->workers[i].state);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->workers);
    w->workers = NULL;
}

void rz_srv_workers_placement(const rz_srv_workers *w, int i, char *out, size_t cap) {
    if (!w->n_cores) {
        snprintf(out, cap, "worker %d: %d thread%s, not pinned (hwloc cannot read the topology)", i,
                 w->n_threads, w->n_threads == 1 ? "" : "s");
        return;
    }
    int first = w->workers[i].first_core, n = w->n_threads;
    int len = snprintf(out, cap, "worker %d: core%s %d", i, n == 1 ? "" : "s", first);
    for (int t = 1; t < n && len > 0 && (size_t)len < cap; t++)
        len += snprintf(out + len, cap - (size_t)len, ",%d", (first + t) % w->n_cores);
    for (int t = 0; t < n && len > 0 && (size_t)len < cap; t++)
        len += snprintf(out + len, cap - (size_t)len, "%s%d",
                        t        ? ","
                        : n == 1 ? " (CPU "
                                 : " (CPUs ",
                        rz_core_cpu((first + t) % w->n_cores));
    int threads = w->n_workers * n;
    if (len > 0 && (size_t)len < cap && threads > w->n_cores)
        snprintf(out + len, cap - (size_t)len, "), wrapped around: %d threads on %d cores", threads,
                 w->n_cores);
    else if (len > 0 && (size_t)len < cap)
        snprintf(out + len, cap - (size_t)len, ")");
}
