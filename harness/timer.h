/* The harness's timer: rz_now_ns (engine/core/clock.h) and what one reading of it costs. */
#ifndef RZB_TIMER_H
#define RZB_TIMER_H

#include "engine/core/clock.h"

/* Median cost of one rz_now_ns() pair, measured now; per-call samples include it. */
double rzb_timer_overhead_ns(void);

#endif
