#include "server/fault.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

bool rz_srv_fail(rz_srv_fault *f, unsigned status, const char *code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    f->status = status;
    f->code = code;
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
        cJSON_AddStringToObject(e, "code", f->code))
        text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}
