/* rz_srv_admit: the routes, and the checks a request passes on its headers alone, before any
 * body byte is read. In order: a draining server 503; a missing or wrong API key 401 (when the
 * server has keys; GET /health stays open for load balancers' probes); an unknown route 404; a
 * wrong method 405; a route the model lacks 404; a POST whose Content-Type is not JSON
 * (application/json, parameters allowed) 415; a Content-Length over max_body 413. */
#ifndef RZ_SERVER_ADMIT_H
#define RZ_SERVER_ADMIT_H

#include "server/internal.h"

/* True when a refusal was queued (*ret: what the access handler returns). */
bool rz_srv_admit_refuse(rz_server *s, struct MHD_Connection *c, rz_srv_request *r, const char *url,
                         const char *method, enum MHD_Result *ret);

/* The handler of an admitted request's route. */
rz_srv_route_fn rz_srv_admit_handler(rz_srv_route route);

/* Whether a Content-Type value names JSON. */
bool rz_srv_is_json_type(const char *content_type);

#endif
