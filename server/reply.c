#include "server/reply.h"

#include <stdlib.h>
#include <string.h>

enum MHD_Result rz_srv_reply_response(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                      struct MHD_Response *resp) {
    r->status = status;
    r->replied = true;
    return MHD_queue_response(c, status, resp);
}

enum MHD_Result rz_srv_reply(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                             const char *content_type, const char *body, size_t len) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result ret = rz_srv_reply_response(c, r, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result rz_srv_reply_json(struct MHD_Connection *c, rz_srv_request *r, unsigned status,
                                  cJSON *json) {
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) return MHD_NO;
    enum MHD_Result ret = rz_srv_reply(c, r, status, "application/json", text, strlen(text));
    free(text);
    return ret;
}

enum MHD_Result rz_srv_reply_fault(struct MHD_Connection *c, rz_srv_request *r,
                                   const rz_srv_fault *f, const char *allow) {
    char *text = rz_srv_fault_json(f);
    if (!text) return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    if (f->status == 413 || f->status == 503)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = rz_srv_reply_response(c, r, f->status, resp);
    MHD_destroy_response(resp);
    return ret;
}
