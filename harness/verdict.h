/* Verdicts: every claim ends in one of four, always with a reason and the numbers behind it. */
#ifndef RZB_VERDICT_H
#define RZB_VERDICT_H

typedef enum {
    RZB_SUPPORTED,    /* the evidence meets the threshold with the stated confidence */
    RZB_FALSIFIED,    /* the evidence contradicts the claim with the stated confidence */
    RZB_INCONCLUSIVE, /* not enough evidence: too few runs, too noisy, CI straddles the threshold */
    RZB_SKIPPED,      /* a requirement is missing: model, baseline, GPU */
} rzb_verdict;

const char *rzb_verdict_name(rzb_verdict v);

#endif
