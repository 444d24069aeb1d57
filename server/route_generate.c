/* POST /v1/completions and /v1/chat/completions: parse, queue for a worker, and either suspend
 * the connection until the whole body is ready or stream server-sent events as tokens come. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/internal.h"
#include "server/openai.h"
#include "server/reply.h"

static enum MHD_Result queue_full(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_fault f;
    if (atomic_load(&s->draining))
        rz_srv_fail(&f, 503, "shutting_down", "the server is shutting down");
    else
        rz_srv_fail(&f, 503, "queue_full",
                    "the generation queue is full (%d requests waiting); retry later",
                    s->workers.max_queue);
    return rz_srv_reply_fault(c, r, &f, NULL);
}

/* The content reader of a streamed response: what the worker wrote so far, else suspend. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    rz_srv_job *j = cls;
    ssize_t n = 0;
    pthread_mutex_lock(&j->mu);
    size_t avail = j->out.len - j->sent;
    if (avail) {
        n = (ssize_t)(avail < max ? avail : max);
        memcpy(buf, j->out.data + j->sent, (size_t)n);
        j->sent += (size_t)n;
    } else if (j->done) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        j->suspended = true;
        MHD_suspend_connection(j->conn);
    }
    pthread_mutex_unlock(&j->mu);
    return n;
}

/* The response is done with (sent, or the client went away): the worker must not wake the
 * connection any more, and stops generating if it still was. */
static void stream_free(void *cls) {
    rz_srv_job *j = cls;
    pthread_mutex_lock(&j->mu);
    if (!j->done) atomic_store(&j->cancel, true);
    j->suspended = false;
    j->conn = NULL;
    pthread_mutex_unlock(&j->mu);
    rz_srv_job_unref(j);
}

static enum MHD_Result start_stream(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_job *j = r->job;
    if (!rz_srv_workers_push(&s->workers, j)) return queue_full(s, c, r);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, j, stream_free);
    if (!resp) return MHD_NO;
    atomic_fetch_add(&j->refs, 1);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    rz_srv_keepalive_add(&s->keepalive, j);
    enum MHD_Result ret = rz_srv_reply_response(c, r, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Non-streaming, called again after the worker resumed the connection. */
static enum MHD_Result resumed(struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_job *j = r->job;
    enum MHD_Result ret = MHD_YES;
    pthread_mutex_lock(&j->mu);
    if (!j->done) {
        j->suspended = true;
        MHD_suspend_connection(c);
    } else {
        ret = rz_srv_reply(c, r, j->http_status, "application/json", j->out.data, j->out.len);
    }
    pthread_mutex_unlock(&j->mu);
    return ret;
}

enum MHD_Result rz_srv_route_generate(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    if (r->job) return r->replied ? MHD_YES : resumed(c, r);
    rz_srv_fault f;
    bool chat = r->route == RZ_ROUTE_CHAT;
    rz_srv_job *j = rz_srv_openai_parse(
        r->body.data, r->body.len, chat ? RZ_JOB_CHAT : RZ_JOB_COMPLETION, &s->model, s->n_ctx, &f);
    if (!j) return rz_srv_reply_fault(c, r, &f, NULL);
    snprintf(j->id, sizeof j->id, "%s-%llu", chat ? "chatcmpl" : "cmpl",
             (unsigned long long)atomic_fetch_add(&s->next_id, 1));
    j->created = (long long)time(NULL);
    j->model_id = s->model.id;
    j->conn = c;
    r->job = j;
    if (j->stream) return start_stream(s, c, r);
    pthread_mutex_lock(&j->mu);
    bool queued = rz_srv_workers_push(&s->workers, j);
    if (queued) {
        j->suspended = true;
        MHD_suspend_connection(c);
    }
    pthread_mutex_unlock(&j->mu);
    return queued ? MHD_YES : queue_full(s, c, r);
}
