#include "harness/gate_callgrind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/instructions.h"
#include "harness/subprocess.h"

enum { MAX_ARGS = 64 };

static const char reply_tag[] = "rzb-callgrind backend=";

void rzb_gw_callgrind_inner_reply(const char *backend, double count) {
    printf("%s%s", reply_tag, backend);
    if (count >= 0) printf(" instructions=%.0f", count);
    printf("\n");
    fflush(stdout);
}

/* Reads the inner run's reply line; *count stays negative when it carries none. */
static bool parse_reply(const char *reply, double *count, char *backend, size_t backend_cap) {
    const char *p = reply ? strstr(reply, reply_tag) : NULL;
    if (!p) return false;
    p += strlen(reply_tag);
    size_t n = strcspn(p, " \n");
    snprintf(backend, backend_cap, "%.*s", (int)n, p);
    *count = -1;
    const char *c = strstr(p, " instructions=");
    if (c && c < p + strcspn(p, "\n")) sscanf(c, " instructions=%lf", count);
    return true;
}

/* Runs argv with RZB_GW_INNER set; its stdout into *reply, its exit status returned. */
static int run_inner(char *const argv[], char **reply, char *tail, size_t tail_cap, char *why,
                     size_t cap) {
    setenv(RZB_GW_INNER, "1", 1);
    rzb_child c;
    bool started = rzb_child_start(argv, NULL, &c, why, cap);
    unsetenv(RZB_GW_INNER);
    if (!started) return -1;
    *reply = rzb_child_read_all(&c);
    return rzb_child_finish(&c, tail, tail_cap);
}

bool rzb_gw_callgrind_outer(char *const self_argv[], double *count, char *backend,
                            size_t backend_cap, char *why, size_t cap) {
    char out[4096], opt[4200];
    if (!rzb_instr_callgrind_file(out, sizeof out, why, cap)) return false;
    snprintf(opt, sizeof opt, "--callgrind-out-file=%s", out);
    char *argv[MAX_ARGS] = {"valgrind", "-q", "--tool=callgrind", "--instr-atstart=no", opt};
    size_t n = 5;
    for (size_t i = 0; self_argv[i] && n + 1 < MAX_ARGS; i++)
        argv[n++] = self_argv[i];
    char *reply = NULL, tail[600] = "";
    int status = run_inner(argv, &reply, tail, sizeof tail, why, cap);
    bool ok = status == 0 && parse_reply(reply, count, backend, backend_cap);
    if (status >= 0 && !ok)
        snprintf(why, cap, "the run under valgrind exited with status %d: %s", status,
                 tail[0] ? tail : "(no error text)");
    if (ok && *count < 0) ok = rzb_instr_callgrind_total(out, count, why, cap);
    if (ok && *count <= 0) {
        snprintf(why, cap, "callgrind counted no instructions in the region (%s)", out);
        ok = false;
    }
    free(reply);
    unlink(out);
    return ok;
}
