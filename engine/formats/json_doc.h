/* A JSON document that must be an object (config.json, tokenizer files): parsed whole, or a
 * message naming the source and the byte offset where it stops being valid JSON. */
#ifndef RZ_FORMATS_JSON_DOC_H
#define RZ_FORMATS_JSON_DOC_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "engine/core/status.h"

/* *root: the object (the caller cJSON_Deletes it); RZ_EFORMAT when text is not JSON or not an
 * object. */
rz_status rz_json_object_parse(const char *text, size_t len, const char *source, cJSON **root,
                               rz_error *err);

#endif
