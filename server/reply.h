/* Queuing responses: every body rz serves goes through here, so that the request records its
 * status for the metrics. Bodies are copied (MHD_RESPMEM_MUST_COPY) unless said otherwise.
 * Contract: every 503 carries Retry-After (RZ_SRV_RETRY_AFTER seconds) and closes the
 * connection; a response queued with status 503 must be this request's own, not shared. When a
 * body cannot be built for lack of memory, the client still gets an answer: 503 out_of_memory
 * with a static JSON body (a 200 JSON reply with an empty body is taken as such a failure). */
#ifndef RZ_SERVER_REPLY_H
#define RZ_SERVER_REPLY_H

#include <cjson/cJSON.h>

#include "server/fault.h"
#include "server/internal.h"

#define RZ_SRV_RETRY_AFTER "1"

/* Queues a prepared response (not destroyed here). */
enum MHD_Result rz_srv_reply_response(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                      struct MHD_Response *resp);

enum MHD_Result rz_srv_reply(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                             const char *content_type, const char *body, size_t len);

/* Prints json (unformatted), deletes it and queues it as application/json. */
enum MHD_Result rz_srv_reply_json(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                  cJSON *json);

/* The fault's JSON error body; 405 adds Allow: allow, 401 WWW-Authenticate: Bearer; 413 and 503
 * close the connection. */
enum MHD_Result rz_srv_reply_fault(struct MHD_Connection *c, rz_srv_request *r,
                                   const rz_srv_fault *f, const char *allow);

#endif
