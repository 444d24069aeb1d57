/* What the server's modules share: the server itself and the per-request state.
 * Contract: a rz_srv_request lives from the first callback for a request to MHD's completion
 * notice; routes run once the whole body is in (or at once for bodiless methods) and must queue
 * exactly one response (or suspend the connection for a job) through reply.h. */
#ifndef RZ_SERVER_INTERNAL_H
#define RZ_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/tokenizer/buf.h"
#include "server/auth.h"
#include "server/deadline.h"
#include "server/job.h"
#include "server/keepalive.h"
#include "server/metrics.h"
#include "server/model.h"
#include "server/server.h"
#include "server/workers.h"

struct rz_server {
    rz_server_options opt;
    rz_srv_model model;
    bool model_loaded;
    int n_ctx;
    rz_srv_metrics metrics;
    rz_srv_workers workers;
    bool have_workers;
    rz_srv_keys keys;
    rz_srv_deadline deadline;
    char *tls_cert, *tls_key; /* PEM text */
    rz_srv_keepalive keepalive;
    struct MHD_Daemon *daemon;
    struct MHD_Response *health;
    int port;
    atomic_int in_flight;
    atomic_bool draining;
    bool shut;
    atomic_uint_fast64_t next_id;
};

typedef struct {
    rz_srv_route route;
    uint64_t t0;
    unsigned status; /* of the response queued */
    bool replied;    /* a response is queued (e.g. an early 413) */
    rz_tok_bytes body;
    bool too_big;       /* the body passed max_body: dropped, a 413 follows */
    uint64_t discarded; /* bytes of such a body */
    rz_srv_job *job;
} rz_srv_request;

typedef enum MHD_Result (*rz_srv_route_fn)(rz_server *s, struct MHD_Connection *c,
                                           rz_srv_request *r);

enum MHD_Result rz_srv_route_health(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_metrics(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_models(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_predict(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_tokenize(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_embeddings(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
enum MHD_Result rz_srv_route_detokenize(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);
/* /v1/completions and /v1/chat/completions (by r->route); called again after a resume. */
enum MHD_Result rz_srv_route_generate(rz_server *s, struct MHD_Connection *c, rz_srv_request *r);

#endif
