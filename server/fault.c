#include "server/fault.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

const char rz_srv_fault_oom_json[] =
    "{\"error\":{\"message\":\"out of memory building the response\",\"type\":\"server_error\",\"param\":null,\"code\":\"out_of_memory\"}}";

static void fill(rz_srv_fault *f, unsigned status, const char *code, const char *param,
                 const char *fmt, va_list ap) {
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    snprintf(f->param, sizeof f->param, "%s", param ? param : "");
    f->status = status;
    f->code = code;
}

bool rz_srv_fail(rz_srv_fault *f, unsigned status, const char *code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fill(f, status, code, NULL, fmt, ap);
    va_end(ap);
    return false;
}

bool rz_srv_fail_at(rz_srv_fault *f, unsigned status, const char *code, const char *param,
                    const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fill(f, status, code, param, fmt, ap);
    va_end(ap);
    return false;
}

const char *rz_srv_fault_type(unsigned status) {
    if (status == 404) return "not_found_error";
    if (status >= 500) return "server_error";
    return "invalid_request_error";
}

char *rz_srv_fault_json(const rz_srv_fault *f) {
    cJSON *root = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(root, "error");
    char *text = NULL;
    if (e && cJSON_AddStringToObject(e, "message", f->message) &&
        cJSON_AddStringToObject(e, "type", rz_srv_fault_type(f->status)) &&
        (f->param[0] ? cJSON_AddStringToObject(e, "param", f->param)
                     : cJSON_AddNullToObject(e, "param")) &&
        cJSON_AddStringToObject(e, "code", f->code))
        text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}
