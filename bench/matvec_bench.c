/* matvec_bench: decode matvec bandwidth. For each weight type and a 2048x2048 and a 5632x2048
 * matrix it times rz_matvec_mt (active backend, or RZ_BACKEND) on 1 and 2 threads, cycling
 * through enough copies of the matrix (working_set bytes) that the weights stream from DRAM as in
 * decode, and reports GB/s of weight bytes read and the percentage of a STREAM-like triad
 * (a[i] = b[i] + s*c[i] on doubles, 3 * 8 bytes per element) measured in the same run with the
 * same threads. Each figure is the best of ROUNDS rounds. Threads are not pinned; the 1-minute
 * load average is printed before and after, with a warning when other work shared the CPU.
 * Usage: matvec_bench [--hot] [--cpu-time] [--packed] [type ...] (default: every type with a
 * dot kernel). --packed times the packed layout a loaded model decodes with (backends/pack.h),
 * for the types that have one. --hot keeps one copy, so the weights come from cache: the kernels'
 * compute speed, not a bandwidth. --cpu-time divides the process CPU time by the thread count
 * instead of reading the wall clock: on a shared machine it leaves out the time other processes
 * took the cores (not their memory traffic); on an idle machine both agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/backend.h"
#include "backends/matvec_threads.h"
#include "backends/pack.h"
#include "backends/vec_dot.h"
#include "engine/core/pool.h"

enum { ROUNDS = 5, TRIAD_N = 32 << 20, HOT_REPS = 200 };
static size_t working_set = (size_t)768 << 20;
static int cpu_time, packed;

/* Seconds on the wall clock, or process CPU seconds per thread of the pool with --cpu-time. */
static double now(const rz_pool *pool) {
    struct timespec ts;
    clock_gettime(cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    const double s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    return cpu_time ? s / rz_pool_size(pool) : s;
}

typedef struct {
    double *a, *b, *c;
    int64_t n;
} triad_job;

static void triad_part(void *ctx, int i, int n) {
    const triad_job *t = ctx;
    const int64_t lo = t->n * i / n, hi = t->n * (i + 1) / n;
    for (int64_t k = lo; k < hi; k++)
        t->a[k] = t->b[k] + 3.0 * t->c[k];
}

/* The triad arrays, allocated and touched once. */
static triad_job triad_new(void) {
    triad_job t = {malloc(TRIAD_N * sizeof(double)), malloc(TRIAD_N * sizeof(double)),
                   malloc(TRIAD_N * sizeof(double)), TRIAD_N};
    if (!t.a || !t.b || !t.c) {
        fprintf(stderr, "matvec_bench: out of memory for the triad\n");
        exit(1);
    }
    for (int64_t k = 0; k < TRIAD_N; k++)
        t.a[k] = 0, t.b[k] = 1, t.c[k] = 2;
    return t;
}

/* One triad pass on the pool's threads, in GB/s (3 * 8 bytes per element, as STREAM counts). */
static double triad(rz_pool *pool, triad_job *t) {
    double t0 = now(pool);
    rz_pool_run(pool, triad_part, t);
    return 3.0 * 8 * TRIAD_N / (now(pool) - t0) / 1e9;
}

/* Random weights for one matrix: quantized gaussian-ish floats. */
static void fill(uint32_t type, uint8_t *w, int64_t rows, int64_t cols) {
    float *f = malloc((size_t)cols * sizeof *f);
    uint64_t s = 88172645463325252ull;
    const rz_type_traits *t = rz_type_get(type);
    uint64_t row_bytes;
    rz_type_row_bytes(type, (uint64_t)cols, &row_bytes);
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t c = 0; c < cols; c++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            f[c] = (float)((int64_t)(s >> 40) - (1 << 23)) * 0x1p-23f;
        }
        t->from_float(f, w + (size_t)r * row_bytes, cols);
    }
    free(f);
}

/* Best weight bandwidth in GB/s of rz_matvec_mt over ROUNDS rounds of reps calls, cycling
 * through the copies; a triad pass before each round, its best in *bw (same threads, same
 * moment, so the ratio holds even when other work shares the machine). */
static double matvec(const rz_backend *be, rz_pool *pool, triad_job *t, double *bw, uint32_t type,
                     const uint8_t *w, size_t bytes, size_t stride, int copies, int reps,
                     int64_t rows, int64_t cols) {
    float *x = malloc((size_t)cols * sizeof *x), *y = malloc((size_t)rows * sizeof *y);
    for (int64_t c = 0; c < cols; c++)
        x[c] = (float)(c % 17) * 0.1f - 0.8f;
    double best = 0;
    *bw = 0;
    for (int r = 0; r < ROUNDS; r++) {
        const double tb = triad(pool, t);
        *bw = tb > *bw ? tb : *bw;
        double t0 = now(pool);
        for (int k = 0; k < reps; k++)
            rz_matvec_mt(be, pool, type, w + (size_t)(k % copies) * stride, x, y, rows, cols);
        double gbs = (double)bytes * reps / (now(pool) - t0) / 1e9;
        best = gbs > best ? gbs : best;
    }
    free(x);
    free(y);
    return best;
}

/* Bytes of a row of cols elements of file type `type`. */
static size_t file_row_bytes(uint32_t type, int64_t cols) {
    uint64_t bytes = 0;
    rz_type_row_bytes(type, (uint64_t)cols, &bytes);
    return (size_t)bytes;
}

/* The type the bench times for file type `type`: its packed type with --packed, when it has one
 * and the active backend a kernel for it (as a model load decides: packed bf16 needs AMX). */
