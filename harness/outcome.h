/* rzb_outcomes: what a claim or verify report's JSON says about each claim (verdict, ratio, CI,
 * threshold), about the machine (CPU, widest ISA, GPU) and its roofline probes (STREAM
 * triad, FMA peak), with the figures the claims already normalised by those probes ("% of
 * roofline", "% of FMA peak", ...): what `rzbench merge` pools and `rzbench reverify` compares.
 * Contract: a text that is not JSON or not a claim or verify report gives false with the label,
 * the byte offset or what was expected; a figure a report lacks is NaN, never a guess. */
#ifndef RZB_OUTCOME_H
#define RZB_OUTCOME_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/bundle.h"

typedef struct {
    char id[16];
    char verdict[16];
    double ratio, lo, hi; /* the claim-level comparison; NaN when the claim made none */
    double level;         /* the CI's level, e.g. 0.95 */
    double threshold;
} rzb_outcome;

/* A metric normalised by a roofline probe, e.g. "GEMM F32, % of FMA peak" in %. */
typedef struct {
    char claim[16];
    char name[80];
    double value;
    char unit[24];
} rzb_outcome_figure;

typedef struct {
    char cpu[160];
    char isa[16]; /* rzb_bundle_isa of isa_available */
    bool gpu;
    double triad_gbs;  /* the best STREAM triad figure of any claim; NaN: not measured */
    double fma_gflops; /* the best FMA peak of any claim; NaN: not measured */
    rzb_outcome *claims;
    size_t n;
    rzb_outcome_figure *figures;
    size_t n_figures;
} rzb_outcomes;

bool rzb_outcomes_read(const char *text, size_t len, const char *label, rzb_outcomes *o, char *err,
                       size_t cap);

/* The outcomes of a bundle's report (reports/REPORT.json, REPORT from its manifest); the ISA and
 * GPU are the manifest's. */
bool rzb_outcomes_of_bundle(const rzb_bundle *b, rzb_outcomes *o, char *err, size_t cap);

void rzb_outcomes_free(rzb_outcomes *o);

/* The outcome of claim id, or NULL. */
const rzb_outcome *rzb_outcome_find(const rzb_outcomes *o, const char *id);

/* "96.47 [96.08, 96.86] vs 9.6" (ratio, CI, threshold), or "-" without a comparison (o NULL or
 * its ratio NaN). */
const char *rzb_outcome_ratio_text(const rzb_outcome *o, char *buf, size_t cap);

/* The outcome as a JSON object: claim, verdict, ratio, CI, level, threshold (NaN as null). */
cJSON *rzb_outcome_json(const rzb_outcome *o);

/* CSV fields, each followed by ',' or, when last, by '\n': text quoted by libcsv, a number with
 * 9 significant digits (NaN: empty), and an outcome's verdict, ratio, CI low and high (o NULL:
 * four empty fields). */
void rzb_csv_text(FILE *out, const char *s, bool last);
void rzb_csv_number(FILE *out, double v, bool last);
void rzb_outcome_csv(FILE *out, const rzb_outcome *o, bool last);

/* "ISA" or "ISA + GPU" in words, e.g. "AVX-512", "AVX2 + GPU": the hardware class. */
const char *rzb_outcome_class(const char *isa, bool gpu, char *buf, size_t cap);

#endif
