/* rzb_llama_bench: one run of llama.cpp's own llama-bench (`-o json`) and the figures it prints.
 * Contract: a run is one test (one -p, -n, -d, -t and -r value); everything else is llama-bench's
 * default, as its users run it. Nothing here exits or prints. */
#ifndef RZB_LLAMA_BENCH_H
#define RZB_LLAMA_BENCH_H

#include <stdbool.h>
#include <stddef.h>

enum { RZB_LLAMA_BENCH_MAX_SAMPLES = 64 };

typedef struct {
    const char *bin;   /* the llama-bench executable (rzb_llama_tool) */
    const char *model; /* -m */
    int n_prompt;      /* -p */
    int n_gen;         /* -n */
    int n_depth;       /* -d */
    int threads;       /* -t */
    int reps;          /* -r */
} rzb_llama_bench_args;

typedef struct {
    int n_prompt, n_gen, n_depth, n_threads; /* as the JSON reports them */
    size_t n;                                /* samples */
    /* samples_ns[i]: one repetition, the time of n_prompt + n_gen tokens; llama-bench times each
     * repetition after its own warm-up and, for -d, after filling the context to that depth
     * (untimed). */
    double sample_ms[RZB_LLAMA_BENCH_MAX_SAMPLES];
    double token_ms[RZB_LLAMA_BENCH_MAX_SAMPLES]; /* sample_ms[i] / (n_prompt + n_gen) */
    char build_commit[48], cpu_info[128], gpu_info[128], backends[64], model_type[96];
    char cpus[64];     /* the child's Cpus_allowed_list, read back from the kernel ("" if unread) */
    long peak_rss_kib; /* the llama-bench process's own peak resident set (GNU time; -1 unknown) */
} rzb_llama_bench_test;

/* The command line of a run, as a shell would take it. */
const char *rzb_llama_bench_command(const rzb_llama_bench_args *a, char *buf, size_t cap);

/* Parses llama-bench's `-o json` output holding exactly one test; false with the reason. */
bool rzb_llama_bench_parse(const char *json, rzb_llama_bench_test *t, char *why, size_t cap);

/* Runs llama-bench once, started with rzb_child_start on every CPU this process started with
 * (never the measuring thread's pin), and parses what it printed; false with the reason (for a
 * run that cannot start, exits non-zero or dies by a signal: the signal named by
 * rzb_signal_reason, stderr's last line otherwise). */
bool rzb_llama_bench_run(const rzb_llama_bench_args *a, rzb_llama_bench_test *t, char *why,
                         size_t cap);

#endif
