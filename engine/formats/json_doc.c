#include "engine/formats/json_doc.h"

rz_status rz_json_object_parse(const char *text, size_t len, const char *source, cJSON **root,
                               rz_error *err) {
    const char *end = NULL;
    *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!*root)
        return rz_fail(err, RZ_EFORMAT, "%s: offset %zu: expected valid JSON", source,
                       end && end >= text ? (size_t)(end - text) : 0);
    if (cJSON_IsObject(*root)) return RZ_OK;
    cJSON_Delete(*root);
    *root = NULL;
    return rz_fail(err, RZ_EFORMAT, "%s: offset 0: expected a JSON object", source);
}
