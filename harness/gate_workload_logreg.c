/* Gate workload logreg-predict: P1's workload (claims/workloads/logreg_predict.h) on the fixture
 * copy of mnist_784x2.apr, which it finds through RZ_SHARED_DIR set to the fixtures directory. */
#include <stdio.h>
#include <stdlib.h>

#include "claims/workloads/logreg_predict.h"
#include "harness/gate_workloads.h"

typedef struct {
    rzb_logreg_workload w;
    int calls; /* predictions per sample */
} logreg_state;

static rzb_gw_status open_logreg(void **state, const rzb_gw_env *e, int units, int samples,
                                 char *why, size_t cap) {
    (void)samples;
    char path[4096];
    rzb_gw_status st = rzb_gw_fixture(e, "models/mnist_784x2.apr", path, sizeof path, why, cap);
    if (st) return st;
    setenv("RZ_SHARED_DIR", e->fixtures, 1);
    logreg_state *s = calloc(1, sizeof *s);
    rzb_result *r = calloc(1, sizeof *r);
    bool ok = s && r && rzb_logreg_workload_open(&s->w, r);
    if (!ok) {
        snprintf(why, cap, "%s", r ? r->reason : "out of memory");
        free(s);
    }
    free(r);
    if (!ok) return RZB_GW_FAILED;
    s->calls = units;
    *state = s;
    return RZB_GW_OK;
}

static bool sample_logreg(void *state, char *why, size_t cap) {
    (void)why;
    (void)cap;
    logreg_state *s = state;
    rzb_logreg_workload_body(&s->w, (uint64_t)s->calls);
    return true;
}

static void close_logreg(void *state) {
    logreg_state *s = state;
    rzb_logreg_workload_close(&s->w);
    free(s);
}

const rzb_gw rzb_gw_logreg_predict = {
    .name = "logreg-predict",
    .what = "a batch of predictions of the MNIST logistic regression (P1's input)",
    .fixtures = {"models/mnist_784x2.apr"},
    .per = "call",
    .time = {.units = 100000, .iterations = 100, .warmup = 3},
    .instructions = {.units = 1000, .iterations = 10, .warmup = 1},
    .open = open_logreg,
    .sample = sample_logreg,
    .close = close_logreg,
};
