#include "server/admit.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    [RZ_ROUTE_EMBEDDINGS] = {"POST", rz_srv_route_embeddings, RZ_SRV_BERT},
};

rz_srv_route_fn rz_srv_admit_handler(rz_srv_route route) {
    return routes[route].fn;
}

bool rz_srv_is_json_type(const char *t) {
    static const char json[] = "application/json";
    while (t && (*t == ' ' || *t == '\t'))
        t++;
    if (!t || strncasecmp(t, json, sizeof json - 1)) return false;
    char next = t[sizeof json - 1];
    return !next || next == ';' || next == ' ' || next == '\t';
}

static const char *header(struct MHD_Connection *c, const char *name) {
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* A 401 when the server has keys and the request carries none of them. */
static bool unauthorized(rz_server *s, struct MHD_Connection *c, rz_srv_request *r,
                         rz_srv_fault *f) {
    if (!s->keys.n || r->route == RZ_ROUTE_HEALTH) return false;
    rz_srv_auth a = rz_srv_keys_check(&s->keys, header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                                      header(c, "X-Api-Key"));
    if (a == RZ_AUTH_MISSING)
        rz_srv_fail(f, 401, "missing_api_key",
                    "no API key: send it as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'");
    else if (a == RZ_AUTH_WRONG)
        rz_srv_fail(f, 401, "invalid_api_key", "the API key given is not one this server accepts");
    return a != RZ_AUTH_OK;
}

/* The checks that need the route: 404, 405, 415, 413. */
static bool refused_by_route(rz_server *s, struct MHD_Connection *c, rz_srv_request *r,
                             const char *url, const char *method, rz_srv_fault *f,
                             const char **allow) {
    const route_def *d = r->route < RZ_ROUTE_OTHER ? &routes[r->route] : NULL;
    const char *length = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!d) {
        rz_srv_fail(f, 404, "unknown_route", "no route for %.16s %.200s", method, url);
    } else if (strcmp(method, d->method)) {
        *allow = d->method;
        rz_srv_fail(f, 405, "method_not_allowed", "%s accepts %s, not %.16s", url, d->method,
                    method);
    } else if (d->needs >= 0 && (int)s->model.kind != d->needs) {
        rz_srv_fail(f, 404, "route_unavailable", "%s needs %s model; this server serves %s", url,
                    rz_srv_model_kind_name(d->needs), s->model.id);
    } else if (!strcmp(method, "POST") && !rz_srv_is_json_type(type)) {
        rz_srv_fail(f, 415, "unsupported_media_type",
                    "%s takes a JSON body (Content-Type: application/json), not %.100s", url,
                    type ? type : "a body without Content-Type");
    } else if (length && strtoull(length, NULL, 10) > s->opt.max_body) {
        rz_srv_fail(f, 413, "body_too_large",
                    "request body of %s bytes exceeds the limit of %zu bytes (--max-body)", length,
                    s->opt.max_body);
    } else {
        return false;
    }
    return true;
}

bool rz_srv_admit_refuse(rz_server *s, struct MHD_Connection *c, rz_srv_request *r, const char *url,
                         const char *method, enum MHD_Result *ret) {
    rz_srv_fault f;
    const char *allow = NULL;
    if (atomic_load(&s->draining))
        rz_srv_fail(&f, 503, "shutting_down", "the server is shutting down");
    else if (!unauthorized(s, c, r, &f) && !refused_by_route(s, c, r, url, method, &f, &allow))
        return false;
    *ret = rz_srv_reply_fault(c, r, &f, allow);
    return true;
}
