#include "server/server.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "engine/core/file.h"
#include "server/admit.h"
#include "server/internal.h"
#include "server/reply.h"

enum { DISCARD_MAX = 64 << 20 };

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
        r->t0 = rz_now_ns();
        r->route = rz_srv_route_of(url);
        atomic_fetch_add(&s->in_flight, 1);
        if (rz_srv_admit_refuse(s, c, r, url, method, &ret)) return ret;
        return MHD_YES; /* a response queued now would close the connection: wait a call */
    }
    if (!*upload_size) rz_srv_deadline_received(c);
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
    return rz_srv_admit_handler(r->route)(s, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)toe;
    rz_server *s = cls;
    rz_srv_request *r = *req_cls;
    rz_srv_deadline_rearm(c);
    if (!r) return;
    rz_srv_metrics_request(&s->metrics, r->route, r->status, rz_now_ns() - r->t0);
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

/* A PEM file's text, NUL-terminated, for libmicrohttpd's TLS. */
static rz_status read_pem(const char *path, const char *opt, char **out, rz_error *err) {
    unsigned char *data;
    size_t len;
    rz_status st = rz_file_read_all(path, &data, &len, err);
    if (st) return rz_fail(err, st, "%s: %s", opt, err->msg);
    char *text = realloc(data, len + 1);
    if (!text) {
        free(data);
        return rz_fail(err, RZ_ENOMEM, "out of memory reading %s", path);
    }
    text[len] = 0;
    *out = text;
    return strstr(text, "-----BEGIN ") ? RZ_OK
                                       : rz_fail(err, RZ_EINVAL, "%s: %s is not PEM", opt, path);
}

static rz_status load_tls(rz_server *s, rz_error *err) {
    if (!s->opt.tls_cert && !s->opt.tls_key) return RZ_OK;
    if (!s->opt.tls_cert || !s->opt.tls_key)
        return rz_fail(err, RZ_EINVAL, "TLS needs both --tls-cert and --tls-key");
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "--tls-cert: this libmicrohttpd was built without TLS (GnuTLS)");
    rz_status st = read_pem(s->opt.tls_cert, "--tls-cert", &s->tls_cert, err);
    return st ? st : read_pem(s->opt.tls_key, "--tls-key", &s->tls_key, err);
}

static rz_status load_keys(rz_server *s, rz_error *err) {
    rz_status st = RZ_OK;
    for (int i = 0; i < s->opt.n_api_keys && !st; i++)
        st = rz_srv_keys_add(&s->keys, s->opt.api_keys[i], strlen(s->opt.api_keys[i]), "--api-key",
                             err);
    for (int i = 0; i < s->opt.n_api_key_files && !st; i++)
        st = rz_srv_keys_load(&s->keys, s->opt.api_key_files[i], err);
    return st;
}

static rz_status start_daemon(rz_server *s, rz_error *err) {
    struct sockaddr_storage addr;
    bool v6;
    rz_status st = listen_address(s->opt.host, s->opt.port, &addr, &v6, err);
    if (st) return st;
    unsigned flags = MHD_USE_EPOLL | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_TURBO | (v6 ? MHD_USE_IPv6 : 0) | (s->tls_cert ? MHD_USE_TLS : 0);
    struct MHD_OptionItem o[12];
    int n = 0;
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, s->opt.http_threads, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
    if (s->opt.request_timeout_s > 0) /* the deadline's registry exists only then */
        o[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
                                         (intptr_t)rz_srv_deadline_notify, &s->deadline};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                     s->opt.max_connections_per_ip, NULL};
    if (s->opt.max_connections)
        o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, s->opt.max_connections, NULL};
    if (s->tls_cert) {
        o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert};
        o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key};
    }
    o[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->daemon = MHD_start_daemon(flags, (uint16_t)s->opt.port, NULL, NULL, on_request, s,
                                 MHD_OPTION_ARRAY, o, MHD_OPTION_END);
    if (!s->daemon)
        return rz_fail(
            err, RZ_EIO,
            "cannot listen on %s port %d (in use, not an address of this machine, or a TLS certificate and key that do not load)",
            s->opt.host, s->opt.port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->opt.port;
    return RZ_OK;
}

static rz_status start(rz_server *s, rz_error *err) {
    rz_status st = load_keys(s, err);
    if (!st) st = load_tls(s, err);
    if (!st && s->opt.request_timeout_s > 0)
        st = rz_srv_deadline_start(&s->deadline, s->opt.request_timeout_s,
                                   &s->metrics.deadline_cuts, err);
    if (!st) st = rz_srv_model_load(s->opt.model_path, &s->model, err);
    if (st) return st;
    s->model_loaded = true;
    if (s->model.kind == RZ_SRV_LLAMA) {
        s->n_ctx = rz_llama_default_ctx(&s->model.llama.config, s->opt.n_ctx);
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
    else if (s->model.kind == RZ_SRV_BERT)
        rz_srv_model_describe(&s->model, out, cap);
    else
        snprintf(out, cap, "%s (GGUF %s, chat template %s from %s, context %d, %d worker%s)",
                 s->model.id, rz_llama_arch_name(s->model.llama.config.arch),
                 rz_chat_kind_name(s->model.chat), s->model.chat_source, s->n_ctx,
                 s->workers.n_workers, s->workers.n_workers == 1 ? "" : "s");
}

bool rz_server_placement(const rz_server *s, int i, char *out, size_t cap) {
    if (!s->have_workers || i >= s->workers.n_workers) return false;
    rz_srv_workers_placement(&s->workers, i, out, cap);
    return true;
}

void rz_server_shutdown(rz_server *s) {
    if (s->shut) return;
    s->shut = true;
    atomic_store(&s->draining, true);
    MHD_socket listen_fd = s->daemon ? MHD_quiesce_daemon(s->daemon) : MHD_INVALID_SOCKET;
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd); /* new connects are refused now */
    if (s->have_workers) {
        rz_srv_fault f;
        rz_srv_fail(&f, 503, "shutting_down",
                    "the server is shutting down; this request was still queued");
        rz_srv_workers_shut(&s->workers, &f);
    }
}

int rz_server_in_flight(const rz_server *s) {
    return atomic_load(&s->in_flight);
}

/* Shutdown, drain, then: the workers end their jobs (which resumes every suspended connection,
 * as MHD_stop_daemon requires); the daemon stops, after which no callback can reach the queue;
 * only then is the queue freed. */
void rz_server_stop(rz_server *s, double drain_s) {
    rz_server_shutdown(s);
    uint64_t deadline = rz_now_ns() + (uint64_t)(drain_s * 1e9);
    while (s->daemon && atomic_load(&s->in_flight) > 0 && rz_now_ns() < deadline)
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    if (s->have_workers) rz_srv_workers_join(&s->workers);
    rz_srv_keepalive_stop(&s->keepalive);
    if (s->daemon) MHD_stop_daemon(s->daemon);
    if (s->have_workers) rz_srv_workers_free(&s->workers);
    rz_srv_deadline_stop(&s->deadline);
    if (s->health) MHD_destroy_response(s->health);
    if (s->model_loaded) rz_srv_model_free(&s->model);
    rz_srv_keys_free(&s->keys);
    free(s->tls_cert);
    if (s->tls_key) explicit_bzero(s->tls_key, strlen(s->tls_key));
    free(s->tls_key);
    free(s);
}
