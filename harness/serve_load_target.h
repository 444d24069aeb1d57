/* rzb_sl_target: a server under load: `rz serve` or llama.cpp's llama-server started here on the
 * same model with the same slots, threads and context per slot, or a server already running at a
 * URL. Contract: a target is ready when GET /health answers 200. The command line and the version
 * are kept for the report. */
#ifndef RZB_SERVE_LOAD_TARGET_H
#define RZB_SERVE_LOAD_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/serve_load.h"
#include "harness/subprocess.h"

typedef struct {
    const char *model;
    int slots, threads, ctx; /* threads: compute threads in all; ctx: positions per slot */
} rzb_sl_server_spec;

typedef struct {
    char label[32]; /* "rz", "llama-server" or "url" */
    char command[2048];
    char version[256];
    char cpus[64]; /* the CPUs the server may run on, read back from the kernel */
    rzb_sl_endpoint ep;
    rzb_child child;
    bool own; /* started here: stopped by rzb_sl_target_stop */
} rzb_sl_target;

/* rz serve gets -m MODEL --port 0 --parallel SLOTS -t THREADS/SLOTS --ctx CTX (its -t counts
 * threads per worker), on every CPU this process may use. */
bool rzb_sl_target_rz(rzb_sl_target *t, const char *rz_bin, const rzb_sl_server_spec *s,
                      double ready_s, char *why, size_t cap);
/* llama-server gets -m MODEL -np SLOTS -t THREADS -c SLOTS*CTX --port P (its -c is the total its
 * slots share; its -t drives the one batch of all slots), as its users start it, on every CPU
 * this process may use. */
bool rzb_sl_target_llama(rzb_sl_target *t, const char *llama_bin, const rzb_sl_server_spec *s,
                         double ready_s, char *why, size_t cap);
bool rzb_sl_target_url(rzb_sl_target *t, const char *url, double ready_s, char *why, size_t cap);

/* Stops a server started here (SIGTERM, then SIGKILL after 5 s); the stderr tail goes to tail
 * when non-NULL. */
void rzb_sl_target_stop(rzb_sl_target *t, char *tail, size_t cap);

#endif
