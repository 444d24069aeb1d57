#include "server/job.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/clock.h"
#include "server/openai.h"

rz_srv_job *rz_srv_job_new(rz_srv_job_kind kind, bool stream, char *prompt) {
    rz_srv_job *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    atomic_init(&j->refs, 1);
    atomic_init(&j->cancel, false);
    j->kind = kind;
    j->stream = stream;
    j->prompt = prompt;
    j->logprobs = -1;
    j->http_status = 200;
    j->out_ns = rz_now_ns();
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

void rz_srv_job_unref(rz_srv_job *j) {
    if (!j || atomic_fetch_sub(&j->refs, 1) != 1) return;
    pthread_mutex_destroy(&j->mu);
    rz_tok_bytes_free(&j->out);
    rz_tok_bytes_free(&j->text);
    rz_tok_bytes_free(&j->held);
    rz_srv_stop_free(&j->stop);
    free(j->lp);
    free(j->prompt);
    free(j);
}

/* out grew: resumes the connection when it waits for this job. Caller holds mu. */
static void wake(rz_srv_job *j) {
    j->out_ns = rz_now_ns();
    if (!j->suspended || !j->conn) return;
    j->suspended = false;
    MHD_resume_connection(j->conn);
}

void rz_srv_job_token(rz_srv_job *j, int32_t id, const float *logits, int n_vocab) {
    if (j->logprobs < 0) return;
    rz_srv_logprob_entry e;
    rz_srv_logprobs(logits, n_vocab, id, j->logprobs, &e);
    pthread_mutex_lock(&j->mu);
    if (j->n_lp == j->cap_lp) {
        size_t cap = j->cap_lp ? 2 * j->cap_lp : 16;
        rz_srv_logprob_entry *lp = realloc(j->lp, cap * sizeof *lp);
        if (lp) {
            j->lp = lp;
            j->cap_lp = cap;
        }
    }
    e.offset = j->released + j->held.len;
    if (j->n_lp < j->cap_lp) j->lp[j->n_lp++] = e;
    pthread_mutex_unlock(&j->mu);
}

/* Releases the held text the stop strings let go (final: all of it unless one matched), with
 * the logprobs of the tokens that start in it; a match sets cancel. Caller holds mu. */
static void release(rz_srv_job *j, bool final) {
    rz_error err;
    bool found;
    const char *held = j->held.data ? j->held.data : "";
    size_t n = rz_srv_stop_scan(&j->stop, held, j->held.len, final, &found);
    size_t lp_end = j->lp_released;
    j->released += n;
    while (lp_end < j->n_lp && (j->lp[lp_end].offset < j->released || (final && !found)))
        lp_end++;
    if (!j->stream) {
        rz_tok_bytes_append(&j->text, held, n, &err);
    } else if (n || lp_end > j->lp_released) {
        char *text = strndup(held, n);
        if (text && !rz_srv_openai_chunk(j, text, j->lp_released, lp_end, &err)) wake(j);
        free(text);
    }
    j->lp_released = lp_end;
    if (found) {
        j->stop_hit = true;
        atomic_store(&j->cancel, true);
        n = j->held.len;
    }
    if (!j->held.data) return;
    memmove(j->held.data, j->held.data + n, j->held.len - n);
    j->held.len -= n;
    j->held.data[j->held.len] = 0;
}

void rz_srv_job_piece(rz_srv_job *j, const char *piece, size_t len) {
    rz_error err;
    pthread_mutex_lock(&j->mu);
    if (!j->stop_hit && !rz_srv_utf8_clean(&j->utf8, piece, len, false, &j->held, &err))
        release(j, false);
    pthread_mutex_unlock(&j->mu);
}

bool rz_srv_job_finish(rz_srv_job *j, rz_status st, const rz_error *gen_err,
                       const rz_generate_stats *stats) {
    rz_error err;
    pthread_mutex_lock(&j->mu);
    j->stats = *stats;
    if (!j->stop_hit && !rz_srv_utf8_clean(&j->utf8, "", 0, true, &j->held, &err)) release(j, true);
    bool gone = !st && stats->cancelled && !j->stop_hit;
    if (gone && !j->stream) j->http_status = 499;
    rz_srv_openai_finish(j, st ? gen_err : NULL);
    j->done = true;
    wake(j);
    pthread_mutex_unlock(&j->mu);
    return gone;
}

void rz_srv_job_abandon(rz_srv_job *j) {
    pthread_mutex_lock(&j->mu);
    j->http_status = 499;
    j->done = true;
    wake(j);
    pthread_mutex_unlock(&j->mu);
}

bool rz_srv_job_keepalive(rz_srv_job *j, uint64_t now_ns, uint64_t interval_ns) {
    static const char comment[] = ": keep-alive\n\n";
    rz_error err;
    pthread_mutex_lock(&j->mu);
    bool waiting = j->stream && !j->done && j->conn;
    if (waiting && now_ns >= j->out_ns + interval_ns &&
        !rz_tok_bytes_append(&j->out, comment, sizeof comment - 1, &err))
        wake(j);
    pthread_mutex_unlock(&j->mu);
    return waiting;
}
