#include "harness/baseline.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

bool rzb_baseline_start(rzb_baseline *b, const rzb_context *ctx, const char *script,
                        char *const args[], const rzb_cpus *cpus, char *why, size_t cap) {
    memset(b, 0, sizeof *b);
    char path[4200];
    snprintf(path, sizeof path, "%s/baselines/%s", ctx->scripts_dir, script);
    char *argv[16] = {(char *)ctx->python, path};
    for (int i = 0; args && args[i] && i < 13; i++)
        argv[i + 2] = args[i];
    if (!rzb_child_start(argv, cpus, &b->child, why, cap)) return false;
    snprintf(b->cpus, sizeof b->cpus, "%s", b->child.cpus);
    const char *line = rzb_child_read(&b->child);
    cJSON *hello = line ? cJSON_Parse(line) : NULL;
    if (!cJSON_IsTrue(cJSON_GetObjectItem(hello, "ready"))) {
        cJSON_Delete(hello);
        char tail[400], died[512] = "";
        int status = rzb_child_finish(&b->child, tail, sizeof tail);
        if (status > 128) rzb_signal_reason(status, died, sizeof died);
        snprintf(why, cap, "%s %s: %s%s%s", ctx->python, path, died, died[0] && tail[0] ? "; " : "",
                 tail[0] || died[0] ? tail : "exited without a greeting");
        return false;
    }
    b->greeting = hello;
    b->alive = true;
    return true;
}

const char *rzb_baseline_info(const rzb_baseline *b, const char *field) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(b->greeting, field));
    return s ? s : "?";
}

double rzb_baseline_number(const rzb_baseline *b, const char *field) {
    cJSON *v = cJSON_GetObjectItem(b->greeting, field);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

bool rzb_baseline_sample(rzb_baseline *b, const char *request, int count, double per_unit, int run,
                         rzb_series *out) {
    if (!b->alive) return false;
    const char *line = rzb_child_ask(&b->child, request);
    cJSON *reply = line ? cJSON_Parse(line) : NULL;
    cJSON *samples = cJSON_GetObjectItem(reply, "samples_ns");
    bool ok = cJSON_IsArray(samples) && cJSON_GetArraySize(samples) == count;
    for (cJSON *v = ok ? samples->child : NULL; v; v = v->next)
        rzb_series_push(out, run, v->valuedouble / per_unit);
    cJSON_Delete(reply);
    if (!ok) rzb_baseline_stop(b);
    return ok;
}

void rzb_baseline_stop(rzb_baseline *b) {
    if (b->alive) rzb_child_ask(&b->child, "quit");
    if (b->child.pid) rzb_child_finish(&b->child, NULL, 0);
    cJSON_Delete(b->greeting);
    b->greeting = NULL;
    b->alive = false;
}
