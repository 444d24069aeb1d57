#include "harness/json_print.h"

#include <stdlib.h>

bool rzb_json_print(cJSON *doc, FILE *out) {
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!text) return false;
    bool ok = fputs(text, out) >= 0 && fputc('\n', out) != EOF;
    cJSON_free(text);
    return ok && !ferror(out);
}
