/* Typed access to the fields of a JSON request object, each failure a 400 fault that names the
 * field and what was expected ("wrong_type", "missing_field", "out_of_range").
 * Contract: an absent field (or an explicit null) leaves *out at its default and succeeds unless
 * the getter is told it is required. */
#ifndef RZ_SERVER_JSON_FIELD_H
#define RZ_SERVER_JSON_FIELD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "server/fault.h"

/* Parses body[0..len) as a JSON object: 400 invalid_json (with the byte offset) or wrong_type. */
cJSON *rz_srv_json_object(const char *body, size_t len, rz_srv_fault *f);

bool rz_srv_json_string(const cJSON *o, const char *name, bool required, const char **out,
                        rz_srv_fault *f);
bool rz_srv_json_bool(const cJSON *o, const char *name, bool *out, rz_srv_fault *f);
bool rz_srv_json_number(const cJSON *o, const char *name, double lo, double hi, double *out,
                        rz_srv_fault *f);
/* An integral number in [lo, hi]. */
bool rz_srv_json_int(const cJSON *o, const char *name, long long lo, long long hi, long long *out,
                     rz_srv_fault *f);
/* A non-empty array (any element type). */
bool rz_srv_json_array(const cJSON *o, const char *name, const cJSON **out, rz_srv_fault *f);

#endif
