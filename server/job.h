/* rz_srv_job: one generation request (completion or chat completion) shared by the HTTP side,
 * which queues it and sends what it produces, and the worker that runs it.
 * Contract: a job is reference counted (rz_srv_job_new returns one reference; each holder drops
 * its own with rz_srv_job_unref, the last frees it). Everything below `mu` is guarded by mu. The
 * worker appends the response bytes to out (server-sent events when streaming, else the whole
 * JSON body at the end) and, each time, resumes the connection when the HTTP side suspended it
 * waiting for bytes; the HTTP side sets `suspended` and suspends under mu, so no wake-up is
 * lost. */
#ifndef RZ_SERVER_JOB_H
#define RZ_SERVER_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/generate/generate.h"
#include "engine/tokenizer/buf.h"
#include "server/logprobs.h"
#include "server/stop.h"
#include "server/utf8.h"

struct MHD_Connection;

typedef enum { RZ_JOB_COMPLETION, RZ_JOB_CHAT } rz_srv_job_kind;

typedef struct rz_srv_job rz_srv_job;

struct rz_srv_job {
    atomic_int refs;
    atomic_bool cancel; /* ends the run: a stop string matched, or the client went away */
    rz_srv_job *next;   /* queue link, owned by the queue */
    rz_srv_job_kind kind;
    bool stream;
    char *prompt; /* owned; the formatted prompt text */
    int n_prompt; /* its token count */
    int n_predict;
    rz_sampler_params sampling;
    rz_srv_stop stop;
    int logprobs; /* top alternatives per token (0..RZ_SRV_MAX_TOP_LOGPROBS); -1: none */
    const rz_tok_vocab *vocab;
    char id[48];
    long long created;
    const char *model_id;
    struct MHD_Connection *conn;

    pthread_mutex_t mu;
    rz_tok_bytes out;  /* bytes for the client */
    size_t sent;       /* bytes of out already handed to the connection */
    uint64_t out_ns;   /* when out last grew (CLOCK_MONOTONIC), or the job was made */
    rz_tok_bytes text; /* generated text released (non-streaming) */
    rz_srv_utf8 utf8;
    rz_tok_bytes held; /* clean text not yet released (a stop string could start there) */
    size_t released;   /* bytes of text released so far */
    bool stop_hit;     /* a stop string matched */
    rz_srv_logprob_entry *lp;
    size_t n_lp, cap_lp, lp_released;
    bool role_sent; /* chat streaming: the first delta carried the role */
    bool suspended; /* the connection waits for out to grow or done */
    bool done;
    unsigned http_status; /* of the finished body (non-streaming) */
    rz_generate_stats stats;
};

/* A new job holding one reference; takes ownership of prompt. NULL when out of memory. */
rz_srv_job *rz_srv_job_new(rz_srv_job_kind kind, bool stream, char *prompt);
void rz_srv_job_unref(rz_srv_job *j);

/* Worker side: one sampled token and its raw logits (kept when logprobs were asked for); one
 * generated piece of text; the whole run's end (st, err and stats of rz_generate), which returns
 * whether the run was cancelled because the client went away. Each locks mu and wakes the
 * connection when out grew. Generated text is cleaned to valid UTF-8 (utf8.h), then held back
 * while it could still be the start of a stop string (stop.h); a match ends the text just before
 * the stop string and sets cancel, which is also set when the client goes away and ends the run
 * (rz_generate's flag). With logprobs >= 0 every token's entry (logprobs.h) is kept and released
 * with the text it starts. */
void rz_srv_job_token(rz_srv_job *j, int32_t id, const float *logits, int n_vocab);
void rz_srv_job_piece(rz_srv_job *j, const char *piece, size_t len);
bool rz_srv_job_finish(rz_srv_job *j, rz_status st, const rz_error *err,
                       const rz_generate_stats *stats);

/* Worker side, instead of running a job whose client has gone: done with nothing to send
 * (status 499, as nginx counts a client that closed first). */
void rz_srv_job_abandon(rz_srv_job *j);

/* Keep-alive: a stream not done that sent nothing for interval_ns gets an SSE comment line.
 * Returns false once the job needs no more (done, or its response freed). */
bool rz_srv_job_keepalive(rz_srv_job *j, uint64_t now_ns, uint64_t interval_ns);

#endif
