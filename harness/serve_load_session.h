/* rzb_sl_session: what a serving comparison holds open: the prompt corpus (the model's
 * vocabulary over a text) and the targets, started in the order rz, llama-server, URL and
 * stopped in reverse. Contract: llama-server is located through rzb_llama_tool; a target that
 * cannot start stops the ones already started and names itself in the reason; a URL target
 * must answer /health within 10 s, a server started here within ready_s. The notes give
 * each target's command line, version and CPUs for the report. */
#ifndef RZB_SERVE_LOAD_SESSION_H
#define RZB_SERVE_LOAD_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/serve_load_report.h"
#include "harness/serve_load_target.h"

typedef struct {
    const char *text;   /* the prompts' source text */
    size_t text_bytes;  /* how much of it is tokenized */
    const char *rz_bin; /* NULL: no rz target */
    bool llama;         /* start llama-server */
    const char *url;    /* NULL: no running server */
    rzb_sl_server_spec server;
    double ready_s;
} rzb_sl_session_spec;

typedef struct {
    rzb_sl_target t[3];
    int n;
    rzb_sl_corpus corpus;
    bool corpus_open;
} rzb_sl_session;

bool rzb_sl_session_open(rzb_sl_session *s, const rzb_sl_session_spec *spec, char *why, size_t cap);
void rzb_sl_session_notes(const rzb_sl_session *s, rzb_sl_report *r);
void rzb_sl_session_close(rzb_sl_session *s);

#endif
