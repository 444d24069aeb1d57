#include "claims/workloads/run_memory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/subprocess.h"

#define SENTENCE "The quick brown fox jumps over the lazy dog. "

bool rzb_run_memory(const char *rz_bin, const char *model, int n_ctx, int n_gen, int threads,
                    rzb_run_memory_figures *m, char *why, size_t cap) {
    char ctx[16], gen[16], thr[16];
    snprintf(ctx, sizeof ctx, "%d", n_ctx);
    snprintf(gen, sizeof gen, "%d", n_gen);
    snprintf(thr, sizeof thr, "%d", threads);
    char *argv[] = {(char *)rz_bin,
                    "run",
                    (char *)model,
                    "-p",
                    SENTENCE SENTENCE SENTENCE,
                    "-n",
                    gen,
                    "--ctx",
                    ctx,
                    "--temp",
                    "0",
                    "-t",
                    thr,
                    NULL};
    rzb_child c;
    if (!rzb_child_start_rss(argv, NULL, &c, why, cap)) return false;
    free(rzb_child_read_all(&c));
    char tail[2048];
    const int status = rzb_child_finish(&c, tail, sizeof tail);
    m->peak_rss_kib = c.peak_rss_kib;
    if (status != 0) {
        snprintf(why, cap, "rz run exited with status %d: %.900s", status, tail);
        return false;
    }
    const char *rss = strstr(tail, "memory: peak RSS ");
    const char *prompt = strstr(tail, "prompt: ");
    m->self_mib = NAN;
    m->prompt_tokens = -1;
    if (rss) sscanf(rss, "memory: peak RSS %lf", &m->self_mib);
    if (prompt) sscanf(prompt, "prompt: %d", &m->prompt_tokens);
    return true;
}
