/* rzb_json_print: the harness's one way to put a JSON document on a stream: indented as
 * cJSON_Print writes it, then a newline. */
#ifndef RZB_JSON_PRINT_H
#define RZB_JSON_PRINT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

/* Prints doc to out and deletes doc (always, also on failure). False when memory runs out or the
 * stream has an error. */
bool rzb_json_print(cJSON *doc, FILE *out);

#endif
