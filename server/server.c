#include "server/server.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/internal.h"
#include "server/reply.h"

typedef struct {
    const char *method;
    rz_srv_route_fn fn;
    int needs; /* -1 any model, else the rz_srv_model_kind the route needs */
} route_def;

static const route_def routes[RZ_ROUTE_OTHER] = {
    [RZ_ROUTE_HEALTH] = {"GET", rz_srv_route_health, -1},
    [RZ_ROUTE_METRICS] = {"GET", rz_srv_route_metrics, -1},
    [RZ_ROUTE_MODELS] = {"GET", rz_srv_route_models, -1},
    [RZ_ROUTE_COMPLETIONS] = {"POST", rz_srv_route_generate, RZ_SRV_LLAMA},
    [RZ_ROUTE_CHAT] = {"POST", rz_srv_route_generate, RZ_SRV_LLAMA},
    [RZ_ROUTE_TOKENIZE] = {"POST", rz_srv_route_tokenize, RZ_SRV_LLAMA},
    [RZ_ROUTE_DETOKENIZE] = {"POST", rz_srv_route_detokenize, RZ_SRV_LLAMA},
    [RZ_ROUTE_PREDICT] = {"POST", rz_srv_route_predict, RZ_SRV_APR},
};

enum { DISCARD_MAX = 64 << 20 };

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The checks made before any body byte is read; true when a refusal was queued. */
static bool refuse_early(rz_server *s, struct MHD_Connection *c, rz_srv_request *r, const char *url,
                         const char *method, enum MHD_Result *ret) {
    rz_srv_fault f;
    const char *allow = NULL;
    const route_def *d = r->route < RZ_ROUTE_OTHER ? &routes[r->route] : NULL;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (atomic_load(&s->draining)) {
        rz_srv_fail(&f, 503, "shutting_down", "the server is shutting down");
    } else if (!d) {
        rz_srv_fail(&f, 404, "unknown_route", "no route for %.16s %.200s", method, url);
    } else if (strcmp(method, d->method)) {
        allow = d->method;
        rz_srv_fail(&f, 405, "method_not_allowed", "%s accepts %s, not %.16s", url, d->method,
                    method);
    } else if (d->needs >= 0 && (int)s->model.kind != d->needs) {
        rz_srv_fail(&f, 404, "route_unavailable", "%s needs %s model; this server serves %s", url,
                    d->needs == RZ_SRV_APR ? "an APR" : "a GGUF", s->model.id);
    } else if (length && strtoull(length, NULL, 10) > s->opt.max_body) {
        rz_srv_fail(&f, 413, "body_too_large",
                    "request body of %s bytes exceeds the limit of %zu bytes (--max-body)", length,
                    s->opt.max_body);
    } else {
        return false;
    }
    *ret = rz_srv_reply_fault(c, r, &f, allow);
    return true;
}

/* Appends an upload chunk to the body. Past max_body (chunked uploads, which announce no length)
 * the rest is read and dropped so that the client can read the 413 that follows (closing with
 * unread data would reset the connection); past DISCARD_MAX more the connection is dropped. */
static enum MHD_Result take_body(rz_server *s, rz_srv_request *r, const char *upload,
                                 size_t *upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (!r->too_big && r->body.len + n <= s->opt.max_body) {
        rz_error err;
        return rz_tok_bytes_append(&r->body, upload, n, &err) ? MHD_NO : MHD_YES;
    }
    if (!r->too_big) {
        r->too_big = true;
        r->discarded = r->body.len;
        rz_tok_bytes_free(&r->body);
    }
    r->discarded += n;
    return r->discarded > s->opt.max_body + DISCARD_MAX ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls) {
    (void)version;
    rz_server *s = cls;
    rz_srv_request *r = *req_cls;
    enum MHD_Result ret = MHD_YES;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        *req_cls = r;
        r->t0 = now_ns();
        r->route = rz_srv_route_of(url);
        atomic_fetch_add(&s->in_flight, 1);
        if (refuse_early(s, c, r, url, method, &ret)) return ret;
        return MHD_YES; /* a response queued now would close the connection: wait a call */
    }
    if (r->replied && !r->job) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) return take_body(s, r, upload, upload_size);
    if (r->too_big) {
        rz_srv_fault f;
        rz_srv_fail(&f, 413, "body_too_large",
                    "request body of %llu bytes exceeds the limit of %zu bytes (--max-body)",
                    (unsigned long long)r->discarded, s->opt.max_body);
        return rz_srv_reply_fault(c, r, &f, NULL);
    }
    if (!r->body.data) rz_tok_bytes_append(&r->body, "", 0, &(rz_error){0});
    return routes[r->route].fn(s, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)c;
    (void)toe;
    rz_server *s = cls;
    rz_srv_request *r = *req_cls;
    if (!r) return;
    rz_srv_metrics_request(&s->metrics, r->route, r->status, now_ns() - r->t0);
    rz_srv_job_unref(r->job);
    rz_tok_bytes_free(&r->body);
    atomic_fetch_sub(&s->in_flight, 1);
    free(r);
    *req_cls = NULL;
}

