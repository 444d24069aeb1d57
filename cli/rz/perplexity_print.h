/* Output of `rz perplexity`: the final estimate (and KL-divergence statistics) as text laid out
 * like llama.cpp's perplexity tool, as CSV (scope,metric,value,error rows) or as one JSON object.
 * Contract: kld may be NULL (no --kl-divergence); writes to out and returns 0, or -1 when the
 * JSON document cannot be built. */
#ifndef RZ_CLI_PERPLEXITY_PRINT_H
#define RZ_CLI_PERPLEXITY_PRINT_H

#include <stdio.h>

#include "engine/perplexity/kld.h"
#include "engine/perplexity/perplexity.h"

typedef enum { RZ_PPL_TEXT, RZ_PPL_CSV, RZ_PPL_JSON } rz_ppl_format;

typedef struct {
    const char *model, *file, *backend;
    int threads;
    size_t n_tokens; /* tokens in the text; 0 when they came from a KLD base */
    const rz_ppl_result *result;
    const rz_kld_summary *kld;
} rz_ppl_report;

int rz_ppl_print(FILE *out, rz_ppl_format format, const rz_ppl_report *r);

#endif
