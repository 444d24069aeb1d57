#include "server/reply.h"

#include <stdlib.h>
#include <string.h>

enum MHD_Result rz_srv_reply_response(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                      struct MHD_Response *resp) {
    r->status = status;
    r->replied = true;
    if (status == 503) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, RZ_SRV_RETRY_AFTER);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    return MHD_queue_response(c, status, resp);
}

/* The answer when a body could not be built. */
static enum MHD_Result reply_oom(struct MHD_Connection *c, rz_srv_request *r) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        strlen(rz_srv_fault_oom_json), (void *)rz_srv_fault_oom_json, MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = rz_srv_reply_response(c, r, 503, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result rz_srv_reply(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                             const char *content_type, const char *body, size_t len) {
    if (!len && status == 200 && !strcmp(content_type, "application/json")) return reply_oom(c, r);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!resp) return reply_oom(c, r);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result ret = rz_srv_reply_response(c, r, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result rz_srv_reply_json(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                  cJSON *json) {
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) return reply_oom(c, r);
    enum MHD_Result ret = rz_srv_reply(c, r, status, "application/json", text, strlen(text));
    free(text);
    return ret;
}

enum MHD_Result rz_srv_reply_fault(struct MHD_Connection *c, rz_srv_request *r,
                                   const rz_srv_fault *f, const char *allow) {
    char *text = rz_srv_fault_json(f);
    struct MHD_Response *resp =
        text ? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) {
        free(text);
        return reply_oom(c, r);
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    if (f->status == 401) MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (f->status == 413) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = rz_srv_reply_response(c, r, f->status, resp);
    MHD_destroy_response(resp);
    return ret;
}