static rz_status listen_address(const char *host, int port, struct sockaddr_storage *a, bool *v6,
                                rz_error *err) {
    memset(a, 0, sizeof *a);
    struct sockaddr_in *a4 = (struct sockaddr_in *)a;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)a;
    *v6 = false;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        return RZ_OK;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return RZ_OK;
    }
    return rz_fail(err, RZ_EINVAL, "--host: expected a numeric IPv4 or IPv6 address, got '%s'",
                   host);
}

static rz_status start_daemon(rz_server *s, rz_error *err) {
    struct sockaddr_storage addr;
    bool v6;
    rz_status st = listen_address(s->opt.host, s->opt.port, &addr, &v6, err);
    if (st) return st;
    unsigned flags = MHD_USE_EPOLL | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_TURBO | (v6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(flags, (uint16_t)s->opt.port, NULL, NULL, on_request, s,
                                 MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE,
                                 (unsigned)s->opt.http_threads, MHD_OPTION_NOTIFY_COMPLETED,
                                 on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
                                 MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!s->daemon)
        return rz_fail(err, RZ_EIO,
                       "cannot listen on %s port %d (in use, or not an address of "
                       "this machine)",
                       s->opt.host, s->opt.port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->opt.port;
    return RZ_OK;
}

static rz_status start(rz_server *s, rz_error *err) {
    rz_status st = rz_srv_model_load(s->opt.model_path, &s->model, err);
    if (st) return st;
    s->model_loaded = true;
    if (s->model.kind == RZ_SRV_LLAMA) {
        uint32_t ctx = s->model.llama.config.context_length;
        s->n_ctx = s->opt.n_ctx ? s->opt.n_ctx : ctx && ctx < 4096 ? (int)ctx : 4096;
        st = rz_srv_workers_start(&s->workers, &s->model, &s->metrics, s->opt.parallel,
                                  s->opt.threads, s->n_ctx, 64 * s->opt.parallel, err);
        if (st) return st;
        s->have_workers = true;
        st = rz_srv_keepalive_start(&s->keepalive, s->opt.keepalive_s ? s->opt.keepalive_s : 15,
                                    err);
        if (st) return st;
    }
    static const char health[] = "{\"status\":\"ok\"}";
    s->health =
        MHD_create_response_from_buffer(sizeof health - 1, (void *)health, MHD_RESPMEM_PERSISTENT);
    if (!s->health) return rz_fail(err, RZ_ENOMEM, "out of memory");
    MHD_add_response_header(s->health, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    return start_daemon(s, err);
}

rz_status rz_server_start(const rz_server_options *o, rz_server **out, rz_error *err) {
    rz_server *s = calloc(1, sizeof *s);
    if (!s) return rz_fail(err, RZ_ENOMEM, "out of memory");
    s->opt = *o;
    rz_status st = start(s, err);
    if (st) {
        rz_server_stop(s, 0);
        return st;
    }
    *out = s;
    return RZ_OK;
}

int rz_server_port(const rz_server *s) {
    return s->port;
}

void rz_server_describe(const rz_server *s, char *out, size_t cap) {
    if (s->model.kind == RZ_SRV_APR)
        snprintf(out, cap, "%s (APR logistic regression, %zu features)", s->model.id,
                 s->model.logreg.n_features);
    else
        snprintf(out, cap, "%s (GGUF %s, chat template %s from %s, context %d, %d worker%s)",
                 s->model.id, rz_llama_arch_name(s->model.llama.config.arch),
                 rz_chat_kind_name(s->model.chat), s->model.chat_source, s->n_ctx,
                 s->workers.n_workers, s->workers.n_workers == 1 ? "" : "s");
}

void rz_server_stop(rz_server *s, double drain_s) {
    atomic_store(&s->draining, true);
    MHD_socket listen_fd = s->daemon ? MHD_quiesce_daemon(s->daemon) : MHD_INVALID_SOCKET;
    uint64_t deadline = now_ns() + (uint64_t)(drain_s * 1e9);
    while (s->daemon && atomic_load(&s->in_flight) > 0 && now_ns() < deadline)
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    if (s->have_workers) rz_srv_workers_stop(&s->workers); /* resumes every waiting connection */
    rz_srv_keepalive_stop(&s->keepalive);
    if (s->daemon) MHD_stop_daemon(s->daemon);
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
    if (s->health) MHD_destroy_response(s->health);
    if (s->model_loaded) rz_srv_model_free(&s->model);
    free(s);
}
