/* rzb_sl_rounds: the measurement plan of a serving comparison: rounds at one rate, each target in
 * turn on the same requests, in ABBA order (round r even: targets first to last; odd: last to
 * first), so drift in the machine weighs on every target alike. */
#ifndef RZB_SERVE_LOAD_ROUNDS_H
#define RZB_SERVE_LOAD_ROUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/serve_load_stats.h"
#include "harness/serve_load_target.h"

enum { RZB_SL_MAX_ROUNDS = 64 };

typedef struct {
    rzb_sl_outcome *o; /* every round's outcomes */
    int n, cap;
    double duration_s;                       /* summed over rounds */
    double round_goodput[RZB_SL_MAX_ROUNDS]; /* requests within the SLO per second, per round */
    int good[RZB_SL_MAX_ROUNDS];             /* requests within the SLO, per round */
    double round_s[RZB_SL_MAX_ROUNDS];       /* each round's duration */
    int rounds;
} rzb_sl_cell;

/* Round `round` at `rate`: every target once; cells[t] belongs to targets[t]. Round r's requests
 * at rate x are the spec's with seed spec.seed + r + 1000003 * round(1000 x): the same for every
 * target, new for every rate and round (no prompt cache sees a prompt twice); each target's
 * outcomes are appended to its cell with the round's duration and goodput. */
bool rzb_sl_round(rzb_sl_target *targets, int n_targets, const rzb_sl_spec *spec,
                  const rzb_sl_corpus *corpus, double rate, int round, const rzb_sl_slo *slo,
                  rzb_sl_cell *cells, char *why, size_t cap);

/* Sends one request per target, waits for it and counts it nowhere. */
bool rzb_sl_warm(rzb_sl_target *targets, int n_targets, const rzb_sl_spec *spec,
                 const rzb_sl_corpus *corpus, char *why, size_t cap);

bool rzb_sl_cell_summary(const rzb_sl_cell *c, const rzb_sl_slo *slo, rzb_sl_summary *s);
void rzb_sl_cell_free(rzb_sl_cell *c);

#endif
