/* POST /v1/predict: {"input": [n_features numbers]} -> {"model", "probability", "class"}. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "server/internal.h"
#include "server/json_field.h"
#include "server/predict_input.h"
#include "server/reply.h"

/* Reads the input vector into x; false with the fault. */
static bool input(const cJSON *o, size_t n, float *x, rz_srv_fault *f) {
    const cJSON *arr;
    if (!rz_srv_json_array(o, "input", &arr, f)) return false;
    size_t i = 0;
    for (const cJSON *v = arr->child; v; v = v->next, i++) {
        if (i == n)
            return rz_srv_fail_at(f, 400, "wrong_length", "input",
                                  "'input': expected %zu numbers (one per feature), got more", n);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return rz_srv_fail_at(f, 400, "wrong_type", "input",
                                  "'input[%zu]': expected a finite number", i);
        x[i] = (float)v->valuedouble;
    }
    if (i != n)
        return rz_srv_fail_at(f, 400, "wrong_length", "input",
                              "'input': expected %zu numbers (one per feature), got %zu", n, i);
    return true;
}

/* The general path: any valid JSON, and the error message for anything else. */
static bool parse_input(const rz_srv_request *r, size_t n, float *x, rz_srv_fault *f) {
    cJSON *o = rz_srv_json_object(r->body.data, r->body.len, f);
    bool ok = o && input(o, n, x, f);
    cJSON_Delete(o);
    return ok;
}

enum MHD_Result rz_srv_route_predict(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_fault f;
    const rz_logreg *m = &s->model.logreg;
    float *x = malloc(m->n_features * sizeof *x);
    if (!x) {
        rz_srv_fail(&f, 500, "out_of_memory", "out of memory");
        return rz_srv_reply_fault(c, r, &f, NULL);
    }
    if (!rz_srv_predict_fast(r->body.data, r->body.len, x, m->n_features) &&
        !parse_input(r, m->n_features, x, &f)) {
        free(x);
        return rz_srv_reply_fault(c, r, &f, NULL);
    }
    float p = rz_logreg_predict(m, x);
    free(x);
    char body[sizeof s->model.id_json + 64];
    int len = snprintf(body, sizeof body, "{\"model\":%s,\"probability\":%.9g,\"class\":%d}",
                       s->model.id_json, p, rz_logreg_class(p));
    return rz_srv_reply(c, r, 200, "application/json", body, (size_t)len);
}
