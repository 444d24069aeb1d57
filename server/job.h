/* rz_srv_job: one generation request (completion or chat completion) shared by the HTTP side,
 * which queues it and sends what it produces, and the worker that runs it.
 * Contract: a job is reference counted (rz_srv_job_new returns one reference; each holder drops
 * its own with rz_srv_job_unref, the last frees it). Everything below `mu` is guarded by mu. The
 * worker appends the response bytes to out (server-sent events when streaming, else the whole
 * JSON body at the end) and, each time, resumes the connection when the HTTP side suspended it
 * waiting for bytes; the HTTP side sets `suspended` and suspends under mu, so no wake-up is lost.
 * Generated text is cleaned to valid UTF-8 across token boundaries: a character split over
 * several tokens is held back until complete; invalid bytes, and NUL (JSON strings here are C
 * strings), become U+FFFD. */
#ifndef RZ_SERVER_JOB_H
#define RZ_SERVER_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/generate/generate.h"
#include "engine/tokenizer/buf.h"

struct MHD_Connection;

typedef enum { RZ_JOB_COMPLETION, RZ_JOB_CHAT } rz_srv_job_kind;

typedef struct rz_srv_job rz_srv_job;

struct rz_srv_job {
    atomic_int refs;
    rz_srv_job *next; /* queue link, owned by the queue */
    rz_srv_job_kind kind;
    bool stream;
    char *prompt; /* owned; the formatted prompt text */
    int n_prompt; /* its token count */
    int n_predict;
    rz_sampler_params sampling;
    char id[48];
    long long created;
    const char *model_id;
    struct MHD_Connection *conn;

    pthread_mutex_t mu;
    rz_tok_bytes out;  /* bytes for the client */
    size_t sent;       /* bytes of out already handed to the connection */
    rz_tok_bytes text; /* generated text (non-streaming) */
    unsigned char pending[4];
    size_t n_pending; /* an incomplete UTF-8 character held back */
    bool role_sent;   /* chat streaming: the first delta carried the role */
    bool suspended;   /* the connection waits for out to grow or done */
    bool done;
    unsigned http_status; /* of the finished body (non-streaming) */
    rz_generate_stats stats;
};

/* A new job holding one reference; takes ownership of prompt. NULL when out of memory. */
rz_srv_job *rz_srv_job_new(rz_srv_job_kind kind, bool stream, char *prompt);
void rz_srv_job_unref(rz_srv_job *j);

/* Worker side: one generated piece of text; the whole run's end (st, err and stats of
 * rz_generate). Both lock mu and wake the connection. */
void rz_srv_job_piece(rz_srv_job *j, const char *piece, size_t len);
void rz_srv_job_finish(rz_srv_job *j, rz_status st, const rz_error *err,
                       const rz_generate_stats *stats);

/* Worker side, instead of running a job whose client has gone: done with nothing to send
 * (status 499, as nginx counts a client that closed first). */
void rz_srv_job_abandon(rz_srv_job *j);

/* Appends bytes to dst as valid UTF-8, holding an incomplete trailing character in the job's
 * pending bytes (flush: write it as U+FFFD instead). Caller holds mu. */
rz_status rz_srv_job_clean_utf8(rz_srv_job *j, const char *s, size_t len, bool flush,
                                rz_tok_bytes *dst, rz_error *err);

#endif
