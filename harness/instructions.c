#include "harness/instructions.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <papi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include "harness/counters.h"
#include "harness/subprocess.h"

/* Initialises PAPI (once, whoever does it) with user mode as the domain of new event sets. */
static bool papi_init(char *why, size_t cap) {
    const int current = PAPI_VER_CURRENT;
    int v = PAPI_is_initialized() != PAPI_NOT_INITED ? current : PAPI_library_init(current);
    if (v != current) {
        snprintf(why, cap, "PAPI_library_init failed: %s",
                 v > 0 ? "the library's version differs from its header's" : PAPI_strerror(v));
        return false;
    }
    int rc = PAPI_set_domain(PAPI_DOM_USER);
    if (rc != PAPI_OK) snprintf(why, cap, "PAPI_set_domain(PAPI_DOM_USER): %s", PAPI_strerror(rc));
    return rc == PAPI_OK;
}

static void drop_set(int *set) {
    PAPI_cleanup_eventset(*set);
    PAPI_destroy_eventset(set);
}

/* A running event set counting `code` in user mode on the calling thread (tid 0) or on tid. */
static bool start_set(int code, pid_t tid, int *set, char *why, size_t cap) {
    *set = PAPI_NULL;
    int rc = PAPI_create_eventset(set);
    if (rc != PAPI_OK) {
        snprintf(why, cap, "PAPI_create_eventset: %s", PAPI_strerror(rc));
        return false;
    }
    const char *step = "PAPI_assign_eventset_component";
    rc = PAPI_assign_eventset_component(*set, 0);
    if (rc == PAPI_OK && tid) {
        step = "PAPI_attach";
        rc = PAPI_attach(*set, (unsigned long)tid);
    }
    if (rc == PAPI_OK) {
        step = "PAPI_add_event";
        rc = PAPI_add_event(*set, code);
    }
    if (rc == PAPI_OK) {
        step = "PAPI_start";
        rc = PAPI_start(*set);
    }
    if (rc == PAPI_OK) return true;
    snprintf(why, cap, "%s: %s", step, PAPI_strerror(rc));
    drop_set(set);
    return false;
}

static bool try_event(int code, char *why, size_t cap) {
    int set;
    if (!start_set(code, 0, &set, why, cap)) return false;
    long long v = 0;
    int rc = PAPI_stop(set, &v);
    drop_set(&set);
    if (rc == PAPI_OK && v > 0) return true;
    snprintf(why, cap, "%s", rc != PAPI_OK ? PAPI_strerror(rc) : "it counted 0 instructions");
    return false;
}

static const char native_why[] =
    "PAPI_TOT_INS is not available on this CPU; its native event perf::INSTRUCTIONS is";

bool rzb_instr_papi_find(rzb_instr_papi *p) {
    memset(p, 0, sizeof *p);
    if (!papi_init(p->why, sizeof p->why)) return false;
    char preset[96], native[96];
    if (try_event(PAPI_TOT_INS, preset, sizeof preset)) {
        p->code = PAPI_TOT_INS;
        snprintf(p->event, sizeof p->event, "PAPI_TOT_INS");
        snprintf(p->why, sizeof p->why, "PAPI_TOT_INS is available on this CPU (PAPI %s)",
                 rzb_counters_papi_version());
        return true;
    }
    int code = 0, rc = PAPI_event_name_to_code("perf::INSTRUCTIONS", &code);
    if (rc != PAPI_OK)
        snprintf(native, sizeof native, "%s", PAPI_strerror(rc));
    else if (try_event(code, native, sizeof native)) {
        p->code = code;
        snprintf(p->event, sizeof p->event, "perf::INSTRUCTIONS");
        snprintf(p->why, sizeof p->why, "%s", native_why);
        return true;
    }
    const bool pmu = access("/sys/bus/event_source/devices/cpu", F_OK) == 0;
    snprintf(p->why, sizeof p->why,
             "PAPI cannot count instructions here (PAPI_TOT_INS: %s; perf::INSTRUCTIONS: %s)%s",
             preset, native, pmu ? "" : ": the kernel exposes no hardware PMU (a VM without one)");
    return false;
}

/* The thread ids of pid (/proc/PID/task), at most max; -1 when the directory cannot be read. */
static int threads_of(pid_t pid, pid_t *tids, int max) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; n < max && (e = readdir(d));)
        if (isdigit((unsigned char)e->d_name[0])) tids[n++] = (pid_t)atoi(e->d_name);
    closedir(d);
    return n;
}

bool rzb_instr_papi_start(const rzb_instr_papi *p, pid_t pid, rzb_instr_region *r, char *why,
                          size_t cap) {
    pid_t tids[RZB_INSTR_MAX_THREADS] = {0};
    int n = pid ? threads_of(pid, tids, RZB_INSTR_MAX_THREADS) : 1;
    if (n <= 0) {
        snprintf(why, cap, "cannot list the threads of process %d in /proc", (int)pid);
        return false;
    }
    r->n_sets = 0;
    for (int i = 0; i < n; i++) {
        if (!start_set(p->code, tids[i], &r->sets[r->n_sets], why, cap)) {
            long long ignored;
            rzb_instr_papi_stop(r, &ignored, NULL, 0);
            return false;
        }
        r->n_sets++;
    }
    return true;
}

bool rzb_instr_papi_stop(rzb_instr_region *r, long long *count, char *why, size_t cap) {
    bool ok = true;
    *count = 0;
    for (int i = 0; i < r->n_sets; i++) {
        long long v = 0;
        int rc = PAPI_stop(r->sets[i], &v);
        if (rc != PAPI_OK && ok && why) snprintf(why, cap, "PAPI_stop: %s", PAPI_strerror(rc));
        ok = ok && rc == PAPI_OK;
        *count += v;
        drop_set(&r->sets[i]);
    }
    r->n_sets = 0;
    return ok;
}

bool rzb_instr_under_valgrind(void) {
    return RUNNING_ON_VALGRIND != 0;
}

void rzb_instr_callgrind_start(void) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
}

void rzb_instr_callgrind_stop(void) {
    CALLGRIND_STOP_INSTRUMENTATION;
}

bool rzb_instr_valgrind_version(char *out, size_t cap) {
    char *argv[] = {"valgrind", "--version", NULL};
    uint64_t ns;
    int rc = rzb_time_process(argv, &ns, out, cap);
    out[strcspn(out, "\n")] = 0;
    if (rc == 0 && !strncmp(out, "valgrind", 8)) return true;
    snprintf(out, cap, "%s",
             rc == -2 ? "valgrind is not installed (not found on PATH)"
                      : "`valgrind --version` failed");
    return false;
}

bool rzb_instr_callgrind_file(char *path, size_t cap, char *why, size_t why_cap) {
    const char *dir = getenv("TMPDIR");
    snprintf(path, cap, "%s/rzb-callgrind-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    else
        snprintf(why, why_cap, "cannot create a temporary file %s: %s", path, strerror(errno));
    return fd >= 0;
}

bool rzb_instr_callgrind_total(const char *path, double *ir, char *why, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, cap, "cannot read callgrind's output %s", path);
        return false;
    }
    char line[512];
    bool totals = false, summary = false;
    double t = 0, s = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "totals:", 7)) totals = sscanf(line + 7, "%lf", &t) == 1;
        if (!strncmp(line, "summary:", 8)) summary = sscanf(line + 8, "%lf", &s) == 1;
    }
    fclose(f);
    if (totals || summary) *ir = totals ? t : s;
    if (!totals && !summary)
        snprintf(why, cap, "callgrind's output %s has no \"totals:\" or \"summary:\" line", path);
    return totals || summary;
}
