/* A number field of a report's JSON: NaN and infinities (a figure that could not be computed)
 * are written as null, never as a number a reader could mistake for a measurement. */
#ifndef RZB_JSON_NUMBER_H
#define RZB_JSON_NUMBER_H

#include <cjson/cJSON.h>

void rzb_json_number(cJSON *o, const char *key, double v);

#endif
