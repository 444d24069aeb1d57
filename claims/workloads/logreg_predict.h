/* The P1 workload shared by the claims that time it (P1, R2): realizar's MNIST logistic
 * regression, input x[j] = (j % 256) / 255, through the active backend. */
#ifndef RZB_WORKLOAD_LOGREG_PREDICT_H
#define RZB_WORKLOAD_LOGREG_PREDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/models/logreg.h"
#include "harness/result.h"

typedef struct {
    rz_logreg model;
    const rz_backend *backend;
    float *x;
    char path[4096];
    volatile float sink;
} rzb_logreg_workload;

/* Finds and loads mnist_784x2.apr; on failure sets a SKIPPED verdict on r and returns false. */
bool rzb_logreg_workload_open(rzb_logreg_workload *w, rzb_result *r);

/* rzb_body_fn: `calls` predictions. */
void rzb_logreg_workload_body(void *w, uint64_t calls);

void rzb_logreg_workload_close(rzb_logreg_workload *w);

#endif
