/* rzb_merge: run bundles from several machines pooled into one report: a claim-by-machine
 * verdict matrix (one row per bundle, one column per claim), each machine's ratios with their
 * CIs, the machines grouped by hardware class (widest ISA, GPU) and by STREAM triad bandwidth,
 * the figures claims normalised by roofline probes, and per claim one sentence of where it holds.
 * Contract: nothing here decides whether bundles of different commits may be pooled: that is the
 * caller's rule, and `mixed` records that they were. */
#ifndef RZB_MERGE_H
#define RZB_MERGE_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/bundle.h"
#include "harness/outcome.h"

/* One bundle: one task on one machine. */
typedef struct {
    char file[256]; /* the bundle's file name, without folders */
    char machine[17];
    char hostname[128];
    char hw_class[32]; /* rzb_outcome_class of the manifest's ISA and GPU */
    char commit[48];
    rzb_outcomes out;
} rzb_merge_row;

typedef struct {
    const char *command;
    rzb_merge_row *rows;
    size_t n_rows;
    char (*claims)[16]; /* every claim of any bundle, in the order first seen */
    size_t n_claims;
    bool mixed; /* the bundles come from more than one rz commit */
} rzb_merge;

/* Adds a checked bundle (see harness/bundle.h) as a row; false with a message when its report
 * cannot be read. */
bool rzb_merge_add(rzb_merge *m, const rzb_bundle *b, char *err, size_t cap);
void rzb_merge_free(rzb_merge *m);

/* "P1: SUPPORTED on 3 AVX-512 hosts, FALSIFIED on 2 AVX2 hosts" (hosts = rows). */
void rzb_merge_sentence(const rzb_merge *m, const char *claim, char *out, size_t cap);

/* The bandwidth group of a triad figure in GB/s, e.g. "20-50 GB/s", or "not measured". */
const char *rzb_merge_bandwidth(double gbs);

bool rzb_merge_md(const rzb_merge *m, FILE *out);
bool rzb_merge_csv(const rzb_merge *m, FILE *out);
bool rzb_merge_json(const rzb_merge *m, FILE *out);
bool rzb_merge_html(const rzb_merge *m, FILE *out);

/* format: "md", "csv" or "json"; false for another or on a stream error. */
bool rzb_merge_print(const rzb_merge *m, const char *format, FILE *out);

/* Writes the four files, DIR/merge.{json,csv,md,html}, each atomically; false with a message naming
 * the path when one cannot be written. */
bool rzb_merge_write(const rzb_merge *m, const char *dir, char *err, size_t cap);

#endif
