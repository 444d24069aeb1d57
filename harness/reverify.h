/* rzb_reverify: a bundle's claims run again on this machine, side by side with the bundle's:
 * per claim both verdicts, ratios and CIs, and "reproduced" (same verdict), "differs", or "not
 * comparable (hardware class differs: avx2 vs avx512)" when the two machines' widest ISA or GPU
 * differ (a claim about speed need not hold on another class of hardware). */
#ifndef RZB_REVERIFY_H
#define RZB_REVERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/outcome.h"

typedef enum { RZB_REPRODUCED, RZB_DIFFERS, RZB_NOT_COMPARABLE } rzb_reverify_status;

typedef struct {
    char claim[16];
    const rzb_outcome *then, *now; /* the bundle's and this run's; NULL when absent */
    rzb_reverify_status status;
} rzb_reverify_row;

typedef struct {
    const char *bundle, *command;
    const char *then_commit, *now_commit; /* they differ only under --allow-mixed */
    const rzb_outcomes *then, *now;
    char then_class[32], now_class[32]; /* "avx512", "avx2+gpu": widest ISA and GPU */
    rzb_reverify_row *rows;
    size_t n;
} rzb_reverify;

/* Fills r->rows (one per claim of the bundle) and the classes; false when memory runs out. */
bool rzb_reverify_judge(rzb_reverify *r);
void rzb_reverify_free(rzb_reverify *r);

/* "reproduced", "differs" or "not comparable (hardware class differs: A vs B)". */
const char *rzb_reverify_status_text(const rzb_reverify *r, const rzb_reverify_row *row, char *buf,
                                     size_t cap);

/* format: md, csv or json. */
bool rzb_reverify_print(const rzb_reverify *r, const char *format, FILE *out);
/* Writes DIR/reverify.{md,csv,json}, each atomically. */
bool rzb_reverify_write(const rzb_reverify *r, const char *dir, char *err, size_t cap);

#endif
