#include "server/json_field.h"

#include <math.h>

cJSON *rz_srv_json_object(const char *body, size_t len, rz_srv_fault *f) {
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (!o) {
        size_t at = end && end >= body ? (size_t)(end - body) : 0;
        rz_srv_fail(f, 400, "invalid_json", "request body: malformed JSON at byte %zu of %zu", at,
                    len);
        return NULL;
    }
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        rz_srv_fail(f, 400, "wrong_type", "request body: expected a JSON object");
        return NULL;
    }
    return o;
}

/* The field, NULL when absent or null. */
static const cJSON *field(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

bool rz_srv_json_string(const cJSON *o, const char *name, bool required, const char **out,
                        rz_srv_fault *f) {
    const cJSON *v = field(o, name);
    if (!v && required)
        return rz_srv_fail_at(f, 400, "missing_field", name, "\'%s\': required field is missing",
                              name);
    if (!v) return true;
    if (!cJSON_IsString(v))
        return rz_srv_fail_at(f, 400, "wrong_type", name, "\'%s\': expected a string", name);
    *out = v->valuestring;
    return true;
}

bool rz_srv_json_bool(const cJSON *o, const char *name, bool *out, rz_srv_fault *f) {
    const cJSON *v = field(o, name);
    if (!v) return true;
    if (!cJSON_IsBool(v))
        return rz_srv_fail_at(f, 400, "wrong_type", name, "\'%s\': expected true or false", name);
    *out = cJSON_IsTrue(v);
    return true;
}

bool rz_srv_json_number(const cJSON *o, const char *name, double lo, double hi, double *out,
                        rz_srv_fault *f) {
    const cJSON *v = field(o, name);
    if (!v) return true;
    if (!cJSON_IsNumber(v))
        return rz_srv_fail_at(f, 400, "wrong_type", name, "\'%s\': expected a number", name);
    if (!(v->valuedouble >= lo && v->valuedouble <= hi))
        return rz_srv_fail_at(f, 400, "out_of_range", name,
                              "\'%s\': expected a number in [%g, %g], got %g", name, lo, hi,
                              v->valuedouble);
    *out = v->valuedouble;
    return true;
}

bool rz_srv_json_int(const cJSON *o, const char *name, long long lo, long long hi, long long *out,
                     rz_srv_fault *f) {
    const cJSON *v = field(o, name);
    if (!v) return true;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
        return rz_srv_fail_at(f, 400, "wrong_type", name, "\'%s\': expected an integer", name);
    if (!(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi))
        return rz_srv_fail_at(f, 400, "out_of_range", name,
                              "\'%s\': expected an integer in [%lld, %lld], got %g", name, lo, hi,
                              v->valuedouble);
    *out = (long long)v->valuedouble;
    return true;
}

bool rz_srv_json_array(const cJSON *o, const char *name, const cJSON **out, rz_srv_fault *f) {
    const cJSON *v = field(o, name);
    if (!v)
        return rz_srv_fail_at(f, 400, "missing_field", name, "\'%s\': required field is missing",
                              name);
    if (!cJSON_IsArray(v))
        return rz_srv_fail_at(f, 400, "wrong_type", name, "\'%s\': expected an array", name);
    if (!cJSON_GetArraySize(v))
        return rz_srv_fail_at(f, 400, "out_of_range", name, "\'%s\': expected a non-empty array",
                              name);
    *out = v;
    return true;
}
