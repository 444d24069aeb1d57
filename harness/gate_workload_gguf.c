/* Gate workload gguf-open: opening the fixture model's GGUF file (map, parse and validate the
 * whole header, engine/formats/gguf.h) and closing it, `units` times per sample. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/formats/gguf.h"
#include "harness/gate_workloads.h"
#include "harness/why.h"

typedef struct {
    char path[4096];
    int units;
} gguf_state;

static rzb_gw_status open_gguf(void **state, const rzb_gw_env *e, int units, int samples, char *why,
                               size_t cap) {
    (void)samples;
    gguf_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, cap, "out of memory");
        return RZB_GW_FAILED;
    }
    rzb_gw_status st = rzb_gw_fixture(e, "model.gguf", s->path, sizeof s->path, why, cap);
    if (st) {
        free(s);
        return st;
    }
    s->units = units;
    *state = s;
    return RZB_GW_OK;
}

static bool sample_gguf(void *state, char *why, size_t cap) {
    gguf_state *s = state;
    for (int i = 0; i < s->units; i++) {
        rz_gguf g;
        rz_error err;
        if (rz_gguf_open(s->path, &g, &err)) return rzb_why_rz(why, cap, &err, NULL);
        rz_gguf_close(&g);
    }
    return true;
}

const rzb_gw rzb_gw_gguf_open = {
    .name = "gguf-open",
    .what = "opening, parsing and closing the fixture model's GGUF file",
    .fixtures = {"model.gguf"},
    .per = "open",
    .time = {.units = 10, .iterations = 100, .warmup = 2},
    .instructions = {.units = 1, .iterations = 3, .warmup = 1},
    .open = open_gguf,
    .sample = sample_gguf,
    .close = free,
};
