#include "claims/workloads/logreg_predict.h"

#include <stdlib.h>

#include "harness/data.h"

bool rzb_logreg_workload_open(rzb_logreg_workload *w, rzb_result *r) {
    char why[1024];
    if (!rzb_data_find("models/mnist_784x2.apr", w->path, sizeof w->path, why, sizeof why)) {
        rzb_result_verdict(r, RZB_SKIPPED, "model missing: %s", why);
        return false;
    }
    rz_error err;
    if (rz_logreg_load(w->path, &w->model, &err)) {
        rzb_result_verdict(r, RZB_SKIPPED, "model unreadable: %s", err.msg);
        return false;
    }
    w->x = malloc(w->model.n_features * sizeof *w->x);
    if (!w->x) abort();
    rz_logreg_demo_input(w->x, w->model.n_features);
    w->backend = rz_backend_active();
    return true;
}

void rzb_logreg_workload_body(void *ctx, uint64_t calls) {
    rzb_logreg_workload *w = ctx;
    for (uint64_t i = 0; i < calls; i++)
        w->sink = rz_logreg_predict_with(&w->model, w->backend, w->x);
}

void rzb_logreg_workload_close(rzb_logreg_workload *w) {
    free(w->x);
    w->x = NULL;
    rz_logreg_free(&w->model);
}
