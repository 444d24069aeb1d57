/* Why: the one place the harness (harness/, claims/, cli/rzbench) turns an engine failure into
 * its own. The engine reports rz_status plus an rz_error; the harness reports false plus a
 * one-line reason in the caller's buffer (char *why, size_t cap).
 * Contract: rzb_why_rz writes "CONTEXT: MSG" into why, where CONTEXT is fmt formatted with its
 * arguments and MSG is err->msg, or MSG alone when fmt is NULL. The line is cut to cap - 1 bytes
 * and always terminated; with cap 0 nothing is written and why may be NULL. err must not be NULL.
 * It always returns false, so that a caller can `return rzb_why_rz(why, cap, &err, ...);`. */
#ifndef RZB_WHY_H
#define RZB_WHY_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"

bool rzb_why_rz(char *why, size_t cap, const rz_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
