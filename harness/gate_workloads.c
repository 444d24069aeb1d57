#include "harness/gate_workloads.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern const rzb_gw rzb_gw_logreg_predict, rzb_gw_decode, rzb_gw_prompt, rzb_gw_gguf_open,
    rzb_gw_tokenize, rzb_gw_ppl_chunk, rzb_gw_serve_health, rzb_gw_serve_predict;

const rzb_gw *const rzb_gws[] = {
    &rzb_gw_logreg_predict, &rzb_gw_decode,    &rzb_gw_prompt,       &rzb_gw_gguf_open,
    &rzb_gw_tokenize,       &rzb_gw_ppl_chunk, &rzb_gw_serve_health, &rzb_gw_serve_predict,
};
const size_t rzb_n_gws = sizeof rzb_gws / sizeof rzb_gws[0];

const rzb_gw *rzb_gw_find(const char *name) {
    for (size_t i = 0; i < rzb_n_gws; i++)
        if (!strcmp(rzb_gws[i]->name, name)) return rzb_gws[i];
    return NULL;
}

rzb_gw_status rzb_gw_fixture(const rzb_gw_env *e, const char *name, char *path, size_t cap,
                             char *why, size_t why_cap) {
    snprintf(path, cap, "%s/%s", e->fixtures, name);
    if (access(path, R_OK) == 0) return RZB_GW_OK;
    char skipped[4200], reason[512] = "";
    snprintf(skipped, sizeof skipped, "%s.skipped", path);
    FILE *f = fopen(skipped, "r");
    if (f) {
        size_t n = fread(reason, 1, sizeof reason - 1, f);
        fclose(f);
        reason[n] = 0;
        reason[strcspn(reason, "\n")] = 0;
        snprintf(why, why_cap, "fixture %s was not made: %s", path, reason);
        return RZB_GW_SKIPPED;
    }
    snprintf(why, why_cap,
             "fixture %s is missing (run `rzbench workload --make-fixtures %s` first)", path,
             e->fixtures);
    return RZB_GW_MISSING;
}

rzb_gw_status rzb_gw_check_fixtures(const rzb_gw *w, const rzb_gw_env *e, char *why, size_t cap) {
    char path[4096];
    for (int i = 0; w->fixtures[i]; i++) {
        rzb_gw_status st = rzb_gw_fixture(e, w->fixtures[i], path, sizeof path, why, cap);
        if (st) return st;
    }
    return RZB_GW_OK;
}
