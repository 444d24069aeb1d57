#include "harness/gate_measure.h"

#include <stdio.h>
#include <unistd.h>

#include "harness/timer.h"

static rzb_gw_status open_job(const rzb_gw_job *j, int measured, void **state, char *why,
                              size_t cap) {
    return j->w->open(state, &j->env, j->size.units, j->size.warmup + measured, why, cap);
}

static bool run_samples(const rzb_gw_job *j, void *state, int n, char *why, size_t cap) {
    for (int i = 0; i < n; i++)
        if (!j->w->sample(state, why, cap)) return false;
    return true;
}

rzb_gw_status rzb_gw_time(const rzb_gw_job *j, double *samples, char *why, size_t cap) {
    void *state;
    rzb_gw_status st = open_job(j, j->size.iterations, &state, why, cap);
    if (st) return st;
    bool ok = run_samples(j, state, j->size.warmup, why, cap);
    for (int i = 0; ok && i < j->size.iterations; i++) {
        uint64_t t0 = rz_now_ns();
        ok = j->w->sample(state, why, cap);
        samples[i] = (double)(rz_now_ns() - t0) / j->size.units;
    }
    j->w->close(state);
    return ok ? RZB_GW_OK : RZB_GW_FAILED;
}

rzb_gw_status rzb_gw_count_papi(const rzb_gw_job *j, const rzb_instr_papi *p, double *count,
                                char *why, size_t cap) {
    void *state;
    rzb_gw_status st = open_job(j, j->size.iterations, &state, why, cap);
    if (st) return st;
    bool ok = run_samples(j, state, j->size.warmup, why, cap);
    rzb_instr_region r;
    pid_t pid = j->w->server_pid ? j->w->server_pid(state) : 0;
    if (ok) ok = rzb_instr_papi_start(p, pid, &r, why, cap);
    if (ok) {
        ok = run_samples(j, state, j->size.iterations, why, cap);
        long long n = 0;
        ok = rzb_instr_papi_stop(&r, &n, ok ? why : NULL, cap) && ok;
        *count = (double)n;
    }
    j->w->close(state);
    return ok ? RZB_GW_OK : RZB_GW_FAILED;
}

/* One life of the workload's server under callgrind, `measured` samples after the warmup; *ir
 * gets the server's whole count. */
static rzb_gw_status server_life(const rzb_gw_job *j, int measured, double *ir, char *why,
                                 size_t cap) {
    char out[4096], opt[4200];
    if (!rzb_instr_callgrind_file(out, sizeof out, why, cap)) return RZB_GW_FAILED;
    snprintf(opt, sizeof opt, "--callgrind-out-file=%s", out);
    const char *const wrapper[] = {"valgrind", "-q", "--tool=callgrind", "--trace-children=yes",
                                   opt,        NULL};
    rzb_gw_job life = *j;
    life.env.server_wrapper = wrapper;
    void *state;
    rzb_gw_status st = open_job(&life, measured, &state, why, cap);
    if (!st) {
        bool ok = run_samples(&life, state, life.size.warmup + measured, why, cap);
        life.w->close(state);
        if (!ok || !rzb_instr_callgrind_total(out, ir, why, cap)) st = RZB_GW_FAILED;
    }
    unlink(out);
    return st;
}

rzb_gw_status rzb_gw_count_callgrind(const rzb_gw_job *j, double *count, char *why, size_t cap) {
    if (j->w->server_pid) {
        double without = 0, with = 0;
        rzb_gw_status st = server_life(j, 0, &without, why, cap);
        if (!st) st = server_life(j, j->size.iterations, &with, why, cap);
        if (!st && with <= without) {
            snprintf(why, cap,
                     "rz serve under callgrind: %.0f instructions with the region, %.0f without",
                     with, without);
            st = RZB_GW_FAILED;
        }
        *count = with - without;
        return st;
    }
    void *state;
    rzb_gw_status st = open_job(j, j->size.iterations, &state, why, cap);
    if (st) return st;
    bool ok = run_samples(j, state, j->size.warmup, why, cap);
    if (ok) {
        rzb_instr_callgrind_start();
        ok = run_samples(j, state, j->size.iterations, why, cap);
        rzb_instr_callgrind_stop();
    }
    j->w->close(state);
    return ok ? RZB_GW_OK : RZB_GW_FAILED;
}
