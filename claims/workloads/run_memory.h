/* rzb_run_memory: the peak memory of `rz run` on a model at a given context, for comparison
 * with llama.cpp's tools at the same context (S1). Contract: one child `rz run MODEL -p TEXT -n
 * n_gen --ctx n_ctx --temp 0 -t threads` (TEXT: a fixed English sentence, three times) on every
 * CPU, under GNU time (rzb_child_start_rss, as llama-bench in S1); its own peak resident set,
 * rz's own report of it (the "memory: peak RSS" line) as a cross-check, and
 * the prompt's token count. False with the reason (the stderr tail) when rz fails. */
#ifndef RZB_WORKLOAD_RUN_MEMORY_H
#define RZB_WORKLOAD_RUN_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    long peak_rss_kib; /* by GNU time; -1 without it */
    double self_mib;   /* what rz run printed; NAN when it printed none */
    int prompt_tokens; /* as rz run printed them; -1 when it printed none */
} rzb_run_memory_figures;

bool rzb_run_memory(const char *rz_bin, const char *model, int n_ctx, int n_gen, int threads,
                    rzb_run_memory_figures *m, char *why, size_t cap);

#endif