static uint32_t matrix_type(uint32_t type) {
    const int p = rz_pack_type_of(type);
    return packed && p >= 0 && rz_vec_kernel_for(rz_backend_active(), (uint32_t)p)->gemm
               ? (uint32_t)p
               : type;
}

/* A DRAM figure above the triad's is above the physical bound: a measurement problem. */
static const char *over(size_t from_dram, double gbs, double triad_gbs) {
    return from_dram && gbs > triad_gbs ? " (above triad: suspect)" : "";
}

/* The 1-minute load average, and a warning when the machine was busy (2 cores here). */
static void report_load(const char *when) {
    double load[1];
    if (getloadavg(load, 1) != 1) return;
    printf("%sload average %s: %.2f%s\n", *when == 'a' ? "\n" : "", when, load[0],
           load[0] > 0.5 ? " (WARNING: other processes were running; figures are unreliable)" : "");
}

int main(int argc, char **argv) {
    static const uint32_t all[] = {RZ_TYPE_Q4_0, RZ_TYPE_Q4_1, RZ_TYPE_Q5_0, RZ_TYPE_Q5_1,
                                   RZ_TYPE_Q8_0, RZ_TYPE_Q4_K, RZ_TYPE_Q5_K, RZ_TYPE_Q6_K,
                                   RZ_TYPE_F16,  RZ_TYPE_BF16, RZ_TYPE_F32};
    uint32_t types[16];
    int n_types = 0;
    for (int i = 1; i < argc && n_types < 16; i++) {
        if (!strcmp(argv[i], "--hot")) {
            working_set = 0;
            continue;
        }
        if (!strcmp(argv[i], "--cpu-time")) {
            cpu_time = 1;
            continue;
        }
        if (!strcmp(argv[i], "--packed")) {
            packed = 1;
            continue;
        }
        int t = rz_type_from_name(argv[i]);
        if (t < 0 || rz_vec_dot_type((uint32_t)t) < 0) {
            fprintf(stderr, "matvec_bench: no dot kernel for type '%s'\n", argv[i]);
            return 2;
        }
        types[n_types++] = (uint32_t)t;
    }
    if (!n_types)
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            types[n_types++] = all[i];
    rz_error err;
    if (rz_backend_select(NULL, &err) != RZ_OK) {
        fprintf(stderr, "matvec_bench: %s\n", err.msg);
        return 1;
    }
    const rz_backend *be = rz_backend_active();
    report_load("before");
    rz_pool *pools[2];
    for (int p = 0; p < 2; p++) {
        if (rz_pool_new(p + 1, &pools[p], &err) != RZ_OK) {
            fprintf(stderr, "matvec_bench: %s\n", err.msg);
            return 1;
        }
    }
    triad_job tj = triad_new();
    printf(
        "backend %s; weights: %s; best of %d rounds, each after a triad pass on the same threads; %s\n\n",
        be->name, working_set ? "a 768 MiB working set, from DRAM" : "hot in cache", ROUNDS,
        cpu_time ? "CPU time per thread" : "wall clock");
    printf(
        "| type | rows x cols | MB | 1T GB/s | 1T triad | 1T %% | 2T GB/s | 2T triad | 2T %% |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    static const int64_t shapes[2][2] = {{2048, 2048}, {5632, 2048}};
    for (int ti = 0; ti < n_types; ti++) {
        for (int s = 0; s < 2; s++) {
            const int64_t rows = shapes[s][0], cols = shapes[s][1];
            const uint32_t type = matrix_type(types[ti]);
            uint8_t *src = malloc(file_row_bytes(types[ti], cols) * (size_t)rows);
            size_t row_bytes;
            if (type == types[ti])
                row_bytes = file_row_bytes(type, cols);
            else
                rz_pack_row_bytes(type, cols, &row_bytes);
            const size_t bytes = row_bytes * (size_t)rows, stride = (bytes + 63) / 64 * 64;
            const int copies = working_set ? (int)((working_set + bytes - 1) / bytes) : 1;
            uint8_t *w = aligned_alloc(64, stride * (size_t)copies);
            if (!w || !src) {
                fprintf(stderr, "matvec_bench: out of memory\n");
                return 1;
            }
            fill(types[ti], src, rows, cols);
            if (type == types[ti])
                memcpy(w, src, bytes);
            else
                rz_pack_rows(types[ti], src, rows, cols, w);
            free(src);
            for (int k = 1; k < copies; k++)
                memcpy(w + (size_t)k * stride, w, bytes);
            double g[2], bw[2];
            for (int p = 0; p < 2; p++)
                g[p] = matvec(be, pools[p], &tj, &bw[p], type, w, bytes, stride, copies,
                              working_set ? copies : HOT_REPS, rows, cols);
            printf(
                "| %s%s | %lldx%lld | %.2f | %.1f | %.1f | %.0f%%%s | %.1f | %.1f | %.0f%%%s |\n",
                rz_type_get(types[ti])->name, type != types[ti] ? " packed" : "", (long long)rows,
                (long long)cols, bytes / 1e6, g[0], bw[0], 100 * g[0] / bw[0],
                over(working_set, g[0], bw[0]), g[1], bw[1], 100 * g[1] / bw[1],
                over(working_set, g[1], bw[1]));
            fflush(stdout);
            free(w);
        }
    }
    rz_pool_free(pools[0]);
    rz_pool_free(pools[1]);
    free(tj.a);
    free(tj.b);
    free(tj.c);
    report_load("after");
    return 0;
}
