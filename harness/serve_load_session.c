#include "harness/serve_load_session.h"

#include <stdio.h>
#include <string.h>

#include "harness/llama_tools.h"

#define URL_READY_S 10.0 /* a server said to be running gets this long to answer /health */

static bool start_llama(rzb_sl_session *s, const rzb_sl_session_spec *spec, char *why, size_t cap) {
    char bin[4096];
    return rzb_llama_tool("llama-server", bin, sizeof bin, why, cap) &&
           rzb_sl_target_llama(&s->t[s->n], bin, &spec->server, spec->ready_s, why, cap);
}

bool rzb_sl_session_open(rzb_sl_session *s, const rzb_sl_session_spec *spec, char *why,
                         size_t cap) {
    memset(s, 0, sizeof *s);
    bool ok =
        rzb_sl_corpus_open(&s->corpus, spec->server.model, spec->text, spec->text_bytes, why, cap);
    s->corpus_open = ok;
    if (ok && spec->rz_bin) {
        ok = rzb_sl_target_rz(&s->t[s->n], spec->rz_bin, &spec->server, spec->ready_s, why, cap);
        s->n += ok;
    }
    if (ok && spec->llama) {
        ok = start_llama(s, spec, why, cap);
        s->n += ok;
    }
    if (ok && spec->url) {
        ok = rzb_sl_target_url(&s->t[s->n], spec->url, URL_READY_S, why, cap);
        s->n += ok;
    }
    if (!ok) rzb_sl_session_close(s);
    return ok;
}

void rzb_sl_session_notes(const rzb_sl_session *s, rzb_sl_report *r) {
    for (int i = 0; i < s->n; i++) {
        const rzb_sl_target *t = &s->t[i];
        rzb_sl_report_note(r, "%s: %s; version %s; CPUs %s", t->label, t->command, t->version,
                           t->cpus);
    }
    char build[1024];
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->t[i].label, "llama-server"))
            rzb_sl_report_note(r, "llama.cpp build: %s", rzb_llama_build_line(build, sizeof build));
}

void rzb_sl_session_close(rzb_sl_session *s) {
    for (int i = s->n - 1; i >= 0; i--)
        rzb_sl_target_stop(&s->t[i], NULL, 0);
    s->n = 0;
    if (s->corpus_open) rzb_sl_corpus_close(&s->corpus);
    s->corpus_open = false;
}
