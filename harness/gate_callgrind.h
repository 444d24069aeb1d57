/* rzb_gw_callgrind: the valgrind path of `rzbench workload --metric instructions`. The workload
 * process runs itself again under `valgrind --tool=callgrind --instr-atstart=no` (the inner run,
 * marked by RZB_GW_INNER in its environment) and reads the count back. */
#ifndef RZB_GATE_CALLGRIND_H
#define RZB_GATE_CALLGRIND_H

#include <stdbool.h>
#include <stddef.h>

#define RZB_GW_INNER "RZB_GW_INNER"

/* Runs self_argv (this program's argv[0] replaced by its own executable) under callgrind and
 * returns the region's count: the inner run's reported count when it gives one (a server
 * workload), else the total Ir of its callgrind output; `backend` gets the kernels the inner run
 * chose under valgrind's CPU. */
bool rzb_gw_callgrind_outer(char *const self_argv[], double *count, char *backend,
                            size_t backend_cap, char *why, size_t cap);

/* The one line the inner run prints on stdout for the outer one. count < 0: none (the outer run
 * reads callgrind's output). */
void rzb_gw_callgrind_inner_reply(const char *backend, double count);

#endif
